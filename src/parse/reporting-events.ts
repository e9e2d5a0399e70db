// ReportingEvents.log (`%windir%\SoftwareDistribution\ReportingEvents.log`, UTF-16LE): one Windows Update
// client event per line, TAB-separated — event GUID, local time with offset, event id and tag
// (`148 [AGENT_DETECTION_FAILED]`), update GUID, HRESULT without `0x`, caller, Success/Failure, phase and a
// sentence. Fields are found by their patterns, not by fixed columns, because the column count varies
// between client versions. The same fields follow `REPORT EVENT:` in a Windows 7 WindowsUpdate.log.

import { eachLine } from './text-lines.js';
import { canonicalize } from './error-codes.js';
import { kbOf } from './identity.js';

/** One reporting event. */
export interface ReRecord {
  /** 1-based physical line number in the file. */
  line: number;
  /** Local time in ISO-like form (`2023-07-05 02:12:21.242`); the offset is in `utcOffset`. */
  time: string;
  /** UTC offset as written (`+0300`), or null. */
  utcOffset: string | null;
  /** Event id (147 detection finished, 148 detection failed, 181 install started, 182 failed, 183 succeeded…). */
  eventId: number;
  /** Tag in brackets (`AGENT_INSTALLING_FAILED`); `(null)` as written when the client had none. */
  tag: string;
  /** The event's HRESULT, canonical (`0x80072ee2`; `0x00000000` for success). */
  code: string;
  /** `Success` or `Failure` (as written). */
  result: 'Success' | 'Failure' | string;
  /** Phase: `Content Install`, `Software Synchronization`, `Content Download`… */
  kind: string;
  /** The event's sentence (`Windows Update Client failed to detect with error 0x80072ee2.`). */
  text: string;
  /** Caller id (`MoUpdateOrchestrator`, `AutomaticUpdates`, `<<PROCESS>>: DllHost.exe`). */
  callerId: string;
  /** Update GUID (upper case, no braces), or null. */
  updateId: string | null;
  /** Update title, from install sentences (`…the following update: <title>`), or null. */
  title: string | null;
  kb: string | null;
  /** The physical line as written, for evidence. */
  raw: string;
}

/** Sample lines; the format test parses each to its fields. */
export const samples: { line: string; fields: Partial<ReRecord> }[] = [
  {
    line: '{C7550B90-A0BA-47D7-A527-7F2A377E1DB7}\t2023-07-05 02:12:21:242+0300\t1\t148 [AGENT_DETECTION_FAILED]\t101\t{9482F4B4-E343-43B6-B170-9A65BC822C77}\t0\t80072ee2\t<<PROCESS>>: DllHost.exe\tFailure\tSoftware Synchronization\tWindows Update Client failed to detect with error 0x80072ee2.\tarqdv3jFYUqk1Fmr.1.0.0.3.0',
    fields: {
      time: '2023-07-05 02:12:21.242',
      utcOffset: '+0300',
      eventId: 148,
      tag: 'AGENT_DETECTION_FAILED',
      code: '0x80072ee2',
      result: 'Failure',
      kind: 'Software Synchronization',
      callerId: '<<PROCESS>>: DllHost.exe',
      kb: null,
    },
  },
  {
    line: '{8F1B7E6A-1C2D-4E5F-8A9B-0C1D2E3F4A5B}\t2022-08-10 09:12:44:120+0800\t1\t182 [AGENT_INSTALLING_FAILED]\t101\t{3D6B9C5E-5A0C-4C3B-9D0E-1F2A3B4C5D6E}\t1\t80073701\tUpdateOrchestrator\tFailure\tContent Install\tInstallation Failure: Windows failed to install the following update with error 0x80073701: 2022-07 Cumulative Update for Windows 10 Version 1809 for x64-based Systems (KB5015811).\tabc.1.0',
    fields: {
      eventId: 182,
      tag: 'AGENT_INSTALLING_FAILED',
      code: '0x80073701',
      result: 'Failure',
      kind: 'Content Install',
      updateId: '3D6B9C5E-5A0C-4C3B-9D0E-1F2A3B4C5D6E',
      title: '2022-07 Cumulative Update for Windows 10 Version 1809 for x64-based Systems (KB5015811)',
      kb: 'KB5015811',
    },
  },
];

const GUID = /^\{?([0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12})\}?$/;
const TIME = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:[:.](\d{1,7}))?\s*([+-]\d{4})?$/;
const EVENT = /^(\d{1,5}) \[([^\]]*)\]$/;
const RESULT = /^(?:Success|Failure)$/;
// The title runs to the last non-space and loses its full stop after (a lazy `(.+?)\.?\s*$` would cost the
// square of a long run of spaces inside the line).
const TITLE = /following update(?: with error 0x[0-9A-Fa-f]{8})?\s*:\s*(.*\S)\s*$/;

/** Update title from an install/download sentence, or null. */
function titleOf(text: string): string | null {
  const m = TITLE.exec(text);
  return m ? m[1]!.replace(/\.$/, '').trim() : null;
}

/**
 * Parse the TAB-separated fields of one reporting event (a ReportingEvents.log line, or the part of a
 * Win7 WindowsUpdate.log line after `REPORT EVENT: `). Null when the fields do not make an event.
 */
export function parseReportingFields(fields: string[], line: number, raw: string): ReRecord | null {
  const f = fields.map((x) => x.trim());
  const t = f.findIndex((x) => TIME.test(x));
  const e = f.findIndex((x, i) => i > t && EVENT.test(x));
  if (t < 0 || e < 0) return null;
  const r = f.findIndex((x, i) => i > e && RESULT.test(x));
  if (r < e + 3) return null;
  const tm = TIME.exec(f[t]!)!;
  const ev = EVENT.exec(f[e]!)!;
  let updateId: string | null = null;
  for (let i = e + 1; i < r; i++) {
    const g = GUID.exec(f[i]!);
    if (g) {
      updateId = g[1]!.toUpperCase();
      break;
    }
  }
  const text = f[r + 2] ?? '';
  const title = /Content (?:Install|Download)/.test(f[r + 1] ?? '') ? titleOf(text) : null;
  return {
    line,
    time: `${tm[1]} ${tm[2]}${tm[3] ? `.${tm[3]}` : ''}`,
    utcOffset: tm[4] ?? null,
    eventId: Number(ev[1]),
    tag: ev[2]!,
    code: canonicalize(f[r - 2]!) ?? '0x00000000',
    result: f[r]!,
    kind: f[r + 1] ?? '',
    text,
    callerId: f[r - 1]!,
    updateId,
    title,
    kb: kbOf(title ?? text),
    raw,
  };
}

/** Whether the first lines look like a ReportingEvents.log. */
export function detectReportingEvents(lines: string[]): boolean {
  let hits = 0;
  let seen = 0;
  for (const l of lines.slice(0, 20)) {
    const s = l.replace(/^\uFEFF/, '').replace(/\r$/, '');
    if (!s.trim()) continue;
    seen++;
    if (/^\{[0-9A-Fa-f-]{36}\}\t/.test(s) && parseReportingFields(s.split('\t'), 0, s)) hits++;
  }
  return seen > 0 && hits >= Math.max(1, seen / 2);
}

/** The event of one line of a ReportingEvents.log, or null when the line is not one. */
export function reportingLine(raw: string, line: number): ReRecord | null {
  if (raw.charCodeAt(0) !== 123 /* { */) return null;
  return parseReportingFields(raw.split('\t'), line, raw);
}

/** Parse a ReportingEvents.log text (already decoded from UTF-16); lines that are not events are skipped. */
export function parseReportingEvents(text: string): ReRecord[] {
  const out: ReRecord[] = [];
  eachLine(text, (raw, line) => {
    const r = reportingLine(raw, line);
    if (r) out.push(r);
  });
  return out;
}
