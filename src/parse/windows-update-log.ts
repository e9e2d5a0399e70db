// WindowsUpdate.log in its two text forms: the Windows 10+ rendering of the ETW traces
// (`Get-WindowsUpdateLog`: `YYYY/MM/DD HH:MM:SS.fffffff PID TID Component Message`) and the Windows 7/8.1
// native log (TAB-separated `date, time:ms, PID, TID(hex), Component, Message`). Only the lines that can
// matter for a diagnosis are kept (installs, results, failures, titles, searches, AU/WSUS settings), each
// with its physical line number in the file.

import { eachLine } from './text-lines.js';
import { canonicalize, extractCodes, isFailureCode } from './error-codes.js';

/** One kept line of a WindowsUpdate.log. */
export interface WuRecord {
  /** 1-based physical line number in the file. */
  line: number;
  /** Local time as written, in ISO-like form: `2023-05-22 08:22:20.0699170` (Win7 `:mmm` becomes `.mmm`). */
  time: string;
  /** Process id (decimal in both forms). */
  pid: number;
  /** Thread id as written (decimal on Win10, hex on Win7). */
  tid: string;
  /** Component column (`Agent`, `Handler`, `ComApi`, `AU`…): an open set. */
  component: string;
  /** Message text, trimmed; a Win7 message keeps its inner TABs (`REPORT EVENT:` lines carry fields). */
  message: string;
  /** The physical line as written (without the line end), for evidence. */
  text: string;
  /** Canonical codes in order of appearance (`*FAILED* [800F024B]`, `resultMapped=…`, `0x…`). */
  codes: string[];
}

/** Which WindowsUpdate.log form a text is in. */
export type WuFormat = 'win10' | 'win7';

/** Sample lines; the format test parses each to its fields and checks detection. */
export const samples: { format: WuFormat; line: string; fields: Partial<WuRecord> }[] = [
  {
    format: 'win10',
    line: '2023/05/22 08:22:20.0686513 2288  2488  Handler         *FAILED* [800F024B] Driver Install of {4E95DCBD-E67C-46AF-985B-F29D655C3480} on pci\\ven_10de&dev_1b81 (mapping to error 8024200B)',
    fields: {
      time: '2023-05-22 08:22:20.0686513',
      pid: 2288,
      tid: '2488',
      component: 'Handler',
      codes: ['0x800f024b', '0x8024200b'],
    },
  },
  {
    format: 'win10',
    line: '2024/05/02 16:40:48.6826417 6720  4720  Agent           LogHistory called. idUpdate={576B0DD6-57CC-457B-A5EC-E888491B395D}.200, resultMapped=80070643, resultUnMapped=800F0828',
    fields: { component: 'Agent', codes: ['0x80070643', '0x800f0828'] },
  },
  {
    format: 'win10',
    line: '2024/05/02 16:36:25.2739544 2396  8224  UDP               Title = 2024-01 Security Update for Windows 10 Version 22H2 for x64-based Systems (KB5034441)',
    fields: {
      component: 'UDP',
      message:
        'Title = 2024-01 Security Update for Windows 10 Version 22H2 for x64-based Systems (KB5034441)',
      codes: [],
    },
  },
  {
    format: 'win7',
    line: '2021-08-28\t11:05:53:815\t 576\ta70\tAU\t  # AU disabled through User preference',
    fields: {
      time: '2021-08-28 11:05:53.815',
      pid: 576,
      tid: 'a70',
      component: 'AU',
      message: '# AU disabled through User preference',
      codes: [],
    },
  },
  {
    format: 'win7',
    line: '2013-07-10\t03:05:12:137\t 920\t1a8\tHandler\tFATAL: CBS called Error with 0x800f0816,',
    fields: {
      component: 'Handler',
      message: 'FATAL: CBS called Error with 0x800f0816,',
      codes: ['0x800f0816'],
    },
  },
];

const WIN10 = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d+)?) +(\d+) +(\d+) +(\S+)(.*)$/;
const WIN7 =
  /^(\d{4}-\d{2}-\d{2})\t(\d{2}:\d{2}:\d{2})(?:[:.](\d{1,7}))?\t *(\d+)\t *([0-9A-Fa-f]+)\t([^\t]*)\t?(.*)$/;

// Cheap prefilter: a line is fully parsed only when it carries one of these markers (deployment delegates,
// percentages and phases tell how far an install got).
const KEEP =
  /FAILED|delegate invoked|\d\s?%|\bphase\b|阶段|단계|FATAL|WARNING|Exit code|Return code|CBS called Error|Install call complete|LogHistory|de(?:p)?loyment history|Title = |UpdateId = |Deserialized installable update|Finding updates|Found \d+ updates|Updates found|WSUS server|AU disabled|AU enabled|Automatic Updates|REPORT EVENT|Installing|Install failed|Updates to install|\* (?:START|END) \*|\*\* *(?:START|END) *\*\*|:: *(?:START|END) *::|KB\d{6,7}|WU client version|OS Version|\berror\b|were already downloaded|Preparing update for install/i;

const FAILED = /\*FAILED\*\s*\[([0-9A-Fa-f]{1,8})\]/;
const RESULT_FIELDS = /result(?:Un)?Mapped=([0-9A-Fa-f]{1,8})\b/g;
const MAPPING = /mapping to error ([0-9A-Fa-f]{8})\b/i;

/**
 * Decide which WindowsUpdate.log form the first lines are in, or null for another kind of file. A copy may
 * begin with a header or mid-file (a first line cut short, a long multi-line message): the lines of either
 * form must be most lines, or at least 20 of the head — a CBS or setupact line never is one.
 */
export function detectWindowsUpdateLog(lines: string[]): WuFormat | null {
  let win10 = 0;
  let win7 = 0;
  let seen = 0;
  for (const raw of lines.slice(0, 2000)) {
    const l = raw.replace(/^\uFEFF/, '').replace(/\r$/, '');
    if (!l.trim()) continue;
    seen++;
    // Both patterns are anchored and their runs are separated by fixed characters: linear in the line.
    if (WIN10.test(l)) win10++;
    else if (WIN7.test(l)) win7++;
  }
  if (seen === 0) return null;
  const enough = (n: number): boolean => n >= 1 && (n >= seen / 2 || n >= 20);
  if (win10 >= win7 && enough(win10)) return 'win10';
  if (enough(win7)) return 'win7';
  return null;
}

const NO_CODES: string[] = [];

/** Short strings repeated on every line (components, thread ids, dates) kept once, not once per record. */
const shared = new Map<string, string>();
function once(s: string): string {
  const seen = shared.get(s);
  if (seen !== undefined) return seen;
  if (shared.size < 10000) shared.set(s, s);
  return s;
}

/** Canonical codes of one message: the WU-specific bare-hex forms first, then the shared extractor's. */
function codesOf(message: string): string[] {
  let out: string[] = [];
  const add = (c: string | null): void => {
    if (c && isFailureCode(c) && !out.includes(c)) out.push(c);
  };
  const f = FAILED.exec(message);
  if (f) add(canonicalize(f[1]!.padStart(8, '0')));
  const m = MAPPING.exec(message);
  if (m) add(canonicalize(m[1]!));
  for (const r of message.matchAll(RESULT_FIELDS)) add(canonicalize(r[1]!.padStart(8, '0')));
  for (const c of extractCodes(message)) if (!out.includes(c)) out.push(c);
  // Most kept lines carry no code: they share one empty list (a long log keeps hundreds of thousands).
  if (out.length === 0) out = NO_CODES;
  return out;
}

/** Parse one physical line (without its line end) in the given form; null when it is not a log line. */
export function parseWuLine(text: string, line: number, format: WuFormat): WuRecord | null {
  if (format === 'win10') {
    const m = WIN10.exec(text);
    if (!m) return null;
    const message = m[8]!.trim();
    return {
      line,
      time: `${once(`${m[1]}-${m[2]}-${m[3]}`)} ${m[4]}`,
      pid: Number(m[5]),
      tid: once(m[6]!),
      component: once(m[7]!),
      message,
      text,
      codes: codesOf(message),
    };
  }
  const m = WIN7.exec(text);
  if (!m) return null;
  const message = m[7]!.trim();
  return {
    line,
    time: `${m[1]} ${m[2]}${m[3] ? `.${m[3]}` : ''}`,
    pid: Number(m[4]),
    tid: once(m[5]!),
    component: once(m[6]!.trim()),
    message,
    text,
    codes: codesOf(message),
  };
}

/** The record of one physical line when it is one that can matter (a cheap prefilter first), else null. */
export function keptWuLine(raw: string, line: number, format: WuFormat): WuRecord | null {
  return KEEP.test(raw) ? parseWuLine(raw, line, format) : null;
}

/** Whether a line carries a marker {@link keptWuLine} would parse it for (no parse: for counting). */
export function wuLineMatters(raw: string): boolean {
  return KEEP.test(raw);
}

/**
 * Parse a WindowsUpdate.log (either form, detected from its first lines) into the records that matter.
 * Returns [] for text in another format. Never throws.
 */
export function parseWindowsUpdateLog(text: string): WuRecord[] {
  const out: WuRecord[] = [];
  const head: string[] = [];
  eachLine(text, (line) => {
    head.push(line);
    return head.length < 2000;
  });
  const format = detectWindowsUpdateLog(head);
  if (!format) return out;
  eachLine(text, (raw, line) => {
    const r = keptWuLine(raw, line, format);
    if (r) out.push(r);
  });
  return out;
}
