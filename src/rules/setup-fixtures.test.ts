// End to end on the constructed Panther/Sysprep fixtures (fixtures/setup/README.md).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { analyzePath } from '../analyze/analyze.js';
import { packageRoot } from '../knowledge/paths.js';

const run = (name: string) => analyzePath(join(packageRoot(), 'fixtures', 'setup', name));

test('setup fixture: a rollback names the step that failed before it as the likely cause', () => {
  const d = run('rollback-sysprep-specialize');
  assert.equal(d.verdict, 'failed');
  const f = d.findings.find((x) => x.rule === 'setup-upgrade-failed');
  assert.equal(f?.facts.extendedCode, '0xC1900101-0x30018');
  assert.deepEqual(
    [f?.facts.failedStep, f?.facts.failedStepCode],
    ['Sysprep specialize offline', '0x80070005'],
  );
  assert.equal(f?.evidence[0]?.line, 9);
  assert.match(
    f?.message.en ?? '',
    /Likely cause: the step "Sysprep specialize offline" failed with 0x80070005/,
  );
});

test('setup fixture: Sysprep generalize blocked by a per-user app names the package', () => {
  const d = run('sysprep-generalize-appx');
  assert.equal(d.verdict, 'failed');
  const f = d.findings.find((x) => x.rule === 'setup-sysprep-appx-blocked');
  assert.equal(f?.facts.packages, 'Microsoft.Todos_2.114.7122.0_x64__8wekyb3d8bbwe');
  assert.equal(f?.code, '0x80073cf2');
  assert.deepEqual(
    d.attempts.filter((a) => a.outcome === 'failed').map((a) => [a.package, a.findings.includes(f!.id)]),
    [['Sysprep /generalize', true]],
  );
});
