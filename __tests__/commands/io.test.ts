// processIo writes long output (a 10,000-binding plan as JSON is ~50 MB) in slices, so it never
// encodes the whole text into one more buffer; the slices must add up to exactly the text.
import { writeText } from '../../src/commands/io.js';

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
