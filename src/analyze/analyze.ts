// The analysis pipeline: input path → sources (sniffed by content) → streaming parse → engine →
// one Diagnosis. Bad input never throws out of here: it becomes a diagnostic and the rest is analysed.

import { pushTo } from '../timeline/group.js';
import type { Attempt, Diagnosis, Diagnostic, Finding, I18nText, SourceInfo } from '../model/types.js';
import { listInputs, type Input } from '../ingest/inputs.js';
import { decodeText, sniffEncoding } from '../ingest/encoding.js';
import { detectSystemInfo, parseSystemInfo, type SystemInfo } from '../parse/systeminfo.js';
import { detectEventText, parseEventText, type TextEvent } from '../parse/event-text.js';
import { detectEventCsv, parseEventCsv } from '../parse/event-csv.js';
import { detectEventList, parseEventList } from '../parse/event-list.js';
import { detectEventXml, parseEventXml } from '../parse/event-xml.js';
import { DISTINCT_EVENTS, eventKey, updateStory, type UpdateEvent } from '../timeline/update-events.js';
import { looksLikeEvtx, readEvtx } from '../ingest/evtx.js';
import {
  detectSetupDiag,
  detectSetupact,
  parseSetupDiag,
  parseSetupact,
  type SetupRecord,
} from '../parse/setupact.js';
import { setupStory } from '../timeline/setup-story.js';
import { detectWindowsUpdateLog, parseWindowsUpdateLog } from '../parse/windows-update-log.js';
import { detectReportingEvents, parseReportingEvents } from '../parse/reporting-events.js';
import { reportingStory, wuStory } from '../timeline/wu-story.js';
import { CbsLineParser, detectCbs } from '../parse/cbs.js';
import { detectDismConsole, parseDismConsole, type DismRun } from '../parse/dism-console.js';
import { detectSfcConsole, parseSfcConsole } from '../parse/sfc-console.js';
import { detectPackageList, parsePackageList, type PackageEntry } from '../parse/package-list.js';
import { detectOsVersion, parseOsVersions, type OsVersion } from '../parse/os-version.js';
import { detectRegistryExport, parseRegistryExport, windowsUpdatePolicy } from '../parse/registry-export.js';
import { detectFileHash, parseFileHashes, type FileHash } from '../parse/file-hash.js';
import {
  buildsFromCaptures,
  dismConsoleFindings,
  pendingPackages,
  sfcConsoleFindings,
  type ReportedBuild,
} from '../timeline/outputs-story.js';
import { OverlapFilter } from '../ingest/overlap.js';
import { Engine, type TrackedFinding } from '../rules/engine.js';
import type { TrackedAttempt } from '../timeline/cbs-attempts.js';
import { VERSION } from '../version.js';
import { enrichWithKnowledge } from './enrich.js';
import { linkScripts, plansFor } from '../remedy/plans.js';
import { scriptsFor } from '../remedy/scripts.js';
import { type ClockHint, type ClockMark, settleClocks, toUtc } from '../timeline/clock.js';
import { updateHistories } from '../timeline/histories.js';
import { crossChecks } from '../correlate/cross-checks.js';
import type { PolicyFacts } from '../correlate/context.js';

export interface AnalyzeOptions {
  /** Progress over all input bytes. */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
  maxLineBytes?: number;
}

/** Decoded first lines of a file, for content sniffing. */
function headLines(head: Buffer): string[] {
  const sniff = sniffEncoding(head);
  let text: string;
  if (sniff.encoding === 'utf16le') text = head.subarray(sniff.bomBytes).toString('utf16le');
  else if (sniff.encoding === 'utf16be')
    text = Buffer.from(head.subarray(sniff.bomBytes)).swap16().toString('utf16le');
  else text = head.subarray(sniff.bomBytes).toString('latin1');
  return text.split(/\r?\n/).slice(0, 2000);
}

type Kind =
  | 'cbs'
  | 'dism'
  | 'systeminfo'
  | 'events'
  | 'evtx'
  | 'setup'
  | 'windowsupdate'
  | 'reportingevents'
  | 'console'
  | 'osversion'
  | 'registry'
  | 'packages'
  | 'filehash'
  | 'unknown'
  | 'binary'
  | 'empty';

const MAX_EVENT_TEXT = 256 * 1024 * 1024;

/** Captured outputs are read whole: a full `reg export` of HKLM\\SOFTWARE runs to tens of MB. */
const MAX_TEXT_OUTPUT = 64 * 1024 * 1024;

function sniffKind(head: Buffer, bytes: number): Kind {
  if (bytes === 0 || head.length === 0) return 'empty';
  if (looksLikeEvtx(head)) return 'evtx';
  const sniff = sniffEncoding(head);
  if (sniff.binary) return 'binary';
  const lines = headLines(head);
  const decoded = decodeText(head).split(/\r?\n/);
  if (detectSystemInfo(decoded)) return 'systeminfo';
  if (eventParser(decoded)) return 'events';
  if (detectReportingEvents(decoded)) return 'reportingevents';
  if (detectWindowsUpdateLog(decoded)) return 'windowsupdate';
  // Panther logs share the CBS line grammar: recognise them by their components first.
  if (detectSetupact(decoded) || detectSetupDiag(decoded)) return 'setup';
  // Findstr extracts prefix each line with the source path: look past it.
  const stripped = lines.map((l) => l.replace(/^[^\s]*?\.log:(?=\d{4}-)/i, ''));
  // dism.log shares the WDS line grammar (and often carries CBS lines): it is read by the same parser.
  const dismLines = stripped.filter((l) =>
    /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d, \w+\s+DISM\s+.*PID=\d+/.test(l),
  ).length;
  if (detectCbs(stripped) > 0.2) return dismLines > stripped.length * 0.3 ? 'dism' : 'cbs';
  if (dismLines > 10) return 'dism';
  // Captured command outputs. A `reg query` of CurrentVersion is a version capture before a registry one.
  if (detectDismConsole(decoded) || detectSfcConsole(decoded)) return 'console';
  if (detectPackageList(decoded)) return 'packages';
  if (detectOsVersion(decoded)) return 'osversion';
  if (detectRegistryExport(decoded)) return 'registry';
  if (detectFileHash(decoded)) return 'filehash';
  return 'unknown';
}

/** The parser of an event-log export (wevtutil text, Event Viewer CSV/TXT, Export-Csv, Format-List, XML). */
function eventParser(lines: string[]): ((text: string) => TextEvent[]) | null {
  if (detectEventText(lines)) return parseEventText;
  if (detectEventXml(lines)) return parseEventXml;
  if (detectEventCsv(lines)) return parseEventCsv;
  if (detectEventList(lines)) return parseEventList;
  return null;
}

/** A source read whole (a captured output, an event log): what it was, and its time span when known. */
function wholeSource(
  c: Input,
  kind: string,
  lines: number,
  encoding: string,
  times: (string | null | undefined)[] = [],
): SourceInfo {
  const known = times.filter((t): t is string => !!t).sort();
  return {
    file: c.name,
    kind,
    bytes: c.bytes,
    lines,
    encoding,
    first: known[0] ?? null,
    last: known[known.length - 1] ?? null,
    utcOffsetMinutes: null,
  };
}

/** Analyse a CBS.log, a CbsPersist log, or a folder of them. Never throws for bad input. */
export function analyzePath(input: string, opts: AnalyzeOptions = {}): Diagnosis {
  const t0 = performance.now();
  const diagnostics: Diagnostic[] = [];
  const sources: SourceInfo[] = [];
  const listed = listInputs(input, diagnostics);
  const candidates = listed.inputs;
  const total = candidates.reduce((s, c) => s + c.bytes, 0);
  const logs: { input: Input; kind: 'cbs' | 'dism'; first: string | null }[] = [];
  const systemInfos: SystemInfo[] = [];
  // Attempts and findings from event logs (they do not go through the CBS engine).
  const allEvents: UpdateEvent[] = [];
  const wuAttempts: Attempt[] = [];
  const wuFindings: Finding[] = [];
  let eventAttempts = 0;
  let eventFindings = 0;
  const setupLogs: { name: string; records: SetupRecord[] }[] = [];
  // The bundle's one clock: what each source says of its own offset, and moments two sources both record.
  const hints: ClockHint[] = [];
  const marks: ClockMark[] = [];
  // What captured command outputs say.
  const reportedBuilds: ReportedBuild[] = [];
  const fileHashes: (FileHash & { file: string })[] = [];
  let policy: PolicyFacts | null = null;
  let done = 0;
  for (const c of candidates) {
    let kind: Kind;
    let head: Buffer;
    try {
      head = c.head();
      kind = sniffKind(head, c.bytes);
    } catch (err) {
      diagnostics.push({ level: 'error', file: c.name, message: `cannot read: ${(err as Error).message}` });
      continue;
    }
    if (kind === 'cbs' || kind === 'dism') {
      logs.push({
        input: c,
        kind,
        first: /(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d),/.exec(headLines(head).join('\n'))?.[1] ?? null,
      });
    } else if (kind === 'evtx' && c.bytes <= MAX_EVENT_TEXT) {
      const records: UpdateEvent[] = [];
      const read = readEvtx(c.readAll(MAX_EVENT_TEXT), (r) =>
        records.push({
          file: c.name,
          recordId: r.recordId,
          time: r.time,
          utc: true,
          eventId: r.eventId,
          provider: r.provider,
          data: r.data,
        }),
      );
      for (const p of read.problems.slice(0, 5))
        diagnostics.push({ level: 'warning', file: c.name, message: p });
      if (read.problems.length > 5) {
        diagnostics.push({
          level: 'warning',
          file: c.name,
          message: `${read.problems.length - 5} more problems in this event log`,
        });
      }
      allEvents.push(...records);
      const times = records.map((r) => r.time).sort();
      sources.push(wholeSource(c, 'evtx', records.length, 'binary (EVTX)', times));
      hints.push(hintOf(sources[sources.length - 1]!, 0, 'utc-by-format'));
      done += c.bytes;
    } else if ((kind === 'windowsupdate' || kind === 'reportingevents') && c.bytes <= MAX_EVENT_TEXT) {
      const text = decodeText(c.readAll(MAX_EVENT_TEXT));
      const next = { a: () => `e${++eventAttempts}`, f: () => `fe${++eventFindings}` };
      let offset: number | null = null;
      let s: ReturnType<typeof wuStory>;
      if (kind === 'windowsupdate') {
        s = wuStory(c.name, parseWindowsUpdateLog(text), next.a, next.f);
      } else {
        const records = parseReportingEvents(text);
        offset = writtenOffset(records.map((r) => r.utcOffset));
        s = reportingStory(c.name, records, next.a, next.f);
      }
      wuAttempts.push(...s.attempts);
      wuFindings.push(...s.findings);
      const times = s.attempts.flatMap((a) => [a.start, a.end]);
      sources.push(wholeSource(c, kind, text.split(/\r?\n/).length, sniffEncoding(head).encoding, times));
      hints.push(
        hintOf(sources[sources.length - 1]!, offset, offset === null ? 'unknown' : 'written-offset'),
      );
      done += c.bytes;
    } else if (kind === 'setup' && c.bytes <= MAX_EVENT_TEXT) {
      const text = decodeText(c.readAll(MAX_EVENT_TEXT));
      const lines = text.split(/\r?\n/);
      const records = detectSetupDiag(lines.slice(0, 200)) ? parseSetupDiag(text) : parseSetupact(text);
      setupLogs.push({ name: c.name, records: records.map((r) => ({ ...r, file: c.name })) });
      sources.push(
        wholeSource(
          c,
          'setup',
          lines.length,
          sniffEncoding(head).encoding,
          records.map((r) => r.time),
        ),
      );
      hints.push(hintOf(sources[sources.length - 1]!, null, 'unknown'));
      done += c.bytes;
    } else if (kind === 'events' && c.bytes <= MAX_EVENT_TEXT) {
      const text = decodeText(c.readAll(MAX_EVENT_TEXT));
      const parse = eventParser(decodeText(head).split(/\r?\n/)) ?? parseEventText;
      const events = parse(text);
      const utc = parse === parseEventXml;
      allEvents.push(
        ...events.map((e) => ({ ...e, file: c.name, line: e.descLine, text: e.description, utc })),
      );
      sources.push(
        wholeSource(
          c,
          'events',
          text.split(/\r?\n/).length,
          sniffEncoding(head).encoding,
          events.map((e) => e.time),
        ),
      );
      // Text exports label times as they like (often local time with a `Z`): labelled, not trusted. An XML
      // export carries the record's own SystemTime, which is UTC.
      const labelledUtc = events.length > 0 && events.every((e) => /Z$|[+-]00:?00$/.test(e.time));
      const basis = !labelledUtc ? 'unknown' : parse === parseEventXml ? 'utc-by-format' : 'as-labelled';
      hints.push(hintOf(sources[sources.length - 1]!, labelledUtc ? 0 : null, basis));
      done += c.bytes;
    } else if (
      (kind === 'console' ||
        kind === 'osversion' ||
        kind === 'registry' ||
        kind === 'packages' ||
        kind === 'filehash') &&
      c.bytes <= MAX_TEXT_OUTPUT
    ) {
      const text = decodeText(c.readAll(MAX_TEXT_OUTPUT));
      const nextF = (): string => `fe${++eventFindings}`;
      let dism: DismRun[] = [];
      let versions: OsVersion[] = [];
      let packages: PackageEntry[] = [];
      if (kind === 'console') {
        dism = parseDismConsole(text);
        wuFindings.push(...dismConsoleFindings(c.name, text, dism, nextF));
        wuFindings.push(...sfcConsoleFindings(c.name, text, parseSfcConsole(text), nextF));
      } else if (kind === 'osversion') {
        versions = parseOsVersions(text);
      } else if (kind === 'packages') {
        packages = parsePackageList(text);
        wuFindings.push(...pendingPackages(c.name, text, packages, nextF));
      } else if (kind === 'registry') {
        policy = policyFacts(c.name, text, windowsUpdatePolicy(parseRegistryExport(text))) ?? policy;
      } else {
        fileHashes.push(...parseFileHashes(text).map((h) => ({ ...h, file: c.name })));
      }
      reportedBuilds.push(...buildsFromCaptures(c.name, versions, dism, packages));
      sources.push(wholeSource(c, kind, text.split(/\r?\n/).length, sniffEncoding(head).encoding));
      done += c.bytes;
    } else if (kind === 'systeminfo' && c.bytes <= MAX_TEXT_OUTPUT) {
      const text = decodeText(c.readAll(MAX_TEXT_OUTPUT));
      systemInfos.push(parseSystemInfo(text));
      sources.push(wholeSource(c, kind, text.split(/\r?\n/).length, sniffEncoding(head).encoding));
      done += c.bytes;
    } else {
      done += c.bytes;
      const limit =
        kind === 'evtx' ||
        kind === 'events' ||
        kind === 'windowsupdate' ||
        kind === 'reportingevents' ||
        kind === 'setup'
          ? MAX_EVENT_TEXT
          : MAX_TEXT_OUTPUT;
      const why =
        kind === 'empty'
          ? 'the file is empty'
          : kind === 'binary'
            ? 'binary data, not a text log'
            : kind === 'unknown'
              ? 'not a log or capture patchdx reads (no line of the first 64 KB follows a known format)'
              : `recognised as ${kind}, but ${(c.bytes / 1048576).toFixed(0)} MB is more than the ${limit / 1048576} MB read whole for this kind; not analysed`;
      diagnostics.push({
        level: candidates.length === 1 ? 'error' : 'info',
        file: c.name,
        message: `skipped: ${why}`,
      });
    }
  }

  // All event logs tell one story: the System log's install events and the Setup log's servicing events.
  const story = updateStory(
    allEvents,
    () => `e${++eventAttempts}`,
    () => `fe${++eventFindings}`,
  );
  const extraAttempts = [...story.attempts, ...wuAttempts];
  const extraFindings = [...story.findings, ...wuFindings];
  // Setup logs of one folder tell one story: setupact.log, then the rollback log and SetupDiag's results.
  const byFolder = new Map<string, { name: string; records: SetupRecord[] }[]>();
  for (const l of setupLogs) {
    const folder = /[\\/]/.test(l.name) ? l.name.replace(/[\\/][^\\/]*$/, '') : '';
    pushTo(byFolder, folder, l);
  }
  const rank = (n: string): number =>
    /setupact\.log$/i.test(n) ? 0 : /rollback/i.test(n) ? 1 : /setupdiag/i.test(n) ? 2 : 3;
  for (const logs of byFolder.values()) {
    const used = logs.filter((l) => rank(l.name) < 3).sort((a, b) => rank(a.name) - rank(b.name));
    const main = used[0] ?? logs[0]!;
    const records = (used.length > 0 ? used : [main]).flatMap((l) => l.records);
    const s = setupStory(
      main.name,
      records,
      () => `e${++eventAttempts}`,
      () => `fe${++eventFindings}`,
    );
    extraAttempts.push(...s.attempts);
    extraFindings.push(...s.findings);
  }

  // Oldest first: CbsPersist archives before the live CBS.log.
  const engine = new Engine();
  let lines = 0;
  let entries = 0;
  logs.sort(
    (a, b) => (a.first ?? '').localeCompare(b.first ?? '') || a.input.name.localeCompare(b.input.name),
  );
  // Logs of one kind (CBS, dism) overlap when a bundle holds copies or logs copied at different times
  // (corpus dism03 begins with all of dism01): repeated lines are read once.
  const overlaps = new Map<string, OverlapFilter>();
  for (const k of ['cbs', 'dism'] as const)
    if (logs.filter((l) => l.kind === k).length > 1) overlaps.set(k, new OverlapFilter());
  for (const { input: c, kind, first } of logs) {
    const base = done;
    try {
      const later = logs
        .filter((l) => l.kind === kind && l.input !== c && (l.first ?? '') >= (first ?? ''))
        .map((l) => l.first)
        .filter((f): f is string => !!f)
        .sort();
      const repeats = overlaps.get(kind)?.begin(later[0] ?? null);
      const sniff = sniffEncoding(c.head().subarray(0, 4096));
      const parser = new CbsLineParser(c.name, sniff.encoding === '8bit' ? '8bit' : 'utf8-bom', (e) => {
        if (e.time && TI_MARK.test(e.message)) marks.push({ file: c.name, key: 'ti', time: e.time });
        engine.push(e);
      });
      const onLine = repeats
        ? (b: Buffer, s: number, e: number, n: number) => {
            if (!repeats.skip(b, s, e)) parser.onLine(b, s, e, n);
          }
        : (b: Buffer, s: number, e: number, n: number) => parser.onLine(b, s, e, n);
      const stats = c.readLines(onLine, {
        maxLineBytes: opts.maxLineBytes,
        onProgress: (r) => opts.onProgress?.(base + r, total),
      });
      parser.finish();
      const seen = repeats?.end() ?? { skipped: 0, last: null };
      const skipped = seen.skipped;
      if (skipped > 0) {
        diagnostics.push({
          level: 'info',
          file: c.name,
          message:
            skipped >= stats.lines
              ? `every line is also in an earlier ${kind === 'dism' ? 'dism' : 'CBS'} log of the bundle: read once`
              : `${skipped} lines are also in an earlier ${kind === 'dism' ? 'dism' : 'CBS'} log of the bundle (same time, same text): read once`,
        });
      }
      lines += stats.lines;
      entries += parser.stats.entries;
      if (stats.problem)
        diagnostics.push({ level: 'warning', file: c.name, line: stats.lines, message: stats.problem });
      for (const l of stats.longLines) {
        diagnostics.push({
          level: 'warning',
          file: c.name,
          line: l.line,
          message: `line is ${l.bytes} bytes long; only the first ${opts.maxLineBytes ?? 262144} bytes were read`,
        });
      }
      if (stats.truncatedLastLine) {
        diagnostics.push({
          level: 'info',
          file: c.name,
          line: stats.lines,
          message: 'the file ends mid-line (truncated copy?)',
        });
      }
      if (parser.stats.timestamped === 0 && skipped === 0) {
        diagnostics.push({ level: 'error', file: c.name, message: 'no CBS log line could be read' });
      }
      sources.push({
        file: c.name,
        kind,
        bytes: stats.bytes,
        lines: stats.lines,
        encoding: stats.fileEncoding,
        // A copy read once still spans its own time.
        first: parser.stats.first ?? (skipped > 0 ? first : null),
        last: parser.stats.last ?? seen.last,
        utcOffsetMinutes: parser.stats.utcOffsetMinutes,
      });
      const off = parser.stats.utcOffsetMinutes;
      hints.push(hintOf(sources[sources.length - 1]!, off, off === null ? 'unknown' : 'csi-stamps'));
    } catch (err) {
      diagnostics.push({ level: 'error', file: c.name, message: `cannot read: ${(err as Error).message}` });
    }
    done += c.bytes;
  }
  for (const [kind, overlap] of overlaps) {
    if (!overlap.full) continue;
    diagnostics.push({
      level: 'warning',
      file: input,
      message: `the ${kind} logs overlap by more than 2,000,000 lines: later overlaps were not looked for and may be read twice`,
    });
  }
  listed.close();
  engine.finish();
  for (const r of engine.overflowRuns) {
    diagnostics.push({
      level: 'warning',
      file: input,
      message: `run ${r} has more than 250000 kept entries; later ones were not kept for context`,
    });
  }
  for (const e of allEvents) {
    // The same install result or crash in two exports of one log: the same moment.
    if (DISTINCT_EVENTS.has(e.eventId)) marks.push({ file: e.file, key: `evt:${eventKey(e)}`, time: e.time });
    if (e.eventId !== 7040 && e.eventId !== 7036) continue;
    const text = `${e.text ?? ''} ${Object.values(e.data).join(' ')}`;
    if (TI_SERVICE.test(text)) marks.push({ file: e.file, key: 'ti', time: e.time });
  }
  return assemble(
    engine,
    sources,
    diagnostics,
    systemInfos,
    { attempts: extraAttempts, findings: extraFindings, hints, marks, policy, fileHashes, reportedBuilds },
    {
      bytes: total,
      lines,
      entries,
      ms: performance.now() - t0,
    },
  );
}

/** CBS lines written when TrustedInstaller starts or stops, which change its service's start type. */
const TI_MARK = /^(?:TrustedInstaller service starts successfully|Ending TrustedInstaller finalization)/;
/** Service-control events (7040 start type changed, 7036 state changed) of TrustedInstaller. */
const TI_SERVICE = /TrustedInstaller|Windows Modules Installer|Windows 模块安装程序/i;

function hintOf(s: SourceInfo, offsetMinutes: number | null, basis: ClockHint['basis']): ClockHint {
  return { file: s.file, offsetMinutes, basis, first: s.first, last: s.last };
}

/** The Windows Update policy a registry export sets, with the lines that set it; null when it sets none. */
function policyFacts(
  file: string,
  text: string,
  p: ReturnType<typeof windowsUpdatePolicy>,
): PolicyFacts | null {
  if (Object.values(p).every((v) => v === null)) return null;
  const lines = text.split(/\r?\n/);
  // The values the WSUS check reasons with are its evidence.
  const cited = [
    p.wuServer,
    p.useWUServer,
    p.doNotConnectToWindowsUpdateInternetLocations,
    p.disableWindowsUpdateAccess,
  ];
  return {
    wuServer: p.wuServer?.value ?? null,
    useWuServer: p.useWUServer ? p.useWUServer.value === 1 : null,
    noInternetFallback:
      p.doNotConnectToWindowsUpdateInternetLocations?.value === 1 ||
      p.disableWindowsUpdateAccess?.value === 1,
    evidence: cited
      .filter((v): v is NonNullable<typeof v> => v !== null)
      .map((v) => ({ file, line: v.line, text: (lines[v.line - 1] ?? '').trim() })),
  };
}

/** The offset most lines carry (`+0300` → 180), or null. */
function writtenOffset(offsets: (string | null)[]): number | null {
  const count = new Map<string, number>();
  for (const o of offsets) if (o) count.set(o, (count.get(o) ?? 0) + 1);
  const top = [...count].sort((a, b) => b[1] - a[1])[0]?.[0];
  const m = top ? /^([+-])(\d\d):?(\d\d)$/.exec(top) : null;
  return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : null;
}

/** Moments an install result is recorded in two logs (WindowsUpdate.log or ReportingEvents, event 19/20). */
function installMarks(attempts: Attempt[]): ClockMark[] {
  const out: ClockMark[] = [];
  for (const a of attempts) {
    if (a.kind !== 'package' || !a.package || !a.file || !a.end || a.session) continue;
    out.push({ file: a.file, key: `install:${a.package.toLowerCase()}|${a.result ?? ''}`, time: a.end });
  }
  return out;
}

/**
 * How closely a finding names the cause: cross-source checks and CBS/DISM rules name the chain, the
 * component or the file; update-level findings (event logs, Windows Update, setup, captured outputs) only
 * the update and its code. Among root causes the closer one comes first.
 */
function specificity(f: Finding): number {
  return /^(?:x-|cbs-|dism-(?:source|worker))/.test(f.rule) ? 0 : 1;
}

/** Findings that say the hardware is suspect: shown before everything else. */
const HARDWARE_FIRST = ['x-corruption-moving', 'evt-system-instability'];

const SEVERITY_RANK = { error: 0, warning: 1, info: 2 } as const;

/** A copy of `o` without the given keys (drops the engine's bookkeeping from the public model). */
function omit<T extends object, K extends keyof T>(o: T, keys: readonly K[]): Omit<T, K> {
  const copy = { ...o };
  for (const k of keys) delete copy[k];
  return copy;
}

function stripAttempt(a: TrackedAttempt): Attempt {
  return omit(a, ['run', 'startLine', 'endLine', 'failLine'] as const);
}

function stripFinding(f: TrackedFinding): Finding {
  return omit(f, ['file', 'run', 'anchor'] as const);
}

function assemble(
  engine: Engine,
  sources: SourceInfo[],
  diagnostics: Diagnostic[],
  systemInfos: SystemInfo[],
  extra: {
    attempts: Attempt[];
    findings: Finding[];
    hints: ClockHint[];
    marks: ClockMark[];
    policy: PolicyFacts | null;
    fileHashes: (FileHash & { file: string })[];
    reportedBuilds: ReportedBuild[];
  },
  stats: Diagnosis['stats'],
): Diagnosis {
  // Event-log attempts and findings join the engine's, with an empty location (they have no CBS run).
  const located = (f: Finding): TrackedFinding => ({
    ...f,
    file: f.evidence[0]?.file ?? '',
    run: 0,
    anchor: f.evidence[0]?.line ?? 0,
  });
  const tracked = (a: Attempt): TrackedAttempt => ({
    ...a,
    file: '',
    run: 0,
    startLine: 0,
    endLine: 0,
    failLine: null,
  });
  const attempts = [...engine.tracker.attempts, ...extra.attempts.map(tracked)];
  for (const a of attempts) if (!a.file) a.file = a.evidence[0]?.file ?? '';
  // One clock: each source's offset settled, every attempt placed on UTC.
  const clocks = settleClocks(extra.hints, [...extra.marks, ...installMarks(attempts)]);
  for (const s of sources) {
    const c = clocks.get(s.file);
    if (!c) continue;
    s.utcOffsetMinutes = c.offsetMinutes;
    s.clock = { basis: c.basis, confidence: c.confidence, note: c.note };
  }
  for (const a of attempts) {
    const off = clocks.get(a.file)?.offsetMinutes ?? null;
    a.startUtc = toUtc(a.start, off);
    a.endUtc = toUtc(a.end, off);
  }
  const histories = updateHistories(attempts);
  let crossSeq = 0;
  const cross = crossChecks({
    attempts,
    histories,
    findings: [...engine.findings, ...extra.findings],
    sources,
    policy: extra.policy,
    fileHashes: extra.fileHashes,
    nextId: () => `x${++crossSeq}`,
  });
  // A cross-source root explains its attempts first.
  for (const f of cross) {
    for (const a of attempts) {
      if (!f.attempts.includes(a.id)) continue;
      if (f.root) a.findings.unshift(f.id);
      else a.findings.push(f.id);
    }
  }
  const findings = [...engine.findings, ...extra.findings.map(located), ...cross.map(located)];
  // Store app updates (kind `other`) are listed but never make the verdict.
  const failedAttempts = new Set(
    attempts.filter((a) => a.outcome === 'failed' && a.kind !== 'other').map((a) => a.id),
  );
  const explainsFailure = (f: TrackedFinding): boolean => f.attempts.some((id) => failedAttempts.has(id));
  findings.sort(
    (a, b) =>
      Number(b.root) - Number(a.root) ||
      Number(explainsFailure(b)) - Number(explainsFailure(a)) ||
      specificity(a) - specificity(b) ||
      SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
      (a.time ?? '').localeCompare(b.time ?? '') ||
      a.anchor - b.anchor,
  );
  const rootErrors = findings.filter((f) => f.root && f.severity === 'error');
  const unreadable = sources.length === 0 || sources.every((s) => s.lines === 0);
  let verdict: Diagnosis['verdict'];
  if (unreadable) verdict = 'unreadable';
  else if (failedAttempts.size > 0 || rootErrors.length > 0) verdict = 'failed';
  else if (findings.some((f) => f.rule.endsWith('repaired') || f.messageId === 'repaired'))
    verdict = 'repaired';
  else verdict = 'healthy';

  const byId = new Map(findings.map((f) => [f.id, f]));
  const summary: I18nText[] = [];
  // One timeline: failed operations of every source in the order they happened (UTC where known).
  const inTime = [...attempts].sort((x, y) =>
    (x.startUtc ?? x.start ?? '')
      .replace(' ', 'T')
      .localeCompare((y.startUtc ?? y.start ?? '').replace(' ', 'T')),
  );
  for (const a of inTime) {
    if (!failedAttempts.has(a.id)) continue;
    const root = a.findings.map((id) => byId.get(id)).find((f) => f?.root);
    const what = a.kb ? `${a.kb} ${a.package ?? ''}`.trim() : (a.package ?? 'operation');
    const states = a.startState && a.targetState ? `, ${a.startState}→${a.targetState}` : '';
    const code = a.result ? ` ${a.result}` : '';
    summary.push({
      en: `${a.start ?? '?'} ${what}${states}: failed${code}${root ? ` — ${root.message.en}` : ''}`,
      zh: `${a.start ?? '?'} ${what}${states}：失败${code}${root ? ` — ${root.message.zh}` : ''}`,
    });
  }
  for (const a of inTime) {
    // Event logs often hold only the start of an install: that alone is no interruption worth a line.
    if (a.outcome !== 'interrupted' || a.kind === 'sfc' || a.id.startsWith('e')) continue;
    const what = a.kb ? `${a.kb} ${a.package ?? ''}`.trim() : (a.package ?? 'operation');
    summary.push({
      en: `${a.start ?? '?'} ${what}: interrupted — no end is recorded (restart, crash, or the log was cut)`,
      zh: `${a.start ?? '?'} ${what}：中断——日志中没有结束记录（重启、崩溃或日志被截断）`,
    });
  }
  // Root causes outside any failed operation: one line per rule, with a count when it repeats.
  const loose = new Map<string, TrackedFinding[]>();
  for (const f of rootErrors) {
    if (explainsFailure(f)) continue;
    pushTo(loose, f.rule, f);
  }
  for (const list of loose.values()) {
    const f = list[0]!;
    if (list.length === 1) {
      summary.push({ en: `${f.time ?? '?'} ${f.message.en}`, zh: `${f.time ?? '?'} ${f.message.zh}` });
    } else {
      summary.push({
        en: `${f.time ?? '?'} ${list.length} × ${f.title.en}; first: ${f.message.en}`,
        zh: `${f.time ?? '?'} ${list.length} 处${f.title.zh}；首个：${f.message.zh}`,
      });
    }
  }
  const d: Diagnosis = {
    schema: 'patchdx.diagnosis/1',
    tool: { name: 'patchdx', version: VERSION },
    verdict,
    summary,
    sources,
    machine: {
      servicingStack: engine.tracker.servicingStack,
      osBuild: null,
      osBuildSource: null,
      lastUpdate: null,
      servicingStackLevel: null,
    },
    attempts: attempts.map(stripAttempt),
    findings: findings.map(stripFinding),
    updates: histories,
    diagnostics,
    stats: { ...stats, ms: Math.round(stats.ms) },
  };
  let seq = Math.max(0, ...findings.map((f) => Number(f.id.slice(1)) || 0));
  enrichWithKnowledge(
    d,
    { installedRollups: engine.tracker.installedRollups, systemInfos, reportedBuilds: extra.reportedBuilds },
    () => `f${++seq}`,
  );
  // A hardware suspicion comes before every repair: rank it first, and say so first in the summary.
  for (const f of d.findings.filter((x) => HARDWARE_FIRST.includes(x.rule)).reverse()) {
    d.findings.splice(d.findings.indexOf(f), 1);
    d.findings.unshift(f);
    d.summary = d.summary.filter((l) => l.en !== f.message.en && !l.en.endsWith(f.message.en));
    d.summary.unshift(f.message);
  }
  d.plans = plansFor(d);
  d.scripts = scriptsFor(d);
  linkScripts(d);
  return d;
}
