// What the user gave, as a list of inputs: a file, a folder walked recursively, a zip (nested zips too), a
// cabinet (CbsPersist_*.cab),
// each input with its head for sniffing and a way to stream its lines. Zip entries are read in memory,
// never extracted. Problems (unreadable folders, damaged or hostile archives) become diagnostics.

import { readdirSync, statSync, openSync, readSync, closeSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
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

/** Adds files, zips and cabinets to one list of inputs; what cannot be read becomes a diagnostic. */
function inputCollector(diagnostics: Diagnostic[]) {
  const inputs: Input[] = [];
  const open: ByteSource[] = [];
  const addCab = (data: Buffer, cabName: string): void => {
    const listing = listCab(data);
    for (const p of listing.problems) diagnostics.push({ level: 'warning', file: cabName, message: p });
    for (const f of listing.files) inputs.push(cabInput(data, f, `${cabName}/${f.name.replace(/\\/g, '/')}`));
  };
  const addZip = (src: ByteSource, zipName: string, depth: number): void => {
    const listing = listZip(src);
    for (const p of listing.problems) diagnostics.push({ level: 'warning', file: zipName, message: p });
    let total = 0;
    const seen = new Set<string>();
    for (const e of listing.entries) {
      if (e.isDirectory) continue;
      const name = `${zipName}/${e.name.replace(/\\/g, '/')}`;
      if (seen.has(name))
        diagnostics.push({
          level: 'warning',
          file: name,
          message: 'the archive holds this name twice; both are read',
        });
      seen.add(name);
      if (unsafeName(e.name)) {
        diagnostics.push({
          level: 'warning',
          file: name,
          message: 'entry name points outside the archive folder; read in memory only, never extracted',
        });
      }
      if (e.encrypted) {
        diagnostics.push({
          level: 'warning',
          file: name,
          message: 'skipped: encrypted entry (ask for the bundle without a password)',
        });
        continue;
      }
      if (e.method !== 0 && e.method !== 8) {
        diagnostics.push({
          level: 'warning',
          file: name,
          message: `skipped: compression method ${e.method} is not supported`,
        });
        continue;
      }
      total += e.size;
      if (total > DEFAULT_LIMITS.maxTotalBytes) {
        diagnostics.push({
          level: 'warning',
          file: name,
          message: `skipped: the bundle expands to more than ${DEFAULT_LIMITS.maxTotalBytes} bytes (zip bomb?)`,
        });
        break;
      }
      const input = entryInput(src, e, name);
      if (looksLikeCab(input.head())) {
        if (e.size > MAX_CAB)
          diagnostics.push({
            level: 'warning',
            file: name,
            message: `skipped: cabinet larger than ${MAX_CAB} bytes`,
          });
        else addCab(input.readAll(MAX_CAB), name);
        continue;
      }
      if (looksLikeZip(input.head())) {
        if (depth >= MAX_DEPTH) {
          diagnostics.push({
            level: 'warning',
            file: name,
            message: `skipped: zip nested more than ${MAX_DEPTH} deep`,
          });
        } else if (e.size > MAX_NESTED_ZIP) {
          diagnostics.push({
            level: 'warning',
            file: name,
            message: `skipped: nested zip larger than ${MAX_NESTED_ZIP} bytes`,
          });
        } else {
          addZip(bufferSource(input.readAll(MAX_NESTED_ZIP)), name, depth + 1);
        }
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
    if (looksLikeCab(head)) {
      if (bytes > MAX_CAB)
        diagnostics.push({
          level: 'warning',
          file: name,
          message: `skipped: cabinet larger than ${MAX_CAB} bytes`,
        });
      else addCab(fileInput(p, name, bytes).readAll(MAX_CAB), name);
      return;
    }
    if (looksLikeZip(head)) {
      try {
        const src = fileSource(p);
        open.push(src);
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
    inputs.push(fileInput(p, name, bytes));
  };
  /** A whole input held in memory: a zip, a cabinet or one log. */
  const addBuffer = (data: Buffer, name: string): void => {
    const head = data.subarray(0, HEAD_BYTES);
    if (looksLikeCab(head)) addCab(data, name);
    else if (looksLikeZip(head)) addZip(bufferSource(data), name, 1);
    else inputs.push(memoryInput(name, data));
  };
  return { inputs, open, addFile, addBuffer };
}

/** Lists the inputs of a buffer (a zip, a cabinet or one log) named `name`. Never throws. */
export function listBufferInputs(name: string, data: Buffer, diagnostics: Diagnostic[]): InputList {
  const c = inputCollector(diagnostics);
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

/** Lists the inputs under a path. Never throws: what cannot be read becomes a diagnostic. */
export function listInputs(path: string, diagnostics: Diagnostic[]): InputList {
  const { inputs, open, addFile } = inputCollector(diagnostics);
  let st;
  try {
    st = statSync(path);
  } catch (err) {
    diagnostics.push({ level: 'error', file: path, message: `cannot open: ${(err as Error).message}` });
    return { inputs, close: () => undefined };
  }
  if (st.isFile()) addFile(path, basename(path), st.size);
  else if (st.isDirectory()) {
    const walk = (dir: string, depth: number): void => {
      if (depth > 8) return;
      let names: string[];
      try {
        names = readdirSync(dir).sort();
      } catch (err) {
        diagnostics.push({
          level: 'warning',
          file: relative(path, dir) || dir,
          message: `cannot list: ${(err as Error).message}`,
        });
        return;
      }
      for (const n of names) {
        const p = join(dir, n);
        let s;
        try {
          s = statSync(p);
        } catch {
          continue;
        }
        if (s.isDirectory()) walk(p, depth + 1);
        else if (s.isFile()) addFile(p, relative(path, p), s.size);
      }
    };
    walk(path, 0);
  } else diagnostics.push({ level: 'error', file: path, message: 'not a file or folder' });
  return { inputs, close: () => open.forEach((s) => s.close()) };
}
