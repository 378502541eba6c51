// processIo writes long output (a 10,000-binding plan as JSON is ~50 MB) in slices, so it never
// encodes the whole text into one more buffer; the slices must add up to exactly the text.
import { Writable } from 'node:stream';
import { writePieces, writeText } from '../../src/commands/io.js';

function collect(text: string, slice: number): { chunks: string[]; bytes: Buffer } {
  const chunks: string[] = [];
  writeText({ write: (chunk: string | Uint8Array) => chunks.push(String(chunk)) > 0 }, text, slice);
  return { chunks, bytes: Buffer.concat(chunks.map((c) => Buffer.from(c, 'utf8'))) };
}

test('the slices add up to the text and a final newline, byte for byte', () => {
  const text = '{"changes": [' + '"role-ä",'.repeat(1000) + ']}';
  const { chunks, bytes } = collect(text, 64);
  expect(chunks.length).toBeGreaterThan(100);
  expect(chunks.every((c) => c.length <= 64)).toBe(true);
  expect(bytes.equals(Buffer.from(`${text}\n`, 'utf8'))).toBe(true);
});

test('a surrogate pair is never split between two writes (each half would become U+FFFD)', () => {
  // Every slice boundary of 7 falls on some pair at one offset or another.
  for (let pad = 0; pad < 7; pad += 1) {
    const text = 'x'.repeat(pad) + '🔑'.repeat(40) + 'end\n';
    const { chunks, bytes } = collect(text, 7);
    expect(bytes.equals(Buffer.from(text, 'utf8'))).toBe(true);
    expect(chunks.join('')).not.toContain('\uFFFD');
  }
});

test('text that already ends with a newline gets no second one', () => {
  expect(collect('plan\n', 1 << 20).chunks).toEqual(['plan\n']);
  expect(collect('', 4).chunks).toEqual(['\n']);
});

describe('writePieces (the JSON plan, written as it is made)', () => {
  /** A stream that takes one write per turn of the event loop, like a pipe that a reader empties. */
  function slowStream(): { stream: Writable; written: () => string } {
    const chunks: Buffer[] = [];
    const stream = new Writable({
      highWaterMark: 64,
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk);
        setImmediate(done);
      },
    });
    return { stream, written: () => Buffer.concat(chunks).toString('utf8') };
  }

  async function ended(stream: Writable): Promise<void> {
    await new Promise<void>((done) => stream.end(done));
  }

  test('writes the pieces byte for byte, with one final newline', async () => {
    const { stream, written } = slowStream();
    const pieces = ['{', '"ä": ', '"🔑"', '}'];
    await writePieces(stream, pieces, 3);
    await ended(stream);
    expect(written()).toBe('{"ä": "🔑"}\n');
    const again = slowStream();
    await writePieces(again.stream, ['a\n', '', 'b\n'], 1);
    await ended(again.stream);
    expect(again.written()).toBe('a\nb\n');
  });

  test('makes no more than a batch ahead of what the stream has taken (it waits for drain)', async () => {
    const { stream, written } = slowStream();
    let made = 0;
    let ahead = 0;
    function* pieces(): Generator<string> {
      for (let i = 0; i < 2000; i++) {
        ahead = Math.max(ahead, made - Buffer.byteLength(written()));
        made += 10;
        yield '0123456789';
      }
    }
    await writePieces(stream, pieces(), 100);
    await ended(stream);
    expect(written()).toBe(`${'0123456789'.repeat(2000)}\n`);
    // Without waiting for drain, all 20,000 characters would be made before the first write lands.
    expect(ahead).toBeLessThanOrEqual(200);
  });
});
