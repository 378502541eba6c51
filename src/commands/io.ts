// What a command needs from the outside world, injectable so commands are tested without a process.
export interface CommandIo {
  out(text: string): void;
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

export const processIo: CommandIo = {
  out: (text) => writeText(process.stdout, text),
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
