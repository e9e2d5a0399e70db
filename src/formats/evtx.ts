// Binary event logs (.evtx: System, Setup, WindowsUpdateClient/Operational, as `wevtutil epl` writes them).
// Streamed chunk by chunk (64 KiB slots after the 4 KiB header: memory does not grow with the file, up to
// 256 MB); rendering work is bounded per chunk and per file. Times are UTC by format.

import { EvtxReader, looksLikeEvtx, type EvtxRecord } from '../ingest/evtx.js';
import {
  addSource,
  defineFormat,
  recordKeeper,
  sourceOf,
  TimeSpan,
  EVENT_RECORD_COST,
} from './define-format.js';
import { keepEvent } from './event-common.js';

const MAX_EVTX = 256 * 1024 * 1024;

/** A file header with no chunks: the smallest .evtx (constructed from the documented format). */
function emptyEvtx(): Buffer {
  const b = Buffer.alloc(4096);
  b.write('ElfFile\0', 0, 'latin1');
  b.writeUInt32LE(128, 32); // header size
  b.writeUInt16LE(1, 36); // minor version
  b.writeUInt16LE(3, 38); // major version
  b.writeUInt16LE(4096, 40); // header block size
  return b;
}

/** A binary .evtx event log. */
export default defineFormat({
  id: 'evtx',
  kind: 'evtx',
  summary: 'binary event log (.evtx)',
  sniff: (head) => looksLikeEvtx(head.bytes),
  binary: true,
  maxBytes: MAX_EVTX,
  read(input, ctx) {
    const span = new TimeSpan();
    let count = 0;
    // Records have no line: the keeper is told their number.
    const keeper = recordKeeper(ctx, input, 'events', EVENT_RECORD_COST);
    const onRecord = (r: EvtxRecord): void => {
      count++;
      span.add(r.time);
      if (!keepEvent(r.provider, r.eventId, Object.values(r.data).join(' '))) return;
      if (!keeper.take(0)) return;
      ctx.events.push({
        file: input.name,
        recordId: r.recordId,
        time: r.time,
        utc: true,
        eventId: r.eventId,
        provider: r.provider,
        data: r.data,
      });
    };
    const reader = new EvtxReader(onRecord, Math.min(input.bytes, MAX_EVTX));
    if (input.readChunks) {
      let left = MAX_EVTX;
      const streamed = input.readChunks((chunk) => {
        const piece = chunk.subarray(0, left);
        left -= piece.length;
        ctx.onProgress?.(MAX_EVTX - left);
        return reader.push(piece) && left > 0;
      });
      if (streamed.problem)
        ctx.diagnostics.push({ level: 'warning', file: input.name, message: streamed.problem });
    } else {
      reader.push(input.readAll(MAX_EVTX));
    }
    const read = reader.end();
    keeper.end();
    // A spent budget is always said, even past the first five problems.
    const shown = read.problems.slice(0, 5);
    const limit = read.problems.find((p) => p.endsWith('the limit for this file'));
    if (limit && !shown.includes(limit)) shown.push(limit);
    for (const p of shown) ctx.diagnostics.push({ level: 'warning', file: input.name, message: p });
    if (read.problems.length > shown.length) {
      ctx.diagnostics.push({
        level: 'warning',
        file: input.name,
        message: `${read.problems.length - shown.length} more problems in this event log`,
      });
    }
    addSource(ctx, sourceOf(input, 'evtx', count, 'binary (EVTX)', span), 0, 'utc-by-format');
  },
  samples: [{ name: 'file header without chunks', bytes: emptyEvtx(), expect: { events: 0 } }],
});
