// The plan, validation problems, conflicts and apply results as GitHub-flavoured Markdown for pull
// request comments and job summaries. Pure: plan data in, Markdown out. Destroys and replacements
// lead under a CAUTION banner, then changes that broaden access under a WARNING banner, then the
// rest; every change gets a table row and a ```diff block with the markers in column 0 (GitHub
// colours them): new documents whole as apply sends them, deleted ones whole as IAM holds them, a
// changed one as a line diff without trailing-comma noise. The comment stays inside a character
// budget, and diffs are computed only for what fits. Every string that comes from the bindings file
// or from AWS is escaped (see escape.ts).
import { applySummaryLine } from './apply-report.js';
import type { ApplyChangeResult, ApplyReport } from '../apply/types.js';
import { errorCount, type Diagnostic } from '../bindings/diagnostics.js';
import type { Change, FieldChange, Plan, PlanConflict, RoleUsage } from '../plan/types.js';
import { lastUsedText } from '../plan/role-usage.js';
import { VERSION } from '../support/version.js';
import { fitToBudget, piece, type Piece } from './budget.js';
import { escapeHtml, escapeProse, escapeText, fenceFor, inlineCode, tableCell } from './escape.js';
import { renderBindingGraph } from './mermaid.js';
import { restartMarkdownLines } from './restarts.js';
import { documentLines, foldUnchanged, linesDiff, type DiffLine } from './policy-diff.js';
import {
  SYMBOL,
  broadens,
  destroyHeadline,
  destroyedHoldings,
  fieldDocuments,
  fieldKind,
  fieldOp,
  fieldPolicyLineDiff,
  groupByRisk,
  isDrift,
  listDiff,
  plural,
  scalarText,
  shownWarnings,
  type DriftLabels,
} from './present.js';
import { summaryLine } from './text.js';
import { changedResources } from '../plan/counts.js';

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
  /** Which changes undo edits made outside the file (a pull request's plan, or drift mode). */
  drift?: DriftLabels;
  /** Lines that lead the plan, before the changes: the Guardrails section (render/guardrails.ts). */
  lead?: string[];
  /** Where the full plan is when this one is cut (default: the action's job summary and plan-json output). */
  fullPlanHint?: string;
}

export interface RenderedMarkdown {
  markdown: string;
  /** True when details were left out to stay within the budget. */
  truncated: boolean;
}

/** `<details>` starts open when all diffs together are at most this many lines. */
const OPEN_DETAILS_LINES = 40;
const DETAIL_FIELDS_SHOWN = 4;
/** What a destroyed role had, in its table row (the details block lists all of it). */
const HOLDINGS_SHOWN = 6;
/** Unchanged lines kept around each change in a policy's line diff. */
const CONTEXT_LINES = 3;
/** Drifted addresses listed by name in the drift section. */
const DRIFT_LISTED = 20;

const isPolicyField = (field: FieldChange): boolean => fieldKind(field) === 'policy';

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
  const full = ctx.fullPlanHint ?? `The full plan is in ${where} and in the \`plan-json\` output.`;
  return ['', '> [!NOTE]', `> This plan is too long for one comment, so it was cut here. ${full}`];
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

function holdingsDetail(change: Change): string | undefined {
  const had = destroyedHoldings(change);
  if (had.length === 0) return undefined;
  const shown = had.slice(0, HOLDINGS_SHOWN).map(inlineCode).join(', ');
  return `had ${shown}${had.length > HOLDINGS_SHOWN ? ` and ${had.length - HOLDINGS_SHOWN} more` : ''}`;
}

function changeDetail(change: Change, drift: DriftLabels | undefined, usage: UsageByAddress): string {
  const parts: string[] = [];
  const used = usage.get(change.address);
  if (used) parts.push(`${used.recent ? '⚠️ ' : ''}${escapeText(lastUsedText(used))}`);
  if (isDrift(drift, change)) parts.push('🔁 drift');
  const broad = change.fields.filter((f) => f.broadensAccess);
  if (broad.length > 0) parts.push(`⚠️ broadens access: ${fieldNames(broad)}`);
  if (change.reason) parts.push(escapeText(change.reason));
  const had = holdingsDetail(change);
  if (had) parts.push(had);
  else if (change.action === 'create') parts.push(createdDetail(change));
  else if (change.action !== 'delete') {
    const others = change.fields.filter((f) => !f.broadensAccess);
    if (others.length > 0 && !change.reason)
      parts.push(broad.length > 0 ? `also ${fieldNames(others)}` : fieldNames(others));
  }
  return parts.join('; ');
}

function tableRow(change: Change, drift: DriftLabels | undefined, usage: UsageByAddress): string {
  const cells = [
    inlineCode(SYMBOL[change.action]),
    change.kind,
    inlineCode(change.address),
    changeDetail(change, drift, usage),
  ];
  return `| ${cells.map(tableCell).join(' | ')} |`;
}

type UsageByAddress = ReadonlyMap<string, RoleUsage>;

function changeTable(
  title: string[],
  changes: Change[],
  drift: DriftLabels | undefined,
  usage: UsageByAddress,
): Piece {
  return piece(
    [...title, '', '| | Kind | Address | Detail |', '|:-:|---|---|---|'],
    changes.map((c) => tableRow(c, drift, usage)),
    [''],
  );
}

// ---- the diffs -------------------------------------------------------------------------------

const marked = (lines: readonly DiffLine[]): string[] => lines.map(({ op, text }) => `${op}${text}`);

function foldedLines(lines: readonly DiffLine[]): string[] {
  return foldUnchanged(lines, CONTEXT_LINES).map((line) =>
    line.op === 'fold' ? ` ⋯ ${plural(line.hidden, 'unchanged line')}` : `${line.op}${line.text}`,
  );
}

/** One field in ```diff form: `+`, `-` or a space in column 0 so GitHub colours the line. */
function fieldDiff(change: Change, field: FieldChange): string[] {
  const note = field.broadensAccess ? ' (broadens access)' : '';
  const kind = fieldKind(field);
  if (kind === 'scalar') {
    const lines: string[] = [];
    if (field.before !== undefined) lines.push(`- ${field.field} = ${scalarText(field.before)}`);
    if (field.after !== undefined) lines.push(`+ ${field.field} = ${scalarText(field.after)}${note}`);
    return lines;
  }
  const head = `@@ ${field.field}${note} @@`;
  if (kind === 'list') return [head, ...marked(listDiff(field))];
  const op = fieldOp(field);
  if (isPolicyField(field)) {
    const docs = fieldDocuments(change, field);
    if (op === '+' && docs.after) return [head, ...documentLines(docs.after).map((l) => `+${l}`)];
    if (op === '-' && docs.before) return [head, ...documentLines(docs.before).map((l) => `-${l}`)];
    return [head, ...foldedLines(fieldPolicyLineDiff(change, field))];
  }
  const before = field.before === undefined ? [] : documentLines(field.before);
  const after = field.after === undefined ? [] : documentLines(field.after);
  return [head, ...foldedLines(linesDiff(before, after))];
}

function changeDiff(change: Change): string[] {
  const lines: string[] = [];
  for (const had of destroyedHoldings(change)) lines.push(`- had: ${had}`);
  for (const field of change.fields) for (const line of fieldDiff(change, field)) lines.push(line);
  return lines;
}

function detailsPiece(change: Change, diff: string[], open: boolean, drift: DriftLabels | undefined): Piece {
  const fence = fenceFor(diff);
  const flag = broadens(change) ? ' ⚠️' : '';
  const driftNote = isDrift(drift, change) ? ' 🔁 drift' : '';
  const reason = change.reason ? ` — ${escapeHtml(change.reason)}` : '';
  const summary = `<summary><code>${escapeHtml(SYMBOL[change.action])}</code> ${escapeHtml(change.address)}${flag}${driftNote}${reason}</summary>`;
  return piece([`<details${open ? ' open' : ''}>${summary}`, '', `${fence}diff`], diff, [
    fence,
    '',
    '</details>',
    '',
  ]);
}

/**
 * The details blocks, in risk order, each diff computed only when the budget asks for the next
 * piece. Whether blocks start open needs the total size of small plans only: counting stops at
 * the threshold.
 */
function* detailsSection(ordered: readonly Change[], drift: DriftLabels | undefined): Generator<Piece> {
  const cache = new Map<Change, string[]>();
  const diffOf = (change: Change): string[] => {
    let diff = cache.get(change);
    if (!diff) {
      diff = changeDiff(change);
      cache.set(change, diff);
    }
    return diff;
  };
  let total = 0;
  for (const change of ordered) {
    total += diffOf(change).length;
    if (total > OPEN_DETAILS_LINES) break;
  }
  const open = total <= OPEN_DETAILS_LINES;
  let first = true;
  for (const change of ordered) {
    const diff = diffOf(change);
    cache.delete(change);
    if (diff.length === 0) continue;
    if (first) {
      yield piece(['#### Details', '']);
      first = false;
    }
    yield detailsPiece(change, diff, open, drift);
  }
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
    `### 📝 workload-identity-bindings: ${plural(changedResources(plan.summary), 'change')} for ${file}`,
    '',
    `**Plan:** ${summaryLine(plan.summary)}.`,
    '',
  ];
}

function restartsSection(plan: Plan): Piece[] {
  const { head, rows } = restartMarkdownLines(plan.restarts);
  return rows.length ? [piece(head, rows, [''])] : [];
}

function warningsSection(plan: Plan): Piece[] {
  const warnings = shownWarnings(plan);
  if (warnings.length === 0) return [];
  const items = warnings.map(
    (w) => `- ${w.address ? `${inlineCode(w.address)}: ` : ''}${escapeProse(w.message)}`,
  );
  return [piece(['#### ⚠️ Warnings', ''], items, [''])];
}

function driftSection(plan: Plan, drift: DriftLabels | undefined): Piece[] {
  if (!drift) return [];
  const drifted = plan.changes.filter((c) => isDrift(drift, c));
  if (drifted.length === 0) return [];
  const all = drifted.length === plan.changes.length;
  const intro =
    drift.kind === 'all'
      ? 'Drift mode: every change below undoes an edit made to IAM or the cluster by hand; applying the file puts it back.'
      : `The base branch's bindings file plans ${all ? 'all of these changes' : 'these changes'} too: they are not made by this pull request but undo edits made to IAM or the cluster by hand. Merging applies them.`;
  const listed = drifted
    .slice(0, DRIFT_LISTED)
    .map((c) => `- ${inlineCode(SYMBOL[c.action])} ${inlineCode(c.address)}`);
  if (drifted.length > DRIFT_LISTED)
    listed.push(`- and ${drifted.length - DRIFT_LISTED} more (marked 🔁 drift above)`);
  return [
    piece(
      [
        `#### 🔁 Drift: ${plural(drifted.length, 'change undoes edits', 'changes undo edits')} made outside this file`,
        '',
        intro,
        '',
      ],
      listed,
      [''],
    ),
  ];
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
  const sections: Array<Iterable<Piece>> = ctx.lead?.length ? [[piece([], ctx.lead, [''])]] : [];
  const groups = groupByRisk(plan.changes);
  const usage: UsageByAddress = new Map((plan.roleUsage ?? []).map((u) => [u.address, u]));
  const tables = [groups.destroy, groups.broadens, groups.other].filter((g) => g.length > 0).length;
  if (groups.destroy.length > 0) {
    const n = groups.destroy.length;
    sections.push([
      changeTable(
        [
          '> [!CAUTION]',
          `> **${destroyHeadline(groups.destroy)}**: ${n === 1 ? 'this resource and the access it gives go' : 'these resources and the access they give go'} away. Review ${n === 1 ? 'it' : 'them'} first.`,
        ],
        groups.destroy,
        ctx.drift,
        usage,
      ),
    ]);
  }
  if (groups.broadens.length > 0) {
    const n = groups.broadens.length;
    sections.push([
      changeTable(
        [
          '> [!WARNING]',
          `> **${plural(n, 'change broadens', 'changes broaden')} access**: new subjects, wildcards, issuers or permissions. Review ${n === 1 ? 'it' : 'them'} ${groups.destroy.length > 0 ? 'next' : 'first'}.`,
        ],
        groups.broadens,
        ctx.drift,
        usage,
      ),
    ]);
  }
  if (groups.other.length > 0)
    sections.push([changeTable(tables > 1 ? ['#### Other changes'] : [], groups.other, ctx.drift, usage)]);
  sections.push(driftSection(plan, ctx.drift));
  sections.push(restartsSection(plan));
  sections.push(warningsSection(plan));
  sections.push(detailsSection(groups.destroy.concat(groups.broadens, groups.other), ctx.drift));
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
    `### ❌ workload-identity-bindings: ${plural(errorCount(diagnostics), 'error')} in ${inlineCode(file)}`,
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
      result.incomplete ? '**created, incomplete** (plan again to see what is left)' : undefined,
      `${inlineCode(e.call)} on ${inlineCode(e.resource)}`,
      e.code ? inlineCode(e.code) : undefined,
      escapeProse(e.message),
    ]
      .filter(Boolean)
      .join(': ');
  }
  if (result.alreadyDone)
    return `already done by another run${result.reason ? ` (${escapeText(result.reason)})` : ''}`;
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
  const restarts = restartMarkdownLines(plan.restarts, report.restarts);
  if (report.ok && restarts.rows.length) sections.push([piece(restarts.head, restarts.rows, [''])]);
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
