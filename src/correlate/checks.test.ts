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
import { CROSS_CHECKS } from './cross-checks.js';

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
