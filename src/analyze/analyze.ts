// The analysis pipeline: input path → sources (sniffed by content) → streaming parse → engine →
// one Diagnosis. Bad input never throws out of here: it becomes a diagnostic and the rest is analysed.

import type { Attempt, Diagnosis, Diagnostic, Finding, SourceInfo } from '../model/types.js';
import type { PolicyFacts } from '../correlate/context.js';
import { decodeText, sniffEncoding } from '../ingest/encoding.js';
import { readEvtx } from '../ingest/evtx.js';
import { listBufferInputs, listInputs, type Input, type InputList } from '../ingest/inputs.js';
import { OverlapFilter } from '../ingest/overlap.js';
import { CbsLineParser } from '../parse/cbs.js';
import { parseDismConsole, type DismRun } from '../parse/dism-console.js';
import { parseEventText } from '../parse/event-text.js';
import { parseEventXml } from '../parse/event-xml.js';
import { parseFileHashes, type FileHash } from '../parse/file-hash.js';
import { parseOsVersions, type OsVersion } from '../parse/os-version.js';
import { parsePackageList, type PackageEntry } from '../parse/package-list.js';
import { parseRegistryExport, windowsUpdatePolicy } from '../parse/registry-export.js';
import { parseReportingEvents } from '../parse/reporting-events.js';
import { detectSetupDiag, parseSetupDiag, parseSetupact, type SetupRecord } from '../parse/setupact.js';
import { parseSfcConsole } from '../parse/sfc-console.js';
import { parseSystemInfo, type SystemInfo } from '../parse/systeminfo.js';
import { parseWindowsUpdateLog } from '../parse/windows-update-log.js';
import { Engine } from '../rules/engine.js';
import type { ClockHint, ClockMark } from '../timeline/clock.js';
import { pushTo } from '../timeline/group.js';
import {
  buildsFromCaptures,
  dismConsoleFindings,
  pendingPackages,
  sfcConsoleFindings,
  type ReportedBuild,
} from '../timeline/outputs-story.js';
import { setupStory } from '../timeline/setup-story.js';
import { DISTINCT_EVENTS, eventKey, updateStory, type UpdateEvent } from '../timeline/update-events.js';
import { reportingStory, wuStory } from '../timeline/wu-story.js';
import { assemble } from './assemble.js';
import { eventParser, headLines, type Kind, MAX_EVENT_TEXT, MAX_TEXT_OUTPUT, sniffKind } from './sniff.js';

export interface AnalyzeOptions {
  /** Progress over all input bytes. */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
  maxLineBytes?: number;
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

/** Analyse a CBS.log, a CbsPersist log, any log patchdx reads, a folder or a zip of them. Never throws for bad input. */
export function analyzePath(input: string, opts: AnalyzeOptions = {}): Diagnosis {
  const t0 = performance.now();
  const diagnostics: Diagnostic[] = [];
  return analyzeInputs(listInputs(input, diagnostics), input, diagnostics, t0, opts);
}

/** Analyse an input held in memory (a zip, a cabinet or one log) named `name`. Never throws for bad input. */
export function analyzeBuffer(name: string, data: Buffer, opts: AnalyzeOptions = {}): Diagnosis {
  const t0 = performance.now();
  const diagnostics: Diagnostic[] = [];
  return analyzeInputs(listBufferInputs(name, data, diagnostics), name, diagnostics, t0, opts);
}

function analyzeInputs(
  listed: InputList,
  input: string,
  diagnostics: Diagnostic[],
  t0: number,
  opts: AnalyzeOptions,
): Diagnosis {
  const sources: SourceInfo[] = [];
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
