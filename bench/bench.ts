// Benchmark (not a test): builds a large CBS log from the real corpus logs, analyses it in a fresh process
// and reports throughput (MB/s, lines/s) and peak RSS next to the time `grep -cE 'HRESULT|\(F\)|Error'`
// takes on the same file. Usage: npm run bench [-- --mb 300 --runs 3 --keep]

import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { packageRoot } from '../src/knowledge/paths.js';

const { values } = parseArgs({
  options: {
    mb: { type: 'string', default: '300' },
    runs: { type: 'string', default: '3' },
    keep: { type: 'boolean' },
  },
});
const targetMB = Number(values.mb);
const runs = Math.max(1, Number(values.runs));
const root = packageRoot();
const corpus = join(root, '..', 'shared', 'corpus');
const outDir = join(root, 'bench', 'out');
const bigLog = join(outDir, `CBS-${targetMB}MB.log`);

/** Real CBS logs, failing and healthy, cycled until the target size is reached. */
const SOURCES = [
  'cbs01-appostarsi-w11/CBS.log',
  'cbs02-appostarsi-w10-pendingrepair/CBS_5_23.log',
  'cbs03-appostarsi-w10-healthy/CBS Win 10.log',
  'cbs08-jose-1903-healthy/CBS.log',
  'cbs13-eyeofparadox-w11-oobe-ok/CBS.log',
  'cbs16-jessestew-w11-22h2-healthy/CBS.log',
];

async function build(): Promise<void> {
  if (existsSync(bigLog) && statSync(bigLog).size >= targetMB * 1e6) return;
  mkdirSync(outDir, { recursive: true });
  const parts = SOURCES.map((s) => {
    const b = readFileSync(join(corpus, s));
    // Drop a UTF-8 BOM: only the first byte of the big file may carry one.
    return b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? b.subarray(3) : b;
  });
  const out = createWriteStream(bigLog);
  let written = 0;
  for (let i = 0; written < targetMB * 1e6; i++) {
    const p = parts[i % parts.length]!;
    if (!out.write(p)) await new Promise<void>((r) => out.once('drain', () => r()));
    written += p.length;
  }
  await new Promise<void>((r) => out.end(r));
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function timeGrep(): { ms: number; count: string } {
  const t0 = performance.now();
  const r = spawnSync('grep', ['-cE', 'HRESULT|\\(F\\)|Error', bigLog], { encoding: 'utf8' });
  return { ms: performance.now() - t0, count: r.stdout.trim() };
}

await build();
const size = statSync(bigLog).size;
timeGrep(); // warm the page cache
const greps = Array.from({ length: runs }, () => timeGrep());
const analyses = Array.from({ length: runs }, () => {
  const r = spawnSync(process.execPath, [join(root, 'dist', 'bench', 'run-once.js'), bigLog], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`analysis failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as {
    ms: number;
    maxRssMB: number;
    lines: number;
    entries: number;
    findings: number;
  };
});
const ms = median(analyses.map((a) => a.ms));
const grepMs = median(greps.map((g) => g.ms));
const a0 = analyses[0]!;
const mb = size / 1e6;
console.log(`input         ${bigLog} (${mb.toFixed(0)} MB, ${a0.lines.toLocaleString('en')} lines)`);
console.log(
  `analysis      ${(ms / 1000).toFixed(2)} s median of ${runs}  →  ${(mb / (ms / 1000)).toFixed(0)} MB/s, ${Math.round(a0.lines / (ms / 1000)).toLocaleString('en')} lines/s`,
);
console.log(`peak RSS      ${Math.max(...analyses.map((a) => a.maxRssMB)).toFixed(0)} MB (max of ${runs})`);
console.log(`kept entries  ${a0.entries.toLocaleString('en')}, findings ${a0.findings.toLocaleString('en')}`);
console.log(`grep -cE      ${(grepMs / 1000).toFixed(2)} s median (${greps[0]!.count} matching lines)`);
console.log(`ratio         ${(ms / grepMs).toFixed(2)}× grep`);
if (!values.keep) rmSync(outDir, { recursive: true, force: true });
