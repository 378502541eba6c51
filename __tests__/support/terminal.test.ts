// safeOutputPieces (the JSON plan made safe as it is written) must give safeOutput's text exactly.
import fc from 'fast-check';
import { safeOutput, safeOutputPieces } from '../../src/support/terminal.js';

test('safeOutputPieces is safeOutput of the joined pieces, however the pieces split lines', () => {
  const bit = fc.constantFrom(
    'a',
    ' ',
    '\n',
    ':',
    '::',
    '\u001b[31m',
    '\u001b[0m',
    '\u0007',
    '\r',
    '\u009b',
    '{\n  "x": 1',
    '🔑',
  );
  const pieces = fc.array(
    fc.array(bit, { maxLength: 8 }).map((b) => b.join('')),
    { maxLength: 12 },
  );
  fc.assert(
    fc.property(pieces, fc.boolean(), (list, colour) => {
      expect([...safeOutputPieces(list, { colour })].join('')).toBe(safeOutput(list.join(''), { colour }));
    }),
    { numRuns: 3000, seed: 2123 },
  );
});
