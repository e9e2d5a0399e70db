// Streaming line reader: byte chunks in, (buffer, start, end, lineNo) out, synchronously.
// Memory is bounded by the chunk size plus one capped line, whatever the input size. Lines longer than
// the cap are cut (the rest is skipped, not buffered) and reported, so a 10 MB line cannot hurt.

import { closeSync, openSync, readSync, fstatSync } from 'node:fs';
import { TextDecoder } from 'node:util';
import { sniffEncoding, type Encoding } from './encoding.js';

/**
 * Receives each physical line; `end` excludes the line break (CR and LF). `buf` stays valid until the
 * first line of the chunk after next: copy what must live longer.
 */
export type LineSink = (buf: Buffer, start: number, end: number, lineNo: number) => void;

export interface ReadOptions {
  /** Longest line kept, in bytes; the rest of a longer line is skipped and reported. */
  maxLineBytes?: number;
  chunkBytes?: number;
  /** Called after each chunk with the bytes read so far and the total size. */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
}

export interface LongLine {
  line: number;
  bytes: number;
}

export interface ReadStats {
  bytes: number;
  lines: number;
  /** Encoding lines are handed out in: UTF-16 input is transcoded to UTF-8 first. */
  encoding: Encoding;
  /** Encoding of the file itself. */
  fileEncoding: Encoding;
  binary: boolean;
  longLines: LongLine[];
  /** True when the last line had no line break (a file cut mid-line). */
  truncatedLastLine: boolean;
}

const DEFAULT_MAX_LINE = 256 * 1024;
const DEFAULT_CHUNK = 1024 * 1024;

/** Splits a byte stream into lines. Push chunks, then call end(). */
export class LineSplitter {
  private carry: Buffer | null = null;
  private skipping = false;
  private skippedBytes = 0;
  /** Whether the last skipped byte was a CR (its LF may start the next chunk). */
  private skippedCr = false;
  private lineNo = 0;
  readonly longLines: LongLine[] = [];
  truncatedLastLine = false;

  constructor(
    private readonly sink: LineSink,
    private readonly maxLine = DEFAULT_MAX_LINE,
  ) {}

  get lines(): number {
    return this.lineNo;
  }

  push(chunk: Buffer): void {
    let buf = chunk;
    let pos = 0;
    if (this.skipping) {
      const nl = buf.indexOf(10);
      if (nl === -1) {
        this.skippedBytes += buf.length;
        this.skippedCr = buf[buf.length - 1] === 13;
        return;
      }
      // The CR of a CRLF ending is not part of the line, even when the chunk border split them.
      if (nl > 0) this.skippedBytes += buf[nl - 1] === 13 ? nl - 1 : nl;
      else if (this.skippedCr) this.skippedBytes--;
      this.finishLongLine();
      pos = nl + 1;
    } else if (this.carry) {
      // Finish the carried partial line with the head of this chunk, without copying the whole chunk.
      const nl = chunk.indexOf(10);
      if (nl === -1 || this.carry.length + nl > this.maxLine) {
        buf = Buffer.concat([this.carry, chunk]);
        this.carry = null;
      } else {
        const line = Buffer.concat([this.carry, chunk.subarray(0, nl + 1)]);
        this.carry = null;
        let end = line.length - 1;
        if (end > 0 && line[end - 1] === 13) end--;
        this.sink(line, 0, end, ++this.lineNo);
        pos = nl + 1;
      }
    }
    const sink = this.sink;
    let nl: number;
    while ((nl = buf.indexOf(10, pos)) !== -1) {
      let end = nl;
      if (end > pos && buf[end - 1] === 13) end--;
      if (end - pos > this.maxLine) {
        this.longLines.push({ line: this.lineNo + 1, bytes: end - pos });
        end = pos + this.maxLine;
      }
      sink(buf, pos, end, ++this.lineNo);
      pos = nl + 1;
    }
    if (pos < buf.length) {
      const rest = buf.length - pos;
      // A trailing CR may be half of a CRLF: it does not count towards the line's length.
      const content = buf[buf.length - 1] === 13 ? rest - 1 : rest;
      if (content > this.maxLine) {
        // Keep the first maxLine bytes of this over-long line, skip the rest until its line break.
        this.carry = Buffer.from(buf.subarray(pos, pos + this.maxLine));
        this.skipping = true;
        this.skippedBytes = rest - this.maxLine;
        this.skippedCr = buf[buf.length - 1] === 13;
      } else {
        this.carry = Buffer.from(buf.subarray(pos));
      }
    }
  }

  private finishLongLine(): void {
    const kept = this.carry ?? Buffer.alloc(0);
    let end = kept.length;
    if (end > 0 && kept[end - 1] === 13) end--;
    this.longLines.push({ line: this.lineNo + 1, bytes: kept.length + this.skippedBytes });
    this.sink(kept, 0, end, ++this.lineNo);
    this.carry = null;
    this.skipping = false;
    this.skippedBytes = 0;
  }

  end(): void {
    if (this.skipping) {
      this.finishLongLine();
      this.truncatedLastLine = true;
      return;
    }
    if (this.carry && this.carry.length > 0) {
      const c = this.carry;
      let end = c.length;
      if (c[end - 1] === 13) end--;
      this.truncatedLastLine = true;
      this.sink(c, 0, end, ++this.lineNo);
    }
    this.carry = null;
  }
}

/** Converts UTF-16 chunks to UTF-8 chunks, keeping split code units across chunk borders. */
class Utf16Transcoder {
  private readonly decoder: TextDecoder;
  constructor(be: boolean) {
    this.decoder = new TextDecoder(be ? 'utf-16be' : 'utf-16le');
  }
  push(chunk: Buffer): Buffer {
    return Buffer.from(this.decoder.decode(chunk, { stream: true }), 'utf8');
  }
  end(): Buffer {
    return Buffer.from(this.decoder.decode(), 'utf8');
  }
}

/** Feeds a whole in-memory byte source through encoding detection and the splitter. */
export function readLinesFromBuffer(data: Buffer, sink: LineSink, opts: ReadOptions = {}): ReadStats {
  const feeder = createFeeder(data.subarray(0, 4096), sink, opts);
  const chunk = opts.chunkBytes ?? DEFAULT_CHUNK;
  for (let off = 0; off < data.length; off += chunk) feeder.push(data.subarray(off, off + chunk));
  return feeder.end(data.length);
}

/** Reads a file in byte chunks, synchronously, through encoding detection and the splitter. */
export function readLinesFromFile(path: string, sink: LineSink, opts: ReadOptions = {}): ReadStats {
  const fd = openSync(path, 'r');
  try {
    const total = fstatSync(fd).size;
    const head = Buffer.alloc(4096);
    const feeder = createFeeder(head.subarray(0, readSync(fd, head, 0, head.length, 0)), sink, opts);
    // To the end of the file, whatever its size said (a log still being written).
    const read = readChunks(fd, 0, Infinity, opts.chunkBytes ?? DEFAULT_CHUNK, (chunk, at) => {
      feeder.push(chunk);
      opts.onProgress?.(at + chunk.length, total);
    });
    return feeder.end(read);
  } finally {
    closeSync(fd);
  }
}

/**
 * Bytes [start, end) of a file in chunks, two buffers in turn: while a chunk is split, the previous one is
 * still intact, so a consumer may hold on to its lines until the next chunk starts (see CbsLineParser.detach).
 * Returns the bytes read.
 */
function readChunks(
  fd: number,
  start: number,
  end: number,
  chunkBytes: number,
  onChunk: (chunk: Buffer, at: number) => void,
): number {
  const bufs = [Buffer.allocUnsafe(chunkBytes), Buffer.allocUnsafe(chunkBytes)];
  let at = start;
  for (let i = 0; at < end; i++) {
    const buf = bufs[i & 1]!;
    const n = readSync(fd, buf, 0, Math.min(chunkBytes, end - at), at);
    if (n <= 0) break;
    onChunk(buf.subarray(0, n), at);
    at += n;
  }
  return at - start;
}

/** What reading a byte range of a file gives (its encoding is the caller's: the range has no head to tell). */
export interface RangeStats {
  bytes: number;
  lines: number;
  longLines: LongLine[];
  truncatedLastLine: boolean;
}

/**
 * Lines of bytes [start, end) of a UTF-8 or 8-bit file, `start` being a line's first byte; lines are
 * numbered from 1 at `start`. `onChunk` is told each chunk and its file offset before its lines.
 */
export function readRangeLines(
  path: string,
  start: number,
  end: number,
  sink: LineSink,
  opts: ReadOptions & { onChunk?: (chunk: Buffer, at: number) => void } = {},
): RangeStats {
  const fd = openSync(path, 'r');
  try {
    const splitter = new LineSplitter(sink, opts.maxLineBytes ?? DEFAULT_MAX_LINE);
    const bytes = readChunks(fd, start, end, opts.chunkBytes ?? DEFAULT_CHUNK, (chunk, at) => {
      opts.onChunk?.(chunk, at);
      splitter.push(chunk);
      opts.onProgress?.(at + chunk.length - start, end - start);
    });
    splitter.end();
    return {
      bytes,
      lines: splitter.lines,
      longLines: splitter.longLines,
      truncatedLastLine: splitter.truncatedLastLine,
    };
  } finally {
    closeSync(fd);
  }
}

export interface Feeder {
  push(chunk: Buffer): void;
  end(bytes: number): ReadStats;
}

/** A push-based reader: detect the encoding from `head`, then push byte chunks and end with the total. */
export function createFeeder(head: Buffer, sink: LineSink, opts: ReadOptions): Feeder {
  const sniffed = sniffEncoding(head);
  const splitter = new LineSplitter(sink, opts.maxLineBytes ?? DEFAULT_MAX_LINE);
  const utf16 = sniffed.encoding === 'utf16le' || sniffed.encoding === 'utf16be';
  const transcoder = utf16 ? new Utf16Transcoder(sniffed.encoding === 'utf16be') : null;
  let skip = sniffed.bomBytes;
  return {
    push(chunk) {
      if (skip > 0) {
        const s = Math.min(skip, chunk.length);
        chunk = chunk.subarray(s);
        skip -= s;
      }
      splitter.push(transcoder ? transcoder.push(chunk) : chunk);
    },
    end(bytes) {
      if (transcoder) splitter.push(transcoder.end());
      splitter.end();
      return {
        bytes,
        lines: splitter.lines,
        encoding: utf16 ? 'utf8-bom' : sniffed.encoding,
        fileEncoding: sniffed.encoding,
        binary: sniffed.binary,
        longLines: splitter.longLines,
        truncatedLastLine: splitter.truncatedLastLine,
      };
    },
  };
}
