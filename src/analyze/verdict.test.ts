// The verdict table of docs/diagnosis-schema.md, row by row.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Attempt, Finding } from '../model/types.js';
import { verdictOf } from './verdict.js';

const read = [{ lines: 10 }];
const op = (outcome: string, kind: Attempt['kind'] = 'package') =>
  ({ outcome, kind }) as Pick<Attempt, 'outcome' | 'kind'>;
const finding = (f: Partial<Finding>): Pick<Finding, 'rule' | 'messageId' | 'root' | 'severity'> => ({
  rule: 'cbs-file-hash-mismatch',
  messageId: 'mismatch',
  root: true,
  severity: 'error',
  ...f,
});

test('verdict: unreadable when nothing was read', () => {
  assert.equal(verdictOf({ sources: [], attempts: [], findings: [] }), 'unreadable');
  assert.equal(verdictOf({ sources: [{ lines: 0 }], attempts: [op('failed')], findings: [] }), 'unreadable');
});

test('verdict: failed while a failed operation or an open root error stands', () => {
  assert.equal(verdictOf({ sources: read, attempts: [op('failed')], findings: [] }), 'failed');
  assert.equal(verdictOf({ sources: read, attempts: [], findings: [finding({})] }), 'failed');
  // A repair elsewhere does not hide what remains broken.
  const repaired = finding({ messageId: 'repaired', root: false, severity: 'info' });
  assert.equal(verdictOf({ sources: read, attempts: [], findings: [repaired, finding({})] }), 'failed');
});

test('verdict: repaired when what was found was repaired, or a failed update was superseded', () => {
  const repaired = finding({ messageId: 'repaired', root: false, severity: 'info' });
  assert.equal(verdictOf({ sources: read, attempts: [op('succeeded')], findings: [repaired] }), 'repaired');
  assert.equal(verdictOf({ sources: read, attempts: [op('superseded')], findings: [] }), 'repaired');
});

test('verdict: healthy otherwise; a retried failure and Store app failures never fail it', () => {
  assert.equal(verdictOf({ sources: read, attempts: [op('succeeded')], findings: [] }), 'healthy');
  assert.equal(verdictOf({ sources: read, attempts: [op('retried')], findings: [] }), 'healthy');
  assert.equal(verdictOf({ sources: read, attempts: [op('failed', 'other')], findings: [] }), 'healthy');
  const warning = finding({ severity: 'warning' });
  assert.equal(verdictOf({ sources: read, attempts: [], findings: [warning] }), 'healthy');
});
