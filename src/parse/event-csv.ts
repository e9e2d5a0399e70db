// Event logs exported as tables, read into the `TextEvent` records of event-text.ts: Event Viewer's "Save All
// Events As… CSV" (header `Level,Date and Time,Source,Event ID,Task Category`, zh-CN `级别,日期和时间,来源,事件
// ID,任务类别`, then an unnamed sixth column, the quoted description, which may hold commas, doubled quotes and
// line breaks), its "Text (Tab delimited)" (the same columns between tabs, the description going on over the
// following lines), and PowerShell's `Get-WinEvent … | Export-Csv` (`Message`, `Id`, `RecordId`,
// `ProviderName`, `TimeCreated`, `LevelDisplayName`…) and `Get-EventLog … | Export-Csv` (`EventID`, `Index`,
// `EntryType`, `Message`, `Source`, `InstanceId`, `TimeGenerated`…), with or without their `#TYPE` line,
// separated by commas, semicolons (`-UseCulture`) or tabs, every cell quoted.
//
// Times are the exporting machine's local time in its culture's short format (`7/22/2022 8:41:07 AM`,
// `2022/7/22 8:41:07`, `22.07.2022 08:41:07`): they become `YYYY-MM-DDTHH:MM:SS` without a zone (see
// {@link dayFirst} for the day/month order); an ISO 8601 time is kept as written. Exports without record ids
// (Event Viewer's) number their rows from the oldest end. A cut last record (a quoted cell still open at the
// end of the text) is skipped.
//
// The record building shared by the other export formats (event-list.ts, event-xml.ts) lives here too:
// `RawEvent`, `fieldOf` and `toEvents`.

import { eventData, type TextEvent } from './event-text.js';
import { detach, detachValues, eachLine } from './text-lines.js';

/** Sample exports (Event Viewer en-US and zh-CN, tab-delimited, PowerShell); the format test parses them. */
export const samples: { text: string; events: Partial<TextEvent>[] }[] = [
  {
    // Event Viewer, Save All Events As… CSV (en-US): newest first, a description over two lines.
    text: [
      'Level,Date and Time,Source,Event ID,Task Category',
      'Error,7/22/2022 8:41:07 AM,Microsoft-Windows-WindowsUpdateClient,20,Windows Update Agent,"Installation Failure: Windows failed to install the following update with error 0x80070570: 2022-07 Cumulative Update for Windows 10 Version 1809 for x64-based Systems (KB5015811)."',
      'Warning,7/22/2022 8:39:12 AM,Microsoft-Windows-DistributedCOM,10016,None,"The application-specific permission settings do not grant Local Activation permission for the COM Server application with CLSID ',
      '{2593F8B9-4EAF-457C-B68A-50F6B8EA6B54} to the user ""NT AUTHORITY\\LOCAL SERVICE"", SID (S-1-5-19)."',
    ].join('\r\n'),
    events: [
      {
        line: 2,
        descLine: 2,
        recordId: 2,
        time: '2022-07-22T08:41:07',
        eventId: 20,
        provider: 'Microsoft-Windows-WindowsUpdateClient',
        level: 'Error',
        data: {
          errorCode: '0x80070570',
          updateTitle:
            '2022-07 Cumulative Update for Windows 10 Version 1809 for x64-based Systems (KB5015811)',
        },
      },
      { line: 3, recordId: 1, time: '2022-07-22T08:39:12', eventId: 10016, level: 'Warning', data: {} },
    ],
  },
  {
    // The same from a zh-CN machine.
    text: [
      '级别,日期和时间,来源,事件 ID,任务类别',
      '错误,2022/7/22 8:41:07,Microsoft-Windows-WindowsUpdateClient,20,Windows 更新代理,"安装失败: Windows 无法安装以下更新，错误 0x80070570: 2022-07 适用于基于 x64 的系统的 Windows 10 Version 1809 累积更新 (KB5015811)。"',
      '关键,2022/7/22 8:12:55,Microsoft-Windows-Kernel-Power,41,(63),"系统已在未先正常关机的情况下重新启动。如果系统停止响应、发生了崩溃或意外断电，则会导致此错误。"',
    ].join('\r\n'),
    events: [
      {
        time: '2022-07-22T08:41:07',
        eventId: 20,
        level: '错误',
        data: {
          errorCode: '0x80070570',
          updateTitle: '2022-07 适用于基于 x64 的系统的 Windows 10 Version 1809 累积更新 (KB5015811)',
        },
      },
      { time: '2022-07-22T08:12:55', eventId: 41, provider: 'Microsoft-Windows-Kernel-Power', level: '关键' },
    ],
  },
  {
    // Event Viewer, Text (Tab delimited), day-first dates: the description goes on over the next line.
    text: [
      'Level\tDate and Time\tSource\tEvent ID\tTask Category',
      'Error\t22/07/2022 09:13:20\tMicrosoft-Windows-WER-SystemErrorReporting\t1001\tNone\tThe computer has rebooted from a bugcheck.  The bugcheck was: 0x0000001a (0x0000000000041792, 0xffffa8000a5f3000, 0x0000000000100000, 0x0000000000000000).',
      'A dump was saved in: C:\\Windows\\MEMORY.DMP.',
      'Information\t22/07/2022 08:22:20\tMicrosoft-Windows-WindowsUpdateClient\t43\tWindows Update Agent\tInstallation Started: Windows has started installing the following update: 2022-07 Cumulative Update for Windows 10 Version 1809 for x64-based Systems (KB5015811)',
    ].join('\r\n'),
    events: [
      {
        line: 2,
        descLine: 2,
        recordId: 2,
        time: '2022-07-22T09:13:20',
        eventId: 1001,
        data: { BugcheckCode: '0x0000001a' },
      },
      { line: 4, recordId: 1, time: '2022-07-22T08:22:20', eventId: 43, level: 'Information' },
    ],
  },
  {
    // Get-WinEvent -LogName System | Export-Csv (Windows PowerShell 5.1: `#TYPE` line, nulls unquoted).
    text: [
      '#TYPE System.Diagnostics.Eventing.Reader.EventLogRecord',
      '"Message","Id","Version","Qualifiers","Level","Task","Opcode","Keywords","RecordId","ProviderName","ProviderId","LogName","ProcessId","ThreadId","MachineName","UserId","TimeCreated","ActivityId","RelatedActivityId","ContainerLog","MatchedQueryIds","Bookmark","LevelDisplayName","OpcodeDisplayName","TaskDisplayName","KeywordsDisplayNames","Properties"',
      '"Installation Failure: Windows failed to install the following update with error 0x80070570: 2022-07 Cumulative Update for Windows 10 Version 1809 for x64-based Systems (KB5015811).","20","1",,"2","1","13","-9223372036854775768","26981","Microsoft-Windows-WindowsUpdateClient","945a8954-c147-4acd-923f-40c45405a658","System","1052","7716","PC-0042","S-1-5-18","7/22/2022 8:41:07 AM",,,"System","System.UInt32[]","System.Diagnostics.Eventing.Reader.EventBookmark","Error","Installation","Windows Update Agent","System.Collections.ObjectModel.ReadOnlyCollection`1[System.String]","System.Collections.Generic.List`1[System.Diagnostics.Eventing.Reader.EventProperty]"',
    ].join('\r\n'),
    events: [
      {
        line: 3,
        descLine: 3,
        recordId: 26981,
        time: '2022-07-22T08:41:07',
        eventId: 20,
        provider: 'Microsoft-Windows-WindowsUpdateClient',
        level: 'Error',
      },
    ],
  },
  {
    // Get-EventLog -LogName System | Export-Csv: the event id, and the classic source name of a bugcheck.
    text: [
      '#TYPE System.Diagnostics.EventLogEntry#System/BugCheck/1073742825',
      '"EventID","MachineName","Data","Index","Category","CategoryNumber","EntryType","Message","Source","ReplacementStrings","InstanceId","TimeGenerated","TimeWritten","UserName","Site","Container"',
      '"1001","PC-0042","System.Byte[]","27004","(0)","0","Error","The computer has rebooted from a bugcheck.  The bugcheck was: 0x0000001a (0x0000000000041792, 0xffffa8000a5f3000, 0x0000000000100000, 0x0000000000000000). A dump was saved in: C:\\Windows\\MEMORY.DMP. Report Id: 3f1c9e42-7b1d-4c55-9a0e-2d6b8e4f7a10.","BugCheck","System.String[]","1073742825","7/22/2022 9:13:20 AM","7/22/2022 9:13:20 AM",,,',
    ].join('\r\n'),
    events: [
      {
        recordId: 27004,
        time: '2022-07-22T09:13:20',
        eventId: 1001,
        provider: 'Microsoft-Windows-WER-SystemErrorReporting',
        data: { BugcheckCode: '0x0000001a' },
      },
    ],
  },
];

/** A record's values as an export writes them, before {@link toEvents} reads them. */
export interface RawEvent {
  /** 1-based line where the record starts. */
  line: number;
  /** 1-based line where its description starts. */
  descLine: number;
  time?: string;
  eventId?: string;
  /** Get-EventLog's InstanceId: the event id with the qualifiers in its high 16 bits. */
  instanceId?: string;
  recordId?: string;
  provider?: string;
  /** A level name, or a level number (Get-WinEvent's `Level`, XML `<Level>`). */
  level?: string;
  /** A level name preferred to `level` (`LevelDisplayName`, XML RenderingInfo). */
  levelName?: string;
  description?: string;
  /** Values the export names itself (XML EventData): they win over those read from the description. */
  data?: Record<string, string>;
}

/** The RawEvent values a column or a property can hold. */
export type Field = Exclude<keyof RawEvent, 'line' | 'descLine' | 'data'>;

/** Column headers (Event Viewer en-US and zh-CN) and PowerShell property names (never localised) → field. */
const FIELDS = new Map<string, Field>([
  ['Level', 'level'],
  ['Date and Time', 'time'],
  ['Source', 'provider'],
  ['Event ID', 'eventId'],
  ['级别', 'level'],
  ['日期和时间', 'time'],
  ['来源', 'provider'],
  ['事件 ID', 'eventId'],
  // Get-WinEvent
  ['Message', 'description'],
  ['Id', 'eventId'],
  ['RecordId', 'recordId'],
  ['ProviderName', 'provider'],
  ['TimeCreated', 'time'],
  ['LevelDisplayName', 'levelName'],
  // Get-EventLog
  ['EventID', 'eventId'],
  ['InstanceId', 'instanceId'],
  ['Index', 'recordId'],
  ['EntryType', 'level'],
  ['TimeGenerated', 'time'],
]);

/** The field a column header or property name holds, if it is one this reader uses. */
export function fieldOf(name: string): Field | undefined {
  return FIELDS.get(name.trim());
}

/** Whether the fields of a header or a listed record are enough to make events of. */
export function eventFields(fields: readonly (Field | undefined)[]): boolean {
  const has = (f: Field): boolean => fields.includes(f);
  return has('time') && has('provider') && (has('eventId') || has('instanceId'));
}

/** Level numbers (EVENTLOG levels 0–5) as Event Viewer names them; 0 (LogAlways) shows as Information. */
const LEVELS = ['Information', 'Critical', 'Error', 'Warning', 'Information', 'Verbose'];

function levelOf(text: string | undefined): string | null {
  const t = text?.trim();
  if (!t) return null;
  return /^[0-5]$/.test(t) ? LEVELS[Number(t)]! : t;
}

/** Source names Event Viewer and the classic API show for the providers the story reads → provider names. */
const PROVIDERS = new Map([
  ['WindowsUpdateClient', 'Microsoft-Windows-WindowsUpdateClient'],
  ['Servicing', 'Microsoft-Windows-Servicing'],
  ['Kernel-Power', 'Microsoft-Windows-Kernel-Power'],
  ['BugCheck', 'Microsoft-Windows-WER-SystemErrorReporting'],
]);

function providerOf(source: string | undefined): string | null {
  const s = source?.trim();
  return s ? (PROVIDERS.get(s) ?? s) : null;
}

const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?$/;
/** A short date then the rest: `7/22/2022 8:41:07 AM`, `2022/7/22 8:41:07`, `22.07.2022 08:41:07`, `2022年7月22日 8:41`. */
const DATE = /^(\d{1,4})\s*([./-]|年)\s*(\d{1,2})\s*(?:[./-]|月)\s*(\d{1,4})\s*日?\.?,?\s+(.+)$/;
const MERIDIEM = '(AM|PM|A\\.M\\.|P\\.M\\.|上午|下午)';
const CLOCK = new RegExp(
  `^(?:${MERIDIEM}\\s*)?(\\d{1,2})[:.](\\d\\d)(?:[:.](\\d\\d))?(?:[.,]\\d+)?\\s*${MERIDIEM}?$`,
  'i',
);

/**
 * Whether the file writes its dates day first. Year-first dates (`2022/7/22`) are never in doubt; for the
 * others the file's own values decide: a first field above 12 anywhere means day first (`22/07/2022`), else a
 * second field above 12 means month first (`7/22/2022`); when no value tells (every day ≤ 12), dots and
 * dashes mean day first (no culture writes `M.d.yyyy`) and slashes month first (en-US, the usual export).
 */
export function dayFirst(times: readonly string[]): boolean {
  const order = new DateOrder();
  for (const t of times) order.add(t);
  return order.dayFirst;
}

/** {@link dayFirst} over times seen one at a time. */
export class DateOrder {
  private firstOver = false;
  private secondOver = false;
  private sep = '';
  add(time: string): void {
    const m = DATE.exec(time.trim());
    if (!m || m[1]!.length > 2) return;
    if (Number(m[1]) > 12) this.firstOver = true;
    if (Number(m[3]) > 12) this.secondOver = true;
    this.sep ||= m[2]!;
  }
  get dayFirst(): boolean {
    return this.firstOver || (!this.secondOver && (this.sep === '.' || this.sep === '-'));
  }
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/**
 * A local time as written (`7/22/2022 8:41:07 AM`) → `2022-07-22T08:41:07` (no zone: it is the exporting
 * machine's clock); ISO 8601 text is kept as written; null when it is not a valid date and time.
 */
export function localTime(text: string, dayFirstOrder: boolean): string | null {
  const t = text.trim();
  if (ISO_TIME.test(t)) return t;
  const m = DATE.exec(t);
  const c = m && CLOCK.exec(m[5]!.trim());
  if (!m || !c) return null;
  const [a, b, last] = [m[1]!, m[3]!, m[4]!];
  const yearFirst = a.length > 2;
  if ((yearFirst && a.length !== 4) || (!yearFirst && last.length !== 4 && last.length !== 2)) return null;
  const year = yearFirst ? Number(a) : Number(last) + (last.length === 2 ? 2000 : 0);
  const [month, day] = yearFirst
    ? [Number(b), Number(last)]
    : dayFirstOrder
      ? [Number(b), Number(a)]
      : [Number(a), Number(b)];
  let hour = Number(c[2]);
  const meridiem = (c[1] ?? c[5] ?? '').toUpperCase();
  if (meridiem) {
    if (hour < 1 || hour > 12) return null;
    hour = (hour % 12) + (/^P|下午/.test(meridiem) ? 12 : 0);
  }
  const [minute, second] = [Number(c[3]), Number(c[4] ?? 0)];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (month < 1 || month > 12 || date.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59)
    return null;
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}T${pad(hour)}:${pad(minute)}:${pad(second)}`;
}

const number = (text: string | undefined): number | null =>
  /^\d{1,10}$/.test(text?.trim() ?? '') ? Number(text) : null;

/**
 * Raw records → events: the time normalised (day/month order decided over all of them), the id (or an
 * InstanceId without its qualifiers), level names for numbers, provider names for Event Viewer's short
 * source names, and the data {@link eventData} reads from the description — or, when there is none, from the
 * export's own values (an XML bugcheck's `param1` gives its `BugcheckCode`), the named values winning.
 * Records without a readable time or id are skipped. Records without a record id are numbered from the
 * oldest end (exports list the newest first), so events of the same second keep the log's order.
 */
export function toEvents(raws: readonly RawEvent[]): TextEvent[] {
  const c = new EventCollector();
  for (const r of raws) c.add(r);
  return c.finish().events;
}

/** What an {@link EventCollector} found: the events kept, and the count and time span of all of them. */
export interface CollectedEvents {
  events: TextEvent[];
  /** Events read (kept or not). */
  count: number;
  first: string | null;
  last: string | null;
  /** True when every event's time is labelled UTC (`Z`, `+00:00`). */
  allUtc: boolean;
}

/** Per date order (0 month first, 1 day first): how many events, the first and last as listed, the span. */
interface OrderTally {
  count: number;
  listedFirst: string | null;
  listedLast: string | null;
  min: string | null;
  max: string | null;
  allUtc: boolean;
}

const UTC_LABEL = /Z$|[+-]00:?00$/;

/** A kept record, read but for what waits on the date order: its time and, without a record id, its number. */
interface Pending {
  event: TextEvent;
  written: string;
  /** Its place among the events read in each date order. */
  index: [number, number];
}

/**
 * {@link toEvents} for records seen one at a time (a streamed export): keeps only the records `keep` wants
 * (read at once but for their time and number), and for the others only what the end needs — the date
 * order, each order's count, first and last times — so memory follows the events kept, not the export's
 * size. `brief` keeps only the first line of a kept description (the data is read from all of it).
 */
export class EventCollector {
  private readonly order = new DateOrder();
  private readonly tally: [OrderTally, OrderTally] = [newTally(), newTally()];
  private readonly kept: Pending[] = [];
  constructor(
    private readonly keep: (provider: string | null, eventId: number, description: string) => boolean = () =>
      true,
    private readonly brief = false,
  ) {}

  add(r: RawEvent): void {
    const written = r.time ?? '';
    this.order.add(written);
    const instance = number(r.instanceId);
    const eventId = number(r.eventId) ?? (instance === null ? null : instance % 65536);
    if (eventId === null) return;
    const index: [number, number] = [-1, -1];
    for (const o of [0, 1] as const) {
      const time = localTime(written, o === 1);
      if (!time) continue;
      const t = this.tally[o];
      index[o] = t.count++;
      t.listedFirst ??= time;
      t.listedLast = time;
      if (t.min === null || time < t.min) t.min = time;
      if (t.max === null || time > t.max) t.max = time;
      t.allUtc &&= UTC_LABEL.test(time);
    }
    if (index[0] < 0 && index[1] < 0) return;
    const provider = providerOf(r.provider);
    if (!this.keep(provider, eventId, `${r.description ?? ''} ${Object.values(r.data ?? {}).join(' ')}`))
      return;
    const text = (r.description ?? '').replace(/\r\n?/g, '\n');
    const description = text.trim();
    const lead = description ? (/^\s*/.exec(text)![0].match(/\n/g)?.length ?? 0) : 0;
    const own = Object.values(r.data ?? {}).join('\n');
    const event: TextEvent = {
      line: r.line,
      descLine: r.descLine + lead,
      recordId: number(r.recordId) ?? -1,
      time: '',
      eventId,
      provider,
      level: levelOf(r.levelName) ?? levelOf(r.level),
      description: this.brief ? detach(description.split('\n', 1)[0]!) : description,
      data: { ...eventData(provider, eventId, description || own), ...r.data },
    };
    if (this.brief) {
      // Cells are views of their line: what is kept is copied, so the lines themselves are not.
      event.data = detachValues(event.data);
      event.provider = provider && detach(provider);
      event.level = event.level && detach(event.level);
    }
    this.kept.push({ event, written: this.brief ? detach(written) : written, index });
  }

  finish(): CollectedEvents {
    const dayFirstOrder = this.order.dayFirst;
    const o = dayFirstOrder ? 1 : 0;
    const t = this.tally[o];
    const newestFirst = t.count > 1 && t.listedFirst! > t.listedLast!;
    const events: TextEvent[] = [];
    for (const { event, written, index } of this.kept) {
      const time = index[o] < 0 ? null : localTime(written, dayFirstOrder);
      if (!time) continue;
      event.time = time;
      if (event.recordId < 0) event.recordId = newestFirst ? t.count - index[o] : index[o] + 1;
      events.push(event);
    }
    this.kept.length = 0;
    return { events, count: t.count, first: t.min, last: t.max, allUtc: t.count > 0 && t.allUtc };
  }
}

function newTally(): OrderTally {
  return { count: 0, listedFirst: null, listedLast: null, min: null, max: null, allUtc: true };
}

/** Where an event table's records start and how its cells are separated. */
export interface Header {
  /** 0-based line of the header. */
  index: number;
  sep: string;
  /** The field of each column; the description is the column after the last named one when none is. */
  fields: (Field | undefined)[];
  /** Event Viewer's tab-delimited text: unquoted cells, the description going on over the next lines. */
  tabText: boolean;
}

const unquote = (cell: string): string => cell.trim().replace(/^"(.*)"$/, '$1');

/** The header of an event table: its first line but for blank lines and a `#TYPE` line. */
export function headerOf(lines: readonly string[]): Header | null {
  for (let index = 0; index < Math.min(lines.length, 4); index++) {
    const line = lines[index]!.replace(/^\uFEFF/, '');
    if (/^\s*$|^#TYPE /.test(line)) continue;
    const sep = [',', '\t', ';'].reduce((best, s) =>
      line.split(s).length > line.split(best).length ? s : best,
    );
    const fields = line.split(sep).map((c) => fieldOf(unquote(c)));
    if (!eventFields(fields)) return null;
    if (!fields.includes('description')) fields.push('description');
    return { index, sep, fields, tabText: sep === '\t' && !line.startsWith('"') };
  }
  return null;
}

/** Whether text looks like an event table (Event Viewer CSV or tab-delimited text, PowerShell Export-Csv). */
export function detectEventCsv(lines: string[]): boolean {
  return headerOf(lines.slice(0, 5)) !== null;
}

/** The raw record of a row's cells; a description in the last column takes the cells past it too. */
function rawOf(h: Header, cells: readonly string[], line: number, cellLines?: readonly number[]): RawEvent {
  const raw: RawEvent = { line, descLine: line };
  h.fields.forEach((f, i) => {
    if (!f || i >= cells.length) return;
    raw[f] = f === 'description' && i === h.fields.length - 1 ? cells.slice(i).join(h.sep) : cells[i];
    if (f === 'description') raw.descLine = cellLines?.[i] ?? line;
  });
  return raw;
}

/** A quoted cell may span lines; past this many bytes one still open is taken for a cut record. */
const MAX_OPEN_ROW = 1024 * 1024;

/**
 * Reads an event table line by line (lines after the header), handing out each record as it ends.
 * CSV: a quoted cell may hold separators, doubled quotes and line breaks. A quoted cell still open at the
 * end of the text (or past {@link MAX_OPEN_ROW}) is a cut record: the row is dropped and the lines after its
 * first read again with quotes closing at the end of their line at the latest. Event Viewer's tab-delimited
 * text: a row starts with the named cells and a numeric id, else it goes on the description.
 */
export class EventTableReader {
  private row: { line: number; cells: string[]; lines: number[] } | null = null;
  /** The value of a quoted cell open at the end of the last line, or null. */
  private open: string | null = null;
  /** The lines of an open row, kept to be read again if it turns out cut. */
  private pending: [string, number][] = [];
  private pendingBytes = 0;
  private lenient = false;
  private tabRow: RawEvent | null = null;

  constructor(
    private readonly h: Header,
    private readonly onRaw: (r: RawEvent) => void,
  ) {}

  line(l: string, lineNo: number): void {
    if (lineNo <= this.h.index + 1) return;
    if (this.h.tabText) this.tabLine(l, lineNo);
    else this.csvLine(l, lineNo);
  }

  finish(): void {
    if (this.open !== null) this.cut();
    if (this.tabRow) this.flushTab();
  }

  private csvLine(l: string, lineNo: number): void {
    const sep = this.h.sep;
    let pos = 0;
    let value = '';
    if (this.open !== null) {
      // The quoted cell of the row goes on.
      const j = this.quoted(l, 0, this.open + '\n');
      this.pending.push([l, lineNo]);
      this.pendingBytes += l.length;
      if (j < 0) {
        if (this.pendingBytes > MAX_OPEN_ROW) this.cut();
        return;
      }
      [pos, value] = [j, this.openValue];
      this.open = null;
    } else {
      this.row = { line: lineNo, cells: [], lines: [lineNo] };
      this.pending = [[l, lineNo]];
      this.pendingBytes = l.length;
      if (l[0] === '"') {
        const j = this.quoted(l, 1, '');
        if (j < 0) return;
        [pos, value] = [j, this.openValue];
      }
    }
    const row = this.row!;
    for (;;) {
      const found = l.indexOf(sep, pos);
      const end = found < 0 ? l.length : found;
      row.cells.push(value + l.slice(pos, end));
      if (found < 0) break;
      pos = end + 1;
      value = '';
      row.lines.push(lineNo);
      if (l[pos] === '"') {
        const j = this.quoted(l, pos + 1, '');
        if (j < 0) return;
        [pos, value] = [j, this.openValue];
      }
    }
    this.row = null;
    this.pending = [];
    this.onRaw(rawOf(this.h, row.cells, row.line, row.lines));
  }

  /** The value a {@link quoted} call closed. */
  private openValue = '';

  /**
   * Reads a quoted cell's text from `j` (after its opening quote or at the start of a line it goes on) with
   * `value` read so far: the position after its closing quote (the value in `openValue`), or -1 when it is
   * still open at the end of the line (the value in `open`; in lenient reading it then closes there).
   */
  private quoted(l: string, j: number, value: string): number {
    for (;;) {
      const q = l.indexOf('"', j);
      if (q < 0) {
        value += l.slice(j);
        if (this.lenient) {
          this.openValue = value;
          return l.length;
        }
        this.open = value;
        return -1;
      }
      value += l.slice(j, q);
      if (l[q + 1] !== '"') {
        this.openValue = value;
        return q + 1;
      }
      value += '"';
      j = q + 2;
    }
  }

  /** The open row was cut: drop it and read the lines after its first again, leniently from now on. */
  private cut(): void {
    const again = this.pending.slice(1);
    [this.open, this.row, this.pending, this.pendingBytes, this.lenient] = [null, null, [], 0, true];
    for (const [l, n] of again) this.csvLine(l, n);
  }

  private tabLine(l: string, lineNo: number): void {
    const h = this.h;
    const named = h.fields.length - 1;
    const cells = l.split('\t');
    const time = cells[h.fields.indexOf('time')]?.trim() ?? '';
    if (
      cells.length >= named &&
      /^\s*\d+\s*$/.test(cells[h.fields.indexOf('eventId')] ?? '') &&
      (DATE.test(time) || ISO_TIME.test(time))
    ) {
      if (this.tabRow) this.flushTab();
      this.tabRow = rawOf(h, cells, lineNo);
      return;
    }
    if (this.tabRow) this.tabRow.description = `${this.tabRow.description ?? ''}\n${l}`;
  }

  private flushTab(): void {
    const r = this.tabRow!;
    // A description written between quotes loses them (and its doubled quotes).
    const q = /^(\s*)"([^]*)"\s*$/.exec(r.description ?? '');
    if (q) r.description = q[1]! + q[2]!.replaceAll('""', '"');
    this.tabRow = null;
    this.onRaw(r);
  }
}

/** Parses an event table; rows that cannot be read are skipped. */
export function parseEventCsv(text: string): TextEvent[] {
  const head: string[] = [];
  eachLine(text, (l) => head.push(l) < 5);
  const h = headerOf(head);
  if (!h) return [];
  const collector = new EventCollector();
  const reader = new EventTableReader(h, (r) => collector.add(r));
  eachLine(text, (l, n) => reader.line(l, n));
  reader.finish();
  return collector.finish().events;
}
