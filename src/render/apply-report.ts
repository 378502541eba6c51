// Renders an apply report: one line per change, each failure's call, resource, code and message
// under it, then Terraform's closing sentence. Symbols are Unicode by default (GitHub logs, step
// summaries and modern terminals show them); `ascii` gives `[ok]` / `[failed]` / `[skipped]`.
import type { ChangeAction, Plan } from '../plan/types.js';
import type { ApplyChangeResult, ApplyReport, ApplyStatus, ApplySummary } from '../apply/types.js';

export interface ApplyTextOptions {
  ascii?: boolean;
}

const SYMBOLS: Record<ApplyStatus, { unicode: string; ascii: string }> = {
  ok: { unicode: '✓', ascii: '[ok]' },
  failed: { unicode: '✗', ascii: '[failed]' },
  skipped: { unicode: '–', ascii: '[skipped]' },
};

const DONE: Record<ChangeAction, string> = {
  create: 'created',
  update: 'updated',
  adopt: 'adopted',
  replace: 'replaced',
  delete: 'destroyed',
  'no-op': 'unchanged',
};

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

export function applySummaryLine(summary: ApplySummary, ok: boolean): string {
  const incomplete = summary.incomplete ? ` (${summary.incomplete} incomplete)` : '';
  const elsewhere = summary.alreadyDone ? ` (${summary.alreadyDone} already done by another run)` : '';
  const counts = `${summary.added} added${incomplete}, ${summary.changed} changed, ${summary.destroyed} destroyed${elsewhere}.`;
  if (ok) return `Apply complete! ${counts}`;
  const problems = [
    `${plural(summary.failed, 'change')} failed`,
    ...(summary.skipped ? [`${summary.skipped} skipped`] : []),
  ];
  return `Apply failed: ${problems.join(', ')}; ${counts}`;
}

function changeLines(result: ApplyChangeResult, ascii: boolean): string[] {
  const symbol = ascii ? SYMBOLS[result.status].ascii : SYMBOLS[result.status].unicode;
  if (result.status === 'ok' && result.alreadyDone)
    return [
      `${symbol} ${result.address}: already done by another run (${result.reason ?? 'it existed as planned; nothing changed'})`,
    ];
  if (result.status === 'ok')
    return [
      `${symbol} ${result.address}: ${DONE[result.action]}${result.reason ? ` (${result.reason})` : ''}`,
    ];
  const dash = ascii ? '-' : '—';
  if (result.status === 'skipped')
    return [
      `${symbol} ${result.address}: ${result.action} skipped ${dash} ${result.reason ?? 'not attempted'}`,
    ];
  const lines = [
    result.incomplete
      ? `${symbol} ${result.address}: created, incomplete ${ascii ? '-' : '—'} plan again to see what is left`
      : `${symbol} ${result.address}: ${result.action} failed`,
  ];
  const e = result.error;
  if (e) {
    lines.push(`    call:     ${e.call}`, `    resource: ${e.resource}`);
    if (e.code) lines.push(`    code:     ${e.code}`);
    lines.push(`    error:    ${e.message}`);
  }
  return lines;
}

export function renderApplyText(report: ApplyReport, options: ApplyTextOptions = {}): string {
  const lines = report.changes.flatMap((c) => changeLines(c, options.ascii ?? false));
  if (lines.length) lines.push('');
  lines.push(applySummaryLine(report.summary, report.ok));
  return lines.join('\n');
}

/** Stable pretty JSON of the report (the CLI's `--format json` and the action's output). */
export function renderApplyJson(report: ApplyReport): string {
  return JSON.stringify(report, null, 2);
}

/** What an apply has done so far, for the report when it runs out of time (CLI and action alike). */
export interface ApplyProgress {
  /** Set once the changes start: before that, nothing was changed. */
  plan?: Plan;
  finished: ApplyChangeResult[];
}

/**
 * Exactly what finished and what did not: a change still in flight may or may not have taken effect
 * (its request was sent), so it is named apart from those never started. `limit` names the setting
 * to raise: `--timeout`, or the action's `the timeout input`.
 */
export function timedOutReport(headline: string, progress: ApplyProgress, limit: string): string {
  const { plan, finished } = progress;
  if (!plan)
    return `${headline} while planning: nothing was changed. Check the endpoints and the network, or raise ${limit}.`;
  const done = new Map(finished.map((r) => [r.address, r]));
  const lines = [
    `${headline}: it stopped waiting after ${finished.length} of ${plan.changes.length} changes.`,
  ];
  if (finished.length) {
    lines.push('Finished:');
    for (const r of finished)
      lines.push(
        `  ${r.status === 'ok' ? 'done' : r.status}: ${r.address}${r.error ? ` (${r.error.call}: ${r.error.message})` : ''}`,
      );
  }
  const open = plan.changes.filter((c) => !done.has(c.address));
  if (open.length) {
    lines.push('Not finished (a change in flight may or may not have taken effect):');
    for (const c of open) lines.push(`  ${c.action} ${c.address}`);
  }
  lines.push('Run plan again to see what is left, then apply the fresh plan.');
  return lines.join('\n');
}
