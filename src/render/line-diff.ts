// A small line diff (longest common subsequence) for showing policy documents in plans. Policies
// are short, so the quadratic table is cheap; the common head and tail are trimmed first, and a
// middle too large for the table is shown as removed-then-added instead.

export type DiffOp = ' ' | '+' | '-';

export interface DiffLine {
  /** ' ' unchanged, '+' only in the new text, '-' only in the old text. */
  op: DiffOp;
  text: string;
}

/** Beyond this many table cells (about 2,000 × 2,000 lines) the middle is not aligned. */
const MAX_CELLS = 4_000_000;

function split(text: string): string[] {
  return text === '' ? [] : text.split('\n');
}

function lcsDiff(a: string[], b: string[]): DiffLine[] {
  if (a.length * b.length > MAX_CELLS) {
    return [
      ...a.map((text) => ({ op: '-' as const, text })),
      ...b.map((text) => ({ op: '+' as const, text })),
    ];
  }
  // lengths[i][j] = LCS length of a[i..] and b[j..]
  const lengths: number[][] = Array.from({ length: a.length + 1 }, () =>
    new Array<number>(b.length + 1).fill(0),
  );
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lengths[i][j] =
        a[i] === b[j] ? lengths[i + 1][j + 1] + 1 : Math.max(lengths[i + 1][j], lengths[i][j + 1]);
    }
  }
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      out.push({ op: ' ', text: a[i] });
      i++;
      j++;
    } else if (lengths[i + 1][j] >= lengths[i][j + 1]) {
      out.push({ op: '-', text: a[i++] });
    } else {
      out.push({ op: '+', text: b[j++] });
    }
  }
  while (i < a.length) out.push({ op: '-', text: a[i++] });
  while (j < b.length) out.push({ op: '+', text: b[j++] });
  return out;
}

/** The lines of `before` and `after` aligned: unchanged lines once, removals before additions. */
export function diffLines(before: string, after: string): DiffLine[] {
  const a = split(before);
  const b = split(after);
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (
    tail < a.length - head &&
    tail < b.length - head &&
    a[a.length - 1 - tail] === b[b.length - 1 - tail]
  )
    tail++;
  const same = (lines: string[]): DiffLine[] => lines.map((text) => ({ op: ' ', text }));
  return [
    ...same(a.slice(0, head)),
    ...lcsDiff(a.slice(head, a.length - tail), b.slice(head, b.length - tail)),
    ...same(a.slice(a.length - tail)),
  ];
}

/** A run of unchanged lines left out of a displayed diff. */
export interface FoldedLines {
  op: 'fold';
  hidden: number;
}

/**
 * Hides long runs of unchanged lines, keeping `context` lines next to each change (like `diff -U`),
 * so a one-line change in a long policy stays easy to find.
 */
export function foldUnchanged(lines: DiffLine[], context = 3): Array<DiffLine | FoldedLines> {
  const out: Array<DiffLine | FoldedLines> = [];
  let i = 0;
  while (i < lines.length) {
    if (lines[i].op !== ' ') {
      out.push(lines[i++]);
      continue;
    }
    let end = i;
    while (end < lines.length && lines[end].op === ' ') end++;
    const keepBefore = i === 0 ? 0 : context;
    const keepAfter = end === lines.length ? 0 : context;
    const hidden = end - i - keepBefore - keepAfter;
    if (hidden > 1) {
      out.push(
        ...lines.slice(i, i + keepBefore),
        { op: 'fold', hidden },
        ...lines.slice(end - keepAfter, end),
      );
    } else {
      out.push(...lines.slice(i, end));
    }
    i = end;
  }
  return out;
}
