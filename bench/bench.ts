// Benchmark (not a test): builds a large CBS log from the real corpus logs, analyses it in a fresh process
// and reports throughput (MB/s, lines/s) and peak RSS next to the time `grep -cE 'HRESULT|\(F\)|Error'`
// takes on the same file; the whole command (text and --json) paired run by run with grep; then the same
// for a zip bundle laid out like the collector's (2× the logs) in every report format; and start-up. Floors
// beside them: a Node process that only reads the file, and one that also finds every line break.
// Usage: npm run bench [-- --mb 300 --runs 3 --keep]

import { spawnSync } from 'node:child_process';
import {
  closeSync,
  createWriteStream,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { Zip, ZipDeflate } from 'fflate';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

const { values } = parseArgs({
  options: {
    mb: { type: 'string', default: '300' },
    runs: { type: 'string', default: '3' },
    keep: { type: 'boolean' },
  },
});
const targetMB = Number(values.mb);
const runs = Math.max(1, Number(values.runs));
// The repository root: this file runs as dist/bench/bench.js.
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const corpus = join(root, '..', 'shared', 'corpus');
const outDir = join(root, 'bench', 'out');
const bigLog = join(outDir, `CBS-${targetMB}MB.log`);
const bundle = join(outDir, `bundle-${targetMB}MB.zip`);

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

/**
 * A collector-style bundle: the big log as CBS/CBS.log and again as CBS/CbsPersist_*.log (its years moved
 * back a century, so it is an older, rotated log and not a copy: copies are read once), plus the corpus'
 * other logs (2× the target, uncompressed), deflated by fflate's streaming zip writer.
 */
/** `2023-05-23 …` at a line start becomes `1923-05-23 …` (a stamp cut by the chunk edge stays). */
function ageStamps(chunk: Buffer): void {
  for (let i = 0; i + 1 < chunk.length; i++) {
    if (i > 0 && chunk[i - 1] !== 0x0a) continue;
    if (chunk[i] === 0x32 && chunk[i + 1] === 0x30) {
      chunk[i] = 0x31;
      chunk[i + 1] = 0x39;
    }
  }
}

function buildBundle(): void {
  if (existsSync(bundle)) return;
  const fd = openSync(bundle, 'w');
  const zip = new Zip((err, data) => {
    if (err) throw err;
    writeSync(fd, data);
  });
  const addFile = (name: string, path: string, older = false): void => {
    const entry = new ZipDeflate(name, { level: 6 });
    zip.add(entry);
    const src = openSync(path, 'r');
    const buf = Buffer.allocUnsafe(4 * 1024 * 1024);
    let n: number;
    while ((n = readSync(src, buf, 0, buf.length, null)) > 0) {
      const chunk = buf.subarray(0, n);
      if (older) ageStamps(chunk);
      entry.push(new Uint8Array(chunk));
    }
    entry.push(new Uint8Array(0), true);
    closeSync(src);
  };
  addFile('CBS/CbsPersist_20230101000000.log', bigLog, true);
  addFile('CBS/CBS.log', bigLog);
  addFile('DISM/dism.log', join(corpus, 'dism03-appostarsi-w10-multi', 'dism_5_23.log'));
  addFile(
    'EventLogs/System.evtx',
    join(corpus, 'evtx01-omerbenamram-w10-1703-kb4025342-80248007', 'system.evtx'),
  );
  zip.end();
  closeSync(fd);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** The package's bin as installed (package.json `bin`). */
const bin = join(
  root,
  (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { bin: Record<string, string> }).bin
    .patchdx!,
);

/** One whole run of the CLI, its output thrown away: wall time, and peak RSS where /usr/bin/time exists. */
function timeCli(args: string[]): { ms: number; rssMB: number | null } {
  const time = existsSync('/usr/bin/time');
  const cmd = time ? '/usr/bin/time' : process.execPath;
  const argv = time ? ['-f', '%M', process.execPath, bin, ...args] : [bin, ...args];
  const t0 = performance.now();
  const r = spawnSync(cmd, argv, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (r.status !== 0 && r.status !== 1) throw new Error(`patchdx ${args.join(' ')} failed: ${r.stderr}`);
  const kb = time ? Number(r.stderr.trim().split('\n').pop()) : NaN;
  return { ms, rssMB: Number.isFinite(kb) ? kb / 1024 : null };
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
/** One analysis of `path` in a fresh process (run-once.js), with `--split` when asked. */
function runOnce(
  path: string,
  split = false,
): { ms: number; maxRssMB: number; lines: number; bytes: number; entries: number; findings: number } {
  const r = spawnSync(
    process.execPath,
    [join(root, 'dist', 'bench', 'run-once.js'), path, ...(split ? ['--split'] : [])],
    {
      encoding: 'utf8',
    },
  );
  if (r.status !== 0) throw new Error(`analysis of ${path} failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as ReturnType<typeof runOnce>;
}

const analyses = Array.from({ length: runs }, () => runOnce(bigLog));
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
// The same analysis with the log read by two threads, paired run by run with one thread.
const splitPairs = Array.from({ length: runs }, () => ({ one: runOnce(bigLog), two: runOnce(bigLog, true) }));
const two = splitPairs[0]!.two;
console.log(
  `two threads   ${(median(splitPairs.map((p) => p.two.ms)) / 1000).toFixed(2)} s median, ${median(splitPairs.map((p) => p.two.ms / p.one.ms)).toFixed(2)}× one thread (paired), peak RSS ${Math.max(...splitPairs.map((p) => p.two.maxRssMB)).toFixed(0)} MB; ${two.findings === a0.findings && two.entries === a0.entries ? 'same' : 'DIFFERENT'} entries and findings`,
);

// The whole command as a user runs it (the package's bin), paired run by run with grep on the same file.
const pairs = Array.from({ length: runs }, () => ({
  grep: timeGrep().ms,
  text: timeCli(['analyze', bigLog]),
  json: timeCli(['analyze', '--json', bigLog]),
}));
for (const f of ['text', 'json'] as const) {
  const ratio = median(pairs.map((p) => p[f].ms / p.grep));
  const rss = pairs.map((p) => p[f].rssMB).filter((x): x is number => x !== null);
  console.log(
    `whole ${f.padEnd(7)} ${(median(pairs.map((p) => p[f].ms)) / 1000).toFixed(2)} s median, ${ratio.toFixed(2)}× grep (paired)${rss.length ? `, peak RSS ${Math.max(...rss).toFixed(0)} MB` : ''}`,
  );
}

// Floors: what a Node process pays before any analysis — reading the file, and reading it while finding every
// line break (the least any design that walks lines pays) — paired with grep like the whole command.
const READ_ONLY = `const fs=require('fs');const fd=fs.openSync(process.argv[1],'r');const b=Buffer.allocUnsafe(1<<20);let t=0,n;while((n=fs.readSync(fd,b,0,b.length,null))>0)t+=n;console.log(t)`;
const LINE_WALK = `const fs=require('fs');const fd=fs.openSync(process.argv[1],'r');const b=Buffer.allocUnsafe(1<<20);let l=0,n;while((n=fs.readSync(fd,b,0,b.length,null))>0){const c=b.subarray(0,n);for(let p=c.indexOf(10);p!==-1;p=c.indexOf(10,p+1))l++}console.log(l)`;
const timeNode = (script: string): number => {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['-e', script, bigLog], { stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.status !== 0) throw new Error(`floor script failed: ${String(r.stderr)}`);
  return performance.now() - t0;
};
const floors = Array.from({ length: runs }, () => ({
  grep: timeGrep().ms,
  read: timeNode(READ_ONLY),
  walk: timeNode(LINE_WALK),
}));
for (const [f, label] of [
  ['read', 'node reading the file'],
  ['walk', 'node finding each line break'],
] as const) {
  console.log(
    `floor         ${label}: ${(median(floors.map((p) => p[f])) / 1000).toFixed(2)} s median, ${median(floors.map((p) => p[f] / p.grep)).toFixed(2)}× grep (paired)`,
  );
}

buildBundle();
const bundleRuns = Array.from({ length: runs }, () => runOnce(bundle));
const bms = median(bundleRuns.map((a) => a.ms));
const bmb = bundleRuns[0]!.bytes / 1e6;
console.log(
  `bundle        ${bundle} (${(statSync(bundle).size / 1e6).toFixed(0)} MB zip, ${bmb.toFixed(0)} MB of logs read): ${(bms / 1000).toFixed(2)} s median → ${(bmb / (bms / 1000)).toFixed(0)} MB/s, peak RSS ${Math.max(...bundleRuns.map((a) => a.maxRssMB)).toFixed(0)} MB`,
);
for (const f of ['text', 'json', 'md', 'html'] as const) {
  const rs = Array.from({ length: runs }, () => timeCli(['analyze', '--format', f, bundle]));
  const rss = rs.map((r) => r.rssMB).filter((x): x is number => x !== null);
  console.log(
    `bundle ${f.padEnd(6)} ${(median(rs.map((r) => r.ms)) / 1000).toFixed(2)} s median (whole process)${rss.length ? `, peak RSS ${Math.max(...rss).toFixed(0)} MB` : ''}`,
  );
}

// Many runs: the 51-line sample (one TrustedInstaller run failing on a corrupt manifest) repeated to 100 MB,
// 12,521 runs. Work that grows with the runs already seen shows here (a scan of every attempt per run made this
// take 94 s before the seventh session; 6–7 s since).
const manyRuns = join(outDir, 'many-runs-100MB.log');
if (!existsSync(manyRuns)) {
  const sample = readFileSync(join(root, 'examples', 'CBS.log'));
  writeFileSync(
    manyRuns,
    Buffer.concat(Array.from({ length: Math.ceil(100e6 / sample.length) }, () => sample)),
  );
}
const many = Array.from({ length: runs }, () => timeCli(['analyze', '--json', manyRuns]));
const manyRss = many.map((r) => r.rssMB).filter((x): x is number => x !== null);
console.log(
  `many runs     ${manyRuns} (${(statSync(manyRuns).size / 1e6).toFixed(0)} MB, the sample ×${Math.ceil(100e6 / statSync(join(root, 'examples', 'CBS.log')).size)}): ${(median(many.map((r) => r.ms)) / 1000).toFixed(2)} s median (whole process, --json)${manyRss.length ? `, peak RSS ${Math.max(...manyRss).toFixed(0)} MB` : ''}`,
);

// One long run: the sample's lines repeated to 100 MB with its TrustedInstaller start kept only once, so one
// run holds 13,932 failed operations. Work per operation that grows with the run shows here (the scans of the
// run per failed operation made this take 108 s before the seventh session; 3–4 s since).
const oneRun = join(outDir, 'one-run-100MB.log');
if (!existsSync(oneRun)) {
  const lines = readFileSync(join(root, 'examples', 'CBS.log'), 'latin1').split('\n');
  const body = Buffer.from(
    lines
      .filter(
        (l) =>
          !/TrustedInstaller initialization|Initializing Trusted Installer|TiWorker initialization/.test(l),
      )
      .join('\n'),
    'latin1',
  );
  const head = readFileSync(join(root, 'examples', 'CBS.log'));
  writeFileSync(
    oneRun,
    Buffer.concat([head, ...Array.from({ length: Math.ceil(100e6 / body.length) }, () => body)]),
  );
}
const one = Array.from({ length: runs }, () => timeCli(['analyze', '--json', oneRun]));
const oneRss = one.map((r) => r.rssMB).filter((x): x is number => x !== null);
console.log(
  `one long run  ${oneRun} (${(statSync(oneRun).size / 1e6).toFixed(0)} MB): ${(median(one.map((r) => r.ms)) / 1000).toFixed(2)} s median (whole process, --json)${oneRss.length ? `, peak RSS ${Math.max(...oneRss).toFixed(0)} MB` : ''}`,
);

// Start-up: Node's own beside the shortest commands, in turns (node, explain, analysis, node, …) and started
// alike, so that a drift of the machine's speed moves all three.
const spawnMs = (argv: string[]): number => {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, argv, { stdio: 'ignore' });
  if (r.status !== 0 && r.status !== 1) throw new Error(`node ${argv.join(' ')} exited with ${r.status}`);
  return performance.now() - t0;
};
const turns = { node: [] as number[], explain: [] as number[], tiny: [] as number[] };
for (let i = 0; i < 15; i++) {
  turns.node.push(spawnMs(['-e', '0']));
  turns.explain.push(spawnMs([bin, 'explain', '0x80073712']));
  turns.tiny.push(spawnMs([bin, 'analyze', join(root, 'examples', 'CBS.log')]));
}
const [nodeMs, explainMs, tinyMs] = [turns.node, turns.explain, turns.tiny].map(median) as [
  number,
  number,
  number,
];
console.log(
  `start-up      node -e 0 ${nodeMs.toFixed(0)} ms; explain ${explainMs.toFixed(0)} ms (+${(explainMs - nodeMs).toFixed(0)}); 51-line analysis ${tinyMs.toFixed(0)} ms (+${(tinyMs - nodeMs).toFixed(0)}), medians of 15 in turns`,
);
if (!values.keep) rmSync(outDir, { recursive: true, force: true });
