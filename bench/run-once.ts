// One measured analysis in a fresh process: prints JSON with wall time, peak RSS and counts.
// Used by bench.ts so the figures belong to the analysis alone, not to the harness.

import { analyze } from '../src/index.js';

const input = process.argv[2];
if (!input) {
  process.stderr.write('usage: run-once <path>\n');
  process.exit(2);
}
const t0 = performance.now();
const d = await analyze(input);
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
