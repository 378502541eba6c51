// The plan as terminal text, in Terraform's shape: one symbol per change kind, attributes indented
// under their resource, policies as line diffs, changes that broaden access first, one summary line.
// Reviewers read plans fast because they always look the same.
import type { Change, FieldChange, Plan, PlanSummary, ResourceKind } from '../plan/types.js';
import { prettyPolicy } from '../policy/normalize.js';
import type { Json, JsonObject } from '../policy/types.js';
import { diffLines, foldUnchanged, type DiffLine, type FoldedLines } from './line-diff.js';

export interface TextRenderOptions {
  /** ANSI colours (off by default: plans end up in logs and files). */
  color?: boolean;
}

type Action = Change['action'];

export const NO_CHANGES_TEXT =
  'No changes. IAM roles, OIDC providers and ServiceAccounts match the bindings file.';

const SYMBOLS: Record<Exclude<Action, 'no-op'>, string> = {
  create: '  +',
  update: '  ~',
  replace: '-/+',
  delete: '  -',
  adopt: '  ±',
};

const LEGEND: Array<[Exclude<Action, 'no-op'>, string]> = [
  ['create', 'create'],
  ['update', 'update in-place'],
  ['replace', 'destroy and then create replacement'],
  ['delete', 'destroy'],
  ['adopt', 'adopt (start managing an existing resource)'],
];

const KIND_NAMES: Record<ResourceKind, string> = {
  'oidc-provider': 'oidc_provider',
  role: 'role',
  'service-account': 'service_account',
};

/** Unchanged policy lines shown around each changed one. */
const CONTEXT_LINES = 4;

const ANSI = { green: '32', red: '31', yellow: '33', bold: '1', reset: '0' } as const;

type Paint = (text: string, colour: keyof typeof ANSI) => string;

function painter(color: boolean): Paint {
  return color ? (text, colour) => `\u001b[${ANSI[colour]}m${text}\u001b[0m` : (text) => text;
}

function symbolColour(symbol: string): keyof typeof ANSI {
  if (symbol.includes('+') && !symbol.includes('-')) return 'green';
  if (symbol.trim() === '-' || symbol.includes('/')) return 'red';
  return 'yellow';
}

/** `2 to add, 1 to change, 0 to destroy` (plus `, 1 to adopt` when something is adopted). */
export function summaryLine(summary: PlanSummary): string {
  const line = `${summary.add} to add, ${summary.change} to change, ${summary.destroy} to destroy`;
  return summary.adopt > 0 ? `${line}, ${summary.adopt} to adopt` : line;
}

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fieldOp(field: FieldChange): '+' | '-' | '~' {
  if (field.before === undefined) return '+';
  if (field.after === undefined) return '-';
  return '~';
}

function isPolicyField(field: FieldChange): boolean {
  return field.field === 'trustPolicy' || field.field.startsWith('inlinePolicies.');
}

function documentText(field: FieldChange, value: Json | undefined): string {
  if (value === undefined) return '';
  return isPolicyField(field) && isObject(value) ? prettyPolicy(value) : JSON.stringify(value, null, 2);
}

function isBlock(field: FieldChange): boolean {
  return [field.before, field.after].some((v) => Array.isArray(v) || isObject(v));
}

function listLines(field: FieldChange): DiffLine[] {
  const before = Array.isArray(field.before) ? field.before.map((v) => JSON.stringify(v)) : [];
  const after = Array.isArray(field.after) ? field.after.map((v) => JSON.stringify(v)) : [];
  const items = [...new Set([...before, ...after])].sort();
  return items.map((text) => ({
    op: !before.includes(text) ? '+' : !after.includes(text) ? '-' : ' ',
    text,
  }));
}

function statementCount(value: Json | undefined): string {
  const statements = isObject(value) ? value.Statement : undefined;
  const count = Array.isArray(statements) ? statements.length : statements === undefined ? 0 : 1;
  return `<policy document, ${count} statement${count === 1 ? '' : 's'}>`;
}

function renderField(field: FieldChange, nameWidth: number, paint: Paint): string[] {
  const op = fieldOp(field);
  const mark = paint(op, op === '+' ? 'green' : op === '-' ? 'red' : 'yellow');
  const note = field.broadensAccess ? '  # broadens access' : '';
  if (!isBlock(field) || (op === '-' && isPolicyField(field))) {
    // A removed policy is named, not printed: what goes away matters less than what arrives.
    const show = (value: Json | undefined) =>
      isObject(value) ? statementCount(value) : JSON.stringify(value);
    const name = field.field.padEnd(nameWidth);
    const value =
      op === '+'
        ? show(field.after)
        : op === '-'
          ? show(field.before)
          : `${show(field.before)} -> ${show(field.after)}`;
    return [`      ${mark} ${name} = ${value}${note}`];
  }
  const lines: Array<DiffLine | FoldedLines> =
    Array.isArray(field.before) || Array.isArray(field.after)
      ? listLines(field)
      : foldUnchanged(
          diffLines(documentText(field, field.before), documentText(field, field.after)),
          CONTEXT_LINES,
        );
  return [
    `      ${mark} ${field.field}${note}`,
    ...lines.map((line) => {
      if (line.op === 'fold') return `            # (${line.hidden} unchanged lines hidden)`;
      const symbol = line.op === ' ' ? ' ' : paint(line.op, line.op === '+' ? 'green' : 'red');
      return `          ${symbol} ${line.text}`.trimEnd();
    }),
  ];
}

/** Scalar fields line up their `=` with neighbours of the same group (`tags.*`, plain attributes, …). */
function nameWidths(fields: FieldChange[]): number[] {
  const group = (f: FieldChange) => (f.field.includes('.') ? f.field.slice(0, f.field.indexOf('.')) : '');
  const inline = (f: FieldChange) => !isBlock(f) || (fieldOp(f) === '-' && isPolicyField(f));
  const widths = fields.map(() => 0);
  let start = 0;
  while (start < fields.length) {
    let end = start + 1;
    if (inline(fields[start])) {
      while (end < fields.length && inline(fields[end]) && group(fields[end]) === group(fields[start])) end++;
      const width = Math.max(...fields.slice(start, end).map((f) => f.field.length));
      for (let i = start; i < end; i++) widths[i] = width;
    }
    start = end;
  }
  return widths;
}

function resourceName(change: Change): string {
  const prefix = `${change.kind}.`;
  return change.address.startsWith(prefix) ? change.address.slice(prefix.length) : change.address;
}

function renderChange(change: Change, paint: Paint): string[] {
  const symbol = SYMBOLS[change.action as Exclude<Action, 'no-op'>] ?? '   ';
  const head = `${paint(symbol, symbolColour(symbol))} ${KIND_NAMES[change.kind]} "${resourceName(change)}"`;
  const widths = nameWidths(change.fields);
  return [
    change.action === 'adopt' ? `${head} (adopt)` : head,
    // Like Terraform's "# forces replacement": why, in words, before the attributes.
    ...(change.reason ? [`      # ${change.reason}`] : []),
    ...change.fields.flatMap((field, i) => renderField(field, widths[i], paint)),
  ];
}

function renderChanges(changes: Change[], paint: Paint): string[] {
  return changes.flatMap((change) => [...renderChange(change, paint), '']);
}

function legend(changes: Change[], paint: Paint): string[] {
  const used = new Set(changes.map((c) => c.action));
  return [
    'Resource actions are indicated with the following symbols:',
    ...LEGEND.filter(([action]) => used.has(action)).map(
      ([action, words]) => `${paint(SYMBOLS[action], symbolColour(SYMBOLS[action]))} ${words}`,
    ),
    '',
  ];
}

export function renderPlanText(plan: Plan, options: TextRenderOptions = {}): string {
  const paint = painter(options.color ?? false);
  const lines = [
    `Plan ${plan.planId} for ${plan.bindingsFile} (owner "${plan.owner}", AWS account ${plan.accountId})`,
    '',
  ];

  if (plan.changes.length > 0) {
    lines.push(...legend(plan.changes, paint));
    const broadening = plan.changes.filter((c) => c.fields.some((f) => f.broadensAccess));
    const others = plan.changes.filter((c) => !broadening.includes(c));
    if (broadening.length > 0) {
      lines.push(paint('Changes that broaden access:', 'bold'), '', ...renderChanges(broadening, paint));
      if (others.length > 0) lines.push(paint('Other changes:', 'bold'), '', ...renderChanges(others, paint));
    } else {
      lines.push(
        'workload-identity-bindings will perform the following actions:',
        '',
        ...renderChanges(others, paint),
      );
    }
  }

  if (plan.warnings.length > 0) {
    lines.push(paint('Warnings:', 'yellow'));
    for (const w of plan.warnings) lines.push(`  ! ${w.address ? `${w.address}: ` : ''}${w.message}`);
    lines.push('');
  }

  lines.push(
    plan.changes.length > 0
      ? paint(`Plan: ${summaryLine(plan.summary)}.`, 'bold')
      : paint(NO_CHANGES_TEXT, 'green'),
  );
  return `${lines.join('\n')}\n`;
}
