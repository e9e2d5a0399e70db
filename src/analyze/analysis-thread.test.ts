// The analysis thread started ahead of its input: the next threaded analysis takes it and gives the same
// diagnosis as a thread started for it; one nobody takes does not keep the process alive.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { prestartAnalysisThread, spareThreadWaiting } from './analysis-thread.js';
import { runAnalysis } from './run.js';
import { examplePath } from '../testing/paths.js';

test('a threaded analysis takes the thread started ahead, with the same diagnosis', async () => {
  const input = examplePath('CBS.log');
  const fresh = await runAnalysis(input, { thread: true });
  prestartAnalysisThread();
  prestartAnalysisThread(); // a second call starts no second thread
  assert.equal(spareThreadWaiting(), true);
  const progress: number[] = [];
  const ahead = await runAnalysis(input, { thread: true, onProgress: (p) => progress.push(p.bytesRead) });
  assert.equal(spareThreadWaiting(), false);
  assert.ok(progress.length > 0);
  fresh.stats.ms = ahead.stats.ms = 0;
  assert.deepEqual(ahead, fresh);
  assert.equal(ahead.verdict, 'failed');
});

test('an abort ends the thread started ahead as it ends any other', async () => {
  prestartAnalysisThread();
  const stop = new AbortController();
  const run = runAnalysis(examplePath('CBS.log'), { signal: stop.signal });
  stop.abort();
  await assert.rejects(run, { name: 'AbortError' });
  assert.equal(spareThreadWaiting(), false);
});

test('a thread started ahead and never taken lets the process end at once', () => {
  const here = dirname(fileURLToPath(import.meta.url));
  const mod = pathToFileURL(join(here, 'analysis-thread.js')).href;
  const t0 = Date.now();
  const r = spawnSync(
    process.execPath,
    ['--input-type=module', '-e', `import(${JSON.stringify(mod)}).then((m) => m.prestartAnalysisThread())`],
    { encoding: 'utf8', timeout: 20_000 },
  );
  assert.equal(r.status, 0, r.stderr);
  assert.ok(Date.now() - t0 < 10_000);
});
