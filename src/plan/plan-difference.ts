// Why a reviewed plan is stale: the differences between it and a fresh plan, in words, so the
// person re-running apply sees what moved since the review instead of two opaque ids.
import { compareStrings } from '../support/order.js';
import { canonicalJson } from './canonical-json.js';
import type { Change, Plan } from './types.js';

function fieldDifferences(address: string, reviewed: Change, current: Change): string[] {
  const before = new Map(reviewed.fields.map((f) => [f.field, canonicalJson(f)]));
  const now = new Map(current.fields.map((f) => [f.field, canonicalJson(f)]));
  const names = [...new Set([...before.keys(), ...now.keys()])].sort(compareStrings);
  const lines: string[] = [];
  for (const name of names) {
    if (!now.has(name)) lines.push(`${address}: ${name} is no longer changed`);
    else if (!before.has(name)) lines.push(`${address}: ${name} now changes too`);
    else if (before.get(name) !== now.get(name)) lines.push(`${address}: ${name} changes differently`);
  }
  return lines;
}

/** Differences from `reviewed` to `current`, one line each; empty when they plan the same thing. */
export function planDifference(reviewed: Plan, current: Plan): string[] {
  const lines: string[] = [];
  if (reviewed.owner !== current.owner) lines.push(`owner: "${reviewed.owner}" -> "${current.owner}"`);
  if (reviewed.accountId !== current.accountId) {
    lines.push(`AWS account: ${reviewed.accountId} -> ${current.accountId}`);
  }
  const old = new Map(reviewed.changes.map((c) => [c.address, c]));
  const now = new Map(current.changes.map((c) => [c.address, c]));
  const addresses = [...new Set([...old.keys(), ...now.keys()])].sort(compareStrings);
  for (const address of addresses) {
    const a = old.get(address);
    const b = now.get(address);
    if (!a && b) lines.push(`${address}: ${b.action} is planned now but was not in the reviewed plan`);
    else if (a && !b) lines.push(`${address}: ${a.action} was reviewed but is no longer needed`);
    else if (a && b) {
      // A different action changes every field: the action says it all.
      if (a.action !== b.action) {
        lines.push(`${address}: ${a.action} -> ${b.action}`);
        continue;
      }
      const fields = fieldDifferences(address, a, b);
      lines.push(...fields);
      if (fields.length === 0 && canonicalJson(a) !== canonicalJson(b)) {
        lines.push(
          `${address}: the ${a.kind} changed since the review (same changes, different current state)`,
        );
      }
    }
  }
  if (lines.length === 0 && reviewed.planId !== current.planId) {
    lines.push(
      `the plans list the same changes but their ids differ (${reviewed.planId} vs ${current.planId}): the reviewed plan may come from another version of workload-identity-bindings`,
    );
  }
  return lines;
}
