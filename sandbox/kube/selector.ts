// Label selectors as the API server reads them from `?labelSelector=`: equality (`a=b`, `a==b`),
// inequality (`a!=b`, which also matches objects without the label), existence (`a`, `!a`) and the
// set forms `a in (x,y)` / `a notin (x,y)`, joined by commas (all must hold).
import { badRequest } from './status.js';
import { labelKeyErrors, labelValueErrors } from './validation.js';

export type Requirement =
  { op: 'exists' | 'notExists'; key: string } | { op: 'in' | 'notIn'; key: string; values: string[] };

export type LabelSelector = Requirement[];

const SET_FORM = /^(\S+)\s+(in|notin)\s*\((.*)\)$/;
const EQUALITY_FORM = /^([^=!\s]+)\s*(==|=|!=)\s*(.*)$/;

export function parseLabelSelector(text: string | null): LabelSelector {
  if (!text || text.trim() === '') return [];
  return splitTopLevel(text).map((part) => parseRequirement(part.trim(), text));
}

export function matchesSelector(
  selector: LabelSelector,
  labels: Record<string, string> | undefined,
): boolean {
  return selector.every((r) => {
    const has = labels !== undefined && Object.hasOwn(labels, r.key);
    switch (r.op) {
      case 'exists':
        return has;
      case 'notExists':
        return !has;
      case 'in':
        return has && r.values.includes(labels[r.key]);
      case 'notIn':
        return !has || !r.values.includes(labels[r.key]);
    }
  });
}

/** Commas separate requirements except inside the parentheses of `in (...)`. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

function parseRequirement(part: string, whole: string): Requirement {
  const fail = (why: string): never => {
    throw badRequest(`unable to parse requirement: ${why} in labelSelector "${whole}"`);
  };
  if (part === '') return fail('found empty requirement');
  const set = SET_FORM.exec(part);
  if (set) {
    const values = set[3].split(',').map((v) => v.trim());
    if (values.length === 0 || values.some((v) => labelValueErrors(v).length > 0))
      fail(`invalid values in "${part}"`);
    return { op: set[2] === 'in' ? 'in' : 'notIn', key: checkedKey(set[1], fail), values };
  }
  const eq = EQUALITY_FORM.exec(part);
  if (eq) {
    const value = eq[3].trim();
    if (labelValueErrors(value).length > 0) fail(`invalid label value "${value}"`);
    return { op: eq[2] === '!=' ? 'notIn' : 'in', key: checkedKey(eq[1], fail), values: [value] };
  }
  if (part.startsWith('!')) return { op: 'notExists', key: checkedKey(part.slice(1).trim(), fail) };
  return { op: 'exists', key: checkedKey(part, fail) };
}

function checkedKey(key: string, fail: (why: string) => never): string {
  const errors = labelKeyErrors(key);
  return errors.length > 0 ? fail(`invalid label key "${key}": ${errors[0]}`) : key;
}
