// Event logs exported as XML (`wevtutil qe /f:xml`, Event Viewer's "Save as XML"). Read whole (up to
// 256 MB): the XML reader works on the whole text. Times are the records' SystemTime: UTC.

import { sniffEncoding } from '../ingest/encoding.js';
import { detectEventXml, parseEventXml, samples } from '../parse/event-xml.js';
import { addEventSource, addTextEvents, tallyOf } from './event-common.js';
import { defineFormat, splitLines, wholeText } from './define-format.js';

const MAX_XML = 256 * 1024 * 1024;

/** An XML export of event records. */
export default defineFormat({
  id: 'event-xml',
  kind: 'events',
  summary: 'event log exported as XML (wevtutil /f:xml, Event Viewer)',
  sniff: (head) => detectEventXml(head.lines),
  maxBytes: MAX_XML,
  read(input, ctx) {
    const text = wholeText(input, MAX_XML);
    const events = parseEventXml(text);
    addTextEvents(ctx, input, events, true);
    const encoding = sniffEncoding(input.head()).encoding;
    addEventSource(ctx, input, splitLines(text).length, encoding, tallyOf(events), true);
  },
  samples: samples.map((s, i) => ({ name: `XML export ${i + 1}`, text: s.text })),
});
