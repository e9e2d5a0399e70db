// What a format is: an id, how to recognise it from the head of a file (`sniff`), how to read one input of
// it into the bundle (`read`), and samples — short real excerpts that are its documentation and its tests
// (formats.test.ts feeds every sample to every sniff). The bundle context is what the reads accumulate for
// the stories, the CBS/dism engine pass and `assemble` that follow.

import type { PolicyFacts } from '../correlate/context.js';
import { decodeLine, decodeText, sniffEncoding, type Encoding } from '../ingest/encoding.js';
import type { Input } from '../ingest/inputs.js';
import type { ReadStats } from '../ingest/read-lines.js';
import type { Attempt, Diagnostic, Finding, InputIdentity, SourceInfo } from '../model/types.js';
import type { FileHash } from '../parse/file-hash.js';
import type { SetupRecord } from '../parse/setupact.js';
import type { SystemInfo } from '../parse/systeminfo.js';
import type { ClockHint, ClockMark } from '../timeline/clock.js';
import type { ReportedBuild } from '../timeline/outputs-story.js';
import type { UpdateEvent } from '../timeline/update-events.js';

/** The head of a file (its first 64 KiB), decoded once for every sniff. */
export interface Head {
  bytes: Buffer;
  /** Size of the whole file. */
  size: number;
  /** Encoding of the file, from its first bytes. */
  encoding: Encoding;
  /** Lines decoded as text (BOM, else UTF-8, else GB18030), as most detectors want them. */
  lines: string[];
  /** Lines decoded byte for byte (Latin-1 for 8-bit text), as the CBS/dism grammar wants them. */
  rawLines: string[];
  /** What one sniff computed that another may reuse (the CBS/dism decision). */
  memo: Map<string, unknown>;
}

/** A CBS or dism log, kept for the engine pass that follows the reads. */
export interface ServicingLog {
  input: Input;
  kind: 'cbs' | 'dism';
  /** Its first timestamp, for reading the logs oldest first. */
  first: string | null;
}

/** What the reads of a bundle accumulate. */
export interface BundleContext {
  diagnostics: Diagnostic[];
  sources: SourceInfo[];
  /** CBS and dism logs, read by the engine pass after every other input. */
  logs: ServicingLog[];
  systemInfos: SystemInfo[];
  /** Events of every event log and export: they tell one story. */
  events: UpdateEvent[];
  /** Attempts and findings of the sources that do not go through the CBS engine. */
  attempts: Attempt[];
  findings: Finding[];
  setupLogs: { name: string; records: SetupRecord[] }[];
  /** The bundle's one clock: what each source says of its own offset, and moments two sources both record. */
  hints: ClockHint[];
  marks: ClockMark[];
  /** What captured command outputs say. */
  reportedBuilds: ReportedBuild[];
  fileHashes: (FileHash & { file: string })[];
  policy: PolicyFacts | null;
  /** Who and when, from the collector's manifest.json. */
  identity: Partial<InputIdentity>;
  /** Ids of attempts and findings made outside the engine, in the order they are made. */
  nextAttempt(): string;
  nextFinding(): string;
  /** Longest line kept by streamed reads. */
  maxLineBytes?: number;
  /** Bytes of the current input read so far. */
  onProgress?(bytesRead: number): void;
  /**
   * Records the stories may still keep (Windows Update, ReportingEvents and setup lines, events), for the
   * whole bundle: memory follows this budget, not the size of the logs. See `recordKeeper`.
   */
  recordsLeft: number;
  /** The budget `recordsLeft` started from. */
  maxKeptRecords: number;
}

/**
 * Most records the stories keep for one bundle. A real machine's logs keep a few thousand to a few tens of
 * thousands (a 100 MB WindowsUpdate.log keeps about 50,000 lines); a record costs 300–600 bytes, so this
 * holds the stories under about 100 MB whatever the logs' size.
 */
export const MAX_KEPT_RECORDS = 64_000;

/** A new, empty bundle context. */
export function newContext(
  opts: { maxLineBytes?: number; onProgress?: (n: number) => void; maxKeptRecords?: number } = {},
): BundleContext {
  const maxKeptRecords = opts.maxKeptRecords ?? MAX_KEPT_RECORDS;
  let attempts = 0;
  let findings = 0;
  return {
    diagnostics: [],
    sources: [],
    logs: [],
    systemInfos: [],
    events: [],
    attempts: [],
    findings: [],
    setupLogs: [],
    hints: [],
    marks: [],
    reportedBuilds: [],
    fileHashes: [],
    policy: null,
    identity: {},
    nextAttempt: () => `e${++attempts}`,
    nextFinding: () => `fe${++findings}`,
    maxLineBytes: opts.maxLineBytes,
    onProgress: opts.onProgress,
    recordsLeft: maxKeptRecords,
    maxKeptRecords,
  };
}

/** Counts one input's kept records against the bundle's budget (`BundleContext.recordsLeft`). */
export interface RecordKeeper {
  /** Whether the record of `line` may be kept; past the budget it is counted, not kept. */
  take(line: number): boolean;
  /** Says, once, how many records of the input were not kept and from which line. */
  end(): void;
}

/**
 * What an event costs of the records budget: an event keeps its fields as a map and its description, and
 * the event story indexes it twice (measured: about twice a WindowsUpdate.log line's memory).
 */
export const EVENT_RECORD_COST = 2;

/**
 * A record keeper for `input`, whose records are `what` (`lines that matter`, `events`), each costing `cost`
 * records of the budget.
 */
export function recordKeeper(ctx: BundleContext, input: Input, what: string, cost = 1): RecordKeeper {
  let dropped = 0;
  let from = 0;
  return {
    take(line) {
      if (ctx.recordsLeft >= cost) {
        ctx.recordsLeft -= cost;
        return true;
      }
      if (dropped++ === 0) from = line;
      return false;
    },
    end() {
      if (dropped === 0) return;
      ctx.diagnostics.push({
        level: 'warning',
        file: input.name,
        ...(from > 0 ? { line: from } : {}),
        message: `${dropped} ${what} from here on were counted but not kept: the bundle keeps at most ${ctx.maxKeptRecords} records for its stories (limit), so the diagnosis does not see them`,
      });
      dropped = 0;
    },
  };
}

/** One sample of a format: a short excerpt, and what reading it must give. */
export interface FormatSample {
  name: string;
  /** The excerpt as text (written to the test input as UTF-8)… */
  text?: string;
  /** …or as bytes, for a binary format. */
  bytes?: Buffer;
  /** What reading the sample alone must give (counted from the bundle context). */
  expect?: SampleExpect;
}

/** Counts and facts of a bundle context a sample asserts. */
export interface SampleExpect {
  events?: number;
  attempts?: number;
  /** Rule ids of the findings, in order. */
  findings?: string[];
  setupRecords?: number;
  systemInfos?: number;
  /** Builds reported by captures (`17763.1879`). */
  builds?: string[];
  fileHashes?: number;
  policy?: boolean;
  logs?: number;
  identity?: Partial<InputIdentity>;
}

/** A format patchdx reads. */
export interface Format {
  /** The format's own id (its file name). */
  id: string;
  /** The kind recorded in `SourceInfo.kind` (several formats may share one). */
  kind: string;
  /** One line for people: what files these are. */
  summary: string;
  /** Whether the head of a file is in this format. Linear in the head's size. */
  sniff(head: Head): boolean;
  /** Reads one input into the bundle. Bad content becomes diagnostics, never an exception. */
  read(input: Input, ctx: BundleContext): void;
  /** A binary format: sniffed before text is required of a file. */
  binary?: boolean;
  /** Inputs larger than this are not read (formats read whole); none when the format streams. */
  maxBytes?: number;
  /** Ids of later formats whose sniff also accepts some samples of this one: this one wins by its place. */
  shadows?: string[];
  samples: FormatSample[];
}

/** Declares a format (the identity function, for types and one shape). */
export function defineFormat(format: Format): Format {
  return format;
}

/** Lines of a decoded text, CRLF or LF. */
export function splitLines(text: string): string[] {
  return text.split(/\r?\n/);
}

/** Decodes a head for sniffing: the first 2,000 lines both ways. */
export function headOf(bytes: Buffer, size: number): Head {
  const sniff = sniffEncoding(bytes);
  let raw: string;
  const body = bytes.subarray(sniff.bomBytes);
  if (sniff.encoding === 'utf16le' || sniff.encoding === 'utf16be') raw = decodeText(bytes);
  else raw = body.toString('latin1');
  return {
    bytes,
    size,
    encoding: sniff.encoding,
    lines: splitLines(decodeText(bytes)),
    rawLines: splitLines(raw).slice(0, 2000),
    memo: new Map(),
  };
}

/** A source described by what a read found: its kind, line count, encoding and the span of its times. */
export function sourceOf(
  input: Input,
  kind: string,
  lines: number,
  encoding: string,
  times: { first: string | null; last: string | null } | (string | null | undefined)[] = [],
): SourceInfo {
  let first: string | null;
  let last: string | null;
  if (Array.isArray(times)) {
    const known = times.filter((t): t is string => !!t).sort();
    [first, last] = [known[0] ?? null, known[known.length - 1] ?? null];
  } else ({ first, last } = times);
  return { file: input.name, kind, bytes: input.bytes, lines, encoding, first, last, utcOffsetMinutes: null };
}

/** Adds a source and the clock hint it gives. */
export function addSource(
  ctx: BundleContext,
  source: SourceInfo,
  offsetMinutes: number | null,
  basis: ClockHint['basis'],
): void {
  ctx.sources.push(source);
  ctx.hints.push({ file: source.file, offsetMinutes, basis, first: source.first, last: source.last });
}

/** The first and last of a stream of sortable times, without keeping them. */
export class TimeSpan {
  first: string | null = null;
  last: string | null = null;
  add(t: string | null | undefined): void {
    if (!t) return;
    if (this.first === null || t < this.first) this.first = t;
    if (this.last === null || t > this.last) this.last = t;
  }
}

/**
 * Streams an input's lines, decoded (UTF-16 of either order, UTF-8, GB18030 line by line), to `fn`.
 * Returns the reading's statistics; `lines` counts as a split of the whole text would (a final line break
 * ends one more, empty, line), as sources have always been described.
 */
export function streamLines(
  input: Input,
  ctx: BundleContext,
  fn: (line: string, lineNo: number) => void,
): ReadStats & { problem: string | null; splitLines: number } {
  // Lines come out as the file's bytes when 8-bit, else as UTF-8 (UTF-16 is transcoded on the way).
  const encoding: Encoding =
    sniffEncoding(input.head().subarray(0, 4096)).encoding === '8bit' ? '8bit' : 'utf8-bom';
  const stats = input.readLines((buf, s, e, n) => fn(decodeLine(buf, s, e, encoding), n), {
    maxLineBytes: ctx.maxLineBytes,
    onProgress: (r) => ctx.onProgress?.(r),
  });
  if (stats.problem) ctx.diagnostics.push({ level: 'warning', file: input.name, message: stats.problem });
  for (const l of stats.longLines.slice(0, 5)) {
    ctx.diagnostics.push({
      level: 'warning',
      file: input.name,
      line: l.line,
      message: `line is ${l.bytes} bytes long; only the first ${ctx.maxLineBytes ?? 262144} bytes were read`,
    });
  }
  return { ...stats, splitLines: stats.lines + (stats.truncatedLastLine || stats.bytes === 0 ? 0 : 1) };
}

/** The whole text of a small input (a captured output), decoded. */
export function wholeText(input: Input, max: number): string {
  return decodeText(input.readAll(max));
}
