// Finds the first byte that is not valid UTF-8, so a file saved in Latin-1 or UTF-16 gets a message
// that points at the offending character instead of a garbled parse.

export interface Utf8Problem {
  line: number;
  col: number;
  message: string;
}

export function utf8Problem(bytes: Uint8Array): Utf8Problem | undefined {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    return { line: 1, col: 1, message: 'the file is UTF-16 encoded — save it as UTF-8' };
  }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return undefined;
  } catch {
    const offset = firstInvalidOffset(bytes);
    let lineStart = 0;
    let line = 1;
    for (let i = 0; i < offset; i++) {
      if (bytes[i] === 0x0a) {
        line++;
        lineStart = i + 1;
      }
    }
    // Columns count characters, and everything before the bad byte decodes cleanly.
    const before = new TextDecoder('utf-8').decode(bytes.subarray(lineStart, offset));
    const col = [...before].length + 1;
    const hex = bytes[offset].toString(16).toUpperCase().padStart(2, '0');
    return {
      line,
      col,
      message: `byte 0x${hex} is not valid UTF-8 — save the file as UTF-8 (it may be Latin-1 or another legacy encoding)`,
    };
  }
}

/** Offset of the first byte that starts an invalid or truncated UTF-8 sequence. */
function firstInvalidOffset(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const x = b[i];
    let n: number;
    let min: number;
    if (x < 0x80) {
      i++;
      continue;
    } else if (x >= 0xc2 && x <= 0xdf) {
      n = 1;
      min = 0x80;
    } else if (x >= 0xe0 && x <= 0xef) {
      n = 2;
      min = 0x800;
    } else if (x >= 0xf0 && x <= 0xf4) {
      n = 3;
      min = 0x10000;
    } else {
      return i;
    }
    let cp = x & (0x3f >> n);
    for (let k = 1; k <= n; k++) {
      const c = b[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += n + 1;
  }
  return b.length;
}
