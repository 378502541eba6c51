// Renders an apply report: one line per change, each failure's call, resource, code and message
// under it, then Terraform's closing sentence. Symbols are Unicode by default (GitHub logs, step
// summaries and modern terminals show them); `ascii` gives `[ok]` / `[failed]` / `[skipped]`.
import type { ChangeAction } from '../plan/types.js';
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
