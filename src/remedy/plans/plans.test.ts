// Every plan's cases through the real analysis and `advise`, and the lints over all plans: one file per
// root-cause rule id with the id as its name, the registry sorted and complete, every plan with a case.

import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { packageRoot } from '../../knowledge/paths.js';
import { findingCatalog } from '../../rules/catalog.js';
import { storyRules } from '../../rules/index.js';
import type { PlanDef } from './define-plan.js';
import { plans } from './index.js';
import { checkCase } from './plan-tester.js';

/** The modules of plans/ that are not plans. */
const NOT_PLANS = new Set([
  'case-logs',
  'context',
  'define-plan',
  'index',
  'plan-tester',
  'plans.test',
  'update-failure',
]);

for (const def of plans) {
  test(`plan ${def.rule}: its cases give exactly their steps`, async () => {
    assert.ok(def.cases.length > 0, `${def.rule} has no case`);
    const problems = (await Promise.all(def.cases.map((c) => checkCase(def, c)))).flat();
    assert.deepEqual(problems, []);
  });
}

test('every plan answers a finding id of the catalog', () => {
  const known = new Set(findingCatalog().map((e) => e.id));
  assert.deepEqual(
    plans.map((p) => p.rule).filter((id) => !known.has(id)),
    [],
  );
});

test('the plan registry is sorted, without duplicates, and complete; each file is named by its rule id', async () => {
  const ids = plans.map((p) => p.rule);
  assert.deepEqual(ids, [...new Set(ids)].sort());
  const dir = join(packageRoot(), 'src', 'remedy', 'plans');
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => f.slice(0, -3))
    .filter((f) => !NOT_PLANS.has(f));
  assert.deepEqual(files.sort(), ids);
  for (const f of files) {
    const mod = (await import(`./${f}.js`)) as { default: PlanDef };
    assert.equal(mod.default.rule, f, `${f}.ts defines the plan of ${mod.default.rule}`);
    assert.ok(plans.includes(mod.default), `${f}.ts is not in the registry`);
  }
});

/** Ids whose findings can be root causes: root by default, or a story message that makes its finding one. */
function rootCapable(): string[] {
  const byMessage = new Set(
    storyRules.filter((r) => Object.values(r.messages).some((m) => m.root === true)).map((r) => r.id),
  );
  return findingCatalog()
    .filter((e) => e.root || byMessage.has(e.id))
    .map((e) => e.id);
}

test('every root-capable finding id of the catalog has a plan', () => {
  const planned = new Set(plans.map((p) => p.rule));
  const ids = rootCapable();
  // The lint itself: the families that had no plan are root-capable, so this test can fail.
  for (const id of ['evt-update-failed', 'wu-download-failed', 'setup-upgrade-failed', 'dism-output-health'])
    assert.ok(ids.includes(id), `${id} is root-capable`);
  assert.deepEqual(
    ids.filter((id) => !planned.has(id)),
    [],
  );
});
