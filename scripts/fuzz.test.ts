// The fuzz harness in CI: a small fixed-seed sample of every input class (a few of each), run in child
// processes under the harness's time and memory limits, must all come out ok — no crash, hang, memory
// blow-up or raw control character / live HTML in any output. The full run is `npm run fuzz -- --n 10000`.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fuzz, summarize } from './fuzz.js';
import { CLASSES, generate, loadCorpus, mutate, Rng } from './fuzz-gen.js';
import { analyzeBuffer } from '../src/analyze/analyze.js';
import { fixturePath } from '../src/testing/paths.js';

test('the generators are deterministic: one seed, the same input', () => {
  const corpus = {
    text: [
      Buffer.from('2023-01-05 17:16:16, Info  CBS    Loaded Servicing Stack v10.0.17763.3162\r\n'.repeat(40)),
    ],
    cab: [],
    evtx: [],
  };
  const dir = mkdtempSync(join(tmpdir(), 'patchdx-fuzzgen-'));
  try {
    for (const cls of CLASSES) {
      const a = generate(new Rng(7), cls, corpus, join(dir, `a-${cls}`));
      const b = generate(new Rng(7), cls, corpus, join(dir, `b-${cls}`));
      assert.equal(a.note, b.note, cls);
    }
    assert.deepEqual(
      mutate(new Rng(3), Buffer.from('abcdef'.repeat(50))),
      mutate(new Rng(3), Buffer.from('abcdef'.repeat(50))),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('fixed-seed fuzz sample: every class, every run ok', { timeout: 240_000 }, async () => {
  assert.ok(loadCorpus([]).text.length === 0);
  const out = mkdtempSync(join(tmpdir(), 'patchdx-fuzz-'));
  try {
    const records = await fuzz({ n: 14, seed: 17, jobs: 2, out, timeoutMs: 90_000, maxRssMb: 400 });
    const s = summarize(records, 17);
    assert.equal(s.inputs, 14);
    assert.deepEqual(Object.keys(s.byClass).sort(), [...CLASSES].sort());
    assert.deepEqual(s.failures, []);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('fuzz reproducers (fixtures/fuzz): each is analysed, every entry accounted for', () => {
  const dir = fixturePath('fuzz');
  const found = readdirSync(dir).filter((n) => !n.endsWith('.md'));
  assert.ok(found.length > 0);
  for (const n of found) {
    const d = analyzeBuffer(n, readFileSync(join(dir, n)));
    assert.notEqual(d.verdict, 'unreadable', n);
    if (n === 'seed1-11-many-small-entries.zip') {
      assert.equal(d.sources.length, 618);
      assert.equal(d.verdict, 'failed');
    }
  }
});

test(
  'the inputs the 10,000-input run found (seed 1: #40 crash, #3946 hang), made again, come out ok',
  { timeout: 300_000 },
  async () => {
    const out = mkdtempSync(join(tmpdir(), 'patchdx-fuzz-'));
    try {
      const records = await fuzz({
        n: 2,
        only: [40, 3946],
        seed: 1,
        jobs: 2,
        out,
        timeoutMs: 120_000,
        maxRssMb: 400,
      });
      assert.deepEqual(
        records.map((r) => [r.i, r.cls, r.outcome]),
        [
          [40, 'hostile-folder', 'ok'],
          [3946, 'hostile-folder', 'ok'],
        ],
      );
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  },
);
