// Event logs exported by `wevtutil qe <log> /f:text` (English or Chinese field names): `Event[N]:` blocks.
// Streamed line by line; only the events the story reads are kept.

import { sniffEncoding } from '../ingest/encoding.js';
import { detectEventText, EventTextReader, samples } from '../parse/event-text.js';
import { addEventSource, keepEvent, labelledUtc, updateEventOf } from './event-common.js';
import { defineFormat, recordKeeper, streamLines, TimeSpan, EVENT_RECORD_COST } from './define-format.js';

/** wevtutil's text export of an event log. */
export default defineFormat({
  id: 'event-text',
  kind: 'events',
  summary: 'event log exported as text by wevtutil qe /f:text',
  sniff: (head) => detectEventText(head.lines),
  read(input, ctx) {
    const span = new TimeSpan();
    let count = 0;
    let allUtc = true;
    const keeper = recordKeeper(ctx, input, 'events', EVENT_RECORD_COST);
    const reader = new EventTextReader((e) => {
      count++;
      span.add(e.time);
      allUtc &&= labelledUtc(e.time);
      if (
        keepEvent(e.provider, e.eventId, `${e.description} ${Object.values(e.data).join(' ')}`) &&
        keeper.take(e.line)
      )
        ctx.events.push(updateEventOf(e, input.name, false));
    });
    const stats = streamLines(input, ctx, (l, n) => reader.line(l, n));
    reader.finish();
    keeper.end();
    const encoding = sniffEncoding(input.head()).encoding;
    addEventSource(
      ctx,
      input,
      stats.splitLines,
      encoding,
      { count, ...span, allUtc: count > 0 && allUtc },
      false,
    );
  },
  samples: [
    {
      // Corpus evt01-appostarsi-system-events-txt: record 26981 (the parser's sample: the feature update
      // failing 0x80070570), then record 0.
      name: 'wevtutil text, Windows Update event 20',
      text: [
        samples[0]!.text,
        '',
        'Event[0]:',
        '  Log Name: System',
        '  Source: EventLog',
        '  Date: 2023-05-22T08:05:28.8710000Z',
        '  Event ID: 6009',
        '  Task: N/A',
        '  Level: Information',
        '  Description: ',
        'Microsoft (R) Windows (R) 10.00. 19045  Multiprocessor Free.',
      ].join('\r\n'),
      expect: { events: 1 },
    },
  ],
});
