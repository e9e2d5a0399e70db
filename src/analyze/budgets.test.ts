// The analysis's budgets as the public API offers them (issue 17): bytes read (`limits.maxExpandedBytes`,
// `--max-bytes`), entries (`limits.maxEntries`, `--max-entries`) and time (`timeoutMs`, `--timeout`). Past a
// limit what lies beyond is a diagnostic naming the input and the limit and the rest is analysed; the time
// limit ends the analysis with a partial diagnosis. And a CBS run's kept entries stop at their cap.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeBuffer, analyzePath } from './analyze.js';
import { runAnalysis } from './run.js';
import { packageRoot } from '../knowledge/paths.js';
import { analyzeCommand, parseSeconds, parseSize } from '../cli/commands/analyze.js';
import { captureIo } from '../testing/io.js';
import { MAX_RUN_ENTRIES } from '../rules/engine.js';

const sample = readFileSync(join(packageRoot(), 'examples', 'CBS.log'));

function withDir<T>(fn: (dir: string) => Promise<T> | T): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'patchdx-budgets-'));
  return Promise.resolve(fn(dir)).finally(() => rmSync(dir, { recursive: true, force: true }));
}

test('maxExpandedBytes: files past the bytes budget are skipped by name, the ones before analysed', () =>
  withDir((dir) => {
    for (const n of ['a', 'b', 'c']) writeFileSync(join(dir, `${n}-CBS.log`), sample);
    const d = analyzePath(dir, { limits: { maxExpandedBytes: sample.length * 2 + 10 } });
    assert.deepEqual(
      d.sources.map((s) => s.file),
      ['a-CBS.log', 'b-CBS.log'],
    );
    const skipped = d.diagnostics.filter((x) => /--max-bytes/.test(x.message));
    assert.equal(skipped.length, 1);
    assert.equal(skipped[0]!.file, 'c-CBS.log');
    assert.equal(d.verdict, 'failed');
  }));

test('maxEntries: past the entries budget the rest is skipped with one diagnostic', () =>
  withDir((dir) => {
    for (const n of ['a', 'b', 'c', 'd']) writeFileSync(join(dir, `${n}-CBS.log`), sample);
    const d = analyzePath(dir, { limits: { maxEntries: 2 } });
    assert.equal(d.sources.length, 2);
    assert.equal(
      d.diagnostics.filter((x) => /more than 2 files and archive entries \(limit\)/.test(x.message)).length,
      1,
    );
  }));

test('timeoutMs: a spent time limit gives a partial diagnosis with a diagnostic naming where it stopped', async () => {
  // A limit already spent: nothing is read, and the diagnosis says so rather than failing.
  const d = analyzeBuffer('CBS.log', sample, { timeoutMs: 0 });
  const stop = d.diagnostics.filter((x) => /analysis stopped: the time limit of 0 s/.test(x.message));
  assert.equal(stop.length, 1);
  assert.equal(stop[0]!.file, 'CBS.log');
  assert.match(stop[0]!.message, /the diagnosis is partial/);
  // Through the public API, on a thread too: it resolves, never rejects.
  const t = await runAnalysis({ name: 'CBS.log', data: sample }, { thread: true, timeoutMs: 0 });
  assert.ok(t.diagnostics.some((x) => /analysis stopped/.test(x.message)));
  // With time enough, the same input is analysed whole.
  assert.equal(analyzeBuffer('CBS.log', sample, { timeoutMs: 60_000 }).verdict, 'failed');
});

test('a time limit reached inside a long CBS log keeps what was read of it', () => {
  // 40 MB of CBS lines after the sample: the limit falls part-way through the engine pass.
  const filler = Buffer.from(
    '2023-01-05 17:16:16, Info                  CBS    Exec: Processing complete.  Session: 31008853_2040470245, Package: Package_for_RollupFix [HRESULT = 0x00000000 - S_OK]\r\n',
  );
  const big = Buffer.concat([sample, Buffer.alloc(filler.length * 300_000, filler)]);
  const d = analyzeBuffer('CBS.log', big, { timeoutMs: 300 });
  const stop = d.diagnostics.find((x) => /analysis stopped/.test(x.message));
  assert.ok(stop, 'stopped');
  assert.equal(d.sources.length, 1);
  assert.ok(d.sources[0]!.lines > 0 && d.sources[0]!.bytes < big.length, 'part of the log was read');
});

test('CLI: --max-bytes, --max-entries and --timeout are parsed, checked and passed on', async () => {
  assert.equal(parseSize('4G'), 4 * 1024 ** 3);
  assert.equal(parseSize('500m'), 500 * 1024 ** 2);
  assert.equal(parseSize('1000'), 1000);
  assert.equal(parseSize('lots'), null);
  assert.equal(parseSeconds('10m'), 600);
  assert.equal(parseSeconds('90'), 90);
  assert.equal(parseSeconds('0'), 0);
  assert.equal(parseSeconds('-1'), null);
  const run = async (args: string[]): Promise<{ code: number; out: string; err: string }> => {
    const cli = captureIo('en');
    const code = await analyzeCommand(args, cli.io);
    return { code, out: cli.out(), err: cli.err() };
  };
  await withDir(async (dir) => {
    for (const n of ['a', 'b']) writeFileSync(join(dir, `${n}-CBS.log`), sample);
    const bad = await run([dir, '--max-bytes', 'lots']);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--max-bytes must be a size/);
    assert.equal((await run([dir, '--max-entries', '0'])).code, 2);
    assert.equal((await run([dir, '--timeout', 'soon'])).code, 2);
    const one = await run([dir, '--json', '--max-entries', '1']);
    assert.equal(one.code, 1);
    assert.equal(JSON.parse(one.out).sources.length, 1);
    const bytes = await run([dir, '--json', '--max-bytes', String(sample.length)]);
    assert.ok(
      JSON.parse(bytes.out).diagnostics.some(
        (x: { file: string; message: string }) => x.file === 'b-CBS.log' && /--max-bytes/.test(x.message),
      ),
    );
    const timed = await run([dir, '--json', '--timeout', '0']);
    assert.equal(timed.code, 1, '0 turns the limit off');
  });
});

test('a TrustedInstaller run keeps at most MAX_RUN_ENTRIES entries for context, and says so', () => {
  const line = Buffer.from(
    '2023-01-05 17:16:16, Info                  CBS    Exec: Processing complete.  Session: 31008853_2040470245, Package: Package_for_RollupFix [HRESULT = 0x00000000 - S_OK]\r\n',
  );
  const d = analyzeBuffer(
    'CBS.log',
    Buffer.concat([sample, Buffer.alloc(line.length * (MAX_RUN_ENTRIES + 100), line)]),
  );
  assert.ok(
    d.diagnostics.some((x) => new RegExp(`more than ${MAX_RUN_ENTRIES} kept entries`).test(x.message)),
  );
  // The failure before the filler is still diagnosed.
  assert.equal(d.verdict, 'failed');
});
