// Event records listed by PowerShell's Format-List (`Get-WinEvent … | Format-List`): `Name : value` blocks.
// Streamed line by line; only the events the story reads are kept, the rest counted.

import { detectEventList, EventListReader, samples } from '../parse/event-list.js';
import { readRawEvents } from './event-common.js';
import { defineFormat } from './define-format.js';

/** PowerShell Format-List output of event records. */
export default defineFormat({
  id: 'event-list',
  kind: 'events',
  summary: 'event records listed by PowerShell Format-List',
  sniff: (head) => detectEventList(head.lines),
  read: (input, ctx) => readRawEvents(input, ctx, (onRaw) => new EventListReader(onRaw)),
  samples: samples.map((s, i) => ({ name: `Format-List ${i + 1}`, text: s.text })),
});
