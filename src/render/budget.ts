// Fits a Markdown document into a character budget, the way dflook keeps plan comments under
// GitHub's 65,536-character limit: the head and foot always stay, sections follow in priority order,
// and the first one that does not fit is cut on a line boundary — its closing lines (a code fence,
// `</details>`) are always kept so nothing after the cut is swallowed — and everything after it is
// left out behind a notice. Linear in what is printed.

/** A unit that may be cut: `open` and `close` stay together, `body` lines are dropped from the end. */
export interface Piece {
  open: string[];
  body: string[];
  close: string[];
}

export interface BudgetedDocument {
  head: string[];
  /**
   * In priority order; a section is a list of pieces. Sections may be lazy (generators): pieces
   * after the cut are never asked for, so work for what will not be printed is never done.
   */
  sections: Array<Iterable<Piece>>;
  foot: string[];
  /** Lines shown where the document was cut. */
  notice: string[];
}

export interface FittedDocument {
  markdown: string;
  truncated: boolean;
}

const size = (lines: readonly string[]): number => {
  let n = 0;
  for (const line of lines) n += line.length + 1;
  return n;
};

const pieceSize = (p: Piece): number => size(p.open) + size(p.body) + size(p.close);

function append(out: string[], lines: readonly string[]): void {
  for (const line of lines) out.push(line);
}

function appendPiece(out: string[], p: Piece): void {
  append(out, p.open);
  append(out, p.body);
  append(out, p.close);
}

export function piece(open: string[], body: string[] = [], close: string[] = []): Piece {
  return { open, body, close };
}

function* allPieces(sections: Array<Iterable<Piece>>): Generator<Piece> {
  for (const section of sections) yield* section;
}

/**
 * Joins the document, cutting it to at most `budget` characters (the head and foot always stay).
 * One pass: pieces are taken while they fit with room left for the notice; past that point, the
 * rest is only looked at until it is clear whether everything fits without a notice.
 */
export function fitToBudget(doc: BudgetedDocument, budget: number): FittedDocument {
  const out: string[] = [];
  append(out, doc.head);
  const reserved = budget - size(doc.notice);
  let used = size(doc.head) + size(doc.foot);
  let overflow: { piece: Piece; usedBefore: number } | undefined;
  const pending: Piece[] = [];
  let truncated = false;
  for (const p of allPieces(doc.sections)) {
    const s = pieceSize(p);
    if (overflow === undefined && used + s <= reserved) {
      appendPiece(out, p);
      used += s;
      continue;
    }
    overflow ??= { piece: p, usedBefore: used };
    pending.push(p);
    used += s;
    if (used > budget) {
      truncated = true;
      break;
    }
  }
  if (!truncated) {
    for (const p of pending) appendPiece(out, p);
    append(out, doc.foot);
    return { markdown: out.join('\n').trimEnd() + '\n', truncated: false };
  }
  // overflow is set whenever truncated is
  const cut = overflow as { piece: Piece; usedBefore: number };
  let room = reserved - cut.usedBefore - size(cut.piece.open) - size(cut.piece.close);
  const kept: string[] = [];
  for (const line of cut.piece.body) {
    if (line.length + 1 > room) break;
    kept.push(line);
    room -= line.length + 1;
  }
  if (kept.length > 0) appendPiece(out, { ...cut.piece, body: kept });
  append(out, doc.notice);
  append(out, doc.foot);
  return { markdown: out.join('\n').trimEnd() + '\n', truncated: true };
}
