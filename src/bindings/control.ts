// Control characters in the bindings file (and, with its own free text, the guardrails file): none in any name, key, ARN, issuer or audience (ESC and
// BEL in an issuer printed raw could clear a terminal or open an OSC-8 link; NUL or a newline in a
// condition value changes what IAM matches). Free text — a role description, an annotation value —
// may hold tabs and line breaks; every other control character is an error there too. Each problem
// is reported at the value (or key) that holds it, with the character escaped.
import type { Diagnostic } from './diagnostics.js';
import { describeField, escapeControl } from './describe.js';
import { readInlinePolicy } from './inline-policy.js';
import type { JsonPath, Locator } from './parse.js';

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

const CONTROL_EXCEPT_LINE_BREAKS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

/** Free text: tabs and line breaks are allowed in these values (the schema says which characters). */
function isFreeText(path: JsonPath): boolean {
  const [head, , field] = path;
  if (head !== 'bindings') return false;
  if (path.length === 3) return field === 'description';
  // A policy written as a JSON string: its line breaks are layout; its strings are checked apart.
  return path.length === 4 && (field === 'serviceAccountAnnotations' || field === 'inlinePolicies');
}

/** Where the first control character is, escaped, or undefined. */
function controlIn(text: string, pattern: RegExp): string | undefined {
  const match = pattern.exec(text);
  if (!match) return undefined;
  return `${escapeControl(match[0])} at character ${[...text.slice(0, match.index)].length + 1}`;
}

/** How another YAML file (the guardrails file) says which values are free text and names fields. */
export interface ControlCheckOptions {
  isFreeText?: (path: JsonPath) => boolean;
  describe?: (path: JsonPath, root: Record<string, unknown>) => string;
}

export function checkControlCharacters(
  root: Record<string, unknown>,
  locate: Locator,
  file: string,
  options: ControlCheckOptions = {},
): Diagnostic[] {
  const freeText = options.isFreeText ?? isFreeText;
  const describe = options.describe ?? describeField;
  const diagnostics: Diagnostic[] = [];
  const error = (at: { line: number; col: number }, message: string) =>
    diagnostics.push({ severity: 'error', file, line: at.line, col: at.col, message });
  const fix = 'remove it (control characters such as ESC, BEL, NUL or line breaks are not allowed here)';
  // Iterative: a deeply nested value must not overflow the stack. Aliases are bounded before this.
  const stack: Array<{ value: unknown; path: JsonPath }> = [{ value: root, path: [] }];
  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    if (typeof value === 'string') {
      const free = freeText(path);
      const found = controlIn(value, free ? CONTROL_EXCEPT_LINE_BREAKS : CONTROL);
      if (found)
        error(locate.value(path), `${describe(path, root)} contains a control character (${found}) — ${fix}`);
      else if (free && path[0] === 'bindings' && path[2] === 'inlinePolicies') checkJsonPolicy(value, path);
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => stack.push({ value: item, path: [...path, i] }));
    } else if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
        const found = controlIn(key, CONTROL);
        if (found)
          error(
            locate.key([...path, key]),
            `a key in ${describe(path, root)} contains a control character (${found}) — ${fix}`,
          );
        stack.push({ value: item, path: [...path, key] });
      }
    }
  }

  /** Strings inside a JSON-string policy ("\u001b" escapes decode to control characters). */
  function checkJsonPolicy(text: string, path: JsonPath): void {
    // Only escapes can put a control character inside a JSON string (raw ones are found above).
    if (!/\\u00[0-9a-fA-F]{2}|\\[nrtbf]/.test(text)) return;
    const read = readInlinePolicy(text, undefined);
    if (!read.ok) return; // reported by the policy checks, with a position
    const inner: unknown[] = [read.document];
    while (inner.length > 0) {
      const value = inner.pop();
      if (typeof value === 'string') {
        const found = controlIn(value, CONTROL);
        if (found) {
          error(
            locate.value(path),
            `${describe(path, root)} holds a string with a control character (${found}) — ${fix}`,
          );
          return;
        }
      } else if (Array.isArray(value)) inner.push(...value);
      else if (value !== null && typeof value === 'object') {
        for (const [key, item] of Object.entries(value as Record<string, unknown>)) inner.push(key, item);
      }
    }
  }
  return diagnostics;
}
