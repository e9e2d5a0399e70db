// The analysis pipeline: input path → inputs → each sniffed by content and read by its format
// (src/formats) into one bundle context → the CBS/dism engine pass → one Diagnosis. Bad input never throws
// out of here: it becomes a diagnostic and the rest is analysed.

import { layoutProblems, type ReadAs } from '../collector/layout.js';
import type { Diagnosis, Diagnostic, LogEntry, SourceInfo } from '../model/types.js';
import { sniffEncoding } from '../ingest/encoding.js';
import {
  DEFAULT_BUNDLE_LIMITS,
  listBufferInputs,
  listInputs,
  type BundleLimits,
  type Input,
  type InputList,
} from '../ingest/inputs.js';
import { OverlapFilter } from '../ingest/overlap.js';
import { addSource, newContext } from '../formats/define-format.js';
import { TI_SERVICE } from '../formats/event-common.js';
import { sniffFormat, type Sniffed } from '../formats/index.js';
import { CbsLineParser } from '../parse/cbs.js';
import type { SetupRecord } from '../parse/setupact.js';
import { Engine, MAX_RUN_ENTRIES, type EngineMark, type EngineState } from '../rules/engine.js';
import type { ClockMark } from '../timeline/clock.js';
import { pushTo } from '../timeline/group.js';
import { setupStory } from '../timeline/setup-story.js';
import { DISTINCT_EVENTS, eventKey, updateStory } from '../timeline/update-events.js';
import type { ErrorLineCount } from '../consolidate/observations.js';
import { groupLabel, machineGroups } from '../consolidate/machines.js';
import { assemble, markSourceMachines } from './assemble.js';
import { readSplit, type SplitResult } from './split-read.js';

export interface AnalyzeOptions {
  /** Progress over all input bytes. */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
  maxLineBytes?: number;
  /** Limits of the bundle (bytes read, entries, nesting…); the defaults suit a collector bundle of several GB. */
  limits?: Partial<BundleLimits>;
  /**
   * Milliseconds the analysis may take: past it, reading stops and the diagnosis is made of what was read,
   * with a diagnostic saying where it stopped. None by default.
   */
  timeoutMs?: number;
  /**
   * A CBS or dism log on disk of at least this many bytes is read by two threads, each a half
   * (split-read.ts). Default: none is (every log on one thread); `SPLIT_MIN_BYTES` when asked for.
   */
  splitMinBytes?: number;
  /** Where a split log is cut (a line's first byte), for tests; by default the first line past its middle. */
  splitAt?: number;
  /**
   * For tests: read every machine's logs again (no machine goes on from the whole input's pass), and told
   * which machine (index in `machines`) went on from it.
   */
  machinesReread?: boolean;
  onMachineReused?: (index: number) => void;
}

/** Thrown from a progress callback when the time is up; caught where the input being read is known. */
class TimeUp extends Error {}

/** Analyse a CBS.log, a CbsPersist log, any log patchdx reads, a folder or a zip of them. Never throws for bad input. */
export function analyzePath(input: string, opts: AnalyzeOptions = {}): Diagnosis {
  const t0 = performance.now();
  const diagnostics: Diagnostic[] = [];
  const limits = { ...DEFAULT_BUNDLE_LIMITS, ...opts.limits };
  return analyzeListed(listInputs(input, diagnostics, limits), input, diagnostics, t0, opts);
}

/** Analyse an input held in memory (a zip, a cabinet or one log) named `name`. Never throws for bad input. */
export function analyzeBuffer(name: string, data: Buffer, opts: AnalyzeOptions = {}): Diagnosis {
  const t0 = performance.now();
  const diagnostics: Diagnostic[] = [];
  const limits = { ...DEFAULT_BUNDLE_LIMITS, ...opts.limits };
  return analyzeListed(listBufferInputs(name, data, diagnostics, limits), name, diagnostics, t0, opts);
}

/**
 * The analysis of every input together, and when the sources name more than one machine or build, each
 * machine's files analysed on their own (`machines[]`): no verdict, history or plan mixes them. The machine
 * whose CBS and dism logs the pass read first goes on from the pass's state after them; the others' logs
 * are read again.
 */
function analyzeListed(
  listed: InputList,
  input: string,
  diagnostics: Diagnostic[],
  t0: number,
  opts: AnalyzeOptions,
): Diagnosis {
  try {
    const pass: PassLeftovers = { logs: [], prefix: null };
    const d = analyzeInputs(listed.inputs, input, diagnostics, t0, opts, pass);
    const groups = machineGroups(d.sources);
    if (groups.length < 2) return d;
    d.machines = groups.map((g, i) => {
      const files = new Set(g.files);
      // The machine whose CBS and dism logs were the first read goes on from the pass's state after them.
      const mine = pass.logs.filter((n) => files.has(n));
      const prefix = pass.prefix;
      const reuse =
        prefix &&
        !opts.machinesReread &&
        mine.length === prefix.records.length &&
        mine.every((n, k) => prefix.records[k]!.name === n)
          ? prefix
          : undefined;
      const own = analyzeInputs(
        listed.inputs.filter((c) => files.has(c.name)),
        input,
        [],
        performance.now(),
        { maxLineBytes: opts.maxLineBytes },
        undefined,
        reuse,
      );
      if (reuse) opts.onMachineReused?.(i);
      own.input = { ...d.input };
      return { id: `m${i + 1}`, build: g.build, computer: g.computer, files: g.files, diagnosis: own };
    });
    const names = groups.map((g) => `${groupLabel(g)}: ${g.files.join(', ')}`).join('; ');
    d.diagnostics.unshift({
      level: 'error',
      file: input,
      message: `the input holds logs of ${groups.length} different machines or builds (${names}); each is diagnosed on its own below — collect one machine's logs per input`,
    });
    d.summary.unshift({
      en: `The input mixes logs of ${groups.length} machines or builds (${groups.map(groupLabel).join(' / ')}): each is diagnosed apart; no plan mixes them.`,
      zh: `输入中混有 ${groups.length} 台机器或不同版本的日志（${groups.map(groupLabel).join(' / ')}）：已分别诊断，处理方案不会混用。`,
    });
    return d;
  } finally {
    listed.close();
  }
}

/**
 * What reading one CBS or dism log added to an analysis, its entries aside: replayed when a machine's
 * analysis goes on from the pass's state after the logs it shares with the whole input.
 */
interface LogRecord {
  name: string;
  kind: string;
  /** Its diagnostics, in order (a split read's fallback note aside: a machine's analysis reads on one thread). */
  diagnostics: Diagnostic[];
  /** Its source as read, before assembly; null when it could not be read. */
  source: SourceInfo | null;
  offsetMinutes: number | null;
  /** The last stamp the parser read, and the last the overlap filter saw (a log of only skipped lines). */
  parserLast: string | null;
  filterLast: string | null;
  lines: number;
  entries: number;
}

/**
 * The engine pass's state after its first `records.length` CBS and dism logs (in reading order): where the
 * analysis of a machine whose logs are exactly those goes on from. A machine's logs are read in the same
 * order as in the whole input; the overlap filter of logs read first decides alike in both (what a log
 * remembers for later logs of another machine never skips one of its own), so its entries, and with them the
 * engine's runs, attempts and findings, are the same: taken over instead of read again.
 */
interface PrefixState {
  records: LogRecord[];
  engine: EngineState;
  errorLines: Map<string, ErrorLineCount>;
  /** TrustedInstaller clock marks of those logs, in order. */
  tiMarks: ClockMark[];
}

/** What the pass over the whole input leaves for its machines: its CBS and dism logs in reading order, a prefix state. */
interface PassLeftovers {
  logs: string[];
  prefix: PrefixState | null;
}

function analyzeInputs(
  candidates: Input[],
  input: string,
  diagnostics: Diagnostic[],
  t0: number,
  opts: AnalyzeOptions,
  pass?: PassLeftovers,
  reuse?: PrefixState,
): Diagnosis {
  const ctx = newContext({ maxLineBytes: opts.maxLineBytes });
  ctx.diagnostics = diagnostics;
  const { sources, logs, hints, marks } = ctx;
  const total = candidates.reduce((s, c) => s + c.bytes, 0);
  let done = 0;
  // The time limit: checked before each input and at each chunk read (through the progress callbacks).
  const deadline = opts.timeoutMs === undefined ? Infinity : t0 + opts.timeoutMs;
  let stoppedAt: { file: string; left: number } | null = null;
  const checkTime = (): void => {
    if (performance.now() > deadline) throw new TimeUp();
  };
  const timeUp = (file: string, left: number): void => {
    stoppedAt = { file, left };
    diagnostics.push({
      level: 'warning',
      file,
      message: `analysis stopped: the time limit of ${((opts.timeoutMs ?? 0) / 1000).toFixed(0)} s (--timeout) was reached while reading this input; it${left > 0 ? ` and ${left} other inputs` : ''} were not read or only in part, so the diagnosis is partial`,
    });
  };
  // Which format read each input: a collector bundle is checked against its declared layout.
  const readAs: ReadAs[] = [];
  for (const [i, c] of candidates.entries()) {
    if (performance.now() > deadline) {
      timeUp(c.name, candidates.length - i - 1 + logs.length);
      break;
    }
    let sniffed: Sniffed;
    try {
      sniffed = sniffFormat(c.head(), c.bytes);
    } catch (err) {
      diagnostics.push({ level: 'error', file: c.name, message: `cannot read: ${(err as Error).message}` });
      continue;
    }
    const format = sniffed.format;
    const tooBig = format?.maxBytes !== undefined && c.bytes > format.maxBytes;
    readAs.push({ name: c.name, format: format && !tooBig ? format.id : null });
    if (!format || tooBig) {
      done += c.bytes;
      const why = !format
        ? sniffed.format === null && sniffed.why === 'empty'
          ? 'the file is empty'
          : sniffed.format === null && sniffed.why === 'binary'
            ? 'binary data, not a text log'
            : 'not a log or capture patchdx reads (no line of the first 64 KB follows a known format)'
        : `recognised as ${format.kind}, but ${(c.bytes / 1048576).toFixed(0)} MB is more than the ${format.maxBytes! / 1048576} MB read whole for this kind; not analysed`;
      diagnostics.push({
        level: candidates.length === 1 ? 'error' : 'info',
        file: c.name,
        message: `skipped: ${why}`,
      });
      continue;
    }
    const base = done;
    const kept = logs.length;
    ctx.onProgress = (r) => {
      checkTime();
      opts.onProgress?.(base + r, total);
    };
    try {
      format.read(c, ctx);
    } catch (err) {
      if (err instanceof TimeUp) {
        timeUp(c.name, candidates.length - i - 1 + logs.length);
        break;
      }
      diagnostics.push({ level: 'error', file: c.name, message: `cannot read: ${(err as Error).message}` });
    }
    // CBS and dism logs are read (and counted) by the engine pass below.
    if (logs.length === kept) done += c.bytes;
  }

  for (const p of layoutProblems(readAs)) diagnostics.push({ level: 'warning', ...p });

  // All event logs tell one story: the System log's install events and the Setup log's servicing events.
  const story = updateStory(ctx.events, ctx.nextAttempt, ctx.nextFinding);
  const extraAttempts = [...story.attempts, ...ctx.attempts];
  const extraFindings = [...story.findings, ...ctx.findings];
  // Setup logs of one folder tell one story: setupact.log, then the rollback log and SetupDiag's results.
  const byFolder = new Map<string, { name: string; records: SetupRecord[] }[]>();
  for (const l of ctx.setupLogs) {
    const folder = /[\\/]/.test(l.name) ? l.name.replace(/[\\/][^\\/]*$/, '') : '';
    pushTo(byFolder, folder, l);
  }
  const rank = (n: string): number =>
    /setupact\.log$/i.test(n) ? 0 : /rollback/i.test(n) ? 1 : /setupdiag/i.test(n) ? 2 : 3;
  for (const logs of byFolder.values()) {
    const used = logs.filter((l) => rank(l.name) < 3).sort((a, b) => rank(a.name) - rank(b.name));
    const main = used[0] ?? logs[0]!;
    const records = (used.length > 0 ? used : [main]).flatMap((l) => l.records);
    const s = setupStory(main.name, records, ctx.nextAttempt, ctx.nextFinding);
    extraAttempts.push(...s.attempts);
    extraFindings.push(...s.findings);
  }

  // Error-level lines by file, component and code: the ones no finding cites are counted as noise.
  const errorLines = new Map<string, ErrorLineCount>();
  const countError = (e: LogEntry): void => {
    // Lines with no component column (dism.log's `EnumeratePathEx: …`) are told by their function name, and
    // by GetLastError when they carry no other code.
    const component = e.component || (/^([A-Za-z_][\w.]*):/.exec(e.message)?.[1] ?? '');
    const code =
      e.codes[0] ?? e.csi?.gle ?? /\bgle\s*=\s*(0x[0-9a-f]+)/i.exec(e.message)?.[1]?.toLowerCase() ?? null;
    const key = `${e.file}|${component}|${code ?? ''}`;
    let c = errorLines.get(key);
    if (!c) {
      if (errorLines.size >= MAX_ERROR_MECHANISMS) return;
      c = {
        file: e.file,
        component,
        code,
        count: 0,
        lines: [],
        example: { file: e.file, line: e.line, text: (e.lines[0] ?? '').trim() },
      };
      errorLines.set(key, c);
    }
    c.count++;
    if (c.lines.length < MAX_ERROR_LINES_KEPT) c.lines.push(e.line);
  };

  // Oldest first: CbsPersist archives before the live CBS.log.
  const engine = new Engine();
  // What is assembled: the engine's reading, or the pass's state a machine goes on from.
  let state: EngineState = engine;
  let lines = 0;
  let entries = 0;
  logs.sort(
    (a, b) => (a.first ?? '').localeCompare(b.first ?? '') || a.input.name.localeCompare(b.input.name),
  );
  if (pass) pass.logs = logs.map((l) => l.input.name);
  // Logs of one kind (CBS, dism) overlap when a bundle holds copies or logs copied at different times
  // (corpus dism03 begins with all of dism01): repeated lines are read once.
  const overlaps = new Map<string, OverlapFilter>();
  for (const k of ['cbs', 'dism'] as const)
    if (logs.filter((l) => l.kind === k).length > 1) overlaps.set(k, new OverlapFilter());
  // Each log's overlap window ends where the next log of its kind begins: the stamps sorted once per kind.
  const firstsByKind = new Map<string, { first: string; input: Input }[]>();
  for (const l of logs) if (l.first) pushTo(firstsByKind, l.kind, { first: l.first, input: l.input });
  for (const list of firstsByKind.values())
    list.sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
  const kindCount = (k: string): number => logs.filter((l) => l.kind === k).length;
  const records: LogRecord[] = [];
  const marksBefore = marks.length;
  // Where the pass stood after each log (counts: the same size however many logs), while nothing stopped it or
  // overflowed.
  const boundaries: Boundary[] = [];
  const markBoundary = (): void => {
    engine.finish();
    const at = engine.mark();
    if (!at || [...overlaps.values()].some((o) => o.full)) return;
    boundaries.push({
      logs: records.length,
      engine: at,
      errorLines: errorLines.size,
      tiMarks: marks.length - marksBefore,
    });
  };
  const logsRead = reuse && sameNames(reuse.records, logs) ? [] : logs;
  if (logsRead.length === 0 && reuse) {
    // This machine's logs were the first the whole input's pass read: its state after them is taken over.
    state = reuse.engine;
    for (const [k, v] of reuse.errorLines) errorLines.set(k, v);
    for (const r of reuse.records) {
      diagnostics.push(...r.diagnostics);
      if (r.source) {
        const last = r.parserLast ?? (kindCount(r.kind) > 1 ? r.filterLast : null);
        addSource(ctx, { ...r.source, last }, r.offsetMinutes, 'csi-stamps');
      }
      lines += r.lines;
      entries += r.entries;
    }
    marks.push(...reuse.tiMarks);
  }
  for (const [i, { input: c, kind, first }] of logsRead.entries()) {
    if (stoppedAt) break;
    const record: LogRecord = {
      name: c.name,
      kind,
      diagnostics: [],
      source: null,
      offsetMinutes: null,
      parserLast: null,
      filterLast: null,
      lines: 0,
      entries: 0,
    };
    const diagnosticsBefore = diagnostics.length;
    let splitNote: Diagnostic | null = null;
    const base = done;
    // Where reading got, for a log the time limit stops part-way.
    let lastLine = 0;
    let bytesRead = 0;
    try {
      const repeats = overlaps.get(kind)?.begin(nextFirst(firstsByKind.get(kind) ?? [], c, first));
      const sniff = sniffEncoding(c.head().subarray(0, 4096));
      const encoding = sniff.encoding === '8bit' ? '8bit' : 'utf8-bom';
      const emit = (e: LogEntry): void => {
        if (e.time && TI_MARK.test(e.message)) marks.push({ file: c.name, key: 'ti', time: e.time });
        if (e.level === 'Error') countError(e);
        engine.push(e);
      };
      const parser = new CbsLineParser(c.name, encoding, emit);
      const onLine = repeats
        ? (b: Buffer, s: number, e: number, n: number) => {
            lastLine = n;
            if (!repeats.skip(b, s, e)) parser.onLine(b, s, e, n);
          }
        : (b: Buffer, s: number, e: number, n: number) => {
            lastLine = n;
            parser.onLine(b, s, e, n);
          };
      let stats: ReturnType<Input['readLines']>;
      let split: SplitResult | null = null;
      const onProgress = (r: number): void => {
        bytesRead = r;
        checkTime();
        opts.onProgress?.(base + r, total);
      };
      try {
        // A large log on disk, alone of its kind, is read by two threads (split-read.ts).
        if (
          !repeats &&
          c.path !== undefined &&
          c.bytes >= (opts.splitMinBytes ?? Infinity) &&
          (sniff.encoding === '8bit' || sniff.encoding === 'utf8-bom')
        ) {
          split = readSplit(
            { path: c.path, file: c.name, size: c.bytes, encoding, maxLineBytes: opts.maxLineBytes },
            parser,
            emit,
            { onProgress, splitAt: opts.splitAt },
          );
        }
        if (split) {
          if (split.fallback) {
            splitNote = {
              level: 'info',
              file: c.name,
              message: `read on one thread after all: ${split.fallback}`,
            };
            diagnostics.push(splitNote);
          }
          stats = {
            ...split,
            encoding: sniff.encoding,
            fileEncoding: sniff.encoding,
            binary: false,
            problem: null,
          };
        } else stats = c.readLines(onLine, { maxLineBytes: opts.maxLineBytes, onProgress });
      } catch (err) {
        if (!(err instanceof TimeUp)) throw err;
        // What was read of this log is analysed; the logs after it are not read.
        timeUp(c.name, logs.length - i - 1);
        stats = {
          bytes: bytesRead,
          lines: Math.max(lastLine, parser.lastLine),
          encoding: sniff.encoding,
          fileEncoding: sniff.encoding,
          binary: false,
          longLines: [],
          truncatedLastLine: false,
          problem: null,
        };
      }
      parser.finish();
      split?.mergeStats(parser.stats);
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
      const off = parser.stats.utcOffsetMinutes;
      const source = {
        file: c.name,
        kind,
        bytes: stats.bytes,
        lines: stats.lines,
        encoding: stats.fileEncoding,
        // A copy read once still spans its own time.
        first: parser.stats.first ?? (skipped > 0 ? first : null),
        last: parser.stats.last ?? seen.last,
        utcOffsetMinutes: off,
      };
      addSource(ctx, source, off, off === null ? 'unknown' : 'csi-stamps');
      Object.assign(record, {
        source: { ...source },
        offsetMinutes: off,
        parserLast: parser.stats.last,
        filterLast: seen.last,
        lines: stats.lines,
        entries: parser.stats.entries,
      });
    } catch (err) {
      diagnostics.push({ level: 'error', file: c.name, message: `cannot read: ${(err as Error).message}` });
    }
    done += c.bytes;
    if (!pass || stoppedAt) continue;
    record.diagnostics = diagnostics
      .slice(diagnosticsBefore)
      .filter((x) => x !== splitNote)
      .map((x) => ({ ...x }));
    records.push(record);
    markBoundary();
  }
  if (pass && boundaries.length > 0) {
    pass.prefix = prefixState(engine, errorLines, marks.slice(marksBefore), records, boundaries, (files) => {
      // The machines as assembly will tell them (the same sources, builds and computers).
      const provisional = structuredClone(sources);
      markSourceMachines(provisional, engine, ctx.systemInfos, ctx.reportedBuilds);
      return machineGroups(provisional).map((g) => files.filter((f) => g.files.includes(f)));
    });
  }
  for (const [kind, overlap] of overlaps) {
    if (!overlap.full) continue;
    diagnostics.push({
      level: 'warning',
      file: input,
      message: `the ${kind} logs overlap by more than 2,000,000 lines: later overlaps were not looked for and may be read twice`,
    });
  }
  engine.finish();
  for (const r of state.overflowRuns) {
    diagnostics.push({
      level: 'warning',
      file: input,
      message: `run ${r} has more than ${MAX_RUN_ENTRIES} kept entries; later ones were not kept for context (limit)`,
    });
  }
  for (const e of ctx.events) {
    // The same install result or crash in two exports of one log: the same moment.
    if (DISTINCT_EVENTS.has(e.eventId)) marks.push({ file: e.file, key: `evt:${eventKey(e)}`, time: e.time });
    if (e.eventId !== 7040 && e.eventId !== 7036) continue;
    const text = `${e.text ?? ''} ${Object.values(e.data).join(' ')}`;
    if (TI_SERVICE.test(text)) marks.push({ file: e.file, key: 'ti', time: e.time });
  }
  return assemble(
    state,
    sources,
    diagnostics,
    ctx.systemInfos,
    {
      attempts: extraAttempts,
      findings: extraFindings,
      hints,
      marks,
      policy: ctx.policy,
      fileHashes: ctx.fileHashes,
      reportedBuilds: ctx.reportedBuilds,
      identity: ctx.identity,
      errorLines: [...errorLines.values()],
    },
    {
      bytes: total,
      lines,
      entries,
      ms: performance.now() - t0,
    },
  );
}

/** Where the pass stood after its first `logs` CBS and dism logs: counts, taken up by `prefixState`. */
interface Boundary {
  logs: number;
  engine: EngineMark;
  /**
   * Error-line mechanisms counted then: the map's first ones. A mechanism is one file's, so those are not
   * counted on past the log that made them: their counts are final.
   */
  errorLines: number;
  tiMarks: number;
}

/**
 * The state of the machine whose CBS and dism logs are the first the pass read, when the input holds more
 * than one machine (`machinesOf`, given the logs in reading order, says which logs each machine has); null
 * when there is none (every machine's logs are then read again). It shares the pass's findings and attempts
 * of those logs (engine.ts `at`).
 */
function prefixState(
  engine: Engine,
  errorLines: Map<string, ErrorLineCount>,
  tiMarks: ClockMark[],
  records: LogRecord[],
  boundaries: Boundary[],
  machinesOf: (logs: string[]) => string[][],
): PrefixState | null {
  const names = records.map((r) => r.name);
  const machines = machinesOf(names);
  if (machines.length < 2) return null;
  const first = machines.find((m) => m.includes(names[0]!));
  if (!first) return null;
  const b = boundaries.find((x) => x.logs === first.length && first.every((n, i) => names[i] === n));
  if (!b) return null;
  return {
    records: records.slice(0, b.logs),
    engine: engine.at(b.engine),
    errorLines: new Map(
      [...errorLines]
        .slice(0, b.errorLines)
        .map(([key, c]) => [key, { ...c, lines: [...c.lines], example: { ...c.example } }]),
    ),
    tiMarks: structuredClone(tiMarks.slice(0, b.tiMarks)),
  };
}

/** True when `logs` are the logs `records` were made of, in the same order. */
function sameNames(records: readonly LogRecord[], logs: readonly { input: Input }[]): boolean {
  return records.length === logs.length && records.every((r, i) => r.name === logs[i]!.input.name);
}

/** Distinct (file, component, code) error-line mechanisms counted, and line numbers kept per mechanism. */
const MAX_ERROR_MECHANISMS = 500;
const MAX_ERROR_LINES_KEPT = 5000;

/** CBS lines written when TrustedInstaller starts or stops, which change its service's start type. */
const TI_MARK = /^(?:TrustedInstaller service starts successfully|Ending TrustedInstaller finalization)/;

/** The earliest first stamp at or after `first` among the other logs of a kind (`sorted` by stamp), or null. */
function nextFirst(
  sorted: { first: string; input: Input }[],
  self: Input,
  first: string | null,
): string | null {
  const from = first ?? '';
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]!.first < from) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < sorted.length; i++) if (sorted[i]!.input !== self) return sorted[i]!.first;
  return null;
}
