// The plans against the seeds: each seed's real input is analysed and its plan is checked against what the
// seed engineer sent — the same facts and steps where they were right, the better step where they were
// wrong — plus the invariants every plan keeps (both languages, order, last resorts, filled commands).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzePath as analyzeFacts } from '../analyze/analyze.js';
import { withAdvice } from '../index.js';
const analyzePath = (p: string): ReturnType<typeof analyzeFacts> => withAdvice(analyzeFacts(p));
import { seedExcerpts } from '../testing/seed-excerpts.js';
import { packageRoot } from '../knowledge/paths.js';
import type { Diagnosis, PlanStep, RemediationPlan } from '../model/types.js';
import { rules } from '../rules/index.js';
import { wsusChecksStep } from './steps.js';
import { planFor, plansFor } from './advise.js';
import { SCRIPT_NAMES } from './script-names.js';
import { plans as PLANS } from './plans/index.js';

const PLANNED_RULES: readonly string[] = PLANS.map((p) => p.rule);

const root = packageRoot();
const fixtures = join(root, 'fixtures', 'seeds');

function analyzeText(text: string): Diagnosis {
  const dir = mkdtempSync(join(tmpdir(), 'patchdx-plan-'));
  try {
    writeFileSync(join(dir, 'CBS.log'), text);
    return analyzePath(join(dir, 'CBS.log'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function planOf(d: Diagnosis, rule: string): RemediationPlan {
  const list = plansFor(d).filter((p) => p.rule === rule);
  assert.equal(
    list.length,
    1,
    `${rule}: ${plansFor(d)
      .map((p) => p.rule)
      .join(', ')}`,
  );
  return list[0]!;
}

function stepOf(p: RemediationPlan, id: string): PlanStep {
  const s = p.steps.find((x) => x.id === id);
  assert.ok(s, `${p.rule}: no step ${id} in ${p.steps.map((x) => x.id).join(', ')}`);
  return s;
}

const ids = (p: RemediationPlan): string[] => p.steps.map((s) => s.id);
const lines = (s: PlanStep): string[] => s.commands.map((c) => c.line);
const allText = (p: RemediationPlan, lang: 'en' | 'zh'): string =>
  [p.title, p.collectAgain, ...p.steps.flatMap((s) => [s.title, s.why, s.how, s.verify])]
    .map((x) => x[lang])
    .join('\n');
/** Index of the first command line containing `needle`, -1 when none. */
const at = (s: PlanStep, needle: string): number => lines(s).findIndex((l) => l.includes(needle));

/** A WinSxS wildcard (`*` only) as a regular expression. */
function wildcard(p: string): RegExp {
  return new RegExp(`^${p.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`, 'i');
}

// Every seed input, analysed once.
const inputs: Record<string, () => Diagnosis> = {
  'seed 000 (examples/CBS.log)': () => analyzePath(join(root, 'examples', 'CBS.log')),
  'seed 000 (thread excerpt 1)': () => analyzeText(seedExcerpts('000')[0]!),
  'seed 000 (thread excerpt 2)': () => analyzeText(seedExcerpts('000')[1]!),
  'seed 001': () => analyzeText(seedExcerpts('001').join('')),
  'seed 002': () => analyzeText(seedExcerpts('002').join('')),
  'seed 003': () => analyzePath(join(fixtures, 'seed-003-manifest-hash.log')),
  'seed 004 (not found)': () => analyzePath(join(fixtures, 'seed-004-not-found.log')),
  'seed 004 (forward delta)': () => analyzePath(join(fixtures, 'seed-004-forward-delta.log')),
};
const cache = new Map<string, Diagnosis>();
function diag(name: string): Diagnosis {
  if (!cache.has(name)) cache.set(name, inputs[name]!());
  return cache.get(name)!;
}

const MANIFEST_000 =
  'amd64_e7efbb5769027affbc1fbfd7101971df_b77a5c561934e089_4.0.15713.866_none_41638f151bd7fec8';
const MUM_000 = 'Package_1861_for_KB5017315~31bf3856ad364e35~amd64~~10.0.1.5';

test('seed 000: replace (never delete) the corrupt .NET manifest; the .mum of KB5017315 gets chkdsk first', () => {
  const d = diag('seed 000 (examples/CBS.log)');
  const plans = plansFor(d);
  assert.deepEqual(
    plans.map((p) => p.rule),
    ['cbs-manifest-corrupt', 'cbs-package-manifest-unreadable'],
  );

  const m = planOf(d, 'cbs-manifest-corrupt');
  assert.deepEqual(ids(m), [
    'restore-health',
    'restore-health-source',
    'replace-manifest',
    'in-place-upgrade',
  ]);
  const replace = stepOf(m, 'replace-manifest');
  assert.equal(lines(replace)[0], `$t = 'C:\\Windows\\WinSxS\\Manifests\\${MANIFEST_000}.manifest'`);
  assert.equal(
    lines(replace)[1],
    `$h = '\\\\HEALTHY-PC\\C$\\Windows\\WinSxS\\Manifests\\${MANIFEST_000}.manifest'`,
  );
  // The engineer said "replace or delete": deleting a manifest makes it missing, so no line deletes it.
  assert.ok(!lines(replace).some((l) => /Remove-Item|\bdel\b|\brd\b/i.test(l)));
  assert.ok(
    at(replace, 'Copy-Item -LiteralPath $t -Destination C:\\servicing-backup') <
      at(replace, 'Copy-Item -LiteralPath $h'),
  );
  // The .NET component has no OS build: the healthy machine is one with the owning package's KB.
  assert.match(replace.how.en, /on which KB5017270 is installed/);
  assert.match(replace.how.zh, /已安装 KB5017270/);
  assert.match(
    stepOf(m, 'restore-health').how.en,
    /retry KB5020685 — Package_for_DotNetRollup~31bf3856ad364e35~amd64~~10\.0\.4005\.2/,
  );

  // Error 2: the engineer cleared SoftwareDistribution\Download and reinstalled KB5019966; the unreadable
  // file is KB5017315's .mum with a bad NTFS compression buffer, so the disk comes first and the pair is
  // restored for KB5017315.
  const u = planOf(d, 'cbs-package-manifest-unreadable');
  assert.deepEqual(ids(u), [
    'disk-check',
    'chkdsk-fix',
    'restore-health',
    'reinstall-kb',
    'replace-mum',
    'in-place-upgrade',
  ]);
  assert.deepEqual(lines(stepOf(u, 'chkdsk-fix')), ['chkdsk C: /f']);
  const reinstall = stepOf(u, 'reinstall-kb');
  assert.ok(lines(reinstall).includes('expand -F:* C:\\updates\\KB5017315.msu C:\\updates\\KB5017315'));
  assert.ok(
    lines(reinstall).includes(
      'dism /online /add-package /packagepath:C:\\updates\\KB5017315\\Windows10.0-KB5017315-x64.cab /norestart',
    ),
  );
  const mum = stepOf(u, 'replace-mum');
  assert.equal(lines(mum)[0], `$m = 'C:\\WINDOWS\\Servicing\\Packages\\${MUM_000}.mum'`);
  assert.equal(lines(mum)[1], `$c = 'C:\\WINDOWS\\Servicing\\Packages\\${MUM_000}.cat'`);
  assert.ok(lines(mum).includes("icacls $m /setowner 'NT SERVICE\\TrustedInstaller'"));
  assert.ok(lines(mum).includes("icacls $c /setowner 'NT SERVICE\\TrustedInstaller'"));
  assert.ok(!ids(u).includes('clear-wu-cache'), 'the download cache is not where the .mum lives');
  assert.match(allText(u, 'zh'), /KB5017315/);
  assert.match(u.collectAgain.en, /Wininit event 1001/);
});

test('seed 000: the excerpts quoted in the thread give the same plans as the bundled sample', () => {
  const a = planOf(diag('seed 000 (thread excerpt 1)'), 'cbs-manifest-corrupt');
  const b = planOf(diag('seed 000 (examples/CBS.log)'), 'cbs-manifest-corrupt');
  assert.deepEqual(ids(a), ids(b));
  assert.deepEqual(lines(stepOf(a, 'replace-manifest')), lines(stepOf(b, 'replace-manifest')));
  const c = planOf(diag('seed 000 (thread excerpt 2)'), 'cbs-package-manifest-unreadable');
  assert.deepEqual(lines(stepOf(c, 'replace-mum')).slice(0, 2), [
    `$m = 'C:\\WINDOWS\\Servicing\\Packages\\${MUM_000}.mum'`,
    `$c = 'C:\\WINDOWS\\Servicing\\Packages\\${MUM_000}.cat'`,
  ]);
});

test('seed 001: STATUS_FILE_CORRUPT_ERROR gets disk checks and chkdsk first, no folder copying, backup before reset', () => {
  const p = planOf(diag('seed 001'), 'cbs-file-corrupt');
  assert.deepEqual(ids(p), [
    'disk-check',
    'chkdsk-fix',
    'restore-health',
    'in-place-upgrade',
    'reset-or-reinstall',
  ]);
  const check = stepOf(p, 'disk-check');
  assert.ok(lines(check).includes('chkdsk C: /scan'));
  assert.ok(lines(check).some((l) => l.includes('Get-StorageReliabilityCounter')));
  const fix = stepOf(p, 'chkdsk-fix');
  assert.deepEqual(lines(fix), ['chkdsk C: /f']);
  assert.match(fix.verify.en, /dir "C:\\Program Files\\Windows Defender"/);
  // The engineer copied the Windows Defender folder from another machine: that does not repair NTFS.
  assert.ok(!p.steps.some((s) => s.id.startsWith('replace')));
  assert.ok(!p.steps.some((s) => lines(s).some((l) => /HEALTHY-PC|xcopy|Windows Defender/i.test(l))));
  assert.match(check.why.en, /copying files or folders from another machine does not repair/);
  const reset = stepOf(p, 'reset-or-reinstall');
  assert.equal(reset.lastResort, true);
  assert.equal(reset.invasiveness, 5);
  assert.match(lines(reset)[0]!, /^robocopy C:\\Users E:\\user-backup\\Users /);
  assert.match(reset.how.zh, /先备份到|备份到外部磁盘/);
  assert.match(p.collectAgain.en, /Program Files\\Windows Defender opens/);
});

test('seed 002: store corruption gets RestoreHealth and an in-place upgrade before any reset, not an update reset script', () => {
  const p = planOf(diag('seed 002'), 'cbs-store-corrupt');
  assert.deepEqual(ids(p), [
    'restore-health',
    'restore-health-source',
    'in-place-upgrade',
    'reset-or-reinstall',
  ]);
  assert.ok(!ids(p).includes('clear-wu-cache'));
  assert.match(stepOf(p, 'restore-health').why.en, /does not touch WinSxS/);
  assert.match(
    stepOf(p, 'reset-or-reinstall').how.en,
    /before 2004 "Reset this PC" rebuilds Windows from the local component store/,
  );
  assert.ok(
    lines(stepOf(p, 'restore-health-source')).includes(
      'DISM /Online /Cleanup-Image /RestoreHealth /Source:WIM:D:\\sources\\install.wim:1 /LimitAccess',
    ),
  );
});

test('seed 003: replace the 17763.1697 manifest from KB4598230 or later, hash-checked, owner back to TrustedInstaller', () => {
  const d = diag('seed 003');
  const p = planOf(d, 'cbs-manifest-corrupt');
  const s = stepOf(p, 'replace-manifest');
  const key =
    'amd64_windows-id-connecte..nt-provider-wlidfdp_31bf3856ad364e35_10.0.17763.1697_none_f17c692b894fca9f';
  assert.equal(lines(s)[0], `$t = 'C:\\Windows\\WinSxS\\Manifests\\${key}.manifest'`);
  const expected = '72731cc3a869e9b445f466479fdcf44cf694e717e807e3277c229cb960316102';
  const actual = '1aaa57c006a57122483d08d37341e401fca266c6a93468ae49dde6f3281db5a0';
  assert.ok(lines(s).includes(`(Get-FileHash -Algorithm SHA256 -LiteralPath $t).Hash -eq '${actual}'`));
  assert.ok(lines(s).includes(`(Get-FileHash -Algorithm SHA256 -LiteralPath $h).Hash -eq '${expected}'`));
  assert.equal(lines(s).at(-1), `(Get-FileHash -Algorithm SHA256 -LiteralPath $t).Hash -eq '${expected}'`);
  // The engineer's takeown/icacls, in order, with the owner given back afterwards.
  const take = at(s, 'takeown /f $t /a');
  const grant = at(s, "icacls $t /grant '*S-1-5-32-544:F'");
  const copy = at(s, 'Copy-Item -LiteralPath $h -Destination $t');
  const restore = at(s, '/restore C:\\servicing-backup\\acl.txt');
  const owner = at(s, "icacls $t /setowner 'NT SERVICE\\TrustedInstaller'");
  assert.ok(
    at(s, 'icacls $t /save') < take && take < grant && grant < copy && copy < restore && restore < owner,
  );
  assert.match(
    s.how.en,
    /at build 17763\.1697 or later \(KB4598230 or a later cumulative update installed\)/,
  );
  assert.match(s.how.zh, /17763\.1697 或更高（已安装 KB4598230 或更新的累积更新）/);
  assert.match(s.how.en, /WinPE/);
  assert.match(stepOf(p, 'restore-health').how.en, /retry KB5003171/);
  // The SSU the engineer named first for May's update, then the update.
  const g = planOf(d, 'x-update-gap');
  const install = stepOf(g, 'install-ssu-then-update');
  assert.ok(at(install, 'KB5003243.msu') >= 0 && at(install, 'KB5003243.msu') < at(install, 'KB5003171.msu'));
});

test('seed 004: clear SoftwareDistribution, SSU KB5005112 first, KB5032196 offline, KB5001342 (17763.1879) as fallback', () => {
  const d = diag('seed 004 (not found)');
  const plans = plansFor(d);
  // The gap finding's SSU-first install is inside this plan already: no second plan for it.
  assert.deepEqual(
    plans.map((p) => p.rule),
    ['cbs-not-found'],
  );
  const p = plans[0]!;
  assert.deepEqual(ids(p), [
    'clear-wu-cache',
    'install-ssu-then-update',
    'install-version-carrier',
    'restore-health',
    'in-place-upgrade',
  ]);
  const cache = stepOf(p, 'clear-wu-cache');
  const stop = at(cache, 'net stop wuauserv');
  const ren = at(cache, 'ren C:\\Windows\\SoftwareDistribution\\Download Download.old');
  const ds = at(cache, 'ren C:\\Windows\\SoftwareDistribution\\DataStore DataStore.old');
  const start = at(cache, 'net start wuauserv');
  assert.ok(stop >= 0 && stop < ren && ren < start && ds < start);
  for (const svc of ['usosvc', 'bits', 'cryptsvc'])
    assert.ok(at(cache, `net stop ${svc}`) < ren && at(cache, `net start ${svc}`) > ds, svc);

  const install = stepOf(p, 'install-ssu-then-update');
  assert.ok(at(install, 'KB5005112.msu') >= 0);
  assert.ok(at(install, 'KB5005112.msu') < at(install, 'KB5032196.msu'));
  assert.ok(
    lines(install).includes(
      'dism /online /add-package /packagepath:C:\\updates\\KB5005112\\Windows10.0-KB5005112-x64.cab /norestart',
    ),
  );
  assert.match(install.how.en, /The machine is at 17763\.774/);
  assert.match(install.how.en, /installing the missing months one by one is not needed/);
  assert.match(install.verify.en, /winver shows OS build 17763\.5122/);

  const carrier = stepOf(p, 'install-version-carrier');
  assert.match(carrier.title.en, /KB5001342 \(17763\.1879\)/);
  assert.match(carrier.why.en, /10\.0\.17763\.1879 came with KB5001342 \(17763\.1879, 2021-04-13\)/);
  assert.ok(at(carrier, 'KB5001342.msu') >= 0 && at(carrier, 'KB5001342.msu') < at(carrier, 'KB5032196.msu'));
  // The engineer copied the vmsynthnic folders by hand; that does not register a component, so no copy step.
  assert.ok(!p.steps.some((s) => s.id.startsWith('replace')));
});

test('seed 004: the 0x800F0986 forward delta replaces the 17763.2803 base folder the engineer named', () => {
  const d = diag('seed 004 (forward delta)');
  const p = planOf(d, 'cbs-delta-hydration-failed');
  assert.deepEqual(ids(p), [
    'restore-health',
    'install-ssu-then-update',
    'restore-health-source',
    'replace-folder',
    'in-place-upgrade',
  ]);
  const s = stepOf(p, 'replace-folder');
  const lookup = /-Filter '([^']+)'/.exec(lines(s)[0]!)?.[1];
  assert.equal(lookup, 'amd64_microsoft-windows-w*ationservice-netapi_*_10.0.17763.2803_*');
  // The folder the engineer sent in the thread matches the lookup.
  assert.match(
    'amd64_microsoft-windows-w..ationservice-netapi_31bf3856ad364e35_10.0.17763.2803_none_c2d208398729f542',
    wildcard(lookup!),
  );
  assert.match(s.why.en, /That version came with KB5012647 \(17763\.2803\)/);
  assert.match(s.how.en, /at build 17763\.2803 or later \(KB5012647/);
  assert.ok(lines(s).includes('Move-Item -LiteralPath $t -Destination C:\\servicing-backup\\'));
  assert.ok(lines(s).includes("icacls $t /setowner 'NT SERVICE\\TrustedInstaller' /t"));
  assert.match(s.how.en, /run sfc \/scannow afterwards/);
  assert.ok(!plansFor(d).some((x) => x.rule === 'x-update-gap'));
});

const CJK = /[\u4e00-\u9fff]/;

/** The invariants every plan keeps; returns its number of steps. */
function checkPlan(p: RemediationPlan, where: string): number {
  assert.ok(p.title.en && CJK.test(p.title.zh), where);
  assert.ok(p.collectAgain.en && CJK.test(p.collectAgain.zh), where);
  assert.ok(p.steps.length > 0, where);
  assert.equal(new Set(ids(p)).size, p.steps.length, `${where}: duplicate step ids`);
  for (const s of p.steps) {
    for (const k of ['title', 'why', 'how', 'verify'] as const) {
      assert.ok(s[k].en.trim().length > 0, `${where} ${s.id}.${k}.en`);
      assert.ok(CJK.test(s[k].zh), `${where} ${s.id}.${k}.zh`);
      assert.ok(!/\{\{\w+\}\}|undefined|\[object/.test(s[k].en + s[k].zh), `${where} ${s.id}.${k}`);
    }
    for (const c of s.commands) {
      assert.ok(!/\{\{|\}\}/.test(c.line), `${where} ${s.id}: ${c.line}`);
      assert.ok(!/undefined|\bnull\b|\[object/.test(c.line), `${where} ${s.id}: ${c.line}`);
      assert.ok(c.shell === 'cmd' || c.shell === 'powershell');
    }
    assert.equal(
      s.lastResort,
      s.id === 'in-place-upgrade' || s.id === 'reset-or-reinstall',
      `${where} ${s.id}`,
    );
    if (s.lastResort)
      assert.ok(s.invasiveness >= 4 && /Last resort/.test(s.title.en) && /最后手段/.test(s.title.zh));
    // A step links only generated scripts, by their file names.
    assert.ok(
      s.scripts.every((n) => (Object.values(SCRIPT_NAMES) as string[]).includes(n)),
      `${where} ${s.id}`,
    );
  }
  const levels = p.steps.map((s) => s.invasiveness);
  assert.deepEqual(
    levels,
    [...levels].sort((a, b) => a - b),
    `${where}: ${levels.join(',')}`,
  );
  const firstLast = p.steps.findIndex((s) => s.lastResort);
  if (firstLast >= 0)
    assert.ok(
      p.steps.slice(firstLast).every((s) => s.lastResort),
      where,
    );
  // The stop point is the last step before the last resorts.
  const stop = [...p.steps].reverse().find((s) => !s.lastResort);
  if (stop) assert.ok(p.collectAgain.en.includes(`"${stop.title.en}"`), where);
  return p.steps.length;
}

test('every plan of every seed: both languages, ordered by invasiveness, last resorts last and marked, no placeholders', () => {
  let count = 0;
  for (const name of Object.keys(inputs))
    for (const p of plansFor(diag(name))) count += checkPlan(p, `${name} ${p.rule}`);
  assert.ok(count > 30);
});

test('every rule case with a root finding gets a plan that keeps the same invariants', () => {
  let planned = 0;
  for (const rule of rules) {
    for (const c of rule.cases.invalid) {
      const text = c.log
        .split('\n')
        .map((l) => l.replace(/^> ?/, ''))
        .join('\r\n');
      const d = analyzeText(text + '\r\n');
      for (const f of d.findings.filter((x) => x.root)) {
        const p = planFor(f, d);
        assert.ok(p, `${rule.id} / ${c.name}: no plan for ${f.rule} ${f.messageId}`);
        checkPlan(p, `${rule.id} / ${c.name}: ${f.rule}`);
        planned++;
      }
    }
  }
  assert.ok(planned >= 25, String(planned));
});

test('a healthy log gets no plans', () => {
  const d = analyzeText(
    [
      '2023-05-17 09:00:00, Info                  CBS    Starting TrustedInstaller initialization.',
      '2023-05-17 09:00:01, Info                  CBS    Session: 31034000_1000 initialized by client WindowsUpdateAgent, external staging directory: (null), external registry directory: (null)',
      '2023-05-17 09:00:02, Info                  CBS    Exec: Processing started.  Client: WindowsUpdateAgent, Session: 31034000_1000, Package: Package_for_RollupFix~31bf3856ad364e35~amd64~~17763.4377.1.8, Identifier: KB5026362',
      '2023-05-17 09:02:10, Info                  CBS    Exec: Processing complete.  Session: 31034000_1000, Package: Package_for_RollupFix~31bf3856ad364e35~amd64~~17763.4377.1.8 [HRESULT = 0x00000000 - S_OK]',
      '2023-05-17 09:02:11, Info                  CBS    Session: 31034000_1000 finalized. Reboot required: yes [HRESULT = 0x00000000 - S_OK]',
      '',
    ].join('\r\n'),
  );
  assert.equal(d.verdict, 'healthy');
  assert.deepEqual(plansFor(d), []);
});

test('an unexplained failure gets an honest plan: collect logs, check the store, read the decisive lines', () => {
  const d = analyzeText(
    [
      '2023-05-17 09:00:00, Info                  CBS    Starting TrustedInstaller initialization.',
      '2023-05-17 09:00:02, Info                  CBS    Exec: Processing started.  Client: WindowsUpdateAgent, Session: 31034000_1000, Package: Package_for_RollupFix~31bf3856ad364e35~amd64~~17763.4377.1.8, Identifier: KB5026362',
      '2023-05-17 09:01:00, Error                 CBS    Failed to process single phase execution. [HRESULT = 0x8007045d - ERROR_IO_DEVICE]',
      '2023-05-17 09:01:00, Info                  CBS    WER: Generating failure report for package: Package_for_RollupFix~31bf3856ad364e35~amd64~~17763.4377.1.8, status: 0x8007045d, failure source: Execute, start state: Staged, target state: Installed, client id: WindowsUpdateAgent',
      '2023-05-17 09:01:01, Info                  CBS    Exec: Processing complete.  Session: 31034000_1000, Package: Package_for_RollupFix~31bf3856ad364e35~amd64~~17763.4377.1.8 [HRESULT = 0x8007045d - ERROR_IO_DEVICE]',
      '',
    ].join('\r\n'),
  );
  const p = planOf(d, 'unexplained-failure');
  assert.deepEqual(ids(p), ['collect-logs', 'scan-health', 'read-cbs-lines']);
  assert.equal(p.confidence, 'low');
  assert.ok(p.steps.every((s) => s.invasiveness === 1 && !s.lastResort));
  assert.ok(lines(stepOf(p, 'scan-health')).includes('DISM /Online /Cleanup-Image /CheckHealth'));
  assert.match(lines(stepOf(p, 'read-cbs-lines'))[1]!, /-Pattern '0x8007045d','\(F\)'/);
  assert.match(stepOf(p, 'collect-logs').why.en, /proposes no repair/);
});

test('corruption that moves between scans puts memory and disk checks before any repair', () => {
  const report = (time: string, item: string): string =>
    [
      `2023-05-17 ${time}, Info                  CBS    Checking System Update Readiness.`,
      `2023-05-17 ${time}, Info                  CBS    (p)\tCSI Payload Corrupt\t(n)\t\t\t${item}`,
      `2023-05-17 ${time}, Info                  CBS    Summary:`,
      `2023-05-17 ${time}, Info                  CBS    Operation: Detect only `,
      `2023-05-17 ${time}, Info                  CBS    Operation result: 0x0`,
      `2023-05-17 ${time}, Info                  CBS    Total Detected Corruption:\t1`,
      `2023-05-17 ${time}, Info                  CBS    Total Repaired Corruption:\t0`,
      `2023-05-17 ${time}, Info                  CBS    Total Operation Time: 40 seconds.`,
    ].join('\r\n');
  const d = analyzeText(
    [
      report(
        '08:56:21',
        'amd64_microsoft-windows-dns-client-minwin_31bf3856ad364e35_10.0.22621.1485_none_757900759eb5b9e6\\dnsapi.dll',
      ),
      report(
        '10:12:40',
        'amd64_microsoft-windows-f..uetype-yugothicbold_31bf3856ad364e35_10.0.22621.1_none_10eeed168993f23b\\YuGothB.ttc',
      ),
      '',
    ].join('\r\n'),
  );
  const plans = plansFor(d).filter((p) => p.rule === 'cbs-readiness-report');
  assert.equal(plans.length, 2);
  for (const p of plans) {
    assert.equal(p.steps[0]!.id, 'hardware-checks');
    assert.ok(lines(p.steps[0]!).includes('mdsched.exe'));
    assert.ok(lines(p.steps[0]!).includes('chkdsk C: /scan'));
    assert.ok(ids(p).indexOf('restore-health') > 0);
  }
  const dns = plans.find((p) => allText(p, 'en').includes('dnsapi.dll'))!;
  const s = stepOf(dns, 'replace-file');
  assert.equal(
    lines(s)[0],
    "$t = 'C:\\Windows\\WinSxS\\amd64_microsoft-windows-dns-client-minwin_31bf3856ad364e35_10.0.22621.1485_none_757900759eb5b9e6\\dnsapi.dll'",
  );
});

test('a stale DriverOperations entry is exported before the numbered subkey the log names is deleted', () => {
  const d = analyzeText(
    [
      '2020-02-06 18:53:04, Info                  CBS    Failed reading Identity for driver operation sequenceID 1 [HRESULT = 0x80070490 - ERROR_NOT_FOUND]',
      '2020-02-06 18:53:04, Info                  CBS    Failed loading a driver operation [HRESULT = 0x80070490 - ERROR_NOT_FOUND]',
      '2020-02-06 18:53:04, Error                 CBS    Doqi: Failed loading driver operations queue. [HRESULT = 0x80070490 - ERROR_NOT_FOUND]',
      '2020-02-06 18:53:04, Info                  CBS    Failed to execute execution chain. [HRESULT = 0x80070490 - ERROR_NOT_FOUND]',
      '2020-02-06 18:53:04, Error                 CBS    Failed to process single phase execution. [HRESULT = 0x80070490 - ERROR_NOT_FOUND]',
      '',
    ].join('\r\n'),
  );
  const p = planOf(d, 'cbs-not-found');
  assert.deepEqual(ids(p), ['reboot', 'remove-driver-operations']);
  const s = stepOf(p, 'remove-driver-operations');
  const key =
    'HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Component Based Servicing\\DriverOperations';
  const exp = at(s, `reg export "${key}"`);
  const del = at(s, `reg delete "${key}\\1" /f`);
  assert.ok(exp >= 0 && exp < del);
  assert.ok(!p.steps.some((x) => x.lastResort));
});

test('every rule that reports root causes has a plan builder', () => {
  for (const rule of rules) {
    if (rule.meta.root === false) assert.ok(!PLANNED_RULES.includes(rule.id), rule.id);
    else assert.ok(PLANNED_RULES.includes(rule.id), rule.id);
  }
  assert.ok(PLANNED_RULES.includes('unexplained-failure') && PLANNED_RULES.includes('x-update-gap'));
});

test('informational findings have no plan of their own', () => {
  const d = analyzeText(
    '2018-06-12 10:00:01, Error                 CBS    Failed to add package: Package_for_RollupFix~31bf3856ad364e35~amd64~~14393.2312.1.14 [HRESULT = 0x800f081e - CBS_E_NOT_APPLICABLE]\r\n',
  );
  const f = d.findings.find((x) => x.rule === 'cbs-not-applicable');
  assert.ok(f);
  assert.equal(planFor(f, d), null);
});

test('the WSUS check makes a command only of a plain host name from the untrusted policy value', () => {
  const why = { en: 'w', zh: 'w' };
  const ok = wsusChecksStep({ why, server: 'http://wsus01.corp.example:8530' });
  assert.ok(
    ok.commands.some((c) => c.line === "Test-NetConnection -ComputerName 'wsus01.corp.example' -Port 8530"),
  );
  for (const server of ['wsus’; Start-Process calc; ’', "http://a'b:80", 'wsus01 -Port 1; calc']) {
    const s = wsusChecksStep({ why, server });
    assert.ok(!s.commands.some((c) => c.line.includes('Test-NetConnection')), server);
    assert.match(s.how.en, /not a plain host name/);
  }
});
