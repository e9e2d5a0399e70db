// The analysis pool: same diagnosis as `analyze`, at most `threads` at once with the others told their place
// in the queue, aborts while queued and while running, threads reused between tasks.

import { test } from 'node:test';
import { EventEmitter } from 'node:events';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyze, createAnalysisPool, type Diagnosis } from '../index.js';
import { packageRoot } from '../knowledge/paths.js';
import { quietErrors } from './pool.js';

const sample = join(packageRoot(), 'examples', 'CBS.log');

function comparable(d: Diagnosis): unknown {
  return { ...d, stats: { ...d.stats, ms: 0 } };
}

test('pool: the diagnosis equals analyze(); bytes in memory too; progress ends at 100 %', async () => {
  const pool = createAnalysisPool({ threads: 2 });
  try {
    const direct = await analyze(sample);
    const seen: number[] = [];
    const pooled = await pool.analyze(sample, { onProgress: (p) => seen.push(p.bytesRead) });
    assert.deepEqual(comparable(pooled), comparable(direct));
    assert.equal(seen[seen.length - 1], readFileSync(sample).length);
    const bytes = await pool.analyze({ name: 'CBS.log', data: readFileSync(sample) });
    assert.equal(bytes.verdict, direct.verdict);
    assert.deepEqual(
      bytes.findings.map((f) => f.id),
      direct.findings.map((f) => f.id),
    );
  } finally {
    await pool.close();
  }
});

test('pool: one thread runs one analysis; the rest wait in order and are told their place', async () => {
  const pool = createAnalysisPool({ threads: 1 });
  try {
    const places: number[][] = [[], [], []];
    const order: number[] = [];
    const runs = [0, 1, 2].map((i) =>
      pool.analyze(sample, { onQueued: (p) => places[i]!.push(p) }).then((d) => {
        order.push(i);
        return d;
      }),
    );
    assert.deepEqual(pool.stats(), { threads: 1, running: 1, queued: 2, completed: 0 });
    await Promise.all(runs);
    assert.deepEqual(order, [0, 1, 2]);
    assert.deepEqual(places[0], []);
    assert.deepEqual(places[1], [1, 0]);
    assert.deepEqual(places[2], [2, 1, 0]);
    assert.equal(pool.stats().completed, 3);
  } finally {
    await pool.close();
  }
});

test('pool: an abort while queued leaves the queue; an abort while running ends that thread; the pool goes on', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'patchdx-pool-'));
  const pool = createAnalysisPool({ threads: 1 });
  try {
    const big = join(dir, 'CBS.log');
    const text = readFileSync(sample);
    writeFileSync(big, Buffer.concat(Array.from({ length: Math.ceil(40e6 / text.length) }, () => text)));
    const running = new AbortController();
    let abortedAt = 0;
    const first = pool.analyze(big, {
      signal: running.signal,
      onProgress: (p) => {
        if (abortedAt || p.bytesRead === 0) return;
        abortedAt = performance.now();
        running.abort();
      },
    });
    const queued = new AbortController();
    const places: number[] = [];
    const second = pool.analyze(sample, { signal: queued.signal, onQueued: (p) => places.push(p) });
    const third = pool.analyze(sample, { onQueued: (p) => places.push(100 + p) });
    queued.abort();
    await assert.rejects(second, { name: 'AbortError' });
    await assert.rejects(first, { name: 'AbortError' });
    // It stopped at its abort, not at its end: the third (same pool, one thread) ran after it.
    assert.ok(abortedAt > 0, 'aborted at its first progress');
    const d = await third;
    assert.equal(d.verdict, 'failed');
    // The third moved from place 2 to 1 when the second left, then started.
    assert.deepEqual(places, [1, 102, 101, 100]);
  } finally {
    await pool.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a stray pool error (a result that crossed its abort) is not thrown as an uncaught exception', () => {
  const bare = new EventEmitter();
  assert.throws(() => bare.emit('error', new Error('Unexpected message from Worker')));
  const quiet = quietErrors(new EventEmitter());
  assert.doesNotThrow(() => quiet.emit('error', new Error('Unexpected message from Worker')));
});
