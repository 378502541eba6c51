// The plan as JSON: the file `plan --out` writes and `apply --plan` reads back. Top-level keys come
// in a fixed, readable order (identity first, then counts, warnings and changes); everything below
// keeps the plan's own deterministic order, so the same plan always renders byte for byte the same.
import type { Plan } from '../plan/types.js';

/**
 * The whole text at once (the action's plan file, `plan --out`). One JSON.stringify, not the
 * pieces joined: holding every piece until the join kept twice the text alive, and at 10,000
 * bindings its scavenges and a mark-compact made this stage grow 2.6–2.9× per doubling (measured
 * by bench/scaling.ts; 1.7–2.0× this way).
 */
export function renderPlanJson(plan: Plan): string {
  return `${JSON.stringify(orderedPlan(plan), null, 2)}\n`;
}

/**
 * The same text as renderPlanJson, in pieces of about one change each, for writing without ever
 * holding it whole: at 10,000 bindings it is ~50 MB, and building it took the plan's peak RSS from
 * ~240 to ~450 MB (the string, JSON.stringify's own buffers, and every slice queued on stdout).
 */
export function planJsonPieces(plan: Plan): Generator<string> {
  return jsonPieces(orderedPlan(plan) as unknown as Record<string, unknown>);
}

/** The plan with its top-level keys in the file's order. */
function orderedPlan(plan: Plan): Plan {
  return {
    formatVersion: plan.formatVersion,
    planId: plan.planId,
    owner: plan.owner,
    accountId: plan.accountId,
    bindingsFile: plan.bindingsFile,
    summary: plan.summary,
    warnings: plan.warnings,
    changes: plan.changes,
    ...(plan.restarts ? { restarts: plan.restarts } : {}),
    ...(plan.roleUsage ? { roleUsage: plan.roleUsage } : {}),
  };
}

/**
 * `${JSON.stringify(object, null, 2)}\n`, byte for byte, in pieces: each top-level value, and each
 * item of a top-level list, is one piece. JSON.stringify escapes line breaks inside strings, so
 * every "\n" in its output is layout and can be indented one level deeper.
 */
export function* jsonPieces(object: Record<string, unknown>): Generator<string> {
  const nested = (value: unknown, depth: string): string | undefined =>
    JSON.stringify(value, null, 2)?.replace(/\n/g, `\n${depth}`);
  let first = true;
  for (const key of Object.keys(object)) {
    const value = object[key];
    const lead = `${first ? '{\n' : ',\n'}  ${JSON.stringify(key)}: `;
    if (
      Array.isArray(value) &&
      value.length > 0 &&
      typeof (value as { toJSON?: unknown }).toJSON !== 'function'
    ) {
      first = false;
      yield `${lead}[\n`;
      for (let i = 0; i < value.length; i++)
        yield `${i > 0 ? ',\n' : ''}    ${nested(value[i], '    ') ?? 'null'}`;
      yield '\n  ]';
      continue;
    }
    const text = nested(value, '  ');
    if (text === undefined) continue;
    first = false;
    yield `${lead}${text}`;
  }
  yield first ? '{}\n' : '\n}\n';
}
