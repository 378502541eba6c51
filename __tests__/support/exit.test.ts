// A failed run ends once its output is flushed (src/support/exit.ts), not when abandoned requests
// finally give up: before, the CLI and the action waited a fixed 5 s after printing a --timeout
// error (a 2 s limit ended the process after ~7 s).
import { exitOnceFlushed, type FlushableStream } from '../../src/support/exit.js';

/** A stream that holds each write's callback until the test releases it, as a slow pipe does. */
function slowStream(): FlushableStream & { flush(error?: Error): void } {
  const callbacks: ((error?: Error | null) => void)[] = [];
  return {
    write: (_chunk, callback) => {
      callbacks.push(callback);
      return false;
    },
    flush: (error) => {
      for (const callback of callbacks.splice(0)) callback(error ?? null);
    },
  };
}

test('exits with the code only after every stream has flushed', () => {
  const stdout = slowStream();
  const stderr = slowStream();
  const exits: number[] = [];
  exitOnceFlushed(1, [stdout, stderr], (code) => exits.push(code));
  expect(exits).toEqual([]);
  stdout.flush();
  expect(exits).toEqual([]);
  stderr.flush();
  expect(exits).toEqual([1]);
});

test('a stream that fails (a closed pipe) does not hold the exit', () => {
  const stdout = slowStream();
  const exits: number[] = [];
  exitOnceFlushed(3, [stdout], (code) => exits.push(code));
  stdout.flush(new Error('EPIPE'));
  expect(exits).toEqual([3]);
});

test('with nothing to flush it exits at once', () => {
  const exits: number[] = [];
  exitOnceFlushed(2, [], (code) => exits.push(code));
  expect(exits).toEqual([2]);
});

test('the CLI and the action end failed runs this way, with no fixed wait', async () => {
  const { readFileSync } = await import('node:fs');
  for (const entry of ['src/cli.ts', 'src/index.ts']) {
    const text = readFileSync(new URL(`../../${entry}`, import.meta.url), 'utf8');
    expect(text).toContain('exitOnceFlushed(');
    expect(text).not.toMatch(/setTimeout\(/);
  }
});
