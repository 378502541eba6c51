// The item-by-item parse of the `bindings:` list (src/bindings/piecewise.ts) must give exactly what
// the whole-file parse gives: the same value, diagnostics, partial value and every position the
// locator answers. Generated files mix valid bindings with every YAML feature that could make
// parsing the items apart differ (anchors, tags, multi-line scalars, flow lists, comments,
// indentation slips, duplicates, several documents, directives, tabs, CRLF).
import fc from 'fast-check';
import { parseBindingsSource, type JsonPath, type ParsedSource } from '../../src/bindings/parse.js';
import { parseBindingsPiecewise, splitBindingsList } from '../../src/bindings/piecewise.js';

const NON_JSON = { 'tag:yaml.org,2002:set': 'a set' };

/** Every path of the value, plus a missing key and a missing index under each. */
function pathsOf(value: unknown, path: JsonPath = [], out: JsonPath[] = []): JsonPath[] {
  out.push(path, [...path, 'missing'], [...path, 99]);
  if (Array.isArray(value)) value.forEach((v, i) => pathsOf(v, [...path, i], out));
  else if (value !== null && typeof value === 'object')
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) pathsOf(v, [...path, k], out);
  return out;
}

function expectSame(text: string): boolean {
  const whole = parseBindingsSource(text, 'w.yaml', { piecewise: false });
  const fast = parseBindingsSource(text, 'w.yaml');
  expect(fast.diagnostics).toEqual(whole.diagnostics);
  expect(fast.partial).toEqual(whole.partial);
  expect(fast.value).toEqual(whole.value);
  // toEqual ignores key order; the plan and its messages follow it.
  expect(JSON.stringify(fast.value)).toBe(JSON.stringify(whole.value));
  const paths = pathsOf(whole.value ?? whole.partial?.value ?? {});
  for (const p of [...paths, ['bindings', 0, 'nope', 1], []]) expectSameLocation(whole, fast, p);
  return parseBindingsPiecewise(text, NON_JSON) !== undefined;
}

function expectSameLocation(whole: ParsedSource, fast: ParsedSource, path: JsonPath): void {
  expect({ path, at: fast.locate.value(path) }).toEqual({ path, at: whole.locate.value(path) });
  expect({ path, at: fast.locate.key(path) }).toEqual({ path, at: whole.locate.key(path) });
  expect({ path, at: fast.locate.scalar(path) }).toEqual({ path, at: whole.locate.scalar(path) });
}

const HEADER = [
  'version: 1\nowner: acme/platform-iam\n',
  '# bindings of team x\nversion: 1\nowner: acme/platform-iam\n',
  '---\nversion: 1\nowner: "acme/platform-iam"\n',
  '%YAML 1.1\n---\nversion: 1\nowner: yes\n',
  'version: 1\naws: &a {accountId: "123456789012"}\n',
  'version: 1\nclusters:\n  prod:\n    issuer: https://x.example.com\n    kubernetes: false\n',
  'version: 1\nowner: |\n  multi\n  line\n',
  'version: 1\nowner: "multi\n  line quoted"\n',
  'version: 1\n\towner: tab\n',
  'version: 1\r\nowner: crlf\r\n',
  '',
];
const BINDINGS_LINE = [
  'bindings:\n',
  'bindings:   # the roles\n',
  'bindings: []\n',
  'bindings: !!seq\n',
  'bindings: &b\n',
  '"bindings":\n',
  'bindings:#x\n',
];
/** Lines inside an item, `P` standing for the item's key indentation. */
const FIELD = [
  'Pdescription: plain text\n',
  'Pdescription: two\nP  lines plain\n',
  'Pdescription: "quoted\nP  continued"\n',
  "Pdescription: 'single ''quoted'''\n",
  'Pdescription: |\nP  line one\nP  line two\n',
  'Pdescription: >-\nP  folded\nP  text\n\n',
  'Pdescription: |2\nP    indented by indicator\n',
  'Pdescription: |\nP  # not a comment\n# a comment\n',
  'Ptags: {team: web, env: prod}\n',
  'Ptags:\nP  team: web\nP  env: "prod"\n',
  'PserviceAccounts:\nP  - cluster: prod\nP    namespace: default\nP    name: app\n',
  'PserviceAccounts:\nP- cluster: prod\nP  name: app\n',
  'PmanagedPolicies: [arn:aws:iam::aws:policy/A, arn:aws:iam::aws:policy/B]\n',
  'PmanagedPolicies: [arn:aws:iam::aws:policy/A,\nP  arn:aws:iam::aws:policy/B]\n',
  'PinlinePolicies:\nP  read: \'{"Version": "2012-10-17", "Statement": []}\'\n',
  'PinlinePolicies:\nP  read: |\nP    {"Version": "2012-10-17",\nP     "Statement": [}\n',
  'Pempty:\n',
  'Pn: 12\nPb: true\nPd: 2024-01-01\nPz: ~\n',
  'P"quoted key": v\n',
  'P? explicit\nP: value\n',
  'P__proto__: x\n',
  'P1: one\nP"1": again\n',
  'P# a comment\n',
  '# a comment at column 0\n',
  '\n',
  '   \n',
  'Ptags: *a\n',
  'P[a, b]: complex\n',
  'Ptags: &t {x: y}\n',
  'Pother: *t\n',
  'Prole: duplicate\n',
  'Px: !!set {a}\n',
  'Px: !custom y\n',
  'Px: !!str 5\n',
  'P\tbad: tab\n',
  ' Pmis: indented\n',
  'Pbad: [unclosed\n',
  'Pbad: "unclosed\n',
  'Pkey: value: again\n',
  '---\n',
  '...\n',
  'Pline: with\r\n',
];
const ITEM_START = [
  '- role: r\n',
  '-\n  role: r\n',
  '- just-a-string\n',
  '- - nested\n',
  '-\n',
  '- {role: r, tags: {a: b}}\n',
  '- &i role: r\n',
];
const TRAILER = [
  '',
  'extra: 1\n',
  'version: 2\n',
  'bindings: again\n',
  '  x: 1\n',
  '- stray\n',
  '"1": x\n1: y\n',
  'z: &z 1\ny: *z\n',
  '__proto__: {a: 1}\n',
  '# trailing comment\n',
  '...\n',
  '---\nsecond: doc\n',
];

/** Mostly the safe choices (the first `safe` of a list), so that most files take the piecewise path. */
const mostly = (choices: string[], safe: number) =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...choices.slice(0, safe)) },
    { weight: 1, arbitrary: fc.constantFrom(...choices) },
  );

const file = fc
  .record({
    header: mostly(HEADER, 3),
    bindingsLine: mostly(BINDINGS_LINE, 2),
    indent: fc.constantFrom(0, 2, 4),
    items: fc.array(
      fc.record({
        start: mostly(ITEM_START, 1),
        fields: fc.array(mostly(FIELD, 26), { maxLength: 5 }),
      }),
      { minLength: 1, maxLength: 5 },
    ),
    trailer: mostly(TRAILER, 2),
    finalNewline: fc.boolean(),
  })
  .map(({ header, bindingsLine, indent, items, trailer, finalNewline }) => {
    const pad = ' '.repeat(indent);
    const body = items
      .map(({ start, fields }) => {
        const key = pad + '  ';
        const first = start.replace(/\n {2}/g, `\n${key}`);
        // Numbered keys, so that fields drawn twice are not (mostly) duplicate keys.
        return (
          pad +
          first +
          fields.map((f, j) => f.replace(/P/g, key).replace(/^( *)(description|tags):/, `$1$2${j}:`)).join('')
        );
      })
      .join('');
    const text = header + bindingsLine + body + trailer;
    return finalNewline || !text.endsWith('\n') ? text : text.slice(0, -1);
  });

test('the piecewise parse equals the whole-file parse on generated files (value, diagnostics, positions)', () => {
  let piecewise = 0;
  let runs = 0;
  fc.assert(
    fc.property(
      fc.oneof(
        file,
        file.map((text) => text.replace('bindings:', 'bindings: # list')),
      ),
      (text) => {
        runs += 1;
        if (expectSame(text)) piecewise += 1;
      },
    ),
    // 250 generated files: ~30 ms each (two full parses and every path located); 1,000 cost the
    // suite ~15 s of a 3-minute budget.
    { numRuns: 250, seed: 2121 },
  );
  // The comparison says little if the piecewise path is rarely taken.
  expect(piecewise / runs).toBeGreaterThan(0.3);
});

test('a plain fleet file is parsed piece by piece, with the same positions as the whole-file parse', () => {
  const items = Array.from(
    { length: 50 },
    (_, i) =>
      `  - role: app-${i}\n    serviceAccounts:\n      - cluster: prod\n        name: app-${i}\n    inlinePolicies:\n      read: |\n        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}\n`,
  );
  const text = `version: 1\nowner: acme/x\nclusters:\n  prod: {issuer: "https://x.example.com"}\nbindings:\n${items.join('')}`;
  expect(splitBindingsList(text)?.items).toHaveLength(50);
  expect(expectSame(text)).toBe(true);
  expect(
    parseBindingsSource(text, 'w.yaml').locate.value(['bindings', 49, 'serviceAccounts', 0, 'name']),
  ).toEqual({
    line: 5 + 49 * 7 + 4,
    col: 15,
  });
});

test.each([
  ['an alias into another item', 'bindings:\n  - role: a\n    tags: &t {x: y}\n  - role: b\n    tags: *t\n'],
  ['a flow list', 'bindings: [{role: a}, {role: b}]\n'],
  ['a directive', '%YAML 1.1\n---\nbindings:\n  - role: a\n    enabled: yes\n'],
  ['a second document', 'bindings:\n  - role: a\n---\nbindings:\n  - role: b\n'],
  ['a tab', 'bindings:\n  - role: a\n    description: "a\ttab"\n'],
  ['CRLF line ends', 'bindings:\r\n  - role: a\r\n'],
  ['a key repeated after the list', 'owner: a\nbindings:\n  - role: a\nowner: b\n'],
  ['a mis-indented line after the list', 'bindings:\n    - role: a\n  owner: b\n'],
  ['a syntax error in an item', 'bindings:\n  - role: [a\n  - role: b\n'],
  ['a refused tag in an item', 'bindings:\n  - role: a\n    tags: !!set {a}\n'],
])('%s: parsed whole, with the whole-file diagnostics', (_, text) => {
  expect(parseBindingsPiecewise(text, NON_JSON)).toBeUndefined();
  expectSame(text);
});
