// Zip bundles read in place: the central directory (zip64 too) or, when it is missing (a truncated
// upload), the local headers in sequence; each entry is inflated in chunks straight into the analysis and
// never written to disk, so names like `../x` or `C:\x` cannot escape anywhere. Limits on entry size,
// total size, compression ratio, entry count and nesting stop zip bombs; encrypted entries are reported,
// not read. Every entry read to its end has its CRC-32 checked (node's zlib), and an entry that inflates
// to more than it declares is stopped there, so the declared sizes bound what a bundle can expand to.
// Deflate itself is fflate's.

import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { crc32, fflate } from './on-demand.js';
import { inflateOnThread } from './inflate-thread.js';

/** Deflated entries at least this large (compressed) of an archive on disk are inflated on a thread. */
export const THREAD_INFLATE_MIN_BYTES = 1024 * 1024;

/** Random access to the bytes of a zip: a file on disk or a buffer (a nested zip). */
export interface ByteSource {
  readonly size: number;
  /** The file read, when the bytes are a file's (large entries are then inflated on a thread of their own). */
  readonly path?: string;
  read(buf: Buffer, offset: number, length: number, position: number): number;
  close(): void;
}

export function fileSource(path: string): ByteSource {
  const fd = openSync(path, 'r');
  return {
    size: fstatSync(fd).size,
    path,
    read: (buf, offset, length, position) => readSync(fd, buf, offset, length, position),
    close: () => closeSync(fd),
  };
}

export function bufferSource(data: Buffer): ByteSource {
  return {
    size: data.length,
    read: (buf, offset, length, position) => {
      if (position >= data.length) return 0;
      return data.copy(buf, offset, position, Math.min(data.length, position + length));
    },
    close: () => undefined,
  };
}

export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflate; anything else cannot be read. */
  method: number;
  encrypted: boolean;
  compressedSize: number;
  size: number;
  /** Offset of the local file header. */
  offset: number;
  isDirectory: boolean;
  /** CRC-32 of the uncompressed data, or null when it is not known (a data descriptor found by scanning). */
  crc: number | null;
}

export interface ZipLimits {
  /** Largest entry read, uncompressed. */
  maxEntryBytes: number;
  /** Largest total read from one bundle, uncompressed. */
  maxTotalBytes: number;
  /** Largest uncompressed/compressed ratio tolerated for entries over 1 MiB. */
  maxRatio: number;
  maxEntries: number;
}

const INFLATE_SLICE = 16 * 1024;

/** Largest central directory read (about 700,000 entries with short names). */
const MAX_CENTRAL_DIRECTORY = 64 * 1024 * 1024;

export const DEFAULT_LIMITS: ZipLimits = {
  maxEntryBytes: 4 * 1024 ** 3,
  maxTotalBytes: 16 * 1024 ** 3,
  maxRatio: 400,
  maxEntries: 20000,
};

export interface ZipListing {
  entries: ZipEntry[];
  /** What was wrong with the archive itself (truncated, no central directory, bad records). */
  problems: string[];
}

/** True when the bytes start like a zip archive. */
export function looksLikeZip(head: Buffer): boolean {
  return (
    head.length >= 4 &&
    head[0] === 0x50 &&
    head[1] === 0x4b &&
    (head[2] === 3 || head[2] === 5) &&
    (head[3] === 4 || head[3] === 6)
  );
}

function readAt(src: ByteSource, position: number, length: number): Buffer {
  const buf = Buffer.alloc(Math.max(0, Math.min(length, src.size - position)));
  let got = 0;
  while (got < buf.length) {
    const n = src.read(buf, got, buf.length - got, position + got);
    if (n <= 0) break;
    got += n;
  }
  return buf.subarray(0, got);
}

function decodeName(raw: Buffer, utf8: boolean): string {
  if (utf8) return raw.toString('utf8');
  // Pre-UTF-8 zips from Chinese Windows name entries in GBK (code page 936).
  if (raw.every((b) => b < 0x80)) return raw.toString('latin1');
  try {
    return new TextDecoder('gb18030', { fatal: true }).decode(raw);
  } catch {
    return raw.toString('latin1');
  }
}

/** Zip64 extra field (0x0001): the 64-bit sizes and offset that replace 0xffffffff values. */
function zip64(extra: Buffer, sizes: { size: number; compressedSize: number; offset: number }): void {
  let p = 0;
  while (p + 4 <= extra.length) {
    const id = extra.readUInt16LE(p);
    const len = extra.readUInt16LE(p + 2);
    if (id === 0x0001) {
      let q = p + 4;
      const take = (): number => {
        const v = Number(extra.readBigUInt64LE(q));
        q += 8;
        return v;
      };
      if (sizes.size === 0xffffffff && q + 8 <= p + 4 + len) sizes.size = take();
      if (sizes.compressedSize === 0xffffffff && q + 8 <= p + 4 + len) sizes.compressedSize = take();
      if (sizes.offset === 0xffffffff && q + 8 <= p + 4 + len) sizes.offset = take();
      return;
    }
    p += 4 + len;
  }
}

/** Lists the entries: from the central directory, else by walking the local headers. */
export function listZip(src: ByteSource, limits: ZipLimits = DEFAULT_LIMITS): ZipListing {
  const problems: string[] = [];
  const tailLen = Math.min(src.size, 65557 + 20);
  const tail = readAt(src, src.size - tailLen, tailLen);
  const eocd = tail.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd >= 0 && eocd + 22 <= tail.length) {
    let count = tail.readUInt16LE(eocd + 10);
    let cdSize = tail.readUInt32LE(eocd + 12);
    let cdOffset = tail.readUInt32LE(eocd + 16);
    const loc = eocd - 20;
    if ((cdOffset === 0xffffffff || count === 0xffff) && loc >= 0 && tail.readUInt32LE(loc) === 0x07064b50) {
      const z64at = Number(tail.readBigUInt64LE(loc + 8));
      const z64 = readAt(src, z64at, 56);
      if (z64.length === 56 && z64.readUInt32LE(0) === 0x06064b50) {
        count = Number(z64.readBigUInt64LE(32));
        cdSize = Number(z64.readBigUInt64LE(40));
        cdOffset = Number(z64.readBigUInt64LE(48));
      }
    }
    if (cdOffset + cdSize <= src.size) {
      // The directory is read into memory: its size is bounded whatever the archive claims.
      const cd = readAt(src, cdOffset, Math.min(cdSize, MAX_CENTRAL_DIRECTORY));
      const entries: ZipEntry[] = [];
      if (count > limits.maxEntries)
        problems.push(
          `the archive lists ${count} entries: only the first ${limits.maxEntries} are read (limit, --max-entries)`,
        );
      let p = 0;
      for (let i = 0; i < Math.min(count, limits.maxEntries) && p + 46 <= cd.length; i++) {
        if (cd.readUInt32LE(p) !== 0x02014b50) {
          problems.push(`central directory record ${i + 1} is damaged; entries after it were not listed`);
          break;
        }
        const flags = cd.readUInt16LE(p + 8);
        const nameLen = cd.readUInt16LE(p + 28);
        const extraLen = cd.readUInt16LE(p + 30);
        const commentLen = cd.readUInt16LE(p + 32);
        const crc = cd.readUInt32LE(p + 16);
        const sizes = {
          compressedSize: cd.readUInt32LE(p + 20),
          size: cd.readUInt32LE(p + 24),
          offset: cd.readUInt32LE(p + 42),
        };
        zip64(cd.subarray(p + 46 + nameLen, p + 46 + nameLen + extraLen), sizes);
        const name = decodeName(cd.subarray(p + 46, p + 46 + nameLen), (flags & 0x800) !== 0);
        entries.push({
          name,
          method: cd.readUInt16LE(p + 10),
          encrypted: (flags & 1) !== 0,
          ...sizes,
          isDirectory: name.endsWith('/') || name.endsWith('\\'),
          crc,
        });
        p += 46 + nameLen + extraLen + commentLen;
      }
      return { entries, problems };
    }
  }
  problems.push('no usable central directory (truncated or damaged archive): entries were found by scanning');
  return { entries: scanLocalHeaders(src, limits, problems), problems };
}

/** Walks local headers from the start: what a truncated upload still holds. */
function scanLocalHeaders(src: ByteSource, limits: ZipLimits, problems: string[]): ZipEntry[] {
  const entries: ZipEntry[] = [];
  let pos = 0;
  while (pos + 30 <= src.size && entries.length < limits.maxEntries) {
    const h = readAt(src, pos, 30);
    if (h.length < 30 || h.readUInt32LE(0) !== 0x04034b50) break;
    const flags = h.readUInt16LE(6);
    const nameLen = h.readUInt16LE(26);
    const extraLen = h.readUInt16LE(28);
    const rest = readAt(src, pos + 30, nameLen + extraLen);
    const sizes = { compressedSize: h.readUInt32LE(18), size: h.readUInt32LE(22), offset: pos };
    zip64(rest.subarray(nameLen), sizes);
    const name = decodeName(rest.subarray(0, nameLen), (flags & 0x800) !== 0);
    if ((flags & 8) !== 0 && sizes.compressedSize === 0) {
      problems.push(
        `${name}: sizes follow the data (data descriptor) and the central directory is missing: the rest cannot be read`,
      );
      break;
    }
    entries.push({
      name,
      method: h.readUInt16LE(8),
      encrypted: (flags & 1) !== 0,
      ...sizes,
      offset: pos,
      isDirectory: name.endsWith('/'),
      crc: (flags & 8) !== 0 ? null : h.readUInt32LE(14),
    });
    pos += 30 + nameLen + extraLen + sizes.compressedSize;
  }
  return entries;
}

export interface EntryRead {
  /** Uncompressed bytes delivered. */
  bytes: number;
  /** Why reading stopped early (limit, damaged data, truncated archive), if it did. */
  problem: string | null;
}

/**
 * Inflates one entry in chunks; `onChunk` returns false to stop early (enough read). Never throws:
 * damaged data, a truncated archive, a limit, more data than the entry declares or a CRC-32 mismatch
 * (checked when the entry is read to its end) becomes `problem`.
 */
export function readEntry(
  src: ByteSource,
  e: ZipEntry,
  onChunk: (chunk: Buffer) => boolean | void,
  limits: ZipLimits = DEFAULT_LIMITS,
): EntryRead {
  if (e.encrypted) return { bytes: 0, problem: 'encrypted entry: not read' };
  if (e.method !== 0 && e.method !== 8)
    return { bytes: 0, problem: `compression method ${e.method} is not supported` };
  if (e.size > limits.maxEntryBytes)
    return { bytes: 0, problem: `declares ${e.size} bytes (limit ${limits.maxEntryBytes})` };
  const local = readAt(src, e.offset, 30);
  if (local.length < 30 || local.readUInt32LE(0) !== 0x04034b50)
    return { bytes: 0, problem: 'local header missing or damaged' };
  let pos = e.offset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
  const end = pos + e.compressedSize;
  let bytes = 0;
  let problem: string | null = null;
  let stop = false;
  /** Compressed bytes handed to the inflater so far (for the ratio check). */
  let consumed = 0;
  let crc = 0;
  /** Set when the consumer stopped reading: the CRC cannot be checked then. */
  let enough = false;
  const deliver = (chunk: Uint8Array): void => {
    if (stop || chunk.length === 0) return;
    bytes += chunk.length;
    if (bytes > e.size) {
      problem = `inflates to more than the ${e.size} bytes it declares: reading stopped (damaged or hostile entry)`;
      stop = true;
      return;
    }
    if (bytes > limits.maxEntryBytes) {
      problem = `more than ${limits.maxEntryBytes} bytes uncompressed: reading stopped (zip bomb?)`;
      stop = true;
      return;
    }
    if (bytes > 1024 * 1024 && bytes / Math.max(1, consumed) > limits.maxRatio) {
      problem = `compression ratio over ${limits.maxRatio}:1: reading stopped (zip bomb?)`;
      stop = true;
      return;
    }
    if (e.crc !== null && !threaded) crc = crc32(chunk, crc);
    // A copy: the read buffer is reused, and a consumer may keep lines of the previous chunk.
    if (onChunk(threaded ? (chunk as Buffer) : Buffer.from(chunk)) === false) stop = enough = true;
  };
  // A large deflated entry of an archive on disk: inflated natively on a thread of its own, beside the
  // analysis (its chunks are copies already, and that thread takes the CRC).
  const threaded = e.method === 8 && src.path !== undefined && e.compressedSize >= THREAD_INFLATE_MIN_BYTES;
  if (threaded) {
    const r = inflateOnThread(src.path!, pos, end, (chunk, consumedNow) => {
      consumed = consumedNow;
      deliver(chunk);
      return !stop;
    });
    if (r.problem !== null && problem === null) problem = r.problem;
    if (r.complete) crc = r.crc;
    else if (problem === null && !enough) problem = 'damaged compressed data (the entry ends early)';
    return finishEntry();
  }
  const inflate = e.method === 8 ? new (fflate().Inflate)((data) => deliver(data)) : null;
  const buf = Buffer.allocUnsafe(256 * 1024);
  try {
    while (!stop && pos < end) {
      const n = src.read(buf, 0, Math.min(buf.length, end - pos), pos);
      if (n <= 0) {
        problem = 'the archive ends inside this entry (truncated): the rest of it is missing';
        break;
      }
      pos += n;
      const chunk = buf.subarray(0, n);
      if (inflate) {
        // Small input slices: deflate expands at most ~1032:1, so one push yields at most ~16 MiB even
        // for a bomb, and the limits are checked between slices.
        for (let off = 0; off < n && !stop; off += INFLATE_SLICE) {
          const slice = chunk.subarray(off, Math.min(n, off + INFLATE_SLICE));
          consumed += slice.length;
          inflate.push(new Uint8Array(slice), pos >= end && off + INFLATE_SLICE >= n);
        }
      } else {
        consumed += n;
        deliver(new Uint8Array(chunk));
      }
    }
  } catch (err) {
    problem = `damaged compressed data (${err instanceof Error ? err.message : String(err)})`;
  }
  return finishEntry();

  function finishEntry(): EntryRead {
    if (problem === null && !enough && bytes < e.size)
      problem = `the data ends ${e.size - bytes} bytes before the size the entry declares (damaged entry)`;
    if (problem === null && !enough && e.crc !== null && crc >>> 0 !== e.crc >>> 0)
      problem = `CRC-32 mismatch (${(crc >>> 0).toString(16).padStart(8, '0')}, the archive says ${(e.crc >>> 0).toString(16).padStart(8, '0')}): the entry is damaged, its content may be wrong`;
    return { bytes, problem };
  }
}

/** Whether an entry name would escape an extraction folder (`../x`, `/x`, `C:\x`): reported, never extracted. */
export function unsafeName(name: string): boolean {
  return /(^|[\\/])\.\.([\\/]|$)/.test(name) || /^[\\/]/.test(name) || /^[A-Za-z]:/.test(name);
}
