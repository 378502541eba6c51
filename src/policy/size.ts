// The size IAM checks a policy document against (trust policy 2,048 / 4,096, inline policies 10,240).
//
// IAM "does not count white space" — the formatting whitespace between JSON tokens. We measure the
// minified JSON (JSON.stringify with no indentation), which has no whitespace outside strings, and
// we count whitespace inside string values too: it is part of the value, and if IAM were to drop it
// we would over-estimate by those few characters, which warns early instead of failing at apply.
// Escapes (`\"`, `\\`) count as written, since IAM receives the JSON text. Characters are counted
// as Unicode code points: IAM documents its limits in characters, and policy documents may only hold
// U+0009..U+00FF anyway, where code points and UTF-16 units agree.
import type { PolicyDocument } from './types.js';

/** The number of characters IAM counts for `doc`: its minified JSON, in code points. */
export function policySize(doc: PolicyDocument): number {
  const text = JSON.stringify(doc);
  // A surrogate pair is one code point. Counted by char code: iterating the string by code point
  // made a string and an iterator result per character, ~45 MB of garbage in a 1,000-role plan.
  let pairs = 0;
  for (let i = 0; i < text.length - 1; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        pairs++;
        i++;
      }
    }
  }
  return text.length - pairs;
}
