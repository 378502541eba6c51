// Reads a plan file written by `workload-identity plan --out`. Checks the format version and the
// shape apply relies on, so an old, foreign or hand-edited file fails with a clear message.
import { PLAN_FORMAT_VERSION, type Plan } from './types.js';
import { errorMessage } from '../support/errors.js';

const ACTIONS = new Set(['create', 'update', 'replace', 'delete', 'adopt', 'no-op']);
const KINDS = new Set(['oidc-provider', 'role', 'service-account']);

function fail(problem: string): never {
  throw new Error(
    `the plan file ${problem}. Create it with \`workload-identity plan --out plan.json\` and pass that file.`,
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The one place the action-typed `Change` shape is checked: a create has no before, a delete no after. */
function stateShapeProblem(action: string, before: unknown, after: unknown): string | undefined {
  const wantBefore = action !== 'create';
  const wantAfter = action !== 'delete';
  const describe = (name: string, value: unknown, wanted: boolean) => {
    if (wanted && !isRecord(value)) return `"${name}" must be an object`;
    if (!wanted && value !== null) return `"${name}" must be null`;
    return undefined;
  };
  return describe('before', before, wantBefore) ?? describe('after', after, wantAfter);
}

export function parsePlanJson(text: string): Plan {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    fail(`is not valid JSON (${errorMessage(error)})`);
  }
  if (!isRecord(value)) fail('is not a JSON object');
  if (value.formatVersion !== PLAN_FORMAT_VERSION) {
    fail(
      `has formatVersion ${JSON.stringify(value.formatVersion)}, but this version of workload-identity-bindings reads formatVersion ${PLAN_FORMAT_VERSION}`,
    );
  }
  for (const key of ['planId', 'owner', 'accountId', 'bindingsFile'] as const) {
    if (typeof value[key] !== 'string') fail(`has no "${key}" string`);
  }
  if (!/^[0-9a-f]{16}$/.test(value.planId as string)) fail('has a "planId" that is not 16 hex digits');
  if (!Array.isArray(value.changes)) fail('has no "changes" list');
  value.changes.forEach((change: unknown, i: number) => {
    if (
      !isRecord(change) ||
      !KINDS.has(change.kind as string) ||
      !ACTIONS.has(change.action as string) ||
      typeof change.address !== 'string' ||
      !Array.isArray(change.fields)
    ) {
      fail(`has an invalid change at changes[${i}] (each needs kind, address, action and fields)`);
    }
    const shape = stateShapeProblem(change.action as string, change.before, change.after);
    if (shape) fail(`has an invalid ${String(change.action)} at changes[${i}] (${change.address}): ${shape}`);
    if (change.kind === 'service-account' && typeof change.created !== 'boolean') {
      fail(`has a ServiceAccount change without "created" at changes[${i}] (${change.address})`);
    }
  });
  if (!Array.isArray(value.warnings)) fail('has no "warnings" list');
  const summary = value.summary;
  if (
    !isRecord(summary) ||
    !['add', 'change', 'destroy', 'adopt', 'replace'].every((k) => typeof summary[k] === 'number')
  ) {
    fail('has no valid "summary" (add, change, destroy, adopt, replace)');
  }
  return value as unknown as Plan;
}
