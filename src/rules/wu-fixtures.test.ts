// End to end on the constructed WindowsUpdate.log fixture (fixtures/wu/README.md): an install that stops
// part-way with no result and no retry ends in a root finding, never in "no failure found".

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { analyzePath } from '../analyze/analyze.js';
import { packageRoot } from '../knowledge/paths.js';

test('wu fixture: a feature update that fails part-way and is never retried is a standing failure', () => {
  const d = analyzePath(join(packageRoot(), 'fixtures', 'wu', 'feature-update-unfinished-zh.log'));
  assert.equal(d.verdict, 'failed');
  const failed = d.attempts.filter((a) => a.outcome === 'failed');
  assert.equal(failed.length, 1);
  const f = d.findings.find((x) => x.id === failed[0]!.findings[0]);
  assert.equal(f?.rule, 'wu-install-failed');
  assert.equal(f?.root, true);
  assert.equal(f?.code, '0xc1900101');
  assert.equal(f?.facts.progress, 'phase 3, 62%');
  assert.equal(f?.facts.title, '适用于 Windows 10 的功能更新，版本 22H2');
  assert.deepEqual(
    f?.evidence.map((e) => e.line),
    [5, 8, 13, 14, 15],
  );
});
