// End to end on the constructed dism.log fixtures (fixtures/dism/README.md): each failed DISM command ends
// in its rule's root finding with the stated severity, and a management tool's routine queries are no
// failure.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { analyzePath } from '../analyze/analyze.js';
import { packageRoot } from '../knowledge/paths.js';
import type { Diagnosis } from '../model/types.js';

const run = (name: string): Diagnosis => analyzePath(join(packageRoot(), 'fixtures', 'dism', name));

/** Every failed operation has a root finding attached. */
function everyFailureExplained(d: Diagnosis): void {
  const roots = new Set(d.findings.filter((f) => f.root).map((f) => f.id));
  for (const a of d.attempts.filter((x) => x.outcome === 'failed'))
    assert.ok(
      a.findings.some((id) => roots.has(id)),
      `${a.package}: failed without a root finding`,
    );
}

test('dism fixture: an offline image whose registry hive is held open', () => {
  const d = run('offline-hive-locked.log');
  assert.equal(d.verdict, 'failed');
  everyFailureExplained(d);
  const f = d.findings.find((x) => x.rule === 'dism-offline-hive-locked');
  assert.equal(f?.severity, 'error');
  assert.equal(f?.facts.image, 'D:\\');
  assert.equal(f?.facts.hive, 'D:\\Windows\\System32\\SMI\\Store\\Machine\\SCHEMA.DAT');
  assert.deepEqual(
    f?.evidence.map((e) => e.line),
    [27, 31, 33],
  );
});

test('dism fixture: Mount-Image without an index and /Image: at no image are operator errors', () => {
  const d = run('mount-usage-error.log');
  assert.equal(d.verdict, 'failed');
  everyFailureExplained(d);
  const usage = d.findings.filter((x) => x.rule === 'dism-usage-error');
  assert.deepEqual(
    usage.map((f) => [f.messageId, f.severity, f.facts.argument ?? f.facts.image]),
    [
      ['missingArgument', 'warning', '/Index or /Name'],
      ['missingArgument', 'warning', '/Index or /Name'],
      ['missingArgument', 'warning', '/Index or /Name'],
      ['notAnImage', 'warning', 'E:\\sources'],
    ],
  );
});

test('dism fixture: provisioning an older app version names both versions', () => {
  const d = run('appx-version-conflict.log');
  assert.equal(d.verdict, 'failed');
  everyFailureExplained(d);
  const f = d.findings.find((x) => x.rule === 'dism-appx-version-conflict');
  assert.equal(f?.severity, 'warning');
  assert.deepEqual([f?.facts.version, f?.facts.provisionedVersion], ['1.21.3482.0', '1.22.10861.0']);
});

test("dism fixture: a management script's routine queries and one lost query are a warning, not a failure", () => {
  const d = run('managed-queries-disconnect.log');
  assert.equal(d.verdict, 'healthy');
  assert.deepEqual(
    d.findings.map((f) => [f.rule, f.messageId, f.severity, f.evidence[0]?.line]),
    [['dism-worker-stopped', 'queryLost', 'warning', 365]],
  );
});
