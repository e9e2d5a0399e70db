// Event logs exported as tables: Event Viewer's "Save All Events As" CSV or tab-delimited text (en-US and
// zh-CN headers) and PowerShell's Export-Csv of Get-WinEvent / Get-EventLog. Streamed line by line (a quoted
// cell may span lines); only the events the story reads are kept, the rest counted.

import { detectEventCsv, EventTableReader, headerOf, samples } from '../parse/event-csv.js';
import { headLinesOf, keepEvent, readRawEvents } from './event-common.js';
import { defineFormat } from './define-format.js';

/** An event table (CSV, tab-delimited text, Export-Csv). */
export default defineFormat({
  id: 'event-csv',
  kind: 'events',
  summary: 'event log exported as a table: Event Viewer CSV or tab-delimited text, PowerShell Export-Csv',
  sniff: (head) => detectEventCsv(head.lines),
  read(input, ctx) {
    const h = headerOf(headLinesOf(input).slice(0, 5));
    readRawEvents(input, ctx, (onRaw) => h && new EventTableReader(h, onRaw));
  },
  // The parser's own samples (Event Viewer en-US and zh-CN, tab-delimited, PowerShell), with the events kept.
  samples: samples.map((s, i) => ({
    name: `event table ${i + 1}`,
    text: s.text,
    expect: {
      events: s.events.filter((e) => keepEvent(e.provider ?? null, e.eventId ?? 0, e.description ?? ''))
        .length,
    },
  })),
});
