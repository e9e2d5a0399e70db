// What the user gave, as a list of inputs: a file, a folder walked recursively, a zip (nested zips too), a
// cabinet (CbsPersist_*.cab),
// each input with its head for sniffing and a way to stream its lines. Zip entries are read in memory,
// never extracted. Problems (unreadable folders, damaged or hostile archives) become diagnostics.
// One budget holds for the whole bundle (`BundleLimits`): expanded bytes, entries and nesting are counted
// across every nested archive, a nested archive is held in memory only under a modest cap, data shared
// by several zip entries or cabinet files is read once, and a folder is walked once by real path.

import { closeSync, lstatSync, openSync, readdirSync, readSync, realpathSync, statSync } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';
import type { Diagnostic } from '../model/types.js';
import {
  createFeeder,
  readLinesFromFile,
  type LineSink,
  type ReadOptions,
  type ReadStats,
} from './read-lines.js';
import {
  bufferSource,
  DEFAULT_LIMITS,
  fileSource,
  listZip,
  looksLikeZip,
  readEntry,
  unsafeName,
  type ByteSource,
  type ZipEntry,
} from './zip.js';
import { extractCabFile, listCab, looksLikeCab, type CabFile } from './cab.js';

export const HEAD_BYTES = 64 * 1024;
const MAX_NESTED_ZIP = 1024 * 1024 * 1024;
/** CAB data is decoded from memory: CbsPersist cabinets are 1–10 MB, this is far above. */
const MAX_CAB = 1024 * 1024 * 1024;
const MAX_DEPTH = 3;

/** One file to analyse, wherever it lives. */
export interface Input {
  /** Display name: relative path, zip entries as `bundle.zip/CBS/CBS.log`. */
  name: string;
  /** Size in bytes (uncompressed for zip entries). */
  bytes: number;
  /** The file on disk, when the input is one (not a member of an archive): it can be read in ranges. */
  path?: string;
  /** The first 64 KiB. */
  head(): Buffer;
  /** Streams every line through `sink`; `problem` says why reading stopped early, if it did. */
  readLines(sink: LineSink, opts: ReadOptions): ReadStats & { problem: string | null };
  /** The whole content up to `max` bytes (for small captured outputs). */
  readAll(max: number): Buffer;
  /**
   * Streams the bytes from the start, a chunk at a time (valid until `onChunk` returns, which returns false
   * to stop), for binary formats read in bounded memory.
   */
  readChunks?(onChunk: (chunk: Buffer) => boolean | void): { bytes: number; problem: string | null };
}

/** Reads a member of an archive from its start, chunk by chunk; `onChunk` returns false to stop. */
type Stream = (onChunk: (chunk: Buffer) => boolean | void) => { bytes: number; problem: string | null };

/** An input streamed out of an archive (a zip entry, a cabinet member): decoded again for each read. */
function streamedInput(name: string, bytes: number, stream: Stream): Input {
  const collect = (max: number): Buffer => {
    const parts: Buffer[] = [];
    let n = 0;
    stream((chunk) => {
      parts.push(chunk.subarray(0, Math.min(chunk.length, max - n)));
      n += chunk.length;
      return n < max;
    });
    return Buffer.concat(parts);
  };
  let head: Buffer | null = null;
  return {
    name,
    bytes,
    head: () => (head ??= collect(HEAD_BYTES)),
    readLines: (sink, opts) => {
      const feeder = createFeeder((head ??= collect(HEAD_BYTES)).subarray(0, 4096), sink, opts);
      let read = 0;
      const r = stream((chunk) => {
        read += chunk.length;
        feeder.push(chunk);
        opts.onProgress?.(read, bytes);
      });
      return { ...feeder.end(r.bytes), problem: r.problem };
    },
    readAll: collect,
    readChunks: stream,
  };
}

/** One file inside a cabinet (CbsPersist_*.cab holds one CbsPersist_*.log). */
function cabInput(data: Buffer, f: CabFile, name: string): Input {
  // A copy: stored folders hand out views of the cabinet, and the parser may keep lines.
  return streamedInput(name, f.size, (onChunk) =>
    extractCabFile(data, f, (chunk) => onChunk(Buffer.from(chunk))),
  );
}

export interface InputList {
  inputs: Input[];
  /** Releases open archives. */
  close(): void;
}

function fileHead(path: string): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(HEAD_BYTES);
    return buf.subarray(0, readSync(fd, buf, 0, HEAD_BYTES, 0));
  } finally {
    closeSync(fd);
  }
}

function fileInput(path: string, name: string, bytes: number): Input {
  return {
    name,
    bytes,
    path,
    head: () => fileHead(path),
    readLines: (sink, opts) => ({ ...readLinesFromFile(path, sink, opts), problem: null }),
    readAll: (max) => {
      const fd = openSync(path, 'r');
      try {
        const buf = Buffer.alloc(Math.min(max, bytes));
        return buf.subarray(0, readSync(fd, buf, 0, buf.length, 0));
      } finally {
        closeSync(fd);
      }
    },
    readChunks: (onChunk) => {
      const fd = openSync(path, 'r');
      try {
        const buf = Buffer.allocUnsafe(1 << 20);
        let read = 0;
        for (let n; (n = readSync(fd, buf, 0, buf.length, read)) > 0;) {
          read += n;
          if (onChunk(buf.subarray(0, n)) === false) break;
        }
        return { bytes: read, problem: null };
      } finally {
        closeSync(fd);
      }
    },
  };
}

function entryInput(src: ByteSource, e: ZipEntry, name: string): Input {
  return streamedInput(name, e.size, (onChunk) => readEntry(src, e, onChunk));
}

/** An input held in memory (an upload, a test's text). */
function memoryInput(name: string, data: Buffer): Input {
  return streamedInput(name, data.length, (onChunk) => {
    for (let at = 0; at < data.length; at += 1 << 20)
      if (onChunk(data.subarray(at, at + (1 << 20))) === false) break;
    return { bytes: data.length, problem: null };
  });
}

/** Limits shared by everything one bundle holds: the archive given, the archives inside it, a folder's files. */
export interface BundleLimits {
  /**
   * Most bytes read from the bundle: plain files, archive members, nested archives and cabinet decoding
   * work together (`--max-bytes`).
   */
  maxExpandedBytes: number;
  /** Largest expanded/compressed ratio of the whole bundle, over the sizes of its outermost archives. */
  maxRatio: number;
  /** Expansion always allowed whatever the ratio (a small zip of very repetitive logs). */
  minExpandedBytes: number;
  /** Most inputs and archive members (all archives and folders together; `--max-entries`). */
  maxEntries: number;
  /** Deepest archive nesting (a zip given is level 1). */
  maxNesting: number;
  /** Largest nested zip or cabinet held in memory to be read. */
  maxInMemoryArchive: number;
  /** Deepest folder walked. */
  maxFolderDepth: number;
}

/** Defaults for a real collector bundle of several GB of logs. */
export const DEFAULT_BUNDLE_LIMITS: BundleLimits = {
  maxExpandedBytes: DEFAULT_LIMITS.maxTotalBytes,
  maxRatio: DEFAULT_LIMITS.maxRatio,
  minExpandedBytes: 256 * 1024 * 1024,
  maxEntries: DEFAULT_LIMITS.maxEntries,
  maxNesting: MAX_DEPTH,
  maxInMemoryArchive: 256 * 1024 * 1024,
  maxFolderDepth: 8,
};

/** What a bundle has used of its limits so far. */
interface Budget {
  limits: BundleLimits;
  /** Bytes of the outermost archives: the ratio allowance grows with them. */
  archiveBytes: number;
  /** Bytes expanded out of archives (held to the ratio allowance). */
  expanded: number;
  /** Bytes of every input, plain files and archive members (held to `maxExpandedBytes`). */
  read: number;
  entries: number;
  /** Whether the entry-count diagnostic has been given (once per bundle). */
  entriesReported: boolean;
}

function allowance(b: Budget): number {
  return Math.min(
    b.limits.maxExpandedBytes,
    Math.max(b.limits.minExpandedBytes, b.archiveBytes * b.limits.maxRatio),
  );
}

/** Adds files, zips and cabinets to one list of inputs; what cannot be read becomes a diagnostic. */
function inputCollector(diagnostics: Diagnostic[], limits: BundleLimits) {
  const inputs: Input[] = [];
  const open: ByteSource[] = [];
  const budget: Budget = {
    limits,
    archiveBytes: 0,
    expanded: 0,
    read: 0,
    entries: 0,
    entriesReported: false,
  };
  const warn = (file: string, message: string): void => {
    diagnostics.push({ level: 'warning', file, message });
  };
  /** Counts one more input or member; false (reported once) past the limit. */
  const takeEntry = (file: string): boolean => {
    if (budget.entries >= limits.maxEntries) {
      if (!budget.entriesReported)
        warn(
          file,
          `skipped with everything after it: the bundle holds more than ${limits.maxEntries} files and archive entries (limit)`,
        );
      budget.entriesReported = true;
      return false;
    }
    budget.entries++;
    return true;
  };
  /** Reserves `bytes` of expansion; false, with a diagnostic on `file`, when the bundle has not that much left. */
  const takeBytes = (file: string, bytes: number, what: string): boolean => {
    const limit = allowance(budget);
    if (budget.expanded + bytes > limit) {
      warn(
        file,
        `skipped: ${what} ${bytes} bytes would take the bundle past ${limit} expanded bytes (limit: ${limits.maxRatio}:1 over its archives, at most ${limits.maxExpandedBytes}; zip bomb?)`,
      );
      return false;
    }
    if (!takeRead(file, bytes)) return false;
    budget.expanded += bytes;
    return true;
  };
  /** Reserves `bytes` of the bundle's read budget (`maxExpandedBytes`, `--max-bytes`). */
  const takeRead = (file: string, bytes: number): boolean => {
    if (budget.read + bytes > limits.maxExpandedBytes) {
      warn(
        file,
        `skipped: its ${bytes} bytes would take the bundle past ${limits.maxExpandedBytes} bytes read (limit, --max-bytes); ${budget.read} bytes were read before it`,
      );
      return false;
    }
    budget.read += bytes;
    return true;
  };
  const addCab = (data: Buffer, cabName: string): void => {
    const listing = listCab(data);
    for (const p of listing.problems) warn(cabName, p);
    /** Files already listed, by folder, offset and size: the same bytes are read once. */
    const same = new Map<string, string>();
    for (const f of listing.files) {
      const name = `${cabName}/${f.name.replace(/\\/g, '/')}`;
      const key = `${f.folder}:${f.offsetInFolder}:${f.size}`;
      const first = same.get(key);
      if (first !== undefined) {
        warn(name, `skipped: the same bytes as ${first} (same folder, offset and size), read once`);
        continue;
      }
      same.set(key, name);
      if (!takeEntry(name)) return;
      // A file is decoded from the start of its folder: that work is what it costs.
      if (!takeBytes(name, f.offsetInFolder + f.size, 'decoding this cabinet file takes')) continue;
      inputs.push(cabInput(data, f, name));
    }
  };
  /** A nested zip or cabinet, read into memory when it is small enough. */
  const nestedArchive = (input: Input, name: string, size: number): Buffer | null => {
    if (size > limits.maxInMemoryArchive) {
      warn(
        name,
        `skipped: a nested archive of ${size} bytes is larger than the ${limits.maxInMemoryArchive} bytes held in memory (limit)`,
      );
      return null;
    }
    return input.readAll(limits.maxInMemoryArchive);
  };
  const addZip = (src: ByteSource, zipName: string, depth: number): void => {
    const listing = listZip(src, { ...DEFAULT_LIMITS, maxEntries: limits.maxEntries });
    for (const p of listing.problems) warn(zipName, p);
    const seen = new Set<string>();
    // Entries whose data lies inside another's (the same local header, or overlapping ranges) are read once.
    const byOffset = listing.entries.filter((e) => !e.isDirectory).sort((a, b) => a.offset - b.offset);
    const overlapping = new Map<ZipEntry, ZipEntry>();
    let owner: ZipEntry | null = null;
    for (const e of byOffset) {
      // The data of an entry spans at least its 30-byte header and its compressed bytes.
      if (owner && e.offset < owner.offset + 30 + owner.compressedSize) overlapping.set(e, owner);
      else owner = e;
    }
    for (const e of listing.entries) {
      if (e.isDirectory) continue;
      const name = `${zipName}/${e.name.replace(/\\/g, '/')}`;
      if (seen.has(name)) warn(name, 'the archive holds this name twice; both are read');
      seen.add(name);
      const first = overlapping.get(e);
      if (first) {
        warn(
          name,
          `skipped: its data overlaps that of ${zipName}/${first.name} (local header at ${e.offset}); the bytes are read once`,
        );
        continue;
      }
      if (unsafeName(e.name)) {
        warn(name, 'entry name points outside the archive folder; read in memory only, never extracted');
      }
      if (e.encrypted) {
        warn(name, 'skipped: encrypted entry (ask for the bundle without a password)');
        continue;
      }
      if (e.method !== 0 && e.method !== 8) {
        warn(name, `skipped: compression method ${e.method} is not supported`);
        continue;
      }
      if (!takeEntry(name)) return;
      if (!takeBytes(name, e.size, 'its')) continue;
      const input = entryInput(src, e, name);
      if (looksLikeCab(input.head())) {
        const data = nestedArchive(input, name, e.size);
        if (data) addCab(data, name);
        continue;
      }
      if (looksLikeZip(input.head())) {
        if (depth >= limits.maxNesting) {
          warn(name, `skipped: zip nested more than ${limits.maxNesting} deep (limit)`);
          continue;
        }
        const data = nestedArchive(input, name, e.size);
        if (data) addZip(bufferSource(data), name, depth + 1);
        continue;
      }
      inputs.push(input);
    }
  };
  const addFile = (p: string, name: string, bytes: number): void => {
    let head: Buffer;
    try {
      head = fileHead(p);
    } catch (err) {
      diagnostics.push({ level: 'error', file: name, message: `cannot read: ${(err as Error).message}` });
      return;
    }
    if (!takeEntry(name)) return;
    if (looksLikeCab(head)) {
      if (bytes > MAX_CAB) warn(name, `skipped: cabinet larger than ${MAX_CAB} bytes (limit)`);
      else {
        budget.archiveBytes += bytes;
        addCab(fileInput(p, name, bytes).readAll(MAX_CAB), name);
      }
      return;
    }
    if (looksLikeZip(head)) {
      try {
        const src = fileSource(p);
        open.push(src);
        budget.archiveBytes += src.size;
        addZip(src, name, 1);
      } catch (err) {
        diagnostics.push({
          level: 'error',
          file: name,
          message: `cannot open the archive: ${(err as Error).message}`,
        });
      }
      return;
    }
    if (!takeRead(name, bytes)) return;
    inputs.push(fileInput(p, name, bytes));
  };
  /** A whole input held in memory: a zip, a cabinet or one log. */
  const addBuffer = (data: Buffer, name: string): void => {
    const head = data.subarray(0, HEAD_BYTES);
    budget.archiveBytes += data.length;
    if (looksLikeCab(head)) addCab(data, name);
    else if (looksLikeZip(head)) addZip(bufferSource(data), name, 1);
    else if (takeRead(name, data.length)) inputs.push(memoryInput(name, data));
  };
  return { inputs, open, addFile, addBuffer, warn, isFull: () => budget.entriesReported };
}

/** Lists the inputs of a buffer (a zip, a cabinet or one log) named `name`. Never throws. */
export function listBufferInputs(
  name: string,
  data: Buffer,
  diagnostics: Diagnostic[],
  limits: BundleLimits = DEFAULT_BUNDLE_LIMITS,
): InputList {
  const c = inputCollector(diagnostics, limits);
  if (data.length > MAX_NESTED_ZIP && looksLikeZip(data.subarray(0, HEAD_BYTES))) {
    // A zip held in memory is read like a nested one: past the limit its entries are not trusted to fit.
    diagnostics.push({
      level: 'error',
      file: name,
      message: `skipped: archive larger than ${MAX_NESTED_ZIP} bytes held in memory`,
    });
    return { inputs: [], close: () => undefined };
  }
  try {
    c.addBuffer(data, name);
  } catch (err) {
    diagnostics.push({
      level: 'error',
      file: name,
      message: `cannot open the archive: ${(err as Error).message}`,
    });
  }
  return { inputs: c.inputs, close: () => c.open.forEach((s) => s.close()) };
}

/**
 * Lists the inputs under a path. Never throws: what cannot be read becomes a diagnostic. A folder is walked
 * by real path: each folder and file is visited once, symbolic links leading out of the folder given or
 * back into a folder already walked are not followed, and FIFOs, sockets and devices are never opened.
 */
export function listInputs(
  path: string,
  diagnostics: Diagnostic[],
  limits: BundleLimits = DEFAULT_BUNDLE_LIMITS,
): InputList {
  const { inputs, open, addFile, isFull, warn } = inputCollector(diagnostics, limits);
  let st;
  try {
    st = statSync(path);
  } catch (err) {
    diagnostics.push({ level: 'error', file: path, message: `cannot open: ${(err as Error).message}` });
    return { inputs, close: () => undefined };
  }
  if (st.isFile()) addFile(path, basename(path), st.size);
  else if (st.isDirectory()) {
    let root: string;
    try {
      root = realpathSync(path);
    } catch {
      root = path;
    }
    const visited = new Set<string>();
    let full = false;
    const inside = (real: string): boolean => real === root || real.startsWith(root + sep);
    const walk = (dir: string, real: string, depth: number): void => {
      if (visited.has(real)) return;
      visited.add(real);
      let names: string[];
      try {
        names = readdirSync(dir).sort();
      } catch (err) {
        warn(relative(path, dir) || dir, `cannot list: ${(err as Error).message}`);
        return;
      }
      for (const n of names) {
        if (full) return;
        const p = join(dir, n);
        const name = relative(path, p);
        let s;
        let target: string;
        try {
          s = lstatSync(p);
          if (s.isSymbolicLink()) {
            target = realpathSync(p);
            if (!inside(target)) {
              warn(name, 'skipped: a symbolic link that leads out of the folder given is not followed');
              continue;
            }
            s = statSync(target);
          } else target = join(real, n);
        } catch (err) {
          warn(name, `skipped: cannot follow or read (${(err as Error).message})`);
          continue;
        }
        if (s.isDirectory()) {
          if (visited.has(target)) {
            warn(
              name,
              'skipped: this folder was already walked (a symbolic link loop or a second link to it)',
            );
          } else if (depth + 1 > limits.maxFolderDepth) {
            warn(name, `skipped: folder nested more than ${limits.maxFolderDepth} deep (limit)`);
          } else walk(p, target, depth + 1);
        } else if (s.isFile()) {
          if (visited.has(target)) {
            warn(name, 'skipped: the same file was already read under another name (symbolic link)');
            continue;
          }
          visited.add(target);
          addFile(p, name, s.size);
          if (isFull()) full = true;
        } else warn(name, 'skipped: not a regular file (a FIFO, socket or device is never opened)');
      }
    };
    walk(path, root, 0);
  } else diagnostics.push({ level: 'error', file: path, message: 'not a file or folder' });
  return { inputs, close: () => open.forEach((s) => s.close()) };
}
