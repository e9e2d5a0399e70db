// Reading the stored upload for the web pages, off the event loop: the lines around one line of one source
// (the log viewer) and the error and warning lines of every source grouped by signature (the error table).
// A source is found only among the inputs `listInputs` lists for the stored path (zip entries are read in
// memory, never extracted), matched by name: a requested name that is not listed is simply not found, so
// no path given by a browser can reach a file outside the upload. Memory stays bounded: at most
// MAX_GROUPS signatures are kept, each with a few occurrences.

import { basename } from 'node:path';
import { Piscina } from 'piscina';
import { listInputs, type Input } from '../ingest/inputs.js';
import type { Diagnostic } from '../model/types.js';
import { ESM_ENTRY, esmTask, quietErrors, THREAD_YOUNG_GENERATION_MB } from '../pool/pool.js';

const SCAN_WORKER = new URL('./scan-worker.js', import.meta.url).href;

/** One line of a source. */
export interface SourceLine {
  line: number;
  text: string;
}

export interface Slice {
  file: string;
  lines: SourceLine[];
  /** Lines in the source, when it was read to the end. */
  total: number | null;
}

/** A signature of error/warning lines and where it occurs. */
export interface ErrorGroup {
  signature: string;
  level: 'error' | 'warning';
  count: number;
  /** First line text as written (for display). */
  sample: string;
  first: string | null;
  last: string | null;
  sources: string[];
  /** The first occurrences (file and line), for the viewer. */
  at: { file: string; line: number }[];
}

export interface ErrorIndex {
  groups: ErrorGroup[];
  /** Lines not grouped because MAX_GROUPS signatures were reached. */
  ungrouped: number;
  sources: string[];
  lines: number;
}

export type ScanTask =
  | { op: 'slice'; path: string; rootName?: string; file: string; line: number; context: number }
  | { op: 'errors'; path: string; rootName?: string }
  | { op: 'list'; path: string; rootName?: string };

export type ScanResult = Slice | ErrorIndex | string[] | null;

const MAX_GROUPS = 20_000;
const MAX_AT = 20;
const MAX_LINE_CHARS = 4000;

/** The inputs of a stored path, named as the analysis named them (`rootName` replaces a kept file's name). */
function inputsOf(
  path: string,
  rootName: string | undefined,
): { inputs: Input[]; names: string[]; close(): void } {
  const diagnostics: Diagnostic[] = [];
  const list = listInputs(path, diagnostics);
  const base = basename(path);
  const names = list.inputs.map((i) =>
    rootName && (i.name === base || i.name.startsWith(`${base}/`))
      ? rootName + i.name.slice(base.length)
      : i.name,
  );
  return { inputs: list.inputs, names, close: () => list.close() };
}

const decoder = new TextDecoder('utf-8');

function lineText(buf: Buffer, start: number, end: number): string {
  let e = end;
  if (e > start && buf[e - 1] === 0x0d) e--;
  const s = decoder.decode(buf.subarray(start, Math.min(e, start + MAX_LINE_CHARS * 4)));
  return s.length > MAX_LINE_CHARS ? `${s.slice(0, MAX_LINE_CHARS)}…` : s;
}

/** Whether an input is binary (an .evtx, a cabinet's data): its lines are not text to show. */
function isBinary(input: Input): boolean {
  const head = input.head().subarray(0, 4096);
  if (head.length >= 2 && ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)))
    return false;
  if (head.subarray(0, 8).toString('latin1') === 'ElfFile\0') return true;
  let zeros = 0;
  for (const b of head) if (b === 0) zeros++;
  // UTF-16 without a BOM has a zero in every other byte; a binary file has them here and there.
  return zeros > 0 && zeros < head.length / 3;
}

/** The lines `line - context … line + context` of `file`. */
export function readSlice(
  path: string,
  rootName: string | undefined,
  file: string,
  line: number,
  context: number,
): Slice | null {
  const { inputs, names, close } = inputsOf(path, rootName);
  try {
    const i = names.indexOf(file);
    if (i < 0) return null;
    const input = inputs[i]!;
    const from = Math.max(1, line - context);
    const to = line + context;
    const lines: SourceLine[] = [];
    if (isBinary(input)) return { file, lines, total: null };
    let last = 0;
    input.readLines(
      (buf, start, end, lineNo) => {
        last = lineNo;
        if (lineNo >= from && lineNo <= to) lines.push({ line: lineNo, text: lineText(buf, start, end) });
      },
      { maxLineBytes: 64 * 1024 },
    );
    return { file, lines, total: last };
  } finally {
    close();
  }
}

// A failure or warning by the line's own words: a level column, a CSI flag, an HRESULT failure.
const ERROR_RE =
  /(?:,\s*Error\s|\bERROR\b|\bFATAL\b|\(F\)|\(E\)|\bfailed\b|\bFailed\b|\bFAILED\b|\bfailure\b|\bError\b|错误|失败|(?:hr|HRESULT|hresult|result|Result|status|Status)\s*[=:]\s*0x[8cC][0-9a-fA-F]{7})/;
const WARN_RE = /(?:,\s*Warning\s|\bWARNING\b|\bWarning\b|\bWARN\b|\(W\)|警告)/;

/** The line without what differs between occurrences: times, ids, counters, GUIDs (error codes kept). */
export function lineSignature(text: string): string {
  return text
    .replace(/^\uFEFF/, '')
    .replace(
      /\d{4}[-/.]\d{1,2}[-/.]\d{1,2}[ T,]+\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:\s*[+-]\d{2,4})?,?/g,
      '',
    )
    .replace(/\d{1,2}\/\d{1,2}\/\d{4}\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AP]M)?/gi, '')
    .replace(/\b[0-9a-f]{8}@\d{4}\/\d{1,2}\/\d{1,2}:\d{2}:\d{2}:\d{2}(?:\.\d+)?/gi, '')
    .replace(/\{?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}?/gi, '{guid}')
    .replace(
      /\b(0x[0-9a-f]{8})\b|\b0x[0-9a-f]+\b|\b[0-9a-f]{8}\b|\b\d+\b/gi,
      (m, code: string | undefined) => (code ? code.toLowerCase() : '#'),
    )
    .replace(/\s+/g, ' ')
    .trim();
}

function localTime(text: string): string | null {
  const m = /(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})[ T,]+(\d{1,2}):(\d{2}):(\d{2})/.exec(text);
  if (!m) return null;
  const p = (s: string): string => s.padStart(2, '0');
  return `${m[1]}-${p(m[2]!)}-${p(m[3]!)} ${p(m[4]!)}:${m[5]}:${m[6]}`;
}

/** The error and warning lines of every source, grouped by signature, most frequent first. */
export function indexErrors(path: string, rootName: string | undefined): ErrorIndex {
  const { inputs, names, close } = inputsOf(path, rootName);
  const groups = new Map<string, ErrorGroup>();
  const sources = new Set<string>();
  let ungrouped = 0;
  let lines = 0;
  try {
    inputs.forEach((input, k) => {
      const file = names[k]!;
      if (isBinary(input)) return;
      sources.add(file);
      input.readLines(
        (buf, start, end, lineNo) => {
          lines++;
          // A cheap look first: most lines are neither.
          const text = lineText(buf, start, end);
          const level = ERROR_RE.test(text) ? 'error' : WARN_RE.test(text) ? 'warning' : null;
          if (!level) return;
          const sig = `${level}|${lineSignature(text)}`;
          let g = groups.get(sig);
          if (!g) {
            if (groups.size >= MAX_GROUPS) {
              ungrouped++;
              return;
            }
            g = {
              signature: sig.slice(level.length + 1),
              level,
              count: 0,
              sample: text,
              first: null,
              last: null,
              sources: [],
              at: [],
            };
            groups.set(sig, g);
          }
          g.count++;
          const time = localTime(text);
          if (time) {
            if (!g.first || time < g.first) g.first = time;
            if (!g.last || time > g.last) g.last = time;
          }
          if (!g.sources.includes(file) && g.sources.length < 50) g.sources.push(file);
          if (g.at.length < MAX_AT) g.at.push({ file, line: lineNo });
        },
        { maxLineBytes: 64 * 1024 },
      );
    });
  } finally {
    close();
  }
  const sorted = [...groups.values()].sort(
    (a, b) => b.count - a.count || a.signature.localeCompare(b.signature),
  );
  return { groups: sorted, ungrouped, sources: [...sources], lines };
}

/** Runs a task in this thread (the worker's body, and tests). */
export function runScanHere(task: ScanTask): ScanResult {
  switch (task.op) {
    case 'slice':
      return readSlice(task.path, task.rootName, task.file, task.line, task.context);
    case 'errors':
      return indexErrors(task.path, task.rootName);
    case 'list': {
      const l = inputsOf(task.path, task.rootName);
      l.close();
      return l.names;
    }
  }
}

/** Warm threads that read stored uploads (module start-up paid once per thread); `close` when done. */
export class ScanPool {
  private readonly piscina: Piscina;
  constructor(threads = 2) {
    this.piscina = quietErrors(
      new Piscina({
        filename: ESM_ENTRY,
        minThreads: 0,
        maxThreads: threads,
        idleTimeout: 60_000,
        resourceLimits: { maxYoungGenerationSizeMb: THREAD_YOUNG_GENERATION_MB },
      }),
    );
  }

  /** Runs a task on a thread, so the server's event loop stays free; `signal` stops it. */
  run(task: ScanTask, signal?: AbortSignal): Promise<ScanResult> {
    return this.piscina.run(esmTask(SCAN_WORKER, task), { signal }) as Promise<ScanResult>;
  }

  /** Tasks waiting for a thread. */
  get queued(): number {
    return this.piscina.queueSize;
  }

  async close(): Promise<void> {
    await this.piscina.destroy();
  }
}
