// The plan as terminal text, in Terraform's shape: one symbol per change kind, attributes indented
// under their resource, destroys and replacements first, then changes that broaden access, then the
// rest, one summary line. New documents are shown whole as apply sends them, deleted ones whole as
// IAM holds them, and a changed policy as structural edits (`~ Statement[0].Action: + "s3:PutObject"`).
// Built line by line into one array (no spreading: a 10,000-binding plan is ~200,000 lines).
import { summaryLine } from '../plan/counts.js';
import type { Change, FieldChange, Plan, RoleUsage } from '../plan/types.js';
import { lastUsedText } from '../plan/role-usage.js';
import type { PolicyDocument } from '../policy/types.js';
import { restartTextLines } from './restarts.js';
import { documentLines, linesDiff, foldUnchanged, type DiffLine, type PolicyEdit } from './policy-diff.js';
import {
  LEGEND,
  SYMBOL,
  destroyedHoldings,
  driftCount,
  fieldDocuments,
  fieldKind,
  fieldOp,
  fieldPolicyEdits,
  groupByRisk,
  isDrift,
  listDiff,
  scalarText,
  shownWarnings,
  type DriftLabels,
} from './present.js';

export interface TextRenderOptions {
  /** ANSI colours (off by default: plans end up in logs and files; see colour.ts for when to ask). */
  color?: boolean;
  /** Which changes undo edits made outside the file (a pull request's plan, or drift mode). */
  drift?: DriftLabels;
}

export const NO_CHANGES_TEXT =
  'No changes. IAM roles, OIDC providers and ServiceAccounts match the bindings file.';

/** Unchanged lines shown around each changed one in a line diff. */
const CONTEXT_LINES = 4;

const ANSI = { green: '32', red: '31', yellow: '33', bold: '1', reset: '0' } as const;
type Colour = keyof typeof ANSI;
type Paint = (text: string, colour: Colour) => string;

function painter(color: boolean): Paint {
  return color ? (text, colour) => `\u001b[${ANSI[colour]}m${text}\u001b[0m` : (text) => text;
}

const OP_COLOUR: Record<string, Colour> = {
  '+': 'green',
  '-': 'red',
  '~': 'yellow',
  '-/+': 'red',
  '±': 'yellow',
};

/** A symbol right-aligned in three columns, coloured by what it does. */
function mark(symbol: string, paint: Paint): string {
  return paint(symbol.padStart(3), OP_COLOUR[symbol] ?? 'yellow');
}

// The counts' one definition lives with the plan; renderers only print it.
export { summaryLine };

/** Scalars and removed/added whole values sit on one line; lists and documents take a block. */
function isInline(field: FieldChange): boolean {
  return fieldKind(field) === 'scalar';
}

function pushLines(out: string[], lines: readonly DiffLine[], indent: string, paint: Paint): void {
  for (const line of lines) {
    const symbol = line.op === ' ' ? ' ' : paint(line.op, OP_COLOUR[line.op]);
    out.push(`${indent}${symbol} ${line.text}`.trimEnd());
  }
}

function pushWhole(out: string[], doc: PolicyDocument, op: '+' | '-', paint: Paint): void {
  pushLines(
    out,
    documentLines(doc).map((text) => ({ op, text })),
    '          ',
    paint,
  );
}

function pushEdit(out: string[], edit: PolicyEdit, paint: Paint): void {
  const tilde = paint('~', 'yellow');
  if (edit.kind === 'value') {
    out.push(`          ${tilde} ${edit.path}: ${paint(edit.op, OP_COLOUR[edit.op])} ${edit.value}`);
  } else if (edit.kind === 'change') {
    out.push(`          ${tilde} ${edit.path}: ${edit.before} -> ${edit.after}`);
  } else {
    out.push(`          ${paint(edit.op, OP_COLOUR[edit.op])} ${edit.path}:`);
    pushLines(
      out,
      edit.lines.map((text) => ({ op: edit.op, text })),
      '              ',
      paint,
    );
  }
}

function pushField(out: string[], change: Change, field: FieldChange, nameWidth: number, paint: Paint): void {
  const op = fieldOp(field);
  const symbol = paint(op, OP_COLOUR[op]);
  const note = field.broadensAccess ? '  # broadens access' : '';
  const kind = fieldKind(field);
  if (kind === 'scalar') {
    const name = field.field.padEnd(nameWidth);
    const value =
      op === '+'
        ? scalarText(field.after)
        : op === '-'
          ? scalarText(field.before)
          : `${scalarText(field.before)} -> ${scalarText(field.after)}`;
    out.push(`      ${symbol} ${name} = ${value}${note}`);
    return;
  }
  out.push(`      ${symbol} ${field.field}${note}`);
  if (kind === 'list') {
    pushLines(out, listDiff(field), '          ', paint);
    return;
  }
  if (kind === 'policy') {
    const docs = fieldDocuments(change, field);
    if (op === '+' && docs.after) pushWhole(out, docs.after, '+', paint);
    else if (op === '-' && docs.before) pushWhole(out, docs.before, '-', paint);
    else for (const edit of fieldPolicyEdits(change, field)) pushEdit(out, edit, paint);
    return;
  }
  const before = field.before === undefined ? [] : documentLines(field.before);
  const after = field.after === undefined ? [] : documentLines(field.after);
  for (const line of foldUnchanged(linesDiff(before, after), CONTEXT_LINES)) {
    if (line.op === 'fold') out.push(`            # (${line.hidden} unchanged lines hidden)`);
    else pushLines(out, [line], '          ', paint);
  }
}

/** Scalar fields line up their `=` with neighbours of the same group (`tags.*`, plain attributes, …). */
function nameWidths(fields: readonly FieldChange[]): number[] {
  const group = (f: FieldChange) => (f.field.includes('.') ? f.field.slice(0, f.field.indexOf('.')) : '');
  const widths = fields.map(() => 0);
  let start = 0;
  while (start < fields.length) {
    let end = start + 1;
    if (isInline(fields[start])) {
      while (end < fields.length && isInline(fields[end]) && group(fields[end]) === group(fields[start]))
        end++;
      let width = 0;
      for (let i = start; i < end; i++) width = Math.max(width, fields[i].field.length);
      for (let i = start; i < end; i++) widths[i] = width;
    }
    start = end;
  }
  return widths;
}

function pushChange(
  out: string[],
  change: Change,
  paint: Paint,
  drift: DriftLabels | undefined,
  usage: ReadonlyMap<string, RoleUsage>,
): void {
  const head = `${mark(SYMBOL[change.action], paint)} ${change.address}`;
  const labels: string[] = [];
  if (change.action === 'adopt') labels.push('(adopt)');
  if (isDrift(drift, change))
    labels.push(paint('# drift: undoes an edit made outside the bindings file', 'yellow'));
  out.push(labels.length ? `${head} ${labels.join(' ')}` : head);
  // Like Terraform's "# forces replacement": why, in words, before the attributes.
  if (change.reason) out.push(`      # ${change.reason}`);
  const used = usage.get(change.address);
  if (used) {
    const line = `      # ${lastUsedText(used)}${used.recent ? ' (within the last 7 days)' : ''}`;
    out.push(used.recent ? paint(line, 'yellow') : line);
  }
  for (const had of destroyedHoldings(change)) out.push(`      # had: ${had}`);
  const widths = nameWidths(change.fields);
  change.fields.forEach((field, i) => pushField(out, change, field, widths[i], paint));
  out.push('');
}

function pushLegend(out: string[], changes: readonly Change[], paint: Paint): void {
  const used = new Set(changes.map((c) => c.action));
  out.push('Resource actions are indicated with the following symbols:');
  for (const [action, words] of LEGEND)
    if (used.has(action)) out.push(`${mark(SYMBOL[action], paint)} ${words}`);
  out.push('');
}

export function renderPlanText(plan: Plan, options: TextRenderOptions = {}): string {
  const paint = painter(options.color ?? false);
  const out: string[] = [
    `Plan ${plan.planId} for ${plan.bindingsFile} (owner "${plan.owner}", AWS account ${plan.accountId})`,
    '',
  ];

  const usage = new Map((plan.roleUsage ?? []).map((u) => [u.address, u]));
  if (plan.changes.length > 0) {
    pushLegend(out, plan.changes, paint);
    const groups = groupByRisk(plan.changes);
    const sections: Array<[string, Change[]]> = [
      ['Changes that destroy or replace resources (access they give goes away):', groups.destroy],
      ['Changes that broaden access:', groups.broadens],
      ['Other changes:', groups.other],
    ];
    const shown = sections.filter(([, changes]) => changes.length > 0);
    for (const [title, changes] of shown) {
      const heading =
        shown.length === 1 && title === 'Other changes:'
          ? 'workload-identity-bindings will perform the following actions:'
          : title;
      out.push(paint(heading, title.startsWith('Changes that destroy') ? 'red' : 'bold'), '');
      for (const change of changes) pushChange(out, change, paint, options.drift, usage);
    }
  }

  const restarts = restartTextLines(plan.restarts);
  if (restarts.length > 0) {
    out.push(paint(restarts[0], 'bold'), ...restarts.slice(1), '');
  }

  const warnings = shownWarnings(plan);
  if (warnings.length > 0) {
    out.push(paint('Warnings:', 'yellow'));
    for (const w of warnings)
      out.push(`  ${paint('!', 'yellow')} ${w.address ? `${w.address}: ` : ''}${w.message}`);
    out.push('');
  }

  const drifted = driftCount(options.drift, plan.changes);
  if (drifted > 0) {
    const what = drifted === 1 ? '1 change undoes edits' : `${drifted} changes undo edits`;
    out.push(paint(`Drift: ${what} made outside this file (marked # drift).`, 'yellow'));
  }

  out.push(
    plan.changes.length > 0
      ? paint(`Plan: ${summaryLine(plan.summary)}.`, 'bold')
      : paint(NO_CHANGES_TEXT, 'green'),
  );
  return `${out.join('\n')}\n`;
}
