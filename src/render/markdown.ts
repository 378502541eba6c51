// The plan, validation problems, conflicts and apply results as GitHub-flavoured Markdown for pull
// request comments and job summaries. Pure: plan data in, Markdown out. Changes that broaden access
// lead under a banner, every change gets a table row and a ```diff block with the markers in column 0
// (GitHub colours them), and the whole comment stays inside a character budget. Every string that
// comes from the bindings file or from AWS is escaped (see escape.ts).
import { applySummaryLine } from '../apply/report.js';
import type { ApplyChangeResult, ApplyReport } from '../apply/types.js';
import type { Diagnostic } from '../bindings/diagnostics.js';
import type { Change, ChangeAction, FieldChange, Plan, PlanConflict } from '../plan/types.js';
import { prettyPolicy } from '../policy/normalize.js';
import type { Json, JsonObject } from '../policy/types.js';
import { VERSION } from '../version.js';
import { fitToBudget, piece, type Piece } from './budget.js';
import { escapeHtml, escapeProse, escapeText, fenceFor, inlineCode, tableCell } from './escape.js';
import { diffLines } from './line-diff.js';
import { renderBindingGraph } from './mermaid.js';
import { summaryLine } from './text.js';

/** GitHub refuses comment bodies over 65,536 characters; this leaves room for the marker and slack. */
export const DEFAULT_COMMENT_BUDGET = 50_000;

export interface MarkdownContext {
  bindingsFile: string;
  /** The commit the plan was made for (shown in the footer). */
  headSha?: string;
  /** Where the untruncated plan is (the run's page, whose summary holds it). */
  jobSummaryUrl?: string;
  /** Characters the Markdown may use (default DEFAULT_COMMENT_BUDGET). */
  budget?: number;
  /** Lines that lead the plan, before the changes: the Guardrails section (render/guardrails.ts). */
  lead?: string[];
}

export interface RenderedMarkdown {
  markdown: string;
  /** True when details were left out to stay within the budget. */
  truncated: boolean;
}

const SYMBOL: Record<ChangeAction, string> = {
  create: '+',
  update: '~',
  replace: '-/+',
  delete: '-',
  adopt: '±',
  'no-op': ' ',
};

/** `<details>` starts open when all diffs together are at most this many lines. */
const OPEN_DETAILS_LINES = 40;
const DETAIL_FIELDS_SHOWN = 4;

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isPolicyField(field: FieldChange): boolean {
  return field.field === 'trustPolicy' || field.field.startsWith('inlinePolicies.');
}

function broadens(change: Change): boolean {
  return change.fields.some((f) => f.broadensAccess);
}

/** A link only to an http(s) URL, with characters that could end the link target percent-encoded. */
function safeLink(text: string, url: string): string {
  if (!/^https?:\/\/[^\s]+$/i.test(url)) return text;
  const target = url.replace(
    /[()<>"'`\\[\]]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
  );
  return `[${text}](${target})`;
}

function footer(parts: Array<string | undefined>): string[] {
  const shown = parts.filter((p): p is string => p !== undefined);
  return [
    '',
    '---',
    `<sub>${[...shown, `workload-identity-bindings ${escapeText(VERSION)}`].join(' · ')}</sub>`,
  ];
}

function planFooter(plan: Plan, ctx: MarkdownContext): string[] {
  return footer([
    `plan ${inlineCode(plan.planId)}`,
    ctx.headSha ? `head ${inlineCode(ctx.headSha.slice(0, 12))}` : undefined,
    `owner ${inlineCode(plan.owner)}`,
    `AWS account ${inlineCode(plan.accountId)}`,
  ]);
}

function truncationNotice(ctx: MarkdownContext): string[] {
  const where = ctx.jobSummaryUrl
    ? `the ${safeLink('job summary', ctx.jobSummaryUrl)} of this run`
    : "this run's job summary";
  return [
    '',
    '> [!NOTE]',
    `> This plan is too long for one comment, so it was cut here. The full plan is in ${where} and in the \`plan-json\` output.`,
  ];
}

// ---- the table -------------------------------------------------------------------------------

function fieldNames(fields: FieldChange[]): string {
  const names = fields.slice(0, DETAIL_FIELDS_SHOWN).map((f) => inlineCode(f.field));
  const more = fields.length - DETAIL_FIELDS_SHOWN;
  return more > 0 ? `${names.join(', ')} and ${more} more` : names.join(', ');
}

function createdDetail(change: Change): string {
  if (change.kind === 'role' && change.after) {
    const role = change.after;
    const inline = Object.keys(role.inlinePolicies).length;
    return [
      plural(role.subjects.length, 'subject'),
      plural(role.managedPolicies.length, 'managed policy', 'managed policies'),
      plural(inline, 'inline policy', 'inline policies'),
    ].join(', ');
  }
  if (change.kind === 'service-account' && change.after) {
    return `assumes ${inlineCode(change.after.role)}${change.created ? '' : ' (annotates an existing ServiceAccount)'}`;
  }
  if (change.kind === 'oidc-provider' && change.after) {
    return `audiences ${change.after.clientIds.map(inlineCode).join(', ')}`;
  }
  return fieldNames(change.fields);
}

function changeDetail(change: Change): string {
  const parts: string[] = [];
  const broad = change.fields.filter((f) => f.broadensAccess);
  if (broad.length > 0) parts.push(`⚠️ broadens access: ${fieldNames(broad)}`);
  if (change.reason) parts.push(escapeText(change.reason));
  else if (change.action === 'create') parts.push(createdDetail(change));
  else if (change.action !== 'delete') {
    const others = change.fields.filter((f) => !f.broadensAccess);
    if (others.length > 0) parts.push(broad.length > 0 ? `also ${fieldNames(others)}` : fieldNames(others));
  }
  return parts.join('; ');
}

function tableRow(change: Change): string {
  const cells = [
    inlineCode(SYMBOL[change.action]),
    change.kind,
    inlineCode(change.address),
    changeDetail(change),
  ];
  return `| ${cells.map(tableCell).join(' | ')} |`;
}

function changeTable(title: string[], changes: Change[]): Piece {
  return piece([...title, '', '| | Kind | Address | Detail |', '|:-:|---|---|---|'], changes.map(tableRow), [
    '',
  ]);
}

// ---- the diffs -------------------------------------------------------------------------------

function valueLines(field: FieldChange, value: Json | undefined): string[] {
  if (value === undefined) return [];
  if (isPolicyField(field) && isObject(value)) return prettyPolicy(value).split('\n');
  if (Array.isArray(value)) return value.map((v) => JSON.stringify(v));
  return JSON.stringify(value, null, 2).split('\n');
}

/** One field in ```diff form: `+`, `-` or a space in column 0 so GitHub colours the line. */
function fieldDiff(field: FieldChange): string[] {
  const note = field.broadensAccess ? ' (broadens access)' : '';
  const isBlock = [field.before, field.after].some((v) => Array.isArray(v) || isObject(v));
  if (!isBlock) {
    const lines: string[] = [];
    if (field.before !== undefined) lines.push(`- ${field.field} = ${JSON.stringify(field.before)}`);
    if (field.after !== undefined) lines.push(`+ ${field.field} = ${JSON.stringify(field.after)}${note}`);
    return lines;
  }
  const before = valueLines(field, field.before);
  const after = valueLines(field, field.after);
  const lines =
    Array.isArray(field.before) || Array.isArray(field.after)
      ? [...new Set([...before, ...after])].sort().map((text) => ({
          op: !before.includes(text) ? '+' : !after.includes(text) ? '-' : ' ',
          text,
        }))
      : diffLines(before.join('\n'), after.join('\n'));
  return [`@@ ${field.field}${note} @@`, ...lines.map(({ op, text }) => `${op}${text}`)];
}

function changeDiff(change: Change): string[] {
  return change.fields.flatMap(fieldDiff);
}

function detailsPiece(change: Change, diff: string[], open: boolean): Piece {
  const fence = fenceFor(diff);
  const flag = broadens(change) ? ' ⚠️' : '';
  const reason = change.reason ? ` — ${escapeHtml(change.reason)}` : '';
  const summary = `<summary><code>${escapeHtml(SYMBOL[change.action])}</code> ${escapeHtml(change.address)}${flag}${reason}</summary>`;
  return piece([`<details${open ? ' open' : ''}>${summary}`, '', `${fence}diff`], diff, [
    fence,
    '',
    '</details>',
    '',
  ]);
}

// ---- plan --------------------------------------------------------------------------------------

function planHead(plan: Plan, ctx: MarkdownContext): string[] {
  const file = inlineCode(ctx.bindingsFile);
  if (plan.changes.length === 0) {
    return [
      `### ✅ workload-identity-bindings: no changes for ${file}`,
      '',
      'IAM roles, OIDC providers and ServiceAccounts match the bindings file.',
      '',
    ];
  }
  return [
    `### 📝 workload-identity-bindings: ${plural(plan.changes.length, 'change')} for ${file}`,
    '',
    `**Plan:** ${summaryLine(plan.summary)}.`,
    '',
  ];
}

function warningsSection(plan: Plan): Piece[] {
  if (plan.warnings.length === 0) return [];
  const items = plan.warnings.map(
    (w) => `- ${w.address ? `${inlineCode(w.address)}: ` : ''}${escapeProse(w.message)}`,
  );
  return [piece(['#### ⚠️ Warnings', ''], items, [''])];
}

function graphSection(plan: Plan): Piece[] {
  const graph = renderBindingGraph(plan.changes);
  if (graph.kind === 'empty') return [];
  if (graph.kind === 'too-large') {
    return [
      piece([`<sub>The binding graph is left out: ${graph.nodes} nodes are too many to draw.</sub>`, '']),
    ];
  }
  const lines = graph.source.split('\n');
  const fence = fenceFor(lines);
  return [
    piece([
      '<details><summary>Graph: ServiceAccount → role → policies</summary>',
      '',
      `${fence}mermaid`,
      ...lines,
      fence,
      '',
      '</details>',
      '',
    ]),
  ];
}

/** The plan comment, cut to the budget when needed (and then says so). */
export function renderPlanMarkdownDocument(plan: Plan, ctx: MarkdownContext): RenderedMarkdown {
  const sections: Piece[][] = ctx.lead?.length ? [[piece([], ctx.lead, [''])]] : [];
  const broadening = plan.changes.filter(broadens);
  const others = plan.changes.filter((c) => !broadens(c));
  if (broadening.length > 0) {
    sections.push([
      changeTable(
        [
          '> [!WARNING]',
          `> **${plural(broadening.length, 'change broadens', 'changes broaden')} access**: new subjects, wildcards, issuers or permissions. Review ${broadening.length === 1 ? 'it' : 'them'} first.`,
        ],
        broadening,
      ),
    ]);
  }
  if (others.length > 0)
    sections.push([changeTable(broadening.length > 0 ? ['#### Other changes'] : [], others)]);
  sections.push(warningsSection(plan));

  const diffs = [...broadening, ...others]
    .map((change) => ({ change, diff: changeDiff(change) }))
    .filter((d) => d.diff.length);
  const open = diffs.reduce((n, d) => n + d.diff.length, 0) <= OPEN_DETAILS_LINES;
  if (diffs.length > 0) {
    sections.push([piece(['#### Details', '']), ...diffs.map((d) => detailsPiece(d.change, d.diff, open))]);
  }
  sections.push(graphSection(plan));

  return fitToBudget(
    { head: planHead(plan, ctx), sections, foot: planFooter(plan, ctx), notice: truncationNotice(ctx) },
    ctx.budget ?? DEFAULT_COMMENT_BUDGET,
  );
}

export function renderPlanMarkdown(plan: Plan, ctx: MarkdownContext): string {
  return renderPlanMarkdownDocument(plan, ctx).markdown;
}

// ---- validation, conflicts, stale plans -------------------------------------------------------

export interface ProblemContext {
  bindingsFile?: string;
  headSha?: string;
  budget?: number;
}

function problemFooter(ctx: ProblemContext): string[] {
  return footer([ctx.headSha ? `head ${inlineCode(ctx.headSha.slice(0, 12))}` : undefined]);
}

/** The failing comment for an invalid bindings file: every problem with its file:line:col. */
export function renderValidationMarkdown(
  diagnostics: readonly Diagnostic[],
  ctx: ProblemContext = {},
): string {
  const errors = diagnostics.filter((d) => d.severity === 'error');
  const warnings = diagnostics.filter((d) => d.severity === 'warning');
  const file = ctx.bindingsFile ?? diagnostics[0]?.file ?? 'the bindings file';
  const row = (d: Diagnostic) =>
    `| ${[inlineCode(`${d.file}:${d.line}:${d.col}`), escapeProse(d.message)].map(tableCell).join(' | ')} |`;
  const sections: Piece[][] = [[piece(['| Where | Problem |', '|---|---|'], errors.map(row), [''])]];
  if (warnings.length > 0)
    sections.push([
      piece(['#### Warnings', '', '| Where | Problem |', '|---|---|'], warnings.map(row), ['']),
    ]);
  const head = [
    `### ❌ workload-identity-bindings: ${plural(errors.length, 'error')} in ${inlineCode(file)}`,
    '',
    'Nothing was planned: the bindings file must be valid first. Each problem says what to write instead.',
    '',
  ];
  const notice = ['', `> [!NOTE]`, `> More problems are listed in this run's annotations and log.`];
  return fitToBudget(
    { head, sections, foot: problemFooter(ctx), notice },
    ctx.budget ?? DEFAULT_COMMENT_BUDGET,
  ).markdown;
}

/** The failing comment when resources with our names belong to someone else. */
export function renderConflictsMarkdown(
  conflicts: readonly PlanConflict[],
  ctx: ProblemContext = {},
): string {
  const head = [
    `### ❌ workload-identity-bindings: the plan for ${inlineCode(ctx.bindingsFile ?? 'the bindings file')} cannot proceed`,
    '',
    `${plural(conflicts.length, 'resource')} with the names this file uses ${conflicts.length === 1 ? 'is' : 'are'} not managed by it. Nothing will be changed until this is resolved.`,
    '',
  ];
  const rows = conflicts.map(
    (c) => `| ${[inlineCode(c.address), escapeProse(c.message)].map(tableCell).join(' | ')} |`,
  );
  const sections = [[piece(['| Address | Problem |', '|---|---|'], rows, [''])]];
  const notice = ['', '> [!NOTE]', "> More conflicts are listed in this run's log."];
  return fitToBudget(
    { head, sections, foot: problemFooter(ctx), notice },
    ctx.budget ?? DEFAULT_COMMENT_BUDGET,
  ).markdown;
}

export interface StalePlanContext extends MarkdownContext {
  /** The planId of the last plan comment on the merged pull request. */
  reviewedPlanId: string;
  pullNumber: number;
  /** What differs, when the reviewed plan itself is known (planDifference). */
  differences?: string[];
}

/** Apply refused: the plan made now is not the one reviewed on the pull request. */
export function renderStalePlanMarkdown(plan: Plan, ctx: StalePlanContext): string {
  const budget = ctx.budget ?? DEFAULT_COMMENT_BUDGET;
  const head = [
    `### ❌ workload-identity-bindings: not applied — the reviewed plan for ${inlineCode(ctx.bindingsFile)} is stale`,
    '',
    `Pull request #${ctx.pullNumber} was reviewed with plan ${inlineCode(ctx.reviewedPlanId)}, but planning now gives ${inlineCode(plan.planId)}. Nothing was changed.`,
    '',
    'IAM or Kubernetes changed after the review, or the plan comment was not updated for the last commit. Open a pull request (an empty change is enough) to get a fresh plan reviewed, then merge it.',
    '',
  ];
  const differences = ctx.differences?.length
    ? ['#### What differs', '', ...ctx.differences.map((d) => `- ${escapeProse(d)}`), '']
    : [];
  const intro = [...head, ...differences, '#### The plan as of now', ''];
  const rest = Math.max(2_000, budget - intro.join('\n').length);
  return `${intro.join('\n')}\n${renderPlanMarkdown(plan, { ...ctx, budget: rest })}`;
}

// ---- apply -----------------------------------------------------------------------------------

const STATUS: Record<ApplyChangeResult['status'], string> = { ok: '✅', failed: '❌', skipped: '⏭️' };

function applyDetail(result: ApplyChangeResult): string {
  if (result.status === 'failed' && result.error) {
    const e = result.error;
    return [
      `${inlineCode(e.call)} on ${inlineCode(e.resource)}`,
      e.code ? inlineCode(e.code) : undefined,
      escapeProse(e.message),
    ]
      .filter(Boolean)
      .join(': ');
  }
  return result.reason ? escapeText(result.reason) : '';
}

/** The apply result comment: one row per change, failures with the call, resource and code. */
export function renderApplyMarkdown(
  report: ApplyReport,
  plan: Plan,
  ctx: Partial<MarkdownContext> = {},
): string {
  const file = inlineCode(ctx.bindingsFile ?? plan.bindingsFile);
  const title = report.ok
    ? `### ✅ workload-identity-bindings: applied ${file}`
    : `### ❌ workload-identity-bindings: apply of ${file} failed`;
  const head = [title, '', `**${escapeText(applySummaryLine(report.summary, report.ok))}**`, ''];
  const rows = report.changes.map(
    (r) =>
      `| ${[STATUS[r.status], inlineCode(SYMBOL[r.action]), inlineCode(r.address), applyDetail(r)].map(tableCell).join(' | ')} |`,
  );
  const sections = rows.length
    ? [[piece(['| | | Address | Result |', '|:-:|:-:|---|---|'], rows, [''])]]
    : [];
  if (!report.ok) {
    sections.push([
      piece([
        report.changes.some((r) => r.status === 'skipped')
          ? 'Skipped changes depend on a failed one. Fix the cause and re-run: apply converges from any partial state.'
          : 'Fix the cause and re-run: apply converges from any partial state.',
        '',
      ]),
    ]);
  }
  const notice = ['', '> [!NOTE]', "> The full apply report is in this run's log."];
  return fitToBudget(
    {
      head,
      sections,
      foot: planFooter(plan, { bindingsFile: plan.bindingsFile, headSha: ctx.headSha }),
      notice,
    },
    ctx.budget ?? DEFAULT_COMMENT_BUDGET,
  ).markdown;
}
