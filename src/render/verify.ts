// The verify result: one line per ServiceAccount (✓ with the assumed session and its expiry, or ✗
// with the cause and the fix), the skipped ones, and a summary count — as text for the CLI and as
// Markdown for the action's job summary.
import type { VerifyOutcome, VerifyReport, VerifySkip } from '../verify/types.js';
import { escapeText, inlineCode, tableCell } from './escape.js';

const SKIP_REASON: Record<VerifySkip['reason'], string> = {
  wildcard: 'wildcard subject (no single ServiceAccount to ask a token for)',
  'iam-only': 'IAM-only cluster (kubernetes: false)',
};

const who = (t: { cluster: string; namespace: string; name: string; role: string }): string =>
  `${t.cluster} ${t.namespace}/${t.name} → ${t.role}`;

export function verifyCounts(report: VerifyReport): { passed: number; failed: number; skipped: number } {
  const passed = report.outcomes.filter((o) => o.ok).length;
  return { passed, failed: report.outcomes.length - passed, skipped: report.skipped.length };
}

export function verifySummaryLine(report: VerifyReport): string {
  const { passed, failed, skipped } = verifyCounts(report);
  const n = report.outcomes.length;
  const parts = [`${passed} ✓ assumed`, `${failed} ✗ failed`];
  if (skipped) parts.push(`${skipped} skipped`);
  if (report.notSampled) parts.push(`${report.notSampled} not sampled`);
  return `Verify: ${n} ServiceAccount${n === 1 ? '' : 's'} checked: ${parts.join(', ')}.`;
}

function outcomeLines(o: VerifyOutcome): string[] {
  if (o.ok)
    return [
      `  ✓ ${who(o.target)}: assumed ${o.assumedRoleArn}, credentials until ${o.expiration}`,
      ...(o.annotationUnchecked
        ? [`      note: role-arn annotation not checked: ${o.annotationUnchecked}`]
        : []),
    ];
  return [`  ✗ ${who(o.target)}: ${o.code}: ${o.cause}`, `      fix: ${o.fix}`];
}

export function renderVerifyText(report: VerifyReport): string {
  const lines = [
    `Verifying ${report.outcomes.length} ServiceAccount${report.outcomes.length === 1 ? '' : 's'} (Kubernetes TokenRequest, then STS AssumeRoleWithWebIdentity):`,
    ...report.outcomes.flatMap(outcomeLines),
    ...report.skipped.map((s) => `  - ${who(s)}: skipped, ${SKIP_REASON[s.reason]}`),
    '',
    verifySummaryLine(report),
  ];
  return lines.join('\n');
}

export function renderVerifyMarkdown(report: VerifyReport): string {
  const rows = report.outcomes.map((o) => {
    const sa = `${tableCell(escapeText(o.target.cluster))} | ${tableCell(inlineCode(`${o.target.namespace}/${o.target.name}`))} | ${tableCell(inlineCode(o.target.role))}`;
    return o.ok
      ? `| ✓ | ${sa} | assumed, credentials until ${tableCell(escapeText(o.expiration))}${o.annotationUnchecked ? tableCell(escapeText(` (role-arn annotation not checked: ${o.annotationUnchecked})`)) : ''} |`
      : `| ✗ | ${sa} | ${tableCell(escapeText(`${o.code}: ${o.cause}. Fix: ${o.fix}`))} |`;
  });
  const skipped = report.skipped.map(
    (s) =>
      `| – | ${tableCell(escapeText(s.cluster))} | ${tableCell(inlineCode(`${s.namespace}/${s.name}`))} | ${tableCell(inlineCode(s.role))} | skipped: ${escapeText(SKIP_REASON[s.reason])} |`,
  );
  return [
    '### Verify',
    '',
    '| | Cluster | ServiceAccount | Role | Result |',
    '|---|---|---|---|---|',
    ...rows,
    ...skipped,
    '',
    escapeText(verifySummaryLine(report)),
  ].join('\n');
}
