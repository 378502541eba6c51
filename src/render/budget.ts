// Fits a Markdown document into a character budget, the way dflook keeps plan comments under
// GitHub's 65,536-character limit: the head and foot always stay, sections follow in priority order,
// and the first one that does not fit is cut on a line boundary — its closing lines (a code fence,
// `</details>`) are always kept so nothing after the cut is swallowed — and everything after it is
// left out behind a notice.

/** A unit that may be cut: `open` and `close` stay together, `body` lines are dropped from the end. */
export interface Piece {
  open: string[];
  body: string[];
  close: string[];
}

export interface BudgetedDocument {
  head: string[];
  /** In priority order; a section is a list of pieces. */
  sections: Piece[][];
  foot: string[];
  /** Lines shown where the document was cut. */
  notice: string[];
}

export interface FittedDocument {
  markdown: string;
  truncated: boolean;
}

const size = (lines: readonly string[]): number => lines.reduce((n, line) => n + line.length + 1, 0);

export function piece(open: string[], body: string[] = [], close: string[] = []): Piece {
  return { open, body, close };
}

/** Joins the document, cutting it to at most `budget` characters (the head and foot always stay). */
export function fitToBudget(doc: BudgetedDocument, budget: number): FittedDocument {
  const out = [...doc.head];
  const sections = doc.sections.flat();
  const total =
    size(doc.head) + size(sections.flatMap((p) => [...p.open, ...p.body, ...p.close])) + size(doc.foot);
  if (total <= budget) {
    for (const p of sections) out.push(...p.open, ...p.body, ...p.close);
    return { markdown: [...out, ...doc.foot].join('\n').trimEnd() + '\n', truncated: false };
  }

  let used = size(doc.head) + size(doc.foot) + size(doc.notice);
  for (const p of sections) {
    const whole = [...p.open, ...p.body, ...p.close];
    if (used + size(whole) <= budget) {
      out.push(...whole);
      used += size(whole);
      continue;
    }
    let room = budget - used - size(p.open) - size(p.close);
    const kept: string[] = [];
    for (const line of p.body) {
      if (line.length + 1 > room) break;
      kept.push(line);
      room -= line.length + 1;
    }
    if (kept.length > 0) out.push(...p.open, ...kept, ...p.close);
    break;
  }
  return { markdown: [...out, ...doc.notice, ...doc.foot].join('\n').trimEnd() + '\n', truncated: true };
}
