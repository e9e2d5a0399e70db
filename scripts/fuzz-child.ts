// One fuzz run, in a child process of scripts/fuzz.ts: `patchdx analyze` on one input (text report, stdout
// and stderr captured as the CLI writes them) and the same input's JSON, Markdown and HTML reports, then a
// verdict on what came out: raw control characters anywhere (escape), live HTML from the input in the HTML
// report, and the peak memory.
// Prints one JSON line; an exception escaping the command is a crash.

import { analyzeCommand } from '../src/cli/commands/analyze.js';
import { analyze, render, withAdvice } from '../src/index.js';
import { captureIo } from '../src/testing/io.js';
import { hasUnsafe } from '../src/report/safe-text.js';

/** What one child saw. */
export interface ChildResult {
  exits: number[];
  /** Where a raw control character came out (`text:stdout`, `html:stderr`…). */
  escapes: string[];
  /** Live markup the input planted in the HTML report. */
  html: boolean;
  /** Internal errors the CLI printed (exit 2 with `internal error`). */
  internal: string[];
  maxRssMb: number;
  outBytes: number;
}

// Tags and handlers the fuzzer plants; the HTML report never writes them itself.
const LIVE_HTML = /<(?:script|img|svg)\b|<[^>]*\son(?:error|load)=/i;

export async function runChild(path: string): Promise<ChildResult> {
  const r: ChildResult = { exits: [], escapes: [], html: false, internal: [], maxRssMb: 0, outBytes: 0 };
  const check = (format: string, out: string, err: string): void => {
    r.outBytes = Math.max(r.outBytes, out.length);
    if (hasUnsafe(out)) r.escapes.push(`${format}:stdout`);
    if (hasUnsafe(err)) r.escapes.push(`${format}:stderr`);
    if (format === 'html' && LIVE_HTML.test(out)) r.html = true;
    if (/internal error/i.test(err)) r.internal.push(err.slice(0, 500));
  };
  // The command as a user runs it, text report: its exit code, stdout and stderr.
  const cli = captureIo('en');
  r.exits.push(await analyzeCommand([path, '--format', 'text', '--no-color', '--timeout', '20'], cli.io));
  check('text', cli.out(), cli.err());
  // The other three formats of one more analysis through the API the command uses (the renderers are
  // what differs; analysing four times made a 10,000-input run twice as long).
  const d = withAdvice(await analyze(path, { thread: true, timeoutMs: 20_000 }));
  for (const format of ['json', 'md', 'html'] as const) {
    try {
      check(format, render(d, format, { lang: 'en' }), '');
    } catch (e) {
      r.internal.push(`${format}: ${String((e as Error)?.stack ?? e).slice(0, 500)}`);
    }
  }
  r.maxRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  return r;
}

const path = process.argv[2];
if (path) {
  runChild(path).then(
    (r) => process.stdout.write(JSON.stringify(r) + '\n'),
    (err: unknown) => {
      process.stdout.write(
        JSON.stringify({ thrown: String((err as Error)?.stack ?? err).slice(0, 2000) }) + '\n',
      );
      process.exitCode = 3;
    },
  );
}
