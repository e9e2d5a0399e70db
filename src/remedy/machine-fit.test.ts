// Plans fit the machine and the cause: Windows 7 / Server 2008 R2 get the System Update Readiness Tool and
// CheckSUR.log instead of DISM /ScanHealth and /RestoreHealth (they have neither), and a Windows Update
// download, scan or WinRE-partition failure gets no DISM or SFC advice, which cannot help it.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import type { RemediationPlan } from '../model/types.js';
import { casePlans } from './plans/plan-tester.js';

const commands = (p: RemediationPlan): string[] => p.steps.flatMap((s) => s.commands.map((c) => c.line));

/**
 * A constructed Windows 7 SP1 CBS.log excerpt (servicing stack 6.1.7601, a 6.1 package) failing on a corrupt
 * store, beside the real Windows 7 WindowsUpdate.log of corpus wu04.
 */
const WIN7_CBS = `
2021-08-30 11:02:10, Info                  CBS    Loaded Servicing Stack v6.1.7601.24499 with Core: C:\\Windows\\winsxs\\amd64_microsoft-windows-servicingstack_31bf3856ad364e35_6.1.7601.24499_none_0f6c1c0d5f8b0a7a\\cbscore.dll
2021-08-30 11:02:11, Info                  CBS    Exec: Resolving Package: Package_for_KB4534310~31bf3856ad364e35~amd64~~6.1.1.3, Update: 4534310-6014_neutral_GDR
2021-08-30 11:02:12, Info                  CBS    Failed to get enumerator for missing components. [HRESULT = 0x80073712 - ERROR_SXS_COMPONENT_STORE_CORRUPT]
2021-08-30 11:02:12, Error                 CBS    Failed to complete component closure [HRESULT = 0x80073712 - ERROR_SXS_COMPONENT_STORE_CORRUPT]`;

test('Windows 7 (wu04 beside a 6.1.7601 CBS.log): the readiness tool and CheckSUR.log, no DISM health commands', async () => {
  const plans = await casePlans({
    files: {
      'CBS.log': WIN7_CBS,
      'WindowsUpdate.log': {
        fixture: '../shared/corpus/wu04-rkudache-win7-legacy-au-disabled/WindowsUpdate.log',
      },
    },
  });
  const p = plans.find((x) => x.rule === 'cbs-store-corrupt');
  assert.ok(p, 'a store plan');
  const ids = p.steps.map((s) => s.id);
  assert.deepEqual(ids.slice(0, 2), ['system-update-readiness', 'system-update-readiness-source']);
  const lines = commands(p).join('\n');
  assert.match(lines, /KB947821\.msu/);
  assert.match(lines, /CheckSUR\.log/);
  assert.doesNotMatch(lines, /RestoreHealth|ScanHealth|CheckHealth/i);
  assert.doesNotMatch(lines, /\/auto upgrade/, 'Windows 7 setup has no /auto switch');
  assert.match(p.steps[0]!.how.zh, /Windows 7 和 Server 2008 R2 没有 DISM \/RestoreHealth/);
});

test('the same failure on Windows 10 keeps DISM RestoreHealth (the check above is not vacuous)', async () => {
  const plans = await casePlans({
    log: WIN7_CBS.replace(/6\.1\.7601\.24499/g, '10.0.17763.2803').replace('6.1.1.3', '17763.2803.1.7'),
  });
  const p = plans.find((x) => x.rule === 'cbs-store-corrupt')!;
  assert.match(commands(p).join('\n'), /RestoreHealth/);
  assert.ok(!p.steps.some((s) => s.id.startsWith('system-update-readiness')));
});

for (const [name, corpus, rule] of [
  ['a download failure (wu01, 0x8007000D)', 'wu01-appostarsi-driver-800f024b', 'wu-download-failed'],
  ['scan failures (re01, 0x80072EE2)', 're01-dcheva-reportingevents-detect-80072ee2', 'wu-detection-failed'],
  [
    'event-log download failures (evtx01, 0x80248007)',
    'evtx01-omerbenamram-w10-1703-kb4025342-80248007',
    'evt-update-failed',
  ],
  [
    'the WinRE update (wu02, KB5034441 0x80070643)',
    'wu02-reeceketley-kb5034441-80070643/WindowsUpdate.log',
    'wu-install-failed',
  ],
] as const) {
  test(`${name}: no DISM repair or SFC advice, and the plan says why`, async () => {
    const plans = (await casePlans({ corpus })).filter((p) => p.rule === rule);
    assert.ok(plans.length > 0, `a ${rule} plan`);
    const p = plans[0]!;
    for (const l of commands(p)) assert.doesNotMatch(l, /cleanup-image|\bsfc\b/i, l);
    if (rule !== 'wu-install-failed')
      assert.ok(p.steps.some((s) => /DISM 和 SFC/.test(s.why.zh) && /DISM and SFC/.test(s.why.en)));
  });
}

test('KB5034441 0x80070643: the recovery partition check, Microsoft procedure named, confidence stated', async () => {
  const p = (await casePlans({ corpus: 'wu02-reeceketley-kb5034441-80070643/WindowsUpdate.log' })).find(
    (x) => x.rule === 'wu-install-failed',
  )!;
  assert.equal(p.confidence, 'medium');
  assert.ok(commands(p).includes('reagentc /info'));
  assert.match(p.steps[0]!.why.en, /Confidence: medium/);
  assert.match(p.steps[1]!.why.en, /KB5028997/);
});

test('0x80248007 (seed 004 first mail): the cache reset renames SoftwareDistribution folders and catroot2 with the services stopped', async () => {
  const p = (await casePlans({ corpus: 'evtx01-omerbenamram-w10-1703-kb4025342-80248007' })).find(
    (x) => x.rule === 'evt-update-failed',
  )!;
  const lines = commands(p);
  assert.ok(lines.indexOf('net stop wuauserv') < lines.findIndex((l) => l.startsWith('ren ')));
  assert.ok(lines.some((l) => /ren C:\\Windows\\System32\\catroot2 catroot2\.old/.test(l)));
  assert.ok(lines.some((l) => /ren C:\\Windows\\SoftwareDistribution\\Download /.test(l)));
});
