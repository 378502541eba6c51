// What a command needs from the outside world, injectable so commands are tested without a process.
import { once } from 'node:events';

export interface CommandIo {
  out(text: string): void;
  /**
   * Like `out` for text made in pieces (the JSON plan), written as it is made so the whole text is
   * never held; `out` of the joined pieces where absent.
   */
  outPieces?(pieces: Iterable<string>): Promise<void>;
  err(text: string): void;
  env: NodeJS.ProcessEnv;
  /** Whether `out` goes to a terminal (colour is only ever used there). */
  isTTY?: boolean;
}

/**
 * Writes `text` and a final newline in slices of at most 1 MiB. A plan of 10,000 bindings printed as
 * JSON is ~50 MB of text, and one write() encoded all of it into a second, 50 MB buffer; a slice is
 * encoded (and, on the pipes, files and terminals stdout is here, written) one at a time.
 */
export function writeText(stream: Pick<NodeJS.WritableStream, 'write'>, text: string, slice = 1 << 20): void {
  let at = 0;
  while (at < text.length) {
    let end = Math.min(at + slice, text.length);
    // Never between the two halves of a surrogate pair: each would be written as U+FFFD.
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff && end - at > 1) end -= 1;
    stream.write(text.slice(at, end));
    at = end;
  }
  if (!text.endsWith('\n')) stream.write('\n');
}

/**
 * Writes the pieces, joined into writes of about `batch` characters, and a final newline if the
 * last piece has none. Waits for the stream to drain whenever it asks to (write() returns false),
 * so that at most one batch is made ahead of what the stream has taken: stdout on a pipe queues
 * every write in memory until it is flushed. 16 Ki characters: a batch stays a small object that
 * dies in V8's 1 MB young generation (src/v8-flags.ts) instead of being promoted.
 */
export async function writePieces(
  stream: NodeJS.WritableStream,
  pieces: Iterable<string>,
  batch = 1 << 14,
): Promise<void> {
  let pending: string[] = [];
  let size = 0;
  let endsWithNewline = false;
  const flush = async (): Promise<void> => {
    if (size === 0) return;
    const text = pending.join('');
    pending = [];
    size = 0;
    if (!stream.write(text)) await once(stream, 'drain');
  };
  for (const piece of pieces) {
    if (piece.length === 0) continue;
    pending.push(piece);
    size += piece.length;
    endsWithNewline = piece.endsWith('\n');
    if (size >= batch) await flush();
  }
  if (!endsWithNewline) {
    pending.push('\n');
    size += 1;
  }
  await flush();
}

export const processIo: CommandIo = {
  out: (text) => writeText(process.stdout, text),
  outPieces: (pieces) => writePieces(process.stdout, pieces),
  err: (text) => writeText(process.stderr, text),
  env: process.env,
  get isTTY() {
    return process.stdout.isTTY === true;
  },
};

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
