// One generic test for every CBS/dism entry rule: its own valid/invalid cases through the real pipeline, plus
// the lints over all rules (file name == id, registries sorted and complete — story rules included, their cases
// and lints are in catalog.test.ts — messages bilingual with the same
// placeholders, every message exercised, every code known to the knowledge table).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname } from 'node:path';
import { codeInfo } from '../knowledge/codes.js';
import { placeholders } from './define-rule.js';
import { rules, storyRules } from './index.js';
import { checkInvalid, checkValid, parseCaseLog, runRules } from './rule-tester.js';

const here = dirname(fileURLToPath(import.meta.url));
const INFRA = new Set([
  'bundle-case',
  'catalog',
  'define-rule',
  'define-story-rule',
  'engine',
  'index',
  'rule-helpers',
  'rule-tester',
  'rules',
  'update-failure-text',
]);

for (const rule of rules) {
  test(`rule ${rule.id}: valid cases do not fire`, () => {
    assert.ok(rule.cases.valid.length > 0, 'a rule needs at least one valid case');
    for (const c of rule.cases.valid) assert.deepEqual(checkValid(rule, c), []);
  });
  test(`rule ${rule.id}: invalid cases give exactly the expected findings and evidence`, () => {
    assert.ok(rule.cases.invalid.length > 0, 'a rule needs at least one invalid case');
    for (const c of rule.cases.invalid) assert.deepEqual(checkInvalid(rule, c), []);
  });
}

test('registry: sorted by id and holds every rule file (entry rules and story rules)', () => {
  const ids = rules.map((r) => r.id);
  assert.deepEqual(ids, [...ids].sort());
  ids.push(...storyRules.map((r) => r.id));
  const files = readdirSync(here)
    .filter((f) => f.endsWith('.js') && !f.endsWith('.test.js'))
    .map((f) => f.replace(/\.js$/, ''))
    .filter((f) => !INFRA.has(f));
  assert.deepEqual([...files].sort(), [...ids].sort());
});

test('rules: messages in en and zh with the same placeholders; every message exercised', () => {
  for (const rule of rules) {
    for (const [id, m] of Object.entries(rule.messages)) {
      assert.ok(m.en.length > 0 && m.zh.length > 0, `${rule.id}.${id} needs en and zh`);
      // A zh placeholder may carry a `Zh` suffix for its Chinese wording (`kind` / `kindZh`).
      const norm = (xs: string[]): string[] => [...new Set(xs.map((x) => x.replace(/Zh$/, '')))].sort();
      assert.deepEqual(
        norm(placeholders(m.zh)),
        norm(placeholders(m.en)),
        `${rule.id}.${id}: placeholders differ`,
      );
    }
    const used = new Set(rule.cases.invalid.flatMap((c) => c.findings.map((f) => f.messageId)));
    // Informational messages (clean scans) are exercised by valid cases.
    for (const c of rule.cases.valid) {
      for (const f of runRules([rule], parseCaseLog(c.log).text))
        if (f.rule === rule.id) used.add(f.messageId);
    }
    for (const id of Object.keys(rule.messages)) {
      assert.ok(used.has(id), `${rule.id}: message ${id} is never exercised by a case`);
    }
  }
});

test('rules: every code a rule names is known to knowledge/', () => {
  for (const rule of rules) {
    for (const c of [...rule.meta.codes, ...(rule.triggers.codes ?? [])]) {
      assert.match(c, /^0x[0-9a-f]{8}$/, `${rule.id}: ${c} is not canonical`);
      assert.ok(codeInfo(c), `${rule.id}: ${c} unknown to knowledge`);
    }
  }
});
