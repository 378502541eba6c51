// IAM-style wildcard patterns (`*` = any run of characters, `?` = one character) and the two
// questions guardrails ask about them, answered exactly rather than by sampling:
//   - can one string match all of these patterns and none of those? (`iam:*` vs `IAM:Pass*`)
//   - does this pattern cover everything that pattern covers? (a NotAction list vs a denied action)
// Both come down to a search over the product of the patterns' automata, determinised lazily.

export interface GlobOptions {
  /** IAM action names are case-insensitive; ARNs and Kubernetes names are not. */
  caseInsensitive?: boolean;
}

type Token = { kind: 'star' } | { kind: 'any' } | { kind: 'char'; char: string };

function tokenize(pattern: string, caseInsensitive: boolean): Token[] {
  const text = caseInsensitive ? pattern.toLowerCase() : pattern;
  const tokens: Token[] = [];
  for (const char of text) {
    if (char === '*') {
      // `**` matches what `*` matches; collapsing keeps the automaton small.
      if (tokens[tokens.length - 1]?.kind !== 'star') tokens.push({ kind: 'star' });
    } else if (char === '?') tokens.push({ kind: 'any' });
    else tokens.push({ kind: 'char', char });
  }
  return tokens;
}

/** True when the literal string `value` matches `pattern`. */
export function globMatches(pattern: string, value: string, options: GlobOptions = {}): boolean {
  const cache = options.caseInsensitive ? compiledInsensitive : compiledSensitive;
  let regex = cache.get(pattern);
  if (!regex) {
    const source = [...pattern]
      .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[\\^$.|+()[\]{}]/g, '\\$&')))
      .join('');
    regex = new RegExp(`^${source}$`, options.caseInsensitive ? 'is' : 's');
    if (cache.size >= MAX_ANSWERS) cache.clear();
    cache.set(pattern, regex);
  }
  return regex.test(value);
}

// Patterns repeat across every binding of a file: compile each once.
const compiledSensitive = new Map<string, RegExp>();
const compiledInsensitive = new Map<string, RegExp>();

/** True when the pattern has a wildcard. */
export function isGlob(pattern: string): boolean {
  return /[*?]/.test(pattern);
}

/** True when the pattern matches every string (`*`, `**`, `*?*` does not: it needs one character). */
export function matchesEverything(pattern: string): boolean {
  return /^\*+$/.test(pattern);
}

/**
 * Is there a string that every pattern in `all` matches and no pattern in `none` matches? With one
 * `all` pattern and several `none` patterns this answers "is `all[0]` NOT covered by the union of
 * `none`" — the question NotAction poses.
 */
export function someString(
  sets: { all: readonly string[]; none: readonly string[] },
  options: GlobOptions = {},
): boolean {
  const ci = options.caseInsensitive ?? false;
  // Most IAM actions and names have no wildcard: then the only candidate string is that literal.
  const literal = sets.all.find((p) => !isGlob(p));
  if (literal !== undefined) {
    return (
      sets.all.every((p) => p === literal || globMatches(p, literal, options)) &&
      !sets.none.some((p) => globMatches(p, literal, options))
    );
  }
  // The same questions come back for every binding of a big file: remember the answers.
  const key = `${ci ? 'i' : 's'}\u0000${sets.all.join('\u0001')}\u0000${sets.none.join('\u0001')}`;
  const known = answers.get(key);
  if (known !== undefined) return known;
  if (answers.size >= MAX_ANSWERS) answers.clear();
  const answer = searchAutomata(sets, ci);
  answers.set(key, answer);
  return answer;
}

const answers = new Map<string, boolean>();
const MAX_ANSWERS = 10_000;

function searchAutomata(sets: { all: readonly string[]; none: readonly string[] }, ci: boolean): boolean {
  const all = sets.all.map((p) => tokenize(p, ci));
  const none = sets.none.map((p) => tokenize(p, ci));
  if (all.length === 0) all.push([{ kind: 'star' }]);
  const patterns = [...all, ...none];

  // The letters any pattern names, plus one stand-in for every other character: two strings that
  // differ only in characters no pattern mentions are matched alike by every pattern.
  const letters = new Set<string>();
  for (const p of patterns) for (const t of p) if (t.kind === 'char') letters.add(t.char);
  const OTHER = '\u0000other';
  const alphabet = [...letters, OTHER];

  const closure = (p: Token[], positions: Set<number>): Set<number> => {
    const out = new Set(positions);
    const stack = [...positions];
    while (stack.length) {
      const i = stack.pop()!;
      if (p[i]?.kind === 'star' && !out.has(i + 1)) {
        out.add(i + 1);
        stack.push(i + 1);
      }
    }
    return out;
  };
  const step = (p: Token[], positions: Set<number>, char: string): Set<number> => {
    const next = new Set<number>();
    for (const i of positions) {
      const t = p[i];
      if (!t) continue;
      if (t.kind === 'star') next.add(i);
      else if (t.kind === 'any' || (t.kind === 'char' && t.char === char)) next.add(i + 1);
    }
    return closure(p, next);
  };
  const accepts = (p: Token[], positions: Set<number>) => positions.has(p.length);
  const key = (state: Set<number>[]) => state.map((s) => [...s].sort((a, b) => a - b).join(',')).join('|');

  let frontier: Set<number>[][] = [patterns.map((p) => closure(p, new Set([0])))];
  const seen = new Set<string>([key(frontier[0])]);
  while (frontier.length) {
    const next: Set<number>[][] = [];
    for (const state of frontier) {
      const positives = state.slice(0, all.length);
      // A dead positive automaton can never accept again.
      if (positives.some((s) => s.size === 0)) continue;
      const negatives = state.slice(all.length);
      if (positives.every((s, i) => accepts(all[i], s)) && negatives.every((s, i) => !accepts(none[i], s)))
        return true;
      for (const char of alphabet) {
        const moved = state.map((s, i) => step(patterns[i], s, char));
        const k = key(moved);
        if (seen.has(k)) continue;
        seen.add(k);
        next.push(moved);
      }
    }
    frontier = next;
  }
  return false;
}

/** True when some string matches both patterns. */
export function globsOverlap(a: string, b: string, options: GlobOptions = {}): boolean {
  return someString({ all: [a, b], none: [] }, options);
}

/** True when every string `inner` matches is matched by at least one of `outer`. */
export function globCoveredBy(inner: string, outer: readonly string[], options: GlobOptions = {}): boolean {
  return !someString({ all: [inner], none: outer }, options);
}
