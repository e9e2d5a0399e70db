// One measured analysis in a fresh process: prints JSON with wall time, peak RSS and counts.
// Used by bench.ts so the figures belong to the analysis alone, not to the harness. `--split`: a large log
// read by two threads (the splitLargeLogs option).

import { analyze } from '../src/index.js';

const input = process.argv[2];
const split = process.argv.includes('--split');
if (!input) {
  process.stderr.write('usage: run-once <path> [--split]\n');
  process.exit(2);
}
const t0 = performance.now();
const d = await analyze(input, { splitLargeLogs: split });
const ms = performance.now() - t0;
process.stdout.write(
  JSON.stringify({
    ms,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
    bytes: d.stats.bytes,
    lines: d.stats.lines,
    entries: d.stats.entries,
    findings: d.findings.length,
    attempts: d.attempts.length,
    verdict: d.verdict,
  }) + '\n',
);
