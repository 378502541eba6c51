// Reading a file the user names (the bindings file, the guardrails file): only a regular file, and
// never more than a bound, whatever the path points at. One reader, so every input file is safe
// against /dev/zero, FIFOs and files that grow while read, and says the same things when it is not.
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

export type InputFileRead =
  | { kind: 'bytes'; bytes: Uint8Array }
  | { kind: 'too-large'; size: number }
  | { kind: 'missing' }
  /** Not readable as this kind of file: `message` says why and what to do. */
  | { kind: 'problem'; message: string };

/**
 * `what.name` names the file in messages ("bindings file"); `what.pointAt` says where to point
 * instead ("point --file (CLI) … at the YAML file"). A missing path (ENOENT, or a parent that is not
 * a directory) is `missing`, for the caller to word: one must exist, another falls back to defaults.
 */
export async function readInputFile(
  path: string,
  limit: number,
  what: { name: string; pointAt: string },
): Promise<InputFileRead> {
  let read: RegularFileRead;
  try {
    read = await readRegularFile(path, limit);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'missing' };
    if (code === 'EACCES' || code === 'EPERM')
      return {
        kind: 'problem',
        message: `cannot read "${path}": permission denied — make the file readable`,
      };
    throw e;
  }
  if (read.kind === 'directory')
    return { kind: 'problem', message: `"${path}" is a directory, not a ${what.name} — ${what.pointAt}` };
  if (read.kind !== 'file')
    return {
      kind: 'problem',
      message: `"${path}" is ${read.kind}, not a regular file — a ${what.name} is read only from a regular file (symbolic links to one are followed); ${what.pointAt}`,
    };
  return read.tooLarge ? { kind: 'too-large', size: read.size } : { kind: 'bytes', bytes: read.bytes };
}

type RegularFileRead =
  | { kind: 'file'; tooLarge: false; bytes: Uint8Array }
  | { kind: 'file'; tooLarge: true; size: number }
  | { kind: 'directory' | 'a FIFO (named pipe)' | 'a device' | 'a socket' | 'not a regular file' };

/**
 * Reads a file only if, once opened, it is a regular file, and never more than `limit` + 1 bytes.
 * A size from stat() says nothing for /dev/zero or a FIFO (both 0), and the path can change between
 * a stat and an open, so the kind is checked on the open handle and the read itself is bounded.
 * O_NONBLOCK makes opening a FIFO return at once instead of waiting forever for a writer.
 */
async function readRegularFile(path: string, limit: number): Promise<RegularFileRead> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const info = await handle.stat();
    if (!info.isFile()) {
      if (info.isDirectory()) return { kind: 'directory' };
      if (info.isFIFO()) return { kind: 'a FIFO (named pipe)' };
      if (info.isCharacterDevice() || info.isBlockDevice()) return { kind: 'a device' };
      if (info.isSocket()) return { kind: 'a socket' };
      return { kind: 'not a regular file' };
    }
    if (info.size > limit) return { kind: 'file', tooLarge: true, size: info.size };
    const buffer = Buffer.alloc(Math.min(limit + 1, Math.max(info.size + 1, 64 * 1024)));
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        if (length > limit) break;
        return readRest(handle, buffer, length, limit);
      }
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length > limit) return { kind: 'file', tooLarge: true, size: length };
    return { kind: 'file', tooLarge: false, bytes: buffer.subarray(0, length) };
  } finally {
    await handle.close();
  }
}

/** The file grew after stat(): keep reading into a buffer of the full bound. */
async function readRest(
  handle: FileHandle,
  start: Buffer,
  length: number,
  limit: number,
): Promise<RegularFileRead> {
  const buffer = Buffer.alloc(limit + 1);
  start.copy(buffer, 0, 0, length);
  while (length < buffer.length) {
    const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
    if (bytesRead === 0) break;
    length += bytesRead;
  }
  if (length > limit) return { kind: 'file', tooLarge: true, size: length };
  return { kind: 'file', tooLarge: false, bytes: buffer.subarray(0, length) };
}
