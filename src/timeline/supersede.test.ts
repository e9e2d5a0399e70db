// Which later install makes a failed update moot: the same update, or a later cumulative update of its
// product (package family and version, title without month and KB, or the knowledge table).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Attempt } from '../model/types.js';
import { resolveLaterInstalls, supersedes } from './supersede.js';

let n = 0;
function attempt(over: Partial<Attempt>): Attempt {
  return {
    id: `a${++n}`,
    package: null,
    kb: null,
    kind: 'package',
    client: null,
    session: null,
    start: null,
    end: null,
    startState: null,
    targetState: null,
    failureSource: null,
    result: null,
    outcome: 'succeeded',
    rebootPending: false,
    evidence: [],
    findings: [],
    ...over,
  };
}

test('a later RollupFix package supersedes an earlier one; a DotNetRollup does not supersede an OS rollup', () => {
  const failed = attempt({
    package: 'Package_for_RollupFix~31bf3856ad364e35~amd64~~17763.3165.1.10',
    outcome: 'failed',
  });
  assert.ok(
    supersedes(attempt({ package: 'Package_for_RollupFix~31bf3856ad364e35~amd64~~17763.3287.1.7' }), failed),
  );
  assert.ok(
    !supersedes(attempt({ package: 'Package_for_RollupFix~31bf3856ad364e35~amd64~~17763.3046.1.5' }), failed),
  );
  assert.ok(
    !supersedes(attempt({ package: 'Package_for_DotNetRollup~31bf3856ad364e35~amd64~~10.0.4005.9' }), failed),
  );
});

test('update titles: the same product a later month supersedes, in English and Chinese; a security update is not superseded', () => {
  const title = (m: string, kb: string): string =>
    `${m} Cumulative Update for Windows 10 Version 22H2 for x64-based Systems (${kb})`;
  const failed = attempt({ package: title('2023-05', 'KB5026361'), outcome: 'failed' });
  assert.ok(supersedes(attempt({ package: title('2023-06', 'KB5027215') }), failed));
  assert.ok(!supersedes(attempt({ package: title('2023-04', 'KB5025221') }), failed));
  const zh = (m: string, kb: string): string =>
    `${m} 适用于基于 x64 的系统的 Windows 10 Version 22H2 累积更新(${kb})`;
  assert.ok(
    supersedes(
      attempt({ package: zh('2023-06', 'KB5027215') }),
      attempt({ package: zh('2023-05', 'KB5026361') }),
    ),
  );
  const winre = attempt({
    package: '2024-01 Security Update for Windows 10 Version 22H2 for x64-based Systems (KB5034441)',
  });
  assert.ok(!supersedes(attempt({ package: title('2024-02', 'KB5034763') }), winre));
  const defs = (v: string): string =>
    `Security Intelligence Update for Microsoft Defender Antivirus - KB2267602 (Version ${v})`;
  assert.ok(
    supersedes(
      attempt({ package: defs('1.391.100.0'), start: '2023-06-02 10:00:00' }),
      attempt({ package: defs('1.391.3.0'), start: '2023-06-01 10:00:00' }),
    ),
    'definition updates: a later version is a successor',
  );
});

test('the knowledge table: a later cumulative update of the same OS build; .NET and OS updates are different products', () => {
  const failed = attempt({ kb: 'KB5015811', outcome: 'failed' });
  assert.ok(supersedes(attempt({ kb: 'KB5016623' }), failed));
  assert.ok(!supersedes(attempt({ kb: 'KB5014692' }), failed));
});

test('resolveLaterInstalls: the same update installed later is retried; a successor is superseded; an earlier one is neither', () => {
  const f1 = attempt({ kb: 'KB5015811', outcome: 'failed', start: '2022-07-20 10:00:00' });
  const f2 = attempt({ kb: 'KB5015811', outcome: 'failed', start: '2022-07-21 10:00:00' });
  const ok = attempt({
    kb: 'KB5015811',
    outcome: 'succeeded',
    start: '2022-07-22 10:00:00',
    end: '2022-07-22 10:20:00',
  });
  const r = resolveLaterInstalls([f1, f2, ok]);
  assert.equal(r.get(f1.id)?.how, 'retried');
  assert.equal(r.get(f2.id)?.by, ok);
  const g = attempt({ kb: 'KB5016623', outcome: 'failed', start: '2022-08-20 10:00:00' });
  const before = attempt({ kb: 'KB5015811', outcome: 'succeeded', start: '2022-07-22 10:00:00' });
  assert.equal(resolveLaterInstalls([g, before]).size, 0);
  const later = attempt({ kb: 'KB5017315', outcome: 'pending', start: '2022-09-14 10:00:00' });
  assert.equal(resolveLaterInstalls([g, later]).get(g.id)?.how, 'superseded');
});
