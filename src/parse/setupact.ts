// Windows Setup (Panther) logs: setupact.log, setuperr.log, setupact_rollback.log — the WDS logger's line grammar
// shared with CBS.log (`YYYY-MM-DD HH:MM:SS, <Level:22>[msg id ]<Component:7><message>`) but written by the
// setup components (MOUPG, SP, CONX, PANTHR, IBS…), plus SetupDiagResults.log. Only the lines a diagnosis
// needs are kept: errors, phase changes, failed operations and phases, `Result = 0x…`, extended codes
// (`0x8007000D-0x2000C`), image-apply corrupt-data lines, rollback and user cancel, each with its line number.

import { win32ToHresult } from '../knowledge/codes.js';
import { extractCodes, isFailureCode } from './error-codes.js';

/** What a kept line says, for the story that turns records into attempts. */
export type SetupRecordKind =
  /** A setup run starts (`SetupHost Logging Begin`, `Starting a new install from WinPE`). */
  | 'begin'
  /** `SetupHost Logging End`. */
  | 'end'
  /** The version setup installs (`Setup build version is: 10.0.22621.1`, `Target OS version:`). */
  | 'target'
  /** A phase starts or changes (`Setup phase change: [A] -> [B]`, `Executing phase [Safe OS]`). */
  | 'phase'
  /** `Executing operation: Apply WIM file …`. */
  | 'operation'
  /** `Operation failed: <operation>. Error: 0x…`. */
  | 'operationFailed'
  /** `CApplyWIM: Failure while applying image …`. */
  | 'applyFailed'
  /** The image library could not read a file (`Error in apply of`, `Retrying on file`, WIM trace). */
  | 'corruptData'
  /** A phase or the whole operation queue failed (`Failed execution phase Safe OS. Error: 0x8007000D`). */
  | 'phaseFailed'
  /** The final result of the setup host (`CSetupHost::Execute(433): Result = 0x800704C7`). */
  | 'hostResult'
  /** `SetupHost: Reporting error event -> [0x800704D3, 0x800704C7]` (or `post reboot event`, after a rollback). */
  | 'reportedError'
  /** Other `Result = 0x…` lines with a failure code. */
  | 'result'
  /** The user cancelled (`User cancel confirmed`, `Remapping internal cancellation request`). */
  | 'cancel'
  /** Setup asks for a reboot to continue (`Reporting pending reboot event`). */
  | 'reboot'
  /** Setup finished (`First boot phase of setup done`). */
  | 'completed'
  /** Rollback started or finished (`Initiating rollback/uninstall`, `Rollback-… completed successfully`). */
  | 'rollback'
  /** A SetupDiagResults.log line (profile, last phase, last operation, extended error). */
  | 'diag'
  /** Any other Error-level line (often noise: appraiser offline, IOCTL queries). */
  | 'error';

/** One kept line of a setup log. */
export interface SetupRecord {
  /** Source file, when records of several files are combined (SetupDiagResults.log, setupact_rollback.log). */
  file?: string;
  /** 1-based physical line number. */
  line: number;
  /** Local time `YYYY-MM-DD HH:MM:SS`; null for WIM trace lines and SetupDiag lines. */
  time: string | null;
  /** Level column as written (`Info`, `Error`, `Warning`); '' for untimestamped lines. */
  level: string;
  /** Component column (`MOUPG`, `SP`, `CONX`…), '' when empty; `SetupDiag` for SetupDiagResults.log. */
  component: string;
  message: string;
  kind: SetupRecordKind;
  /** Canonical codes in the line (`[gle=…]` ignored; `GLE [1392]` of a corrupt-data line becomes 0x80070570). */
  codes: string[];
  /** Setup extended code as `0x8007000D-0x2000C` (result-extend), when the line carries one. */
  extendedCode?: string;
  /** Phase named by a phase, phaseFailed or SetupDiag `Last Phase` line (`Safe OS`, `SetupPhaseInstall`). */
  phase?: string;
  /** Operation named by an operation, operationFailed or SetupDiag `Last Operation` line. */
  operation?: string;
  /** File a corrupt-data line names, without the `\\?\Volume{…}\` prefix. */
  path?: string;
  /** Version a target line names. */
  version?: string;
  /** The physical line, for evidence. */
  text: string;
}

/** Sample lines: the format's documentation and its tests (see setupact.test.ts). */
export const samples: { line: string; fields: Partial<SetupRecord> }[] = [
  {
    line: '2023-05-23 00:21:30, Info                  MOUPG  *************** SetupHost Logging Begin ***************',
    fields: { time: '2023-05-23 00:21:30', level: 'Info', component: 'MOUPG', kind: 'begin' },
  },
  {
    line: '2023-05-23 00:21:30, Info                  MOUPG  SetupHost: Setup build version is: 10.0.22621.1 (ni_release.220506-1250)',
    fields: { kind: 'target', version: '10.0.22621.1' },
  },
  {
    line: '2023-05-23 00:21:32, Info                  MOUPG  Setup phase change: [SetupPhaseUnpack] -> [SetupPhasePrepare]',
    fields: { kind: 'phase', phase: 'SetupPhasePrepare' },
  },
  {
    line: '2023-05-23 00:32:45, Error                 SP     SPWIMCallback: Error in apply of \\\\?\\Volume{a5c71180-6fa2-41e5-ad7a-051dc3850367}\\$WINDOWS.~BT\\NewOS\\Windows\\WinSxS\\amd64_netfx4-mscordbi_dll_b03f5f7f11d50a3a_4.0.15912.120_none_0070c05b73a8c01b\\mscordbi.dll. GLE [1392][gle=0x00000715]',
    fields: {
      level: 'Error',
      component: 'SP',
      kind: 'corruptData',
      codes: ['0x80070570'],
      path: '$WINDOWS.~BT\\NewOS\\Windows\\WinSxS\\amd64_netfx4-mscordbi_dll_b03f5f7f11d50a3a_4.0.15912.120_none_0070c05b73a8c01b\\mscordbi.dll',
    },
  },
  {
    line: '[1676.1680] [0x80070570] WIMApplyImageInternal:(788): The file or directory is corrupted and unreadable.',
    fields: { time: null, kind: 'corruptData', codes: ['0x80070570'] },
  },
  {
    line: '2023-05-23 00:32:46, Error                 SP         CApplyWIM: Failure while applying image 6 for D:\\$WINDOWS.~BT\\Payload\\OSImage\\Install.wim. Error 0x80070570[gle=0x00000570]',
    fields: { kind: 'applyFailed', codes: ['0x80070570'] },
  },
  {
    line: '2023-05-23 00:32:46, Error                 SP     Operation failed: Apply WIM file PathForNewOSFile, index 6 to D:\\$WINDOWS.~BT\\NewOS. Error: 0x80070570[gle=0x000000b7]',
    fields: {
      kind: 'operationFailed',
      operation: 'Apply WIM file PathForNewOSFile, index 6 to D:\\$WINDOWS.~BT\\NewOS',
      codes: ['0x80070570'],
    },
  },
  {
    line: '2023-05-23 00:32:46, Error                 SP     ExecuteOperations: Failed execution phase Safe OS. Error: 0x8007000D',
    fields: { kind: 'phaseFailed', phase: 'Safe OS', codes: ['0x8007000d'] },
  },
  {
    line: '2024-03-28 11:54:45, Info                  MOUPG  CInstallUI::ConfirmCanceled: User cancel confirmed',
    fields: { kind: 'cancel', codes: [] },
  },
  {
    line: '2024-03-28 11:55:48, Error                 MOUPG  CSetupHost::Execute(433): Result = 0x800704C7',
    fields: { kind: 'hostResult', codes: ['0x800704c7'] },
  },
  {
    line: '2024-03-28 11:55:47, Info                  MOUPG  SetupHost: Reporting error event -> [0x8007000D, 0x2000C]',
    fields: { kind: 'reportedError', extendedCode: '0x8007000D-0x2000C', codes: ['0x8007000d'] },
  },
  {
    line: '2019-03-29 00:35:57, Info       [0x0601e1] IBS    InstallWindows:First boot phase of setup done!!!!',
    fields: {
      level: 'Info',
      component: 'IBS',
      kind: 'completed',
      message: 'InstallWindows:First boot phase of setup done!!!!',
    },
  },
  {
    line: '2023-05-23 00:21:39, Error                        [SetupHost.exe] IOCTL_STORAGE_QUERY_PROPERTY failed: 0x1',
    fields: { level: 'Error', component: '', kind: 'error' },
  },
];

/** Components written by Windows Setup; CBS/CSI/DISM lines also appear inside setupact.log but never lead it. */
const PANTHER = new Set([
  'MOUPG',
  'SP',
  'CONX',
  'PANTHR',
  'IBS',
  'IBSLIB',
  'SYSPRP',
  'UI',
  'MIG',
  'SETUPUGC',
  'SETUPPLAT',
  'DU',
  'OOBE',
]);
const SERVICING = new Set(['CBS', 'CSI', 'DISM', 'DPX', 'TI', 'SXS']);

const HEAD_RE = /^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d), (\w+)( +)(?:\[0x[0-9a-fA-F]+\] )?/;
/** The component column starts at 43 when the level is padded (`Info` + 18 spaces, or a `[0x…] ` message id). */
const COMPONENT_COLUMN = 43;

/** Splits a timestamped line into its columns; null for any other line. */
function parseHead(
  text: string,
): { time: string; level: string; component: string; message: string; msgId: boolean } | null {
  const m = HEAD_RE.exec(text);
  if (!m) return null;
  const head = m[0].length;
  const rest = text.slice(head);
  const msgId = m[0].endsWith('] ');
  // Padded past column 43 means an empty component column (`Info                         Host OS version…`).
  if (head > COMPONENT_COLUMN)
    return { time: m[1]!, level: m[2]!, component: '', message: rest.trim(), msgId };
  const c = /^([A-Za-z][\w-]{0,11})(?:\s+|$)/.exec(rest);
  if (!c) return { time: m[1]!, level: m[2]!, component: '', message: rest.trim(), msgId };
  return { time: m[1]!, level: m[2]!, component: c[1]!, message: rest.slice(c[0].length).trim(), msgId };
}

/**
 * Whether the first lines are a Panther setup log: WDS-grammar lines whose components are setup components
 * (MOUPG, SP, CONX, PANTHR, IBS…), outnumbering CBS/CSI/DISM lines — so CBS.log and dism.log are not claimed.
 */
export function detectSetupact(lines: string[]): boolean {
  let panther = 0;
  let servicing = 0;
  for (const raw of lines.slice(0, 200)) {
    const h = parseHead(raw.replace(/^\uFEFF/, ''));
    if (!h) continue;
    if (SERVICING.has(h.component)) servicing++;
    else if (PANTHER.has(h.component) || h.msgId) panther++;
  }
  return panther > 0 && panther >= servicing;
}

/** Cheap test for lines worth classifying; everything else is skipped unparsed. */
const MARKER_RE =
  /Error|Result = |Logging (?:Begin|End)|[Pp]hase|[Oo]peration|corrupted and unreadable|Retrying on file|[Cc]ancel|[Rr]ollback|[Vv]ersion(?: is)?:? |-0x|reboot|Reporting|Starting a new install|completed successfully/;

const VERSION_RE =
  /(?:Setup build version is:|Target OS version:|Build version is) (\d+\.\d+\.\d+(?:\.\d+)?)/;
const EXTENDED_RE = /\b0x([89A-Fa-f][0-9A-Fa-f]{7}) ?- ?0x([0-9A-Fa-f]{4,5})\b/;
const VOLUME_RE = /^\\\\\?\\(?:Volume\{[^}]+\}|[A-Za-z]:)\\/;

function cleanPath(p: string): string {
  return p.replace(VOLUME_RE, '');
}

/** Classifies one line's message; null when the line does not matter. */
function classify(level: string, message: string): Partial<SetupRecord> | null {
  let m: RegExpExecArray | null;
  if (/SetupHost Logging Begin|InstallWindows:Starting a new install/.test(message)) return { kind: 'begin' };
  if (message.includes('SetupHost Logging End')) return { kind: 'end' };
  if ((m = VERSION_RE.exec(message))) return { kind: 'target', version: m[1]! };
  if ((m = /Error in apply of (.+?)\.? GLE \[(\d+)\]/.exec(message)))
    return { kind: 'corruptData', path: cleanPath(m[1]!), codes: [win32ToHresult(Number(m[2]))] };
  if ((m = /Retrying on file \[(.+?)\] GLE is \[(\d+)\]/.exec(message)))
    return { kind: 'corruptData', path: cleanPath(m[1]!), codes: [win32ToHresult(Number(m[2]))] };
  if (message.includes('CApplyWIM: Failure while applying image')) return { kind: 'applyFailed' };
  if ((m = /^Operation failed: (.+?)\. Error: /.exec(message)))
    return { kind: 'operationFailed', operation: m[1]! };
  if ((m = /^Executing operation: (.+)$/.exec(message))) return { kind: 'operation', operation: m[1]! };
  if ((m = /Failed execution phase (.+?)\. Error: /.exec(message)))
    return { kind: 'phaseFailed', phase: m[1]! };
  if ((m = /Execution phase \[(.+?)\] exiting with HRESULT \[(0x[0-9A-Fa-f]{8})\]/.exec(message)))
    return isFailureCode(m[2]!.toLowerCase())
      ? { kind: 'phaseFailed', phase: m[1]! }
      : { kind: 'phase', phase: m[1]! };
  if (
    /Main operation execution failed|This is a fatal failure|Execution of operations queue failed/.test(
      message,
    )
  )
    return { kind: 'phaseFailed' };
  if ((m = /Setup phase change: \[\w*\] -> \[(\w+)\]/.exec(message))) return { kind: 'phase', phase: m[1]! };
  if ((m = /^Executing phase \[(.+?)\]/.exec(message))) return { kind: 'phase', phase: m[1]! };
  if ((m = /Setup has started phase (\d+)|Continuing Setup after completing (WinPE) phase/.exec(message)))
    return { kind: 'phase', phase: m[1] ? `phase ${m[1]}` : 'after WinPE' };
  if (/First boot phase of setup done|Setup completed successfully/.test(message))
    return { kind: 'completed' };
  if (/User cancel confirmed|Remapping internal cancellation request|Cancel is requested/.test(message))
    return { kind: 'cancel' };
  if (/^(?:CSetupHost|CSetupManager)::Execute\(\d+\): Result = 0x/.test(message))
    return { kind: 'hostResult' };
  if (
    (m = /Reporting (?:error|post reboot) event -> \[(0x[0-9A-Fa-f]{8}), (0x[0-9A-Fa-f]+)\]/.exec(message))
  ) {
    const ext = /^0x[0-9A-Fa-f]{4,5}$/.test(m[2]!) ? extended(m[1]!, m[2]!) : undefined;
    return { kind: 'reportedError', ...(ext ? { extendedCode: ext } : {}) };
  }
  if (/Reporting pending reboot event|Requesting reboot of system/.test(message)) return { kind: 'reboot' };
  if (/Initiating rollback|Rollback-[\w-]+ completed successfully/.test(message)) return { kind: 'rollback' };
  if (/Result = 0x[89A-Fa-f]/.test(message)) return { kind: 'result' };
  if (level === 'Error' || level === 'Fatal') return { kind: 'error' };
  return null;
}

/** `0x8007000D`, `0x2000C` → `0x8007000D-0x2000C` (hex digits upper-case, as Setup and SetupDiag print it). */
function extended(hr: string, ext: string): string {
  return `0x${hr.slice(2).toUpperCase()}-0x${ext.slice(2).toUpperCase()}`;
}

/** Parses one physical line (1-based number `lineNo`) into a record, or null when it does not matter. */
export function parseSetupLine(raw: string, lineNo: number): SetupRecord | null {
  const text = lineNo === 1 ? raw.replace(/^\uFEFF/, '') : raw;
  if (!MARKER_RE.test(text)) return null;
  const h = parseHead(text);
  if (!h) {
    // WIM library trace: only the frame that ends the apply is kept, one per failed apply.
    const t = /^\[\d+\.\d+\] \[(0x[0-9a-fA-F]{8})\] (WIMApplyImageInternal:\(\d+\): .*)$/.exec(text.trim());
    if (!t) return null;
    return {
      line: lineNo,
      time: null,
      level: '',
      component: '',
      message: t[2]!,
      kind: 'corruptData',
      codes: extractCodes(t[1]!),
      text: text.trim(),
    };
  }
  const c = classify(h.level, h.message);
  if (!c) return null;
  const rec: SetupRecord = {
    line: lineNo,
    time: h.time,
    level: h.level,
    component: h.component,
    message: h.message,
    kind: c.kind!,
    codes: c.codes ?? [],
    text: text.trimEnd(),
  };
  for (const code of extractCodes(h.message)) if (!rec.codes.includes(code)) rec.codes.push(code);
  const ext = c.extendedCode ?? (EXTENDED_RE.exec(h.message) ? extendedFrom(h.message) : undefined);
  if (ext) rec.extendedCode = ext;
  if (c.phase) rec.phase = c.phase;
  if (c.operation) rec.operation = c.operation;
  if (c.path) rec.path = c.path;
  if (c.version) rec.version = c.version;
  return rec;
}

function extendedFrom(message: string): string | undefined {
  const m = EXTENDED_RE.exec(message);
  return m ? extended(`0x${m[1]!}`, `0x${m[2]!}`) : undefined;
}

/** Calls `each(line, lineNo)` for every physical line without splitting the whole text at once. */
function eachLine(text: string, each: (line: string, lineNo: number) => void): void {
  let start = 0;
  let n = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const stop = end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
    each(text.slice(start, stop), ++n);
    start = end + 1;
  }
}

/** Parses a setupact.log / setuperr.log / setupact_rollback.log text into the records that matter, in file order. */
export function parseSetupact(text: string): SetupRecord[] {
  const out: SetupRecord[] = [];
  eachLine(text, (line, n) => {
    const r = parseSetupLine(line, n);
    if (r) out.push(r);
  });
  return out;
}

/** Whether the first lines are a SetupDiag report (SetupDiagResults.log, text form). */
export function detectSetupDiag(lines: string[]): boolean {
  return lines.slice(0, 10).some((l) => /^\uFEFF?(?:SetupDiag version:|Matching Profile found:)/.test(l));
}

/**
 * Parses a SetupDiagResults.log (text form): the matched profile, the `Error:` verdict, `Last Phase`,
 * `Last Operation` and `Error = 0x8007000D-0x2000C`, as `diag` records (component `SetupDiag`).
 */
export function parseSetupDiag(text: string): SetupRecord[] {
  const out: SetupRecord[] = [];
  eachLine(text, (raw, n) => {
    const r = setupDiagLine(raw, n);
    if (r) out.push(r);
  });
  return out;
}

/** The record of one line of a SetupDiagResults.log, or null when the line is not one that matters. */
export function setupDiagLine(raw: string, n: number): SetupRecord | null {
  const line = (n === 1 ? raw.replace(/^\uFEFF/, '') : raw).trim();
  let m: RegExpExecArray | null;
  const rec = (extra: Partial<SetupRecord>): SetupRecord => ({
    line: n,
    time: null,
    level: /^Error\b/.test(line) ? 'Error' : 'Info',
    component: 'SetupDiag',
    message: line,
    kind: 'diag',
    codes: extractCodes(line),
    text: line,
    ...extra,
  });
  if ((m = /^Last Phase = (.+)$/.exec(line))) return rec({ phase: m[1]!.trim() });
  if ((m = /^Last Operation = (.+)$/.exec(line))) return rec({ operation: m[1]!.trim() });
  if ((m = /^Error = (0x[0-9A-Fa-f]{8})(?:-(0x[0-9A-Fa-f]+))?/.exec(line)))
    return rec(m[2] ? { extendedCode: extended(m[1]!, m[2]) } : {});
  if (/^Matching Profile found:|^Error: SetupDiag reports/.test(line)) return rec({});
  return null;
}
