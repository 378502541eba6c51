// The "Guardrails" section that leads the plan (text and Markdown): violations with the place in the
// bindings file and the rule that caught them, exceptions in use with their reasons, and — when the
// pull request changes the guardrails file — what it relaxes. Pure; every user string is escaped.
import type { GuardrailsChange } from '../guardrails/compare.js';
import type { GuardrailsReport, Violation } from '../guardrails/types.js';
import type { SourceLocation } from '../bindings/types.js';
import { escapeProse, inlineCode, tableCell } from './escape.js';

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

export function locationText(at: SourceLocation): string {
  return `${at.file}:${at.line}:${at.col}`;
}

function ruleWhere(v: Violation): string {
  return v.ruleAt ? locationText(v.ruleAt) : 'built-in default';
}

function counts(report: GuardrailsReport): { errors: number; warnings: number } {
  const errors = report.violations.filter((v) => v.severity === 'error').length;
  return { errors, warnings: report.violations.length - errors };
}

function sourceName(report: GuardrailsReport): string {
  return report.source ?? 'built-in defaults (no guardrails file)';
}

/** One violation as a compiler-style line: `file:line:col: error: [rule] message (rule at …)`. */
export function formatViolation(v: Violation): string {
  return `${locationText(v.at)}: ${v.severity}: [${v.rule}] ${v.message} (rule: ${ruleWhere(v)})`;
}

/** The text section; empty when there is nothing to say. */
export function renderGuardrailsText(
  report: GuardrailsReport,
  changes: readonly GuardrailsChange[] = [],
): string {
  const lines: string[] = [];
  const { errors, warnings } = counts(report);
  if (report.violations.length || report.exempted.length || changes.length) {
    const status = errors
      ? `${plural(errors, 'error')}${warnings ? `, ${plural(warnings, 'warning')}` : ''} — the plan is blocked`
      : warnings
        ? `${plural(warnings, 'warning')}`
        : 'passed';
    lines.push(`Guardrails (${sourceName(report)}${report.strict ? ', strict' : ''}): ${status}`);
    for (const v of report.violations) lines.push(`  ${formatViolation(v)}`);
    for (const v of report.exempted)
      lines.push(`  ${locationText(v.at)}: exempt: [${v.rule}] ${v.message} — exception: ${v.reason}`);
  }
  if (changes.length) {
    lines.push('Guardrails change in this pull request:');
    for (const c of changes) lines.push(`  guardrails change: rule ${c.rule} ${c.kind}: ${c.detail}`);
  }
  for (const note of report.unchecked) lines.push(`  note: ${note}`);
  return lines.join('\n');
}

/** The Markdown section for the top of the comment; [] when there is nothing to say. */
export function renderGuardrailsMarkdown(
  report: GuardrailsReport,
  changes: readonly GuardrailsChange[] = [],
): string[] {
  const lines: string[] = [];
  const relaxed = changes.filter((c) => c.kind !== 'tightened');
  if (changes.length) {
    lines.push(
      relaxed.length ? '> [!CAUTION]' : '> [!NOTE]',
      `> **Guardrails change**: this pull request changes the guardrails file${relaxed.length ? ` and relaxes ${plural(relaxed.length, 'rule')}` : ''}. Its owners must review it.`,
      '',
      ...changes.map(
        (c) =>
          `- guardrails change: rule ${inlineCode(c.rule)} **${c.kind}**: ${escapeProse(c.detail)}${c.at ? ` (${inlineCode(locationText(c.at))})` : ''}`,
      ),
      '',
    );
  }
  const { errors, warnings } = counts(report);
  if (report.violations.length || report.exempted.length) {
    const title = errors
      ? `#### 🛡️ Guardrails: ${plural(errors, 'error')}${warnings ? `, ${plural(warnings, 'warning')}` : ''}`
      : warnings
        ? `#### 🛡️ Guardrails: ${plural(warnings, 'warning')}`
        : `#### 🛡️ Guardrails: passed with ${plural(report.exempted.length, 'exception')}`;
    lines.push(title, '');
    lines.push(
      `Rules from ${inlineCode(sourceName(report))}${report.strict ? ' (strict: warnings count as errors)' : ''}.`,
      '',
    );
    if (report.violations.length) {
      lines.push('| | Where | Rule | Problem |', '|:-:|---|---|---|');
      for (const v of report.violations)
        lines.push(
          `| ${[
            v.severity === 'error' ? '❌' : '⚠️',
            inlineCode(locationText(v.at)),
            `${inlineCode(v.rule)}<br><sub>${escapeProse(ruleWhere(v))}</sub>`,
            escapeProse(v.message),
          ]
            .map(tableCell)
            .join(' | ')} |`,
        );
      lines.push('');
    }
    if (report.exempted.length) {
      lines.push(`${plural(report.exempted.length, 'exception')} in use:`, '');
      for (const v of report.exempted)
        lines.push(`- ${inlineCode(v.rule)} ${escapeProse(v.message)} — exception: ${escapeProse(v.reason)}`);
      lines.push('');
    }
  }
  return lines;
}

/** The comment when guardrails block the plan: no plan and no planId, so there is nothing to approve. */
export function renderGuardrailsBlockedMarkdown(
  report: GuardrailsReport,
  changes: readonly GuardrailsChange[],
  ctx: { bindingsFile: string; headSha?: string },
): string {
  const { errors } = counts(report);
  return [
    `### ❌ workload-identity-bindings: guardrails block the plan for ${inlineCode(ctx.bindingsFile)}`,
    '',
    `${plural(errors, 'guardrail violation')} must be fixed first; no plan is offered for review (there is nothing to approve or apply). Each problem says what to change.`,
    '',
    ...renderGuardrailsMarkdown(report, changes),
    '---',
    `<sub>${ctx.headSha ? `head ${inlineCode(ctx.headSha.slice(0, 12))} · ` : ''}guardrails</sub>`,
    '',
  ].join('\n');
}
