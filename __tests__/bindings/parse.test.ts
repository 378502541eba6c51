import { flowTooDeep, parseBindingsSource } from '../../src/bindings/parse.js';
import { mapOffset, readInlinePolicy } from '../../src/bindings/inline-policy.js';
import { utf8Problem } from '../../src/bindings/utf8.js';
import fc from 'fast-check';

const text = [
  'version: 1', //                                   1
  'owner: acme/platform-iam', //                     2
  'clusters:', //                                    3
  '  prod: {issuer: "https://x.example.com"}', //   4
  'bindings:', //                                    5
  '  - role: s3-reader', //                          6
  '    serviceAccounts:', //                         7
  '      - cluster: prod', //                        8
  '        name: app', //                            9
  '  - role: web', //                                10
  '    tags:', //                                    11
  '      team:', //                                  12
].join('\n');

const { value, locate, diagnostics } = parseBindingsSource(text, 'w.yaml');

test('parses to a plain value without diagnostics', () => {
  expect(diagnostics).toEqual([]);
  expect(value?.bindings).toHaveLength(2);
});

test('a path maps to its value, a key path to its key', () => {
  expect(locate.value(['bindings', 0, 'role'])).toEqual({ line: 6, col: 11 });
  expect(locate.key(['bindings', 0, 'role'])).toEqual({ line: 6, col: 5 });
  expect(locate.value(['clusters', 'prod', 'issuer'])).toEqual({ line: 4, col: 18 });
  expect(locate.key(['clusters', 'prod'])).toEqual({ line: 4, col: 3 });
  expect(locate.value(['bindings', 0, 'serviceAccounts', 0])).toEqual({ line: 8, col: 9 });
  expect(locate.value(['bindings', 1])).toEqual({ line: 10, col: 5 });
});

test('a missing key resolves to its parent; an empty value to its key', () => {
  expect(locate.value(['bindings', 0, 'serviceAccounts', 0, 'namespace'])).toEqual({ line: 8, col: 9 });
  expect(locate.value(['bindings', 7, 'role'])).toEqual({ line: 6, col: 3 });
  expect(locate.key(['nope'])).toEqual({ line: 1, col: 1 });
  expect(locate.value(['bindings', 1, 'tags', 'team'])).toEqual({ line: 12, col: 7 });
});

test('YAML problems become positioned diagnostics and stop the load', () => {
  const broken = parseBindingsSource('a: 1\nb: [1, 2\nc: 3\n', 'w.yaml');
  expect(broken.value).toBeUndefined();
  expect(broken.diagnostics.map((d) => [d.line, d.col, d.severity])).toEqual([[3, 1, 'error']]);
  const dup = parseBindingsSource('a: 1\nb: 2\na: 3\n', 'w.yaml');
  expect(dup.diagnostics.map((d) => d.message)).toEqual([
    'duplicate key "a" (first at line 1) — a key may appear only once in a map; remove or merge one of them',
  ]);
});

test('a few aliases are fine; an exponential expansion is refused', () => {
  const ok = parseBindingsSource('t: &t {team: web}\nu: *t\nv: *t\n', 'w.yaml');
  expect(ok.value).toEqual({ t: { team: 'web' }, u: { team: 'web' }, v: { team: 'web' } });
  const rows = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i < 4; i++)
    rows.push(
      `a${i}: &a${i} [${Array(10)
        .fill(`*a${i - 1}`)
        .join(', ')}]`,
    );
  const bomb = parseBindingsSource(rows.join('\n'), 'w.yaml');
  expect(bomb.value).toBeUndefined();
  expect(bomb.diagnostics.map((d) => [d.line, d.col])).toEqual([[2, 10]]);
});

test('invalid UTF-8 is reported at the first bad byte, counting columns in characters', () => {
  const bytes = Buffer.concat([
    Buffer.from('a: 1\nowner: "Zoë '),
    Buffer.from([0xc3, 0x28]),
    Buffer.from('"\n'),
  ]);
  expect(utf8Problem(bytes)).toEqual({
    line: 2,
    col: 13,
    message:
      'byte 0xC3 is not valid UTF-8 — save the file as UTF-8 (it may be Latin-1 or another legacy encoding)',
  });
  expect(utf8Problem(Buffer.from('ünïcödé ✓ 🚀\n'))).toBeUndefined();
  expect(utf8Problem(Buffer.from([0x61, 0xed, 0xa0, 0x80]))?.col).toBe(2); // an encoded surrogate
  expect(utf8Problem(Buffer.from([0x61, 0xf0, 0x9f]))?.col).toBe(2); // truncated at the end
  expect(utf8Problem(Buffer.from([0xff, 0xfe, 0x61, 0x00]))?.message).toBe(
    'the file is UTF-16 encoded — save it as UTF-8',
  );
});

test('a JSON error inside a quoted string maps to the character in the file', () => {
  const src = 'p: "{\\"Effect\\": \\"Allow\\" x}"\n';
  const parsed = parseBindingsSource(src, 'w.yaml');
  const value = parsed.value?.p as string;
  const read = readInlinePolicy(value, parsed.locate.scalar(['p']));
  expect(read.ok).toBe(false);
  // The `x` is at column 28 of the file line.
  expect(src.indexOf('x') + 1).toBe(28);
  expect(!read.ok && read.at).toEqual({ line: 1, col: 28 });
  expect(
    mapOffset("{'x'}", 1, { style: 'QUOTE_SINGLE', start: { line: 3, col: 5 }, source: "'{''x''}'" }),
  ).toEqual({ line: 3, col: 7 });
});

test('flow nesting is measured before yaml recurses, ignoring brackets in comments and quotes', () => {
  expect(flowTooDeep(`a: ${'['.repeat(64)}${']'.repeat(64)}`)).toBeUndefined();
  expect(flowTooDeep(`a: ${'['.repeat(65)}`)).toBe(3 + 64);
  expect(
    flowTooDeep(`# ${'['.repeat(100)}\na: "${'{'.repeat(100)}"\nb: '${'['.repeat(100)}'`),
  ).toBeUndefined();
  // An apostrophe inside a plain word does not open a quote that hides later brackets.
  expect(flowTooDeep(`a: don't\nb: ${'['.repeat(65)}`)).toBe(`a: don't\nb: `.length + 64);
  const deep = parseBindingsSource(`x: 1\ny: ${'{a: '.repeat(5000)}1${'}'.repeat(5000)}\n`, 'f.yaml');
  expect(deep.value).toBeUndefined();
  expect(deep.diagnostics).toEqual([
    expect.objectContaining({
      line: 2,
      col: 4 + 64 * 4,
      message: expect.stringMatching(/nest more than 64 levels/),
    }),
  ]);
});

test('YAML 1.1 tags that would make a Set, Map, Buffer or Date are errors at the tagged value', () => {
  const parsed = parseBindingsSource(
    'a:\n  tags: !!omap [ { x: 1 } ]\n  when: !!timestamp 2001-12-14\n',
    'f.yaml',
  );
  expect(parsed.value).toBeUndefined();
  expect(parsed.diagnostics.map((d) => [d.line, d.message.slice(0, 30)])).toEqual([
    [2, '`tags` has the !!omap tag, whi'],
    [3, '`when` has the !!timestamp tag'],
  ]);
});

/** flowTooDeep as first written (one-character strings and regular expressions): the reference. */
function flowTooDeepReference(text: string): number | undefined {
  let depth = 0;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    const prev = i === 0 ? '\n' : text[i - 1];
    const atTokenStart = /[\s[{,:]/.test(prev);
    if (c === '#' && /\s/.test(prev)) {
      while (i < text.length && text[i] !== '\n') i += 1;
    } else if ((c === '"' || c === "'") && atTokenStart) {
      for (i += 1; i < text.length; i += 1) {
        if (c === '"' && text[i] === '\\') i += 1;
        else if (text[i] === c) {
          if (c === "'" && text[i + 1] === "'") i += 1;
          else break;
        }
      }
    } else if (c === '[' || c === '{') {
      depth += 1;
      if (depth > 64) return i;
    } else if ((c === ']' || c === '}') && depth > 0) {
      depth -= 1;
    }
  }
  return undefined;
}

test('flowTooDeep (character codes, no allocation) finds exactly what the first version found', () => {
  const piece = fc.constantFrom(
    '[',
    ']',
    '{',
    '}',
    '"',
    "'",
    '#',
    '\\',
    ',',
    ':',
    ' ',
    '\t',
    '\n',
    '\u00a0',
    '\u3000',
    'a',
    'x: ',
    '['.repeat(30),
    '{'.repeat(30),
  );
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 120 }), (pieces) => {
      const text = pieces.join('');
      expect(flowTooDeep(text)).toBe(flowTooDeepReference(text));
    }),
    { numRuns: 3000, seed: 3000 },
  );
});
