// CBS.log format (also CbsPersist_*.log and Panther cbs.log): the WDS logger's line grammar
// `YYYY-MM-DD HH:MM:SS, <Level:22><Component:7><message>`, continuation lines, CSI record headers,
// and a byte-level prefilter so only lines that can matter are decoded and parsed.

import type { CsiDetail, LogEntry } from '../model/types.js';
import { decodeLine, type Encoding } from '../ingest/encoding.js';
import { extractCodes } from './error-codes.js';

/** Sample lines: the format's documentation and its tests (see cbs.test.ts). */
export const samples: { line: string; fields: Partial<LogEntry> & { csi?: CsiDetail } }[] = [
  {
    line: "2023-01-05 17:16:16, Error                 CSI    00003e98 (F) Unable to load manifest for component [l:91 ml:140]'amd64_e7efbb5769027affbc1fbfd7101971df_b77a5c561934e089_4.0.15713.866_none_41638f151bd7fec8'[gle=0x80004005]",
    fields: {
      time: '2023-01-05 17:16:16',
      level: 'Error',
      component: 'CSI',
      csi: { seq: '00003e98', flag: 'F' },
    },
  },
  {
    line: '2023-05-17 08:44:12, Error                 CSI    00000008@2023/5/17:15:44:12.956 (F) onecore\\base\\wcp\\rtllib\\win32lib\\delta_library.cpp(351): Error NTSTATUS_FROM_WIN32(ERROR_INVALID_DATA) originated in function Windows::Rtl::DeltaDecompressBuffer expression: g_pfnApplyDeltaB',
    fields: {
      level: 'Error',
      component: 'CSI',
      csi: { seq: '00000008', utc: '2023-05-17T15:44:12.956Z', flag: 'F' },
      codes: ['0xc007000d'],
    },
  },
  {
    line: '2023-01-05 17:16:16, Error                 CBS    Failed to process single phase execution. [HRESULT = 0x80073712 - ERROR_SXS_COMPONENT_STORE_CORRUPT]',
    fields: {
      level: 'Error',
      component: 'CBS',
      message:
        'Failed to process single phase execution. [HRESULT = 0x80073712 - ERROR_SXS_COMPONENT_STORE_CORRUPT]',
      codes: ['0x80073712'],
    },
  },
  {
    line: '2025-04-26 05:21:55, Info                         arbiter: Determining media feature name',
    fields: { level: 'Info', component: '', message: 'arbiter: Determining media feature name' },
  },
  {
    line: 'C:\\Windows\\Logs\\CBS\\CbsPersist_20230523160236.log:2023-05-23 01:17:29, Info                  CSI    00000006 [SR] Verifying 1 components',
    fields: { time: '2023-05-23 01:17:29', component: 'CSI', csi: { seq: '00000006' } },
  },
];

const enum B {
  SPACE = 32,
  TAB = 9,
  ZERO = 48,
  NINE = 57,
  DASH = 45,
  COLON = 58,
  COMMA = 44,
  AT = 64,
  LPAREN = 40,
  RPAREN = 41,
}

/** Offset of the timestamp in a physical line: 0, or after a `path.log:` prefix (findstr output); -1 if none. */
export function timestampOffset(buf: Buffer, start: number, end: number): number {
  if (isTimestampAt(buf, start, end)) return 0;
  const c = buf[start];
  // `C:\…\x.log:2023-…` or `CBS.log:2023-…`: only then pay for a search.
  if (c === undefined || c === B.SPACE || c === B.TAB) return -1;
  const limit = Math.min(end, start + 400);
  for (let i = start + 1; i < limit - 19; i++) {
    if (buf[i] === B.COLON && isTimestampAt(buf, i + 1, end) && buf[i - 1] !== B.SPACE) {
      return i + 1 - start;
    }
  }
  return -1;
}

function isDigit(b: number | undefined): boolean {
  return b !== undefined && b >= B.ZERO && b <= B.NINE;
}

/** `YYYY-MM-DD HH:MM:SS,` at position p. */
function isTimestampAt(buf: Buffer, p: number, end: number): boolean {
  return (
    end - p >= 20 &&
    isDigit(buf[p]) &&
    isDigit(buf[p + 3]) &&
    buf[p + 4] === B.DASH &&
    buf[p + 7] === B.DASH &&
    buf[p + 10] === B.SPACE &&
    buf[p + 13] === B.COLON &&
    buf[p + 16] === B.COLON &&
    buf[p + 19] === B.COMMA
  );
}

// Message prefixes that make a line worth parsing; everything else is skipped undecoded unless it has an
// HRESULT/STATUS code, a CSI failure flag, or a non-Info level.
const PREFIXES = [
  'Exec:',
  'Session:',
  'WER:',
  'Startup:',
  'Startup processing',
  'Loaded Servicing Stack',
  'Starting TrustedInstaller',
  'Starting TiWorker',
  'Ending TrustedInstaller',
  'TrustedInstaller service',
  'Trusted Installer',
  'Failed',
  'Failure',
  'Store corruption',
  'Mark store corruption',
  'Repair failed',
  'Repr:',
  'Reboot mark',
  'Setting ExecuteState',
  'Setting original failure',
  'Setting Pending',
  'Checking System Update Readiness',
  'CheckSur:',
  'All CSI corruption',
  'Summary:',
  'Operation',
  'Total ',
  '(p)',
  '(f)',
  '(fix)',
  '(w)',
  '[SR]',
  'Hashes for',
  'Manifest hash',
  'Hydration',
  'Warning: Unable',
  'Corruption detection',
  'Starting corruption',
  'DEPLOY',
  'Pending',
  'Pended',
  'Poqexec',
  'Installer:',
  'Could not',
  'Unable',
  'Error',
  'Client:',
  'Doqi:',
  'SQM: Failed',
  'Corrupt',
  'Disabling',
  'NonStart:',
  // dism.log shares the grammar: the command line tells which source a repair was given.
  'DISM.EXE: Executing command line',
  'DISM.EXE: Image session has been closed',
  'DISM.EXE: Host machine information',
];
const PREFIX_BUFS = PREFIXES.map((p) => Buffer.from(p, 'latin1'));
/** The prefixes by their first byte: one array read per line instead of a map lookup. */
const PREFIX_BY_FIRST: (Buffer[] | undefined)[] = new Array<Buffer[] | undefined>(256).fill(undefined);
for (const p of PREFIX_BUFS) (PREFIX_BY_FIRST[p[0]!] ??= []).push(p);

function startsWithAt(buf: Buffer, p: number, end: number, prefix: Buffer): boolean {
  if (end - p < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (buf[p + i] !== prefix[i]) return false;
  return true;
}

function hasPrefix(buf: Buffer, p: number, end: number): boolean {
  const list = PREFIX_BY_FIRST[buf[p]!];
  if (!list) return false;
  for (const pre of list) if (startsWithAt(buf, p, end, pre)) return true;
  return false;
}

// Markers that keep a line wherever they stand: each is searched once per chunk (a pass over its bytes).
const ANYWHERE = [Buffer.from('HRESULT'), Buffer.from('STATUS_')];

// dism.log: a management tool's DismApi session names the process that opened it. Looked for in DISM lines
// (and continuation lines) only: a pass over every chunk for it cost 5 % of a CBS.log's read.
const PARENT_PROCESS = Buffer.from('Parent process command line:');

// Installed-state lines tell which cumulative update (so which build) the machine is at: kept only when
// they say "installed" (there is one such line per package and session).
const INSTALLED_STATE: [Buffer, Buffer][] = [
  [Buffer.from('Read out cached applicability'), Buffer.from('CurrentState:112')],
  [Buffer.from('Reporting package change completion'), Buffer.from('current: Installed')],
];

/** Converts `2023/1/5:09:16:16.157` to ISO UTC. */
export function csiStampToIso(stamp: string): string | undefined {
  const m = /^(\d{4})\/(\d{1,2})\/(\d{1,2}):(\d{1,2}):(\d\d):(\d\d)(?:\.(\d{1,3}))?$/.exec(stamp);
  if (!m) return undefined;
  const p2 = (s: string): string => s.padStart(2, '0');
  return `${m[1]}-${p2(m[2]!)}-${p2(m[3]!)}T${p2(m[4]!)}:${m[5]}:${m[6]}.${(m[7] ?? '0').padEnd(3, '0')}Z`;
}

const LINE_RE = /^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d), (\S+)\s+(.*)$/s;
const CSI_HEAD_RE =
  /^([0-9a-f]{8})(?:@(\d{4}\/\d{1,2}\/\d{1,2}:\d{1,2}:\d\d:\d\d(?:\.\d+)?))?(?:\s+<mailto:[^>]*>)?\s+(?:\(([FEWI])\)\s+)?/;

/** Parses one timestamped line (text from the timestamp on) into entry fields. */
export function parseHeadLine(text: string): {
  time: string;
  level: string;
  component: string;
  message: string;
  csi?: CsiDetail;
} | null {
  const m = LINE_RE.exec(text);
  if (!m) return null;
  const time = m[1]!;
  const level = m[2]!;
  // Column layout: the level is padded to column 43 and the component to column 50. An empty
  // component leaves spaces up to column 50 (arbiter lines).
  // Some builds print a message id after the level (`Error      [0x01803e] CSI    …`).
  let rest = m[3]!.replace(/^\[0x[0-9a-fA-F]+\]\s+/, '');
  let component = '';
  const padded = text.length > 50 && text.slice(21, 50).trim() === level;
  if (!padded) {
    const sp = rest.search(/\s/);
    if (sp > 0 && sp <= 12 && /^[A-Za-z][\w-]*$/.test(rest.slice(0, sp))) {
      component = rest.slice(0, sp);
      rest = rest.slice(sp).replace(/^\s+/, '');
    }
  }
  let csi: CsiDetail | undefined;
  if (component === 'CSI') {
    const h = CSI_HEAD_RE.exec(rest);
    if (h) {
      csi = { seq: h[1]! };
      if (h[2]) {
        const utc = csiStampToIso(h[2]);
        if (utc) csi.utc = utc;
      }
      if (h[3]) csi.flag = h[3] as CsiDetail['flag'];
      rest = rest.slice(h[0].length);
    }
  }
  return { time, level, component, message: rest, ...(csi ? { csi } : {}) };
}

/** Heuristic content detector: share of the first lines that follow the CBS grammar with CBS/CSI components. */
export function detectCbs(headLines: string[]): number {
  let ts = 0;
  let cbs = 0;
  for (const l of headLines) {
    const m = /^(?:\uFEFF)?\d{4}-\d\d-\d\d \d\d:\d\d:\d\d, \w+\s+(?:\[0x[0-9a-fA-F]+\]\s+)?(\S+)/.exec(l);
    if (!m) continue;
    ts++;
    const comp = m[1]!;
    // CBS-family components; lines with an empty component column (arbiter:, Feature:) belong to CBS too.
    if (
      comp === 'CBS' ||
      comp === 'CSI' ||
      comp === 'DPX' ||
      comp === 'TI' ||
      comp === 'SXS' ||
      /[:.]$/.test(comp) ||
      (l.length > 50 && l.slice(43, 50).trim() === '')
    )
      cbs++;
  }
  if (ts === 0) return 0;
  // Share of CBS-family lines among the timestamped ones: dism.log (DISM lines with a few CSI ones) stays low,
  // Panther cbs.log (DISM and CBS mixed) in between.
  return cbs / ts;
}

/** Where the report of a DISM health check is gathered into one entry. */
const REPORT_START = Buffer.from('Checking System Update Readiness');
const REPORT_END = Buffer.from('Total Operation Time');
const MAX_REPORT_LINES = 20000;
const MAX_CONTINUATION_LINES = 2000;
const MAX_PENDING_CONTINUATIONS = 16;

/** Statistics of one CBS read. */
export interface CbsStats {
  entries: number;
  timestamped: number;
  first: string | null;
  last: string | null;
  utcOffsetMinutes: number | null;
  parseErrors: number;
}

/**
 * Turns physical lines into kept LogEntry objects. Feed it from a LineSink; it calls `emit` for each
 * finished entry that passed the prefilter. All work per line is synchronous and allocation-free for
 * lines that are skipped.
 */
export class CbsLineParser {
  private current: LogEntry | null = null;
  private inReport = false;
  private reportLines = 0;
  private nextHit: number[] = ANYWHERE.map(() => -1);
  private hitBuf: Buffer | null = null;
  private lastTs = Buffer.alloc(19);
  private haveLastTs = false;
  private lastTsBuf: Buffer | null = null;
  private lastTsAt = 0;
  private pendingHeadBuf: Buffer | null = null;
  private pendingHeadStart = 0;
  private pendingHeadEnd = 0;
  private pendingHeadLine = 0;
  /** Continuation lines seen since the skipped head (copied by detach() when the chunk changes). */
  private pendingCont: [Buffer, number, number][] = [];
  readonly stats: CbsStats = {
    entries: 0,
    timestamped: 0,
    first: null,
    last: null,
    utcOffsetMinutes: null,
    parseErrors: 0,
  };

  constructor(
    private readonly file: string,
    private readonly encoding: Encoding,
    private readonly emit: (e: LogEntry) => void,
  ) {}

  /** Number of the last line given to onLine. */
  lastLine = 0;

  /** Whether the parser is inside a health report (its lines gathered into one entry). */
  get reporting(): boolean {
    return this.inReport;
  }

  /** The buffer lines last came from: the reader reuses a chunk's memory two chunks later. */
  private lastBuf: Buffer | null = null;

  /** Copies the held lines of the previous chunk before its memory is reused. */
  private detach(): void {
    if (this.pendingHeadBuf) {
      this.pendingHeadBuf = Buffer.from(
        this.pendingHeadBuf.subarray(this.pendingHeadStart, this.pendingHeadEnd),
      );
      this.pendingHeadStart = 0;
      this.pendingHeadEnd = this.pendingHeadBuf.length;
    }
    this.pendingCont = this.pendingCont.map(([b, s, e]) => [Buffer.from(b.subarray(s, e)), 0, e - s]);
    this.keepLastStamp();
  }

  /** Copies the last timestamp seen out of the chunk that holds it. */
  private keepLastStamp(): void {
    const from = this.lastTsBuf;
    if (!from) return;
    const s = this.lastTsAt;
    const last = this.lastTs;
    for (let i = 0; i < 19; i++) last[i] = from[s + i]!;
    this.haveLastTs = true;
    this.lastTsBuf = null;
  }

  /** LineSink: bind with `parser.onLine.bind(parser)` or call directly. */
  onLine(buf: Buffer, start: number, end: number, lineNo: number): void {
    this.lastLine = lineNo;
    if (buf !== this.lastBuf) {
      this.detach();
      this.lastBuf = buf;
    }
    const off = timestampOffset(buf, start, end);
    if (off < 0) {
      this.onContinuation(buf, start, end, lineNo);
      return;
    }
    const s = start + off;
    this.stats.timestamped++;
    if (this.stats.first === null) this.stats.first = buf.toString('latin1', s, s + 19);
    // Where the last stamp is: copied once per chunk (keepLastStamp), not once per line.
    this.lastTsBuf = buf;
    this.lastTsAt = s;

    if (this.inReport) {
      if (this.current && this.reportLines < MAX_REPORT_LINES) {
        const text = decodeLine(buf, start, end, this.encoding);
        const head = parseHeadLine(text.slice(off));
        this.current.lines.push(text);
        this.current.message += '\n' + (head ? head.message : text);
        this.current.endLine = lineNo;
        this.reportLines++;
      }
      if (indexWithin(buf, REPORT_END, s + 21, end) >= 0 || this.reportLines >= MAX_REPORT_LINES) {
        this.inReport = false;
        this.flush();
      }
      return;
    }

    this.flush();
    // Most lines hold nothing: a new array only when there was something (2 M lines, 2 M arrays otherwise).
    if (this.pendingCont.length > 0) this.pendingCont = [];
    if (this.utcPending && buf[s + 58] === B.AT) this.learnUtcOffset(buf, start, end, off);
    if (this.keep(buf, s, end)) {
      this.pendingHeadBuf = null;
      this.startEntry(decodeLine(buf, start, end, this.encoding), off, lineNo);
      if (this.current && indexWithin(buf, REPORT_START, s + 21, end) >= 0) {
        this.inReport = true;
        this.reportLines = 0;
      }
    } else {
      // Remember where the skipped head is, in case a continuation line turns out to matter.
      this.pendingHeadBuf = buf;
      this.pendingHeadStart = start;
      this.pendingHeadEnd = end;
      this.pendingHeadLine = lineNo;
    }
  }

  private onContinuation(buf: Buffer, start: number, end: number, lineNo: number): void {
    if (this.current) {
      const e = this.current;
      if (e.endLine - e.line < MAX_CONTINUATION_LINES || this.inReport) {
        const text = decodeLine(buf, start, end, this.encoding);
        e.lines.push(text);
        e.message += '\n' + text;
        e.endLine = lineNo;
        if (this.inReport) {
          this.reportLines++;
          if (indexWithin(buf, REPORT_END, start, end) >= 0) this.inReport = false;
        }
      }
      return;
    }
    if (!this.pendingHeadBuf) return;
    // A continuation of a skipped entry: keep the entry after all when a continuation carries a code or
    // opens a health report (the Windows 8.1/2016 layout puts the report under an empty Info line).
    const opensReport = indexWithin(buf, REPORT_START, start, end) >= 0;
    if (
      !opensReport &&
      (end === start || (!this.anywhere(buf, start, end) && indexWithin(buf, PARENT_PROCESS, start, end) < 0))
    ) {
      if (this.pendingCont.length < MAX_PENDING_CONTINUATIONS) this.pendingCont.push([buf, start, end]);
      else this.pendingHeadBuf = null;
      return;
    }
    const headBuf = this.pendingHeadBuf;
    const head = decodeLine(headBuf, this.pendingHeadStart, this.pendingHeadEnd, this.encoding);
    const off = timestampOffset(headBuf, this.pendingHeadStart, this.pendingHeadEnd);
    const held = this.pendingCont;
    this.pendingHeadBuf = null;
    this.pendingCont = [];
    this.startEntry(head, Math.max(0, off), this.pendingHeadLine);
    if (!this.current) return;
    if (opensReport) {
      this.inReport = true;
      this.reportLines = 0;
    }
    const first = lineNo - held.length;
    held.forEach(([b, s0, e0], i) => this.onContinuation(b, s0, e0, first + i));
    this.onContinuation(buf, start, end, lineNo);
  }

  /** True until a CSI `@` stamp has given the machine's UTC offset. */
  private utcPending = true;

  /** Reads the UTC offset from a standard-layout CSI line whose `@` stamp sits at column 58. */
  private learnUtcOffset(buf: Buffer, start: number, end: number, off: number): void {
    const head = parseHeadLine(decodeLine(buf, start, end, this.encoding).slice(off));
    if (head?.csi?.utc) this.setUtcOffset(head.time, head.csi.utc);
  }

  private setUtcOffset(localTime: string, utcIso: string): void {
    const local = Date.parse(localTime.replace(' ', 'T') + 'Z');
    const utc = Date.parse(utcIso);
    if (Number.isNaN(local) || Number.isNaN(utc)) return;
    this.stats.utcOffsetMinutes = Math.round((local - utc) / 60000 / 15) * 15;
    this.utcPending = false;
  }

  private startEntry(text: string, off: number, lineNo: number): void {
    const head = parseHeadLine(off > 0 ? text.slice(off) : text);
    if (!head) {
      this.stats.parseErrors++;
      return;
    }
    const entry: LogEntry = {
      file: this.file,
      line: lineNo,
      endLine: lineNo,
      time: head.time,
      level: head.level,
      component: head.component,
      message: head.message,
      lines: [text],
      codes: [],
    };
    if (head.csi) {
      entry.csi = head.csi;
      if (this.utcPending && head.csi.utc) this.setUtcOffset(head.time, head.csi.utc);
    }
    this.current = entry;
  }

  /** Decide from bytes whether a timestamped line starting at s is worth parsing. */
  private keep(buf: Buffer, s: number, end: number): boolean {
    // Level word at s+21.
    const lv = buf[s + 21];
    if (lv !== 73 /* I */ && lv !== 80 /* P */) return true; // Error, Warning, anything unusual
    let p: number;
    let isCsi = false;
    let isDism = false;
    if (
      buf[s + 42] === B.SPACE &&
      buf[s + 43] !== B.SPACE &&
      buf[s + 49] === B.SPACE &&
      buf[s + 50] !== B.SPACE
    ) {
      // The standard layout: component at column 43, message at column 50.
      isCsi = buf[s + 43] === 67 && buf[s + 44] === 83 && buf[s + 45] === 73 && buf[s + 46] === B.SPACE;
      isDism = isDismAt(buf, s + 43);
      p = s + 50;
    } else {
      // Any other spacing: skip the level word and padding, then the component.
      p = s + 21;
      while (p < end && buf[p] !== B.SPACE) p++;
      while (p < end && buf[p] === B.SPACE) p++;
    }
    if (p - s < 50) {
      isCsi = buf[p] === 67 && buf[p + 1] === 83 && buf[p + 2] === 73 && buf[p + 3] === B.SPACE;
      isDism = isDismAt(buf, p);
      while (p < end && buf[p] !== B.SPACE) p++;
      while (p < end && buf[p] === B.SPACE) p++;
    }
    if (isCsi) {
      // Skip `0000xxxx` and an optional `@stamp`, then look at the flag.
      while (p < end && buf[p] !== B.SPACE) p++;
      while (p < end && buf[p] === B.SPACE) p++;
      if (buf[p] === B.LPAREN && buf[p + 2] === B.RPAREN) {
        const f = buf[p + 1];
        if (f === 70 /* F */ || f === 69 /* E */ || f === 87 /* W */) return true;
        p += 4;
      }
    }
    if (hasPrefix(buf, p, end)) return true;
    if (buf[p] === 82 /* R */) {
      for (const [pre, must] of INSTALLED_STATE) {
        if (startsWithAt(buf, p, end, pre)) return indexWithin(buf, must, p + pre.length, end) >= 0;
      }
    }
    return this.anywhere(buf, p, end) || (isDism && indexWithin(buf, PARENT_PROCESS, p, end) >= 0);
  }

  /** Whether an anywhere-marker (HRESULT, STATUS_) occurs in [p, end). Each marker is searched once per buffer. */
  private anywhere(buf: Buffer, p: number, end: number): boolean {
    if (this.hitBuf !== buf) {
      this.hitBuf = buf;
      this.nextHit.fill(-2);
    }
    for (let i = 0; i < ANYWHERE.length; i++) {
      let h = this.nextHit[i]!;
      if (h === -1) continue;
      if (h < p) {
        h = buf.indexOf(ANYWHERE[i]!, p);
        this.nextHit[i] = h;
        if (h === -1) continue;
      }
      if (h < end) return true;
    }
    return false;
  }

  /** Close the current entry and emit it. */
  flush(): void {
    const e = this.current;
    if (!e) return;
    this.current = null;
    e.codes = extractCodes(e.message);
    if (e.csi) csiDetails(e.csi, e.message);
    this.stats.entries++;
    this.emit(e);
  }

  /** End of input. */
  finish(): void {
    this.inReport = false;
    this.flush();
    this.keepLastStamp();
    if (this.haveLastTs) this.stats.last = this.lastTs.toString('latin1');
  }
}

const ORIGIN_RE = /originated in function (\S+)/;
const CALL_RE = /#(\d+)# (?:\d+ us )?from ([\w:~]+)/;
const GLE_RE = /\[gle=(0x[0-9a-fA-F]{8})\]/;

/** Adds the origin function, call id and GetLastError of a CSI record (`originated in function X`, `#id# from Y`, `[gle=…]`). */
function csiDetails(csi: CsiDetail, message: string): void {
  const o = ORIGIN_RE.exec(message);
  if (o) csi.origin = o[1]!;
  const c = CALL_RE.exec(message);
  if (c) {
    csi.callId = Number(c[1]);
    csi.origin ??= c[2]!;
  }
  const g = GLE_RE.exec(message);
  if (g) csi.gle = g[1]!.toLowerCase();
}

/** `DISM ` at p: the component of dism.log's lines. */
function isDismAt(buf: Buffer, p: number): boolean {
  return (
    buf[p] === 68 && buf[p + 1] === 73 && buf[p + 2] === 83 && buf[p + 3] === 77 && buf[p + 4] === B.SPACE
  );
}

/** indexOf limited to [from, end). */
function indexWithin(buf: Buffer, needle: Buffer, from: number, end: number): number {
  const limit = end - needle.length;
  const first = needle[0]!;
  outer: for (let i = from; i <= limit; i++) {
    if (buf[i] !== first) continue;
    for (let j = 1; j < needle.length; j++) if (buf[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}
