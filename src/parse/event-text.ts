// Event logs exported as text (`wevtutil qe System /f:text`, English or Chinese field names): `Event[N]:`
// blocks with `Source`, `Date`, `Event ID`, `Description`. The Windows Update client's description carries
// the error code and the update title, which become the event's data ({@link eventData}, shared by every
// event export format: event-csv.ts, event-list.ts, event-xml.ts).

import { eachLine } from './text-lines.js';

/** One exported event. */
export interface TextEvent {
  /** 1-based line of the `Event[N]:` header. */
  line: number;
  /** 1-based line where the description starts (the line a reader quotes). */
  descLine: number;
  /** The `Event[N]` number (used as the record id). */
  recordId: number;
  time: string;
  eventId: number;
  provider: string | null;
  level: string | null;
  description: string;
  data: Record<string, string>;
}

/** Sample block; the format test parses it. */
export const samples: { text: string; fields: Partial<TextEvent> }[] = [
  {
    text: [
      'Event[26981]:',
      '  Log Name: System',
      '  Source: Microsoft-Windows-WindowsUpdateClient',
      '  Date: 2023-05-23T01:10:40.1230000Z',
      '  Event ID: 20',
      '  Level: Error',
      '  Description: ',
      'Installation Failure: Windows failed to install the following update with error 0x80070570: Windows 11, version 22H2.',
    ].join('\r\n'),
    fields: {
      recordId: 26981,
      eventId: 20,
      provider: 'Microsoft-Windows-WindowsUpdateClient',
      time: '2023-05-23T01:10:40.1230000Z',
    },
  },
];

const FIELD: Record<string, keyof TextEvent | 'skip'> = {
  Source: 'provider',
  来源: 'provider',
  Date: 'time',
  日期: 'time',
  'Event ID': 'eventId',
  '事件 ID': 'eventId',
  Level: 'level',
  级别: 'level',
  Description: 'description',
  描述: 'description',
};

const HEADER = /^\uFEFF?(?:Event|事件)\[(\d+)\]:\s*$/;
const KV = /^ {2}([^:：]+?)\s*[:：] ?(.*)$/;

/** Whether text looks like a wevtutil text export. */
export function detectEventText(lines: string[]): boolean {
  return (
    lines.slice(0, 40).some((l) => HEADER.test(l)) &&
    lines.slice(0, 40).some((l) => /^ {2}(?:Event ID|事件 ID)[:：]/.test(l))
  );
}

/** An update title as one line: a wrapped or multi-line description may have broken it. */
const oneLine = (title: string): string => title.trim().replace(/\s+/g, ' ');

/** Windows Update event text → error code and update title (`…with error 0x80070570: Windows 11, version 22H2.`). */
function wuData(desc: string): Record<string, string> {
  // The title runs to the last non-space (greedy), its full stop dropped after: a lazy `(.+?)[.。]?\s*$`
  // costs the square of a long run of spaces inside the text.
  const m = /(?:error|错误)\s*(0x[0-9a-fA-F]{8})\s*[:：]\s*(.*\S)\s*$/s.exec(desc);
  if (m) return { errorCode: m[1]!, updateTitle: oneLine(withoutStop(m[2]!)) };
  const t = /(?:update|更新)\s*[:：]\s*(.*\S)\s*$/s.exec(desc);
  return t ? { updateTitle: oneLine(withoutStop(t[1]!)) } : {};
}

/** The text without one final full stop (`.` or `。`). */
const withoutStop = (s: string): string => (/[.。]$/.test(s) ? s.slice(0, -1) : s);

/**
 * The data an event's rendered description carries, keyed as the binary .evtx reader keys its EventData so
 * the story reads every format alike: Windows Update client events → `errorCode` and `updateTitle`, a
 * bugcheck (WER-SystemErrorReporting 1001) → `BugcheckCode`; other events → none. Used by every event export
 * parser; an export that also carries EventData (XML) lets its named values win.
 */
export function eventData(
  provider: string | null,
  eventId: number,
  description: string,
): Record<string, string> {
  if (provider === 'Microsoft-Windows-WindowsUpdateClient') return wuData(description);
  if (provider === 'Microsoft-Windows-WER-SystemErrorReporting' && eventId === 1001) {
    const b = /0x[0-9a-fA-F]{8}/.exec(description);
    if (b) return { BugcheckCode: b[0] };
  }
  return {};
}

/** Parses a text export; blocks that cannot be read are skipped. */
export function parseEventText(text: string): TextEvent[] {
  const out: TextEvent[] = [];
  const reader = new EventTextReader((e) => out.push(e));
  eachLine(text, (l, n) => reader.line(l, n));
  reader.finish();
  return out;
}

/** Reads a text export line by line, handing out each event when its block ends. */
export class EventTextReader {
  private cur: TextEvent | null = null;
  private inDesc = false;
  constructor(private readonly onEvent: (e: TextEvent) => void) {}

  line(l: string, lineNo: number): void {
    const h = HEADER.exec(l);
    if (h) {
      this.finish();
      this.cur = {
        line: lineNo,
        descLine: lineNo,
        recordId: Number(h[1]),
        time: '',
        eventId: 0,
        provider: null,
        level: null,
        description: '',
        data: {},
      };
      this.inDesc = false;
      return;
    }
    const cur = this.cur;
    if (!cur) return;
    if (this.inDesc) {
      if (!cur.description && l.trim()) cur.descLine = lineNo;
      cur.description += (cur.description ? '\n' : '') + l;
      return;
    }
    const kv = KV.exec(l);
    if (!kv) return;
    const field = FIELD[kv[1]!.trim()];
    if (field === 'provider') cur.provider = kv[2]!.trim() || null;
    else if (field === 'time') cur.time = kv[2]!.trim();
    else if (field === 'eventId') cur.eventId = Number(kv[2]!.trim()) || 0;
    else if (field === 'level') cur.level = kv[2]!.trim() || null;
    else if (field === 'description') {
      cur.description = kv[2]!.trim();
      if (cur.description) cur.descLine = lineNo;
      this.inDesc = true;
    }
  }

  /** Ends the last block. */
  finish(): void {
    const cur = this.cur;
    if (!cur) return;
    cur.description = cur.description.trim();
    cur.data = eventData(cur.provider, cur.eventId, cur.description);
    if (cur.eventId > 0 && cur.time) this.onEvent(cur);
    this.cur = null;
  }
}
