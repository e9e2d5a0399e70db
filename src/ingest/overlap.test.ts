// Overlapping CBS logs read once: a copy of the same log, and a rotated log whose tail the live log repeats
// (corpus cbs02 cut in two overlapping parts gives the diagnosis of the whole file).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyze } from '../index.js';
import { packageRoot } from '../knowledge/paths.js';
import type { Diagnosis } from '../model/types.js';
import { OverlapFilter } from './overlap.js';

const cbs02 = join(
  packageRoot(),
  '..',
  'shared',
  'corpus',
  'cbs02-appostarsi-w10-pendingrepair',
  'CBS_5_23.log',
);

function shape(d: Diagnosis): unknown {
  return {
    verdict: d.verdict,
    attempts: d.attempts.map((a) => [a.package, a.start, a.outcome, a.result]),
    findings: d.findings.map((f) => [f.rule, f.code, f.evidence[0]?.line]),
  };
}

async function inDir(files: [string, Buffer][], fn: (d: Diagnosis) => void): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'patchdx-ov-'));
  try {
    for (const [n, b] of files) writeFileSync(join(dir, n), b);
    fn(await analyze(dir));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('the filter skips repeated stamped lines and their continuation lines, only inside the window', async () => {
  const f = new OverlapFilter();
  const lines = [
    '2023-05-23 10:00:00, Info CBS a',
    '2023-05-23 10:05:00, Info CBS b',
    '  continuation of b',
    '2023-05-23 10:06:00, Info CBS c',
  ].map((l) => Buffer.from(l));
  const a = f.begin('2023-05-23 10:05:00');
  assert.deepEqual(
    lines.map((b) => a.skip(b, 0, b.length)),
    [false, false, false, false],
  );
  assert.deepEqual(a.end(), { skipped: 0, last: '2023-05-23 10:06:00' });
  const next = [
    '2023-05-23 10:05:00, Info CBS b',
    '  continuation of b',
    '2023-05-23 10:05:30, Info CBS new',
    '2023-05-23 10:06:00, Info CBS c',
    '2023-05-23 10:07:00, Info CBS d',
  ].map((l) => Buffer.from(l));
  const b = f.begin(null);
  assert.deepEqual(
    next.map((x) => b.skip(x, 0, x.length)),
    [true, true, false, true, false],
  );
  assert.deepEqual(b.end(), { skipped: 3, last: '2023-05-23 10:07:00' });
});

test('a CBS log and its copy give the diagnosis of the log alone', async () => {
  const log = readFileSync(cbs02);
  let alone: unknown;
  await inDir([['CBS.log', log]], (d) => (alone = shape(d)));
  await inDir(
    [
      ['CBS.log', log],
      ['CBS (2).log', log],
    ],
    (d) => {
      assert.deepEqual(shape(d), alone);
      const note = d.diagnostics.find((x) => /read once/.test(x.message));
      assert.match(note?.message ?? '', /every line is also in an earlier CBS log/);
      // The copy is no error, and it still spans its time.
      assert.ok(!d.diagnostics.some((x) => x.level === 'error'), JSON.stringify(d.diagnostics));
      const copy = d.sources.find((x) => x.file === 'CBS (2).log');
      assert.ok(copy?.first && copy.last, JSON.stringify(copy));
    },
  );
});

test('a rotated log and a copy of the live log sharing 2,000 lines give the diagnosis of the whole log', async () => {
  const lines = readFileSync(cbs02, 'latin1').split('\n');
  let whole: unknown;
  await inDir([['CBS.log', readFileSync(cbs02)]], (d) => (whole = shape(d)));
  // CBS rotates its log when TrustedInstaller starts: the rotated log ends before line 7273's
  // `Starting TrustedInstaller initialization`; the copy of the live log starts 2,000 lines earlier.
  assert.match(lines[7272]!, /Starting TrustedInstaller initialization/);
  const persist = Buffer.from(lines.slice(0, 7272).join('\n') + '\n', 'latin1');
  const live = Buffer.from(lines.slice(5272).join('\n'), 'latin1');
  await inDir(
    [
      ['CbsPersist_20230523160000.log', persist],
      ['CBS.log', live],
    ],
    (d) => {
      const s = shape(d) as { verdict: string; findings: unknown[]; attempts: unknown[] };
      const w = whole as typeof s;
      assert.equal(s.verdict, w.verdict);
      // Same operations and findings; evidence line numbers are per file, so compare rules and codes.
      assert.deepEqual(s.attempts, w.attempts);
      const rc = (x: unknown[]): unknown[] => (x as [string, string][]).map(([r, c]) => [r, c]);
      assert.deepEqual(rc(s.findings), rc(w.findings));
      const note = d.diagnostics.find((x) => x.file === 'CBS.log' && /read once/.test(x.message));
      assert.match(note?.message ?? '', /^2000 lines are also in an earlier CBS log/);
    },
  );
});
