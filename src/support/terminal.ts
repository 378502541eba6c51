// Text that reaches a terminal or a GitHub Actions log must not act on either: control characters
// from user data (ESC for clear-screen or OSC-8 links, BEL, CR that overwrites a line) are shown as
// `\x1b`-style escapes, and no line may start with `::`, which the runner reads as a workflow
// command (`::add-mask::`, `::error::`, `::stop-commands::`) when the CLI runs in a step.

/** Colour (SGR) sequences our own renderers write on a terminal; every other control is escaped. */

const CONTROL = /\x1b\[[0-9;]{0,32}m|[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** `\x1b`: one control character as an escape a reader can see. */
export function hexEscape(c: string): string {
  return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
}

/**
 * One chunk of output made safe line by line: newlines and tabs kept, colour kept when `colour`,
 * every other control character escaped, and a leading `::` (after any blanks, as the runner
 * trims them) written as `\x3a:` so it is never a workflow command.
 */
export function safeOutput(text: string, options: { colour?: boolean } = {}): string {
  return text
    .split('\n')
    .map((line) => {
      const escaped = line.replace(CONTROL, (match) =>
        match.length > 1 ? (options.colour ? match : match.replace('\x1b', '\\x1b')) : hexEscape(match),
      );
      return escaped.replace(/^(\s*):(?=:)/, '$1\\x3a');
    })
    .join('\n');
}

/**
 * safeOutput of the pieces' concatenation, made as the pieces come: each yielded text is whole
 * lines (safeOutput works line by line, so this is the same text) and the whole output is never
 * held, nor split into one array of all its lines (a 10,000-binding JSON plan has ~2 million).
 */
export function* safeOutputPieces(
  pieces: Iterable<string>,
  options: { colour?: boolean } = {},
): Generator<string> {
  let carry = '';
  for (const piece of pieces) {
    const lastBreak = piece.lastIndexOf('\n');
    if (lastBreak < 0) {
      carry += piece;
      continue;
    }
    yield safeOutput(carry + piece.slice(0, lastBreak + 1), options);
    carry = piece.slice(lastBreak + 1);
  }
  if (carry !== '') yield safeOutput(carry, options);
}
