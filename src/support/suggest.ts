// "Did you mean …?" for misspelt keys and cluster names: the closest known word by edit distance.

export function levenshtein(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length];
}

/**
 * The known word closest to `word`, if it is close enough to be a plausible typo: at most a third
 * of the longer word's length (at least 1) edits, compared case-insensitively.
 */
export function closest(word: string, known: readonly string[]): string | undefined {
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = levenshtein(word.toLowerCase(), candidate.toLowerCase());
    if (!best || distance < best.distance) best = { candidate, distance };
  }
  if (!best) return undefined;
  const budget = Math.max(1, Math.floor(Math.max(word.length, best.candidate.length) / 3));
  return best.distance <= budget ? best.candidate : undefined;
}

/** ` — did you mean "x"?` or an empty string. */
export function didYouMean(word: string, known: readonly string[]): string {
  const match = closest(word, known);
  return match === undefined ? '' : ` — did you mean "${match}"?`;
}
