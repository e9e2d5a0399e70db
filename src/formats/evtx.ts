// Binary event logs (.evtx: System, Setup, WindowsUpdateClient/Operational, as `wevtutil epl` writes them).
// Read whole (up to 256 MB: the chunked format is decoded from memory); times are UTC by format.

import { looksLikeEvtx, readEvtx } from '../ingest/evtx.js';
import { addSource, defineFormat, sourceOf, TimeSpan } from './define-format.js';
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
    const read = readEvtx(input.readAll(MAX_EVTX), (r) => {
      count++;
      span.add(r.time);
      if (!keepEvent(r.provider, r.eventId, Object.values(r.data).join(' '))) return;
      ctx.events.push({
        file: input.name,
        recordId: r.recordId,
        time: r.time,
        utc: true,
        eventId: r.eventId,
        provider: r.provider,
        data: r.data,
      });
    });
    for (const p of read.problems.slice(0, 5))
      ctx.diagnostics.push({ level: 'warning', file: input.name, message: p });
    if (read.problems.length > 5) {
      ctx.diagnostics.push({
        level: 'warning',
        file: input.name,
        message: `${read.problems.length - 5} more problems in this event log`,
      });
    }
    addSource(ctx, sourceOf(input, 'evtx', count, 'binary (EVTX)', span), 0, 'utc-by-format');
  },
  samples: [{ name: 'file header without chunks', bytes: emptyEvtx(), expect: { events: 0 } }],
});
