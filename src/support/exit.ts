// How a failed run ends. Its answer is already printed, but requests a time limit abandoned (or that
// another failure left behind) may still be in flight and on retry timers, which would keep Node's
// event loop, and so the user or the workflow step, waiting for nothing. Exit as soon as stdout and
// stderr have handed everything to the OS: never earlier, so piped output is never cut off.

/** The part of a stream this needs: a write whose callback says the data left the process. */
export interface FlushableStream {
  write(chunk: string, callback: (error?: Error | null) => void): boolean;
}

/**
 * Calls `exit(code)` once every stream has flushed what was written before it (an empty write's
 * callback runs after the writes queued ahead of it). A stream that errors (a closed pipe) counts
 * as flushed: nothing more can reach it.
 */
export function exitOnceFlushed(
  code: number,
  streams: readonly FlushableStream[] = [process.stdout, process.stderr],
  exit: (code: number) => void = (c) => process.exit(c),
): void {
  let pending = streams.length;
  if (pending === 0) return exit(code);
  for (const stream of streams)
    stream.write('', () => {
      pending -= 1;
      if (pending === 0) exit(code);
    });
}
