// One way to read a number a user typed (CLI flag, action input), so both entry points accept and
// refuse the same spellings.

/**
 * The whole number `raw` spells in decimal digits, when it lies in [min, max]; otherwise undefined.
 * `1e1`, `0x10`, `8.0`, `+8` and `` are refused although Number() reads them.
 */
export function parseWholeNumber(raw: string, min: number, max: number): number | undefined {
  if (!/^\d+$/.test(raw)) return undefined;
  const n = Number(raw);
  return n >= min && n <= max ? n : undefined;
}
