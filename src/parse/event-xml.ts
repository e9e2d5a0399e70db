// Event logs as XML, read into the `TextEvent` records of event-text.ts: `wevtutil qe System /f:xml` (a bare
// sequence of `<Event xmlns='…'>` elements, no root; `/e:Events` adds one, `/f:RenderedXml` adds each event's
// RenderingInfo) and Event Viewer's "Save All Events As… XML" (`<Events><Event>…</Event></Events>`, with
// RenderingInfo). From each event: System/Provider@Name, EventID, TimeCreated@SystemTime (UTC: kept as
// written, with its `Z`), EventRecordID, Level (RenderingInfo's level name when there is one, else the
// number named), RenderingInfo/Message as the description, and the EventData values put straight into
// `data`, named as the binary .evtx reader names them (ingest/evtx.ts): `<Data Name="x">` as `x`, unnamed
// `<Data>` as `Data1`, `Data2`…, other children by element name, the leaf elements of UserData by name, a
// repeated name as `x2`, `x3`…
//
// Not an XML parser: a small tolerant scanner for this flat shape. Comments, processing instructions,
// DOCTYPE and CDATA are passed over (CDATA kept as text); only the five predefined entities and character
// references are decoded (nothing is expanded); namespace prefixes are dropped; an end tag that closes
// nothing open is ignored. An event still open at the end of the text (a cut file), or without a numeric
// EventID or a SystemTime, is skipped.

import { putEventValue } from '../ingest/evtx.js';
import type { TextEvent } from './event-text.js';
import { toEvents, type RawEvent } from './event-csv.js';

const NS = "xmlns='http://schemas.microsoft.com/win/2004/08/events/event'";

/** Sample exports (wevtutil en-US, Event Viewer zh-CN); the format test parses them. */
export const samples: { text: string; events: Partial<TextEvent>[] }[] = [
  {
    // wevtutil qe System /f:xml: one event a line, no root element, no message.
    text: [
      `<Event ${NS}><System><Provider Name='Microsoft-Windows-WindowsUpdateClient' Guid='{945a8954-c147-4acd-923f-40c45405a658}'/><EventID>20</EventID><Version>1</Version><Level>2</Level><Task>1</Task><Opcode>13</Opcode><Keywords>0x8000000000000028</Keywords><TimeCreated SystemTime='2022-07-22T00:41:07.5281946Z'/><EventRecordID>26981</EventRecordID><Correlation/><Execution ProcessID='1052' ThreadID='7716'/><Channel>System</Channel><Computer>PC-0042</Computer><Security UserID='S-1-5-18'/></System><EventData><Data Name='errorCode'>0x80070570</Data><Data Name='updateTitle'>2022-07 Cumulative Update for Windows 10 Version 1809 for x64-based Systems (KB5015811)</Data><Data Name='updateGuid'>{8a4b3e20-5c1d-4f7e-9b62-0d3c5e7a9f14}</Data><Data Name='updateRevisionNumber'>1</Data><Data Name='serviceGuid'>{7971f918-a847-4430-9279-4a52d1efe18d}</Data></EventData></Event>`,
      `<Event ${NS}><System><Provider Name='EventLog'/><EventID Qualifiers='32768'>6008</EventID><Version>0</Version><Level>2</Level><Task>0</Task><Opcode>0</Opcode><Keywords>0x80000000000000</Keywords><TimeCreated SystemTime='2022-07-22T01:12:58.0131250Z'/><EventRecordID>27003</EventRecordID><Correlation/><Execution ProcessID='0' ThreadID='0'/><Channel>System</Channel><Computer>PC-0042</Computer><Security/></System><EventData><Data>9:10:31 AM</Data><Data>7/22/2022</Data><Data></Data><Binary>E6070700050016000900</Binary></EventData></Event>`,
    ].join('\r\n'),
    events: [
      {
        line: 1,
        descLine: 1,
        recordId: 26981,
        time: '2022-07-22T00:41:07.5281946Z',
        eventId: 20,
        provider: 'Microsoft-Windows-WindowsUpdateClient',
        level: 'Error',
        description: '',
        data: {
          errorCode: '0x80070570',
          updateTitle:
            '2022-07 Cumulative Update for Windows 10 Version 1809 for x64-based Systems (KB5015811)',
          updateGuid: '{8a4b3e20-5c1d-4f7e-9b62-0d3c5e7a9f14}',
          updateRevisionNumber: '1',
          serviceGuid: '{7971f918-a847-4430-9279-4a52d1efe18d}',
        },
      },
      {
        line: 2,
        recordId: 27003,
        eventId: 6008,
        provider: 'EventLog',
        data: { Data1: '9:10:31 AM', Data2: '7/22/2022', Data3: '', Binary: 'E6070700050016000900' },
      },
    ],
  },
  {
    // Event Viewer, Save All Events As… XML on a zh-CN machine: a root element and the rendered message.
    text: [
      '<?xml version="1.0" encoding="UTF-16"?>',
      '<Events>',
      `<Event ${NS}><System><Provider Name='Microsoft-Windows-WER-SystemErrorReporting' Guid='{ABCE23E7-DE45-4366-8631-84FA6C525952}' EventSourceName='BugCheck'/><EventID Qualifiers='16384'>1001</EventID><Version>0</Version><Level>2</Level><Task>0</Task><Opcode>0</Opcode><Keywords>0x80000000000000</Keywords><TimeCreated SystemTime='2022-07-22T01:13:20.2656250Z'/><EventRecordID>27004</EventRecordID><Correlation/><Execution ProcessID='0' ThreadID='0'/><Channel>System</Channel><Computer>PC-0042</Computer><Security/></System><EventData><Data Name='param1'>0x0000001a (0x0000000000041792, 0xffffa8000a5f3000, 0x0000000000100000, 0x0000000000000000)</Data><Data Name='param2'>C:\\Windows\\MEMORY.DMP</Data><Data Name='param3'>3f1c9e42-7b1d-4c55-9a0e-2d6b8e4f7a10</Data></EventData><RenderingInfo Culture='zh-CN'><Message>计算机已经从检测错误后重新启动。检测错误: 0x0000001a (0x0000000000041792, 0xffffa8000a5f3000, 0x0000000000100000, 0x0000000000000000)。已将转储的数据保存在: C:\\Windows\\MEMORY.DMP。报告 Id: 3f1c9e42-7b1d-4c55-9a0e-2d6b8e4f7a10。</Message><Level>错误</Level><Task></Task><Opcode></Opcode><Channel>系统</Channel><Provider>Microsoft-Windows-WER-SystemErrorReporting</Provider><Keywords><Keyword>经典</Keyword></Keywords></RenderingInfo></Event>`,
      '</Events>',
    ].join('\r\n'),
    events: [
      {
        line: 3,
        descLine: 3,
        recordId: 27004,
        time: '2022-07-22T01:13:20.2656250Z',
        eventId: 1001,
        provider: 'Microsoft-Windows-WER-SystemErrorReporting',
        level: '错误',
        data: {
          BugcheckCode: '0x0000001a',
          param1:
            '0x0000001a (0x0000000000041792, 0xffffa8000a5f3000, 0x0000000000100000, 0x0000000000000000)',
          param2: 'C:\\Windows\\MEMORY.DMP',
          param3: '3f1c9e42-7b1d-4c55-9a0e-2d6b8e4f7a10',
        },
      },
    ],
  },
];

/** Whether text looks like events as XML. */
export function detectEventXml(lines: string[]): boolean {
  const head = lines.slice(0, 60).join('\n');
  return ['Event[\\s>]', 'System>', 'EventID[\\s>]'].every((tag) =>
    new RegExp(`<(?:\\w+:)?${tag}`).test(head),
  );
}

interface Text {
  text: string;
  /** Offset of the text in the document. */
  at: number;
}

interface Element {
  name: string;
  attrs: Map<string, string>;
  kids: (Element | Text)[];
  at: number;
}

const isElement = (n: Element | Text): n is Element => 'kids' in n;

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Entities and character references decoded; anything else (an unknown entity, a bad number) kept as written. */
function decode(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(lt|gt|amp|quot|apos|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});/g, (whole, e: string) => {
    if (!e.startsWith('#')) return ENTITIES[e]!;
    const cp = e[1] === 'x' ? parseInt(e.slice(2), 16) : Number(e.slice(1));
    return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : whole;
  });
}

/** The name without its namespace prefix. */
const local = (name: string): string => name.slice(name.indexOf(':') + 1);

/** Attributes by name without prefix; namespace declarations keep theirs (`xmlns`, `xmlns:e`). */
function attributes(s: string): Map<string, string> {
  const attrs = new Map<string, string>();
  for (const m of s.matchAll(/([^\s=/]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g))
    attrs.set(m[1]!.startsWith('xmlns') ? m[1]! : local(m[1]!), decode(m[2] ?? m[3] ?? ''));
  return attrs;
}

/** End of the tag opened at `lt`: the `>` outside quotes, or -1 when another `<` or the end comes first. */
function tagEnd(text: string, lt: number): number {
  let quote = '';
  for (let i = lt + 1; i < text.length; i++) {
    const c = text[i]!;
    if (c === '<') return -1;
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '>') return i;
  }
  return -1;
}

/** Index just past `end` searched from `from`, or the end of the text. */
function past(text: string, from: number, end: string): number {
  const i = text.indexOf(end, from);
  return i < 0 ? text.length : i + end.length;
}

/** How deep elements nest in an event, at most (events nest 4 deep; UserData a little more). */
const MAX_DEPTH = 64;

/** Each `<Event>` element of the text, whole, in order; anything outside events is passed over. */
function events(text: string): Element[] {
  const out: Element[] = [];
  const open: Element[] = [];
  /** Text inside an event, decoded unless it is CDATA. */
  const addText = (raw: string, at: number, cdata = false): void => {
    if (open.length && raw) open[open.length - 1]!.kids.push({ text: cdata ? raw : decode(raw), at });
  };
  let pos = 0;
  while (pos < text.length) {
    const lt = text.indexOf('<', pos);
    addText(text.slice(pos, lt < 0 ? text.length : lt), pos);
    if (lt < 0) break;
    if (text.startsWith('<!--', lt)) pos = past(text, lt + 4, '-->');
    else if (text.startsWith('<![CDATA[', lt)) {
      const end = text.indexOf(']]>', lt + 9);
      addText(text.slice(lt + 9, end < 0 ? text.length : end), lt + 9, true);
      pos = end < 0 ? text.length : end + 3;
    } else if (text[lt + 1] === '?' || text[lt + 1] === '!') pos = past(text, lt + 2, '>');
    else {
      const gt = /[A-Za-z_:/]/.test(text[lt + 1] ?? '') ? tagEnd(text, lt) : -1;
      if (gt < 0) {
        // A `<` that opens no tag (or a tag cut short) is text.
        addText('<', lt);
        pos = lt + 1;
        continue;
      }
      pos = gt + 1;
      tag(text.slice(lt + 1, gt), lt);
    }
  }
  return out;

  function tag(inner: string, at: number): void {
    if (inner.startsWith('/')) {
      const name = local(inner.slice(1).trim());
      const k = open.findLastIndex((e) => e.name === name);
      if (k === 0) out.push(open[0]!);
      if (k >= 0) open.length = k;
      return;
    }
    const raw = /^[^\s/>]+/.exec(inner)![0];
    const el: Element = { name: local(raw), attrs: attributes(inner.slice(raw.length)), kids: [], at };
    const closed = inner.endsWith('/');
    // An event tag starts a new event; one inside an event only with its namespace (the last one was cut).
    if (el.name === 'Event' && (!open.length || [...el.attrs.keys()].some((k) => k.startsWith('xmlns')))) {
      open.length = 0;
      if (!closed) open.push(el);
      return;
    }
    // Deeper than any event goes, elements are dropped (their text goes to the deepest one kept).
    if (!open.length || open.length >= MAX_DEPTH) return;
    open[open.length - 1]!.kids.push(el);
    if (!closed) open.push(el);
  }
}

const child = (el: Element | undefined, name: string): Element | undefined =>
  el?.kids.find((k): k is Element => isElement(k) && k.name === name);

/** The text of an element (and, when `deep`, of the elements inside it). */
function textOf(el: Element | undefined, deep = false): string {
  let s = '';
  for (const k of el?.kids ?? []) {
    if (!isElement(k)) s += k.text;
    else if (deep) s += textOf(k, true);
  }
  return s;
}

/** The leaf elements among `nodes`, at any depth, by name. */
function leaves(nodes: readonly (Element | Text)[], data: Record<string, string>): void {
  for (const k of nodes) {
    if (!isElement(k)) continue;
    if (!k.kids.some(isElement)) putEventValue(data, k.name, textOf(k));
    else leaves(k.kids, data);
  }
}

/** EventData and UserData values, named as the .evtx reader names them. */
function dataOf(event: Element): Record<string, string> {
  const data: Record<string, string> = {};
  let unnamed = 0;
  for (const k of child(event, 'EventData')?.kids ?? []) {
    if (isElement(k) && k.name === 'Data')
      putEventValue(data, k.attrs.get('Name') || `Data${++unnamed}`, textOf(k));
    else leaves([k], data);
  }
  leaves(child(event, 'UserData')?.kids ?? [], data);
  return data;
}

/** Parses XML events; events that cannot be read are skipped. */
export function parseEventXml(text: string): TextEvent[] {
  const breaks: number[] = [];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) breaks.push(i);
  const lineOf = (at: number): number => {
    let [lo, hi] = [0, breaks.length];
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (breaks[mid]! < at) lo = mid + 1;
      else hi = mid;
    }
    return lo + 1;
  };
  const raws = events(text).map((ev): RawEvent => {
    const system = child(ev, 'System');
    const provider = child(system, 'Provider');
    const rendering = child(ev, 'RenderingInfo');
    const message = child(rendering, 'Message');
    const line = lineOf(ev.at);
    return {
      line,
      descLine: message?.kids[0] ? lineOf(message.kids[0].at) : line,
      time: child(system, 'TimeCreated')?.attrs.get('SystemTime'),
      eventId: textOf(child(system, 'EventID')),
      recordId: textOf(child(system, 'EventRecordID')),
      provider: provider?.attrs.get('Name') ?? provider?.attrs.get('EventSourceName'),
      level: textOf(child(system, 'Level')),
      levelName: textOf(child(rendering, 'Level')),
      description: textOf(message, true),
      data: dataOf(ev),
    };
  });
  return toEvents(raws);
}
