// The diff between rounds on its own: findings matched by signature across versions of the same
// component, only root causes and errors compared, and an update that failed and now installs.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Attempt, Diagnosis, Finding } from '../index.js';
import { diffRounds } from './diff.js';

function finding(signature: string, extra: Partial<Finding> = {}): Finding {
  const [rule, code] = signature.split('|');
  return {
    id: `f-${signature}`,
    rule: rule!,
    signature,
    messageId: 'm',
    severity: 'error',
    confidence: 'high',
    code: code || null,
    codeName: null,
    root: true,
    message: { en: signature, zh: signature },
    title: { en: rule!, zh: rule! },
    facts: {},
    evidence: [],
    chain: [],
    attempts: [],
    time: null,
    ...extra,
  } as Finding;
}

function attempt(kb: string, outcome: Attempt['outcome']): Attempt {
  return { id: kb, kb, kind: 'package', outcome, package: null } as unknown as Attempt;
}

function diagnosis(verdict: Diagnosis['verdict'], findings: Finding[], attempts: Attempt[]): Diagnosis {
  return { verdict, findings, attempts, summary: [] } as unknown as Diagnosis;
}

test('same signature on another component version persists; consequences and notes are not compared', () => {
  const before = diagnosis(
    'failed',
    [
      finding('cbs-manifest-corrupt|0x80073712|component:amd64_foo'),
      finding('x-update-gap||kb:KB1', { root: false, severity: 'warning' }),
    ],
    [attempt('KB5032196', 'failed')],
  );
  const after = diagnosis(
    'failed',
    [
      finding('cbs-manifest-corrupt|0x80073712|component:amd64_foo'),
      finding('cbs-store-corrupt|0x80073712|'),
      finding('x-update-gap||kb:KB1', { root: false, severity: 'info' }),
    ],
    [attempt('KB5032196', 'failed')],
  );
  const d = diffRounds({ seq: 3, diagnosis: before }, after);
  assert.equal(d.previous, 3);
  assert.deepEqual(
    d.persisting.map((f) => f.signature),
    ['cbs-manifest-corrupt|0x80073712|component:amd64_foo'],
  );
  assert.deepEqual(
    d.added.map((f) => f.signature),
    ['cbs-store-corrupt|0x80073712|'],
  );
  assert.deepEqual(d.resolved, []);
  assert.deepEqual(d.stillFailing, ['KB5032196']);
  assert.deepEqual(d.nowInstalled, []);
});

test('an update that failed last round and installs now is named as such; the verdict change is given', () => {
  const before = diagnosis(
    'failed',
    [finding('cbs-not-found|0x80070490|component:amd64_bar')],
    [attempt('KB5032196', 'failed')],
  );
  const after = diagnosis(
    'healthy',
    [],
    [attempt('KB5032196', 'succeeded'), attempt('KB5033371', 'succeeded')],
  );
  const d = diffRounds({ seq: 1, diagnosis: before }, after);
  assert.deepEqual([d.verdictBefore, d.verdictAfter], ['failed', 'healthy']);
  assert.deepEqual(
    d.resolved.map((f) => f.code),
    ['0x80070490'],
  );
  assert.deepEqual(d.nowInstalled, [
    { update: 'KB5032196', failedBefore: true },
    { update: 'KB5033371', failedBefore: false },
  ]);
  assert.deepEqual(d.stillFailing, []);
  const first = diffRounds(null, before);
  assert.equal(first.previous, null);
  assert.equal(first.added.length, 1);
});
