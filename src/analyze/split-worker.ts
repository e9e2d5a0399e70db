// The second half of a large CBS or dism log, read on a thread of its own (split-read.ts): the same line
// parser from a line boundary on, its entries posted back in batches with where the parser was inside a
// health report (the reader stitches the halves where neither is), and the batches cut where the parser
// stands clean (so the reader can take over from there if this thread fails).

import { workerData, type MessagePort } from 'node:worker_threads';
import { readRangeLines } from '../ingest/read-lines.js';
import type { LogEntry } from '../model/types.js';
import { CbsLineParser, timestampOffset } from '../parse/cbs.js';
import { AHEAD_KB, POSTED, STALL_MS, TAKEN_KB, type SplitJob, type SplitMessage } from './split-read.js';

const job = workerData as SplitJob & { port: MessagePort };
/** Entries gathered before a batch is cut at the next clean line. */
const BATCH_ENTRIES = job.batchEntries ?? 2048;
const signal = new Int32Array(job.signal);
let batch: LogEntry[] = [];
let sinceClean = 0;
/** Kilobytes of entries posted (an estimate of their copy in the reader's queue). */
let postedKb = 0;
let spans: [number, number][] = [];
let open: number | null = null;
let lastLine = 0;
let bytes = 0;

function post(m: SplitMessage): void {
  job.port.postMessage(m);
  Atomics.add(signal, POSTED, 1);
  Atomics.notify(signal, POSTED);
}

function postBatch(clean: { line: number; offset: number } | null): void {
  let chars = 0;
  for (const e of batch) {
    chars += e.message.length + 64;
    for (const l of e.lines) chars += l.length;
  }
  // A copy costs about 1.7 bytes per character of text (measured with v8.serialize).
  postedKb += Math.ceil((chars * 1.7) / 1024);
  post({ type: 'batch', entries: batch, spans, open, line: lastLine, bytes, clean, kb: postedKb });
  batch = [];
  spans = [];
  // Far enough ahead of the reader (which takes nothing while it reads its own half): wait for it.
  for (
    let taken = Atomics.load(signal, TAKEN_KB);
    postedKb - taken > AHEAD_KB;
    taken = Atomics.load(signal, TAKEN_KB)
  )
    Atomics.wait(signal, TAKEN_KB, taken, STALL_MS);
}

try {
  const parser = new CbsLineParser(job.file, job.encoding, (e) => {
    batch.push(e);
    sinceClean++;
  });
  let chunk: Buffer | null = null;
  let chunkAt = 0;
  const stats = readRangeLines(
    job.path,
    job.start,
    job.end,
    (buf, start, end, n) => {
      if (n === job.failAfterLines) throw new Error(`failing at line ${n}, as the test asked`);
      const was = parser.reporting;
      if (!was && sinceClean >= BATCH_ENTRIES && buf === chunk && timestampOffset(buf, start, end) >= 0) {
        // A clean line: everything before it is out once the entry in hand is closed.
        parser.flush();
        postBatch({ line: n, offset: chunkAt + start });
        sinceClean = 0;
      }
      parser.onLine(buf, start, end, n);
      lastLine = n;
      const now = parser.reporting;
      if (!was && now) open = n;
      else if (was && !now) {
        spans.push([open ?? n, n]);
        open = null;
      }
    },
    {
      maxLineBytes: job.maxLineBytes,
      chunkBytes: job.chunkBytes,
      onChunk: (c, at) => {
        // The lines of the chunk before are all handed on: tell how far this half has come.
        if (chunk) postBatch(null);
        chunk = c;
        chunkAt = at;
      },
      onProgress: (read) => (bytes = read),
    },
  );
  parser.finish();
  postBatch(null);
  post({ type: 'done', ...stats, parser: parser.stats });
} catch (err) {
  post({ type: 'error', message: (err as Error).message });
}
