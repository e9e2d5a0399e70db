// A large CBS or dism log read by both cores: this thread parses the first half while a thread of its own
// (split-worker.ts) parses the second from a line boundary on. The halves are stitched at the first
// timestamped line past the boundary where neither parser is inside a health report: from such a line on
// both parse alike, so this thread stops there, closes its last entry, and hands on the other's entries
// from that line on, renumbered. The entries reach the engine in log order, exactly those a single pass
// gives. If the other thread fails, this one reads on from the last line the other stood clean at.

import { closeSync, openSync, readSync } from 'node:fs';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { readRangeLines, type LongLine } from '../ingest/read-lines.js';
import type { LogEntry } from '../model/types.js';
import { timestampOffset, type CbsLineParser, type CbsStats } from '../parse/cbs.js';
import { THREAD_YOUNG_GENERATION_MB } from './analysis-thread.js';

/** Logs from this size on are read by both cores (a smaller one is read before the thread would start). */
export const SPLIT_MIN_BYTES = 48 * 1024 * 1024;

/** No word from the other thread for this long: it is taken as gone (and it stops waiting for this one). */
export const STALL_MS = 60_000;

/**
 * How far (KB of entries, estimated) the other thread may run ahead of this one: what waits in the queue
 * between them while this thread reads its own half. A 300 MB log's second half is about 27 MB of entries.
 */
export const AHEAD_KB = 24 * 1024;

/** The shared counters: messages posted (waited on here), KB posted is in each batch, KB taken (waited on there). */
export const POSTED = 0;
export const TAKEN_KB = 1;

const WORKER = new URL('./split-worker.js', import.meta.url);

/** What the other thread is given. */
export interface SplitJob {
  path: string;
  /** The log's name in the diagnosis. */
  file: string;
  encoding: '8bit' | 'utf8-bom';
  /** Its half: bytes [start, end), start being a line's first byte. */
  start: number;
  end: number;
  maxLineBytes?: number;
  /** Two Int32: messages posted, KB taken by the reader (POSTED, TAKEN_KB; waited on with Atomics). */
  signal: SharedArrayBuffer;
  /** Tests: entries between clean cuts (default 2048), bytes read at a time, a failure at this line. */
  batchEntries?: number;
  chunkBytes?: number;
  failAfterLines?: number;
}

/** What the other thread posts. Line numbers count from 1 at `start`. */
export type SplitMessage =
  | {
      type: 'batch';
      entries: LogEntry[];
      /** Health reports entered and left since the last batch: [line that opened it, line that closed it]. */
      spans: [number, number][];
      /** The line that opened a report still open. */
      open: number | null;
      /** The last line parsed. */
      line: number;
      bytes: number;
      /** Set when the batch ends clean: every entry before `line` is out, and the file offset of that line. */
      clean: { line: number; offset: number } | null;
      /** KB of entries posted so far, this batch included. */
      kb: number;
    }
  | {
      type: 'done';
      bytes: number;
      lines: number;
      longLines: LongLine[];
      truncatedLastLine: boolean;
      parser: CbsStats;
    }
  | { type: 'error'; message: string };

/** What a split read gives: the reader's statistics and what the second half adds to the parser's. */
export interface SplitResult {
  bytes: number;
  lines: number;
  longLines: LongLine[];
  truncatedLastLine: boolean;
  /** Apply to the parser's statistics after its finish(): the second half's last stamp, clock, counts. */
  mergeStats(stats: CbsStats): void;
  /** Why the other thread's work was not used, if it was not (the log was read whole here instead). */
  fallback: string | null;
}

/** Where a log of `size` bytes is split: the first line that starts at or after its middle; null if none. */
function lineStartNear(path: string, size: number): number | null {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(64 * 1024);
    for (let at = Math.floor(size / 2); at < size; at += buf.length) {
      const n = readSync(fd, buf, 0, buf.length, at);
      if (n <= 0) return null;
      const nl = buf.subarray(0, n).indexOf(10);
      if (nl !== -1) return at + nl + 1 < size ? at + nl + 1 : null;
    }
    return null;
  } finally {
    closeSync(fd);
  }
}

/** Bytes of a UTF-8 byte order mark the file starts with (the whole-file reader skips it too). */
function bomBytes(path: string): number {
  const fd = openSync(path, 'r');
  try {
    const b = Buffer.alloc(3);
    return readSync(fd, b, 0, 3, 0) === 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? 3 : 0;
  } finally {
    closeSync(fd);
  }
}

const STOP = Symbol('stitched');

/** The other thread, seen from here: its messages taken as they come, waited for when needed. */
class Other {
  readonly batches: Extract<SplitMessage, { type: 'batch' }>[] = [];
  done: Extract<SplitMessage, { type: 'done' }> | null = null;
  failed: string | null = null;
  line = 0;
  bytes = 0;
  private spans: [number, number][] = [];
  private open: number | null = null;
  private readonly counter: Int32Array;
  private seen = 0;

  constructor(
    private readonly worker: Worker,
    private readonly port: MessagePort,
    signal: SharedArrayBuffer,
  ) {
    this.counter = new Int32Array(signal);
    worker.on('error', (err) => (this.failed ??= err.message));
  }

  /** Takes one message, waiting for it; false when there will be none (done or failed). */
  private next(): boolean {
    if (this.done || this.failed) return false;
    for (;;) {
      const got = receiveMessageOnPort(this.port);
      if (got) {
        this.take(got.message as SplitMessage);
        return true;
      }
      const posted = Atomics.load(this.counter, POSTED);
      if (posted === this.seen) {
        if (Atomics.wait(this.counter, POSTED, posted, STALL_MS) === 'timed-out') {
          this.failed = `the reading thread made no progress in ${STALL_MS / 1000} s`;
          return false;
        }
      }
      this.seen = Atomics.load(this.counter, POSTED);
    }
  }

  private take(m: SplitMessage): void {
    if (m.type === 'error') this.failed = m.message;
    else if (m.type === 'done') {
      this.done = m;
      this.bytes = m.bytes;
    } else {
      // Taken off the queue: the other thread may run on.
      Atomics.store(this.counter, TAKEN_KB, m.kb);
      Atomics.notify(this.counter, TAKEN_KB);
      this.batches.push(m);
      this.spans.push(...m.spans);
      this.open = m.open;
      this.line = m.line;
      this.bytes = m.bytes;
    }
  }

  /**
   * Whether the other parser stood outside any health report when it came to line `rel` (its numbering),
   * waiting until it has got that far; null when it never will (it failed).
   */
  cleanAt(rel: number): boolean | null {
    while (this.line < rel && !this.done) if (!this.next()) break;
    if (this.failed) return null;
    if (this.open !== null && this.open < rel) return false;
    // Only reports that end at or after rel matter: older ones are dropped as the search moves on.
    while (this.spans.length > 0 && this.spans[0]![1] < rel) this.spans.shift();
    return !this.spans.some(([a, b]) => a < rel && rel <= b);
  }

  /** The batches in order, as they come, until the last; stops early if the thread fails. */
  *all(): Generator<Extract<SplitMessage, { type: 'batch' }>> {
    for (;;) {
      const b = this.batches.shift();
      if (b) {
        yield b;
        continue;
      }
      if (!this.next() && this.batches.length === 0) return;
    }
  }

  stop(): void {
    this.port.close();
    void this.worker.terminate();
  }
}

/**
 * Reads the log at `path` with `parser` on this thread and a second parser on another, entries reaching
 * `deliver` (the parser's own emit) in log order. Null when the log cannot be split (no line boundary past
 * its middle): read it the usual way. `splitAt` sets the boundary (a line's first byte), for tests.
 */
export function readSplit(
  job: { path: string; file: string; size: number; encoding: '8bit' | 'utf8-bom'; maxLineBytes?: number },
  parser: CbsLineParser,
  deliver: (e: LogEntry) => void,
  opts: {
    onProgress?: (bytesRead: number, totalBytes: number) => void;
    splitAt?: number;
    /** Tests: how the other thread batches, and where it fails. */
    testing?: Pick<SplitJob, 'batchEntries' | 'chunkBytes' | 'failAfterLines'>;
  } = {},
): SplitResult | null {
  const at = opts.splitAt ?? lineStartNear(job.path, job.size);
  if (at === null || at <= 0 || at >= job.size) return null;
  const signal = new SharedArrayBuffer(8);
  const { port1, port2 } = new MessageChannel();
  const task: SplitJob & { port: MessagePort } = {
    path: job.path,
    file: job.file,
    encoding: job.encoding,
    start: at,
    end: job.size,
    maxLineBytes: job.maxLineBytes,
    signal,
    port: port2,
    ...opts.testing,
  };
  const worker = new Worker(WORKER, {
    workerData: task,
    transferList: [port2],
    resourceLimits: { maxYoungGenerationSizeMb: THREAD_YOUNG_GENERATION_MB },
  });
  const other = new Other(worker, port1, signal);
  try {
    const progress = (mine: number): void => opts.onProgress?.(mine + other.bytes, job.size);
    const onLine = parser.onLine.bind(parser);
    const first = readRangeLines(job.path, bomBytes(job.path), at, onLine, {
      maxLineBytes: job.maxLineBytes,
      onProgress: (r) => progress(r),
    });
    const base = first.lines;
    const longLines = [...first.longLines];
    // Read on past the boundary until a timestamped line where neither parser is inside a report.
    let stitchedAt: number | null = null;
    let rest: ReturnType<typeof readRangeLines> | null = null;
    try {
      rest = readRangeLines(
        job.path,
        at,
        job.size,
        (buf, start, end, n) => {
          if (!parser.reporting && timestampOffset(buf, start, end) >= 0 && other.cleanAt(n) === true) {
            stitchedAt = n;
            throw STOP;
          }
          parser.onLine(buf, start, end, base + n);
        },
        { maxLineBytes: job.maxLineBytes, onProgress: (r) => progress(at + r) },
      );
    } catch (err) {
      if (err !== STOP) throw err;
    }
    if (rest) {
      // No such line (the other thread failed, or a report ran to the end): this thread read it all.
      return {
        bytes: job.size,
        lines: base + rest.lines,
        longLines: [...longLines, ...rest.longLines.map((l) => ({ ...l, line: l.line + base }))],
        truncatedLastLine: rest.truncatedLastLine,
        mergeStats: () => {},
        fallback: other.failed,
      };
    }
    const from = stitchedAt!;
    // This side's last entry closes before the line where the other side takes over.
    parser.flush();
    // Entries are handed on up to each clean line the other side stood at (a place to read on from, should
    // it fail), and the rest at its end.
    let delivered = 0;
    let pending: LogEntry[] = [];
    let clean: { line: number; offset: number } | null = null;
    const handOn = (): void => {
      for (const e of pending) {
        e.line += base;
        e.endLine += base;
        deliver(e);
      }
      delivered += pending.length;
      pending = [];
    };
    for (const b of other.all()) {
      for (const e of b.entries) if (e.line >= from) pending.push(e);
      if (b.clean && b.clean.line > from) {
        handOn();
        clean = b.clean;
      }
      progress(at);
    }
    const done = other.done;
    if (!done) {
      // The other thread failed part-way: read on here from the last clean line handed on, else from the
      // stitch (nothing of the other side was handed on then).
      const tail = clean
        ? readRangeLines(
            job.path,
            clean.offset,
            job.size,
            (buf, start, end, n) => parser.onLine(buf, start, end, base + clean!.line - 1 + n),
            { maxLineBytes: job.maxLineBytes },
          )
        : readRangeLines(
            job.path,
            at,
            job.size,
            (buf, start, end, n) => {
              if (n >= from) parser.onLine(buf, start, end, base + n);
            },
            { maxLineBytes: job.maxLineBytes },
          );
      const skipped = clean ? clean.line - 1 : 0;
      return {
        bytes: job.size,
        lines: base + skipped + tail.lines,
        longLines: [...longLines, ...tail.longLines.map((l) => ({ ...l, line: l.line + base + skipped }))],
        truncatedLastLine: tail.truncatedLastLine,
        mergeStats: () => {},
        fallback: other.failed ?? 'the reading thread stopped',
      };
    }
    handOn();
    return {
      bytes: job.size,
      lines: base + done.lines,
      longLines: [
        ...longLines,
        // The other side's, from the boundary on (this side read past it only to find the stitch).
        ...done.longLines.map((l) => ({ ...l, line: l.line + base })),
      ],
      truncatedLastLine: done.truncatedLastLine,
      mergeStats: (stats) => {
        const o = done.parser;
        stats.entries += delivered;
        stats.timestamped += o.timestamped;
        stats.parseErrors += o.parseErrors;
        stats.first ??= o.first;
        stats.last = o.last ?? stats.last;
        stats.utcOffsetMinutes ??= o.utcOffsetMinutes;
      },
      fallback: null,
    };
  } finally {
    other.stop();
  }
}
