// `patchdx analyze <path>`: read the logs, diagnose, print the report. Exit 0 healthy, 1 failure, 2 could not run.

import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { analyze, reportChunks, withAdvice, type SimilarReport } from '../../index.js';
import { errLine, langOption, writeOut, type Io } from '../io.js';
import { safeLine } from '../../report/safe-text.js';
import { ANALYZE_OPTIONS, smallTextFile } from './analyze-options.js';

const PROGRESS_MIN_BYTES = 20 * 1024 * 1024;
/** Default `--timeout`: a collector bundle of several GB reads in a few minutes. */
export const DEFAULT_TIMEOUT_SECONDS = 900;

/** `4G`, `512M`, `100k`, `1000000` → bytes (powers of 1024); null when not a size. */
export function parseSize(text: string): number | null {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?$/i.exec(text.trim());
  if (!m) return null;
  const n = Number(m[1]) * 1024 ** ' kmgt'.indexOf(m[2]!.toLowerCase() || ' ');
  return Number.isFinite(n) && n >= 1 ? Math.floor(n) : null;
}

/** `600`, `90s`, `10m`, `1h` → seconds; `0` turns the limit off; null when not a duration. */
export function parseSeconds(text: string): number | null {
  const m = /^(\d+(?:\.\d+)?)\s*([smh]?)$/i.exec(text.trim());
  if (!m) return null;
  return Number(m[1]) * ({ '': 1, s: 1, m: 60, h: 3600 } as Record<string, number>)[m[2]!.toLowerCase()]!;
}

export async function analyzeCommand(args: string[], io: Io): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: ANALYZE_OPTIONS });
  } catch (err) {
    io.err(`patchdx analyze: ${safeLine((err as Error).message)}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) {
    io.err(
      'patchdx analyze: give exactly one input: a CBS.log, a CbsPersist log, or a folder holding them\n',
    );
    return 2;
  }
  const lang = langOption(values.lang, io);
  if (!lang) return 2;
  const format = values.json ? 'json' : (values.format ?? 'text');
  if (!['text', 'json', 'md', 'markdown', 'html'].includes(format)) {
    io.err(`patchdx analyze: --format must be text, json, md or html, not "${safeLine(format)}"\n`);
    return 2;
  }
  if (values.schema !== undefined && values.schema !== '1' && values.schema !== '2') {
    io.err(`patchdx analyze: --schema must be 1 or 2, not "${safeLine(values.schema)}"\n`);
    return 2;
  }
  const schema = values.schema === '1' ? 1 : 2;
  if (values.similar && !values.db) {
    io.err('patchdx analyze: --similar needs --db FILE|postgres://… (the case store holding past cases)\n');
    return 2;
  }
  const limits: { maxExpandedBytes?: number; maxEntries?: number } = {};
  if (values['max-bytes'] !== undefined) {
    const n = parseSize(values['max-bytes']);
    if (n === null) {
      io.err(
        `patchdx analyze: --max-bytes must be a size such as 4G, 500M or 1000000, not "${safeLine(values['max-bytes'])}"\n`,
      );
      return 2;
    }
    limits.maxExpandedBytes = n;
  }
  if (values['max-entries'] !== undefined) {
    const n = /^\d+$/.test(values['max-entries']) ? Number(values['max-entries']) : 0;
    if (n < 1) {
      io.err(
        `patchdx analyze: --max-entries must be a whole number of files, not "${safeLine(values['max-entries'])}"\n`,
      );
      return 2;
    }
    limits.maxEntries = n;
  }
  const seconds = values.timeout === undefined ? DEFAULT_TIMEOUT_SECONDS : parseSeconds(values.timeout);
  if (seconds === null) {
    io.err(
      `patchdx analyze: --timeout must be seconds (or 90s, 10m, 1h; 0 for none), not "${safeLine(values.timeout!)}"\n`,
    );
    return 2;
  }
  const input = positionals[0]!;
  const t0 = Date.now();
  let lastDraw = 0;
  const progress = io.errIsTty
    ? ({ bytesRead: read, totalBytes: total }: { bytesRead: number; totalBytes: number }): void => {
        const now = Date.now();
        if (total < PROGRESS_MIN_BYTES || now - lastDraw < 200) return;
        lastDraw = now;
        const secs = (now - t0) / 1000;
        const rate = read / 1e6 / Math.max(secs, 0.001);
        const eta = rate > 0 ? (total - read) / 1e6 / rate : 0;
        io.err(
          `\r  ${(read / 1e6).toFixed(0)}/${(total / 1e6).toFixed(0)} MB  ${rate.toFixed(0)} MB/s  ETA ${eta.toFixed(0)}s   `,
        );
      }
    : undefined;
  const d = withAdvice(
    await analyze(input, {
      // On a thread, whose heap is set for reading large logs (see run.ts), so memory stays bounded
      // whatever the input's size. A small lone text log is quicker read here.
      thread: !smallTextFile(input),
      onProgress: progress,
      limits,
      timeoutMs: seconds > 0 ? seconds * 1000 : undefined,
      // Two threads for a large log only where a core is free for the second (see the option).
      splitLargeLogs: availableParallelism() >= 4,
    }),
  );
  if (progress && lastDraw > 0) io.err('\r' + ' '.repeat(60) + '\r');
  const color = (values.color ?? io.outIsTty) && !values['no-color'] && !io.noColorEnv;
  let similar: SimilarReport | undefined;
  if (values.similar && values.db && d.verdict !== 'unreadable') {
    // The case store and the search load when asked for, not at every analysis's start.
    const { openCaseStore, similarCases } = await import('../../index.js');
    const store = await openCaseStore(values.db);
    try {
      similar = await similarCases(store, { diagnoses: [d] });
    } finally {
      await store.close();
    }
  }
  // Written as it is made: a large report is never held whole (src/report/stream.ts).
  await writeOut(
    io,
    reportChunks(d, format === 'markdown' ? 'md' : (format as 'text' | 'json' | 'md' | 'html'), {
      lang,
      color,
      schema,
      similar,
      verbose: values.verbose ?? false,
    }),
  );
  if (d.verdict === 'unreadable') {
    for (const x of d.diagnostics.filter((x) => x.level === 'error')) {
      errLine(io, 'patchdx', x.file, x.message, x.line);
    }
    return 2;
  }
  return d.verdict === 'failed' ? 1 : 0;
}
