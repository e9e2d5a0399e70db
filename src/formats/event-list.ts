// Event records listed by PowerShell's Format-List (`Get-WinEvent … | Format-List`): `Name : value` blocks.
// Streamed line by line; only the events the story reads are kept, the rest counted.

import { sniffEncoding } from '../ingest/encoding.js';
import { EventCollector } from '../parse/event-csv.js';
import { detectEventList, EventListReader, samples } from '../parse/event-list.js';
import { addEventSource, keepEvent, updateEventOf } from './event-common.js';
import { defineFormat, streamLines } from './define-format.js';

/** PowerShell Format-List output of event records. */
export default defineFormat({
  id: 'event-list',
  kind: 'events',
  summary: 'event records listed by PowerShell Format-List',
  sniff: (head) => detectEventList(head.lines),
  read(input, ctx) {
    const collector = new EventCollector(keepEvent, true);
    const reader = new EventListReader((r) => collector.add(r));
    const stats = streamLines(input, ctx, (l, n) => reader.line(l, n));
    reader.finish();
    const found = collector.finish();
    for (const e of found.events) ctx.events.push(updateEventOf(e, input.name, false));
    addEventSource(ctx, input, stats.splitLines, sniffEncoding(input.head()).encoding, found, false);
  },
  samples: samples.map((s, i) => ({ name: `Format-List ${i + 1}`, text: s.text })),
});
