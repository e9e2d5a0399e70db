// Every cross-source check's own cases, run through the real analysis, and the lints over all checks: id ==
// file name, every check file registered, valid cases present (their messages are linted with every other
// finding's in rules/catalog.test.ts).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkInvalidCase, checkValidCase } from '../analyze/check-tester.js';
import { casedFinding } from '../rules/bundle-case.js';
import { CROSS_CHECKS, crossChecks } from './cross-checks.js';
import type { CrossContext } from './context.js';
import repeatedFailures from './x-update-failed-repeatedly.js';
import type { Diagnostic, UpdateHistory } from '../model/types.js';

const here = dirname(fileURLToPath(import.meta.url));

for (const check of CROSS_CHECKS) {
  for (const c of check.cases.valid)
    test(`${check.id} valid: ${c.name}`, () => assert.deepEqual(checkValidCase(check, c), []));
  for (const c of check.cases.invalid)
    test(`${check.id} invalid: ${c.name}`, () =>
      assert.deepEqual(checkInvalidCase(casedFinding(check), c), []));
}

test('every x-*.js check file is registered under its own id', () => {
  const files = readdirSync(here)
    .filter((f) => /^x-.*\.js$/.test(f))
    .map((f) => f.replace(/\.js$/, ''))
    .sort();
  assert.deepEqual([...CROSS_CHECKS.map((c) => c.id)].sort(), files);
});

test('every check: x- id, valid and invalid cases', () => {
  for (const check of CROSS_CHECKS) {
    assert.match(check.id, /^x-[a-z-]+$/);
    assert.ok(check.cases.valid.length > 0, `${check.id}: no valid case`);
    assert.ok(check.cases.invalid.length > 0, `${check.id}: no invalid case`);
  }
});

// Found by `npm run fuzz` (seed 1, input 40: a folder of 319 corpus CBS logs of five builds): an update
// whose history counts failures that were all later superseded or interrupted made
// x-update-failed-repeatedly read an empty list and throw, which ended the whole analysis.
const supersededOnly: UpdateHistory = {
  update: 'KB5003171',
  kb: 'KB5003171',
  title: null,
  occurrences: [
    {
      start: '2021-10-12 10:30:42',
      end: null,
      outcome: 'superseded',
      codes: ['0x80073712'],
      attempts: ['a1'],
      phases: ['package'],
      files: ['CBS.log'],
    },
    {
      start: '2021-10-13 09:00:00',
      end: null,
      outcome: 'interrupted',
      codes: [],
      attempts: ['a2'],
      phases: ['package'],
      files: ['CBS.log'],
    },
  ],
  failures: 2,
  first: '2021-10-12 10:30:42',
  last: '2021-10-13 09:00:00',
  lastOutcome: 'interrupted',
};

const emptyContext = (histories: UpdateHistory[]): CrossContext => ({
  attempts: [],
  histories,
  findings: [],
  sources: [],
  policy: null,
  fileHashes: [],
  nextId: () => 'x1',
});

test('x-update-failed-repeatedly: failures that were all superseded or interrupted are no repeated failure', () => {
  assert.deepEqual(repeatedFailures.run(emptyContext([supersededOnly])), []);
});

test('a cross-source check that throws loses only its own findings, as a diagnostic', () => {
  const problems: Diagnostic[] = [];
  const broken = {
    ...emptyContext([]),
    get histories(): UpdateHistory[] {
      throw new Error('broken input');
    },
  } as CrossContext;
  assert.deepEqual(crossChecks(broken, problems), []);
  assert.ok(problems.length >= 1);
  assert.match(
    problems[0]!.message,
    /^the cross-source check x-[\w-]+ failed on this input \(broken input\)/,
  );
});
