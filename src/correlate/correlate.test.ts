// The cross-source checks on real inputs: the corpus event logs, the seeds' mechanisms rebuilt as small
// bundles (a download failure then a not-found install, seed 004; event-log failures whose CBS lines
// rotated away, seed 001), and the appostarsi machine's ten logs read as one bundle.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzePath } from '../analyze/analyze.js';
import { packageRoot } from '../knowledge/paths.js';
import type { Diagnosis } from '../model/types.js';
import { CROSS_CHECKS } from './cross-checks.js';
import { renderText } from '../report/terminal.js';
import { renderMarkdown } from '../report/markdown.js';

const root = packageRoot();
const corpus = join(root, '..', 'shared', 'corpus');

function bundle(files: [string, string | Buffer][], fn: (d: Diagnosis) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'patchdx-x-'));
  try {
    for (const [name, content] of files) writeFileSync(join(dir, name), content);
    fn(analyzePath(dir));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('every cross-source check has a unique x- id', () => {
  const ids = CROSS_CHECKS.map((c) => c.id);
  assert.equal(new Set(ids).size, ids.length);
  for (const id of ids) assert.match(id, /^x-[a-z-]+$/);
});

test('seed 004: a failed download of KB5032196, then CBS 0x80070490 installing it → partial cache first', () => {
  const wu = join(root, 'fixtures', 'seeds', 'seed-004-WindowsUpdate.log');
  const cbs = join(root, 'fixtures', 'seeds', 'seed-004-not-found.log');
  bundle(
    [
      ['WindowsUpdate.log', readFileSync(wu)],
      ['CBS.log', readFileSync(cbs)],
    ],
    (d) => {
      const x = d.findings.find((f) => f.rule === 'x-download-then-install-failed');
      assert.ok(x, d.findings.map((f) => f.rule).join(', '));
      assert.equal(x.root, true);
      assert.equal(x.code, '0x80248007');
      assert.equal(x.facts.installCode, '0x80070490');
      assert.equal(x.facts.kb, 'KB5032196');
      assert.deepEqual(
        x.evidence.map((e) => [e.file, e.line]).filter(([f]) => f === 'WindowsUpdate.log'),
        [['WindowsUpdate.log', 7]],
      );
      assert.ok(x.evidence.some((e) => e.file === 'CBS.log'));
      assert.match(x.message.zh, /不完整的下载缓存/);
      // The download and the install are one history: two tries, both failed.
      const h = d.updates?.find((u) => u.kb === 'KB5032196');
      assert.equal(h?.failures, 2);
      assert.deepEqual(
        h?.occurrences.map((o) => o.phases),
        [['download'], ['package']],
      );
      // Its plan: fetch again first, the standalone package if the download fails again.
      const plan = d.plans?.find((p) => p.findingId === x.id);
      assert.deepEqual(
        plan?.steps.map((s) => s.id),
        ['clear-wu-cache', 'install-kb-offline'],
      );
      assert.ok(plan?.steps[1]!.commands.some((c) => /KB5032196/.test(c.line)));
      // The CBS attempt lists the cross-source root first.
      const cbsAttempt = d.attempts.find((a) => a.kb === 'KB5032196' && a.session);
      assert.equal(cbsAttempt?.findings[0], x.id);
    },
  );
});

test('seed 001: event-log failures of KB5015811 before the CBS.log in the bundle starts → what to collect', () => {
  const events = [
    'Event[0]:',
    '  Log Name: System',
    '  Source: Microsoft-Windows-WindowsUpdateClient',
    '  Date: 2022-07-20T02:11:09.1230000Z',
    '  Event ID: 20',
    '  Task: Windows Update Agent',
    '  Level: Error',
    '  Description: ',
    'Installation Failure: Windows failed to install the following update with error 0x80070570: 2022-07 Cumulative Update for Windows 10 Version 1809 for x64-based Systems (KB5015811).',
    '',
    'Event[1]:',
    '  Log Name: System',
    '  Source: Microsoft-Windows-WindowsUpdateClient',
    '  Date: 2022-07-21T02:40:51.0000000Z',
    '  Event ID: 20',
    '  Task: Windows Update Agent',
    '  Level: Error',
    '  Description: ',
    'Installation Failure: Windows failed to install the following update with error 0x80070570: 2022-07 Cumulative Update for Windows 10 Version 1809 for x64-based Systems (KB5015811).',
    '',
  ].join('\r\n');
  const cbs = [
    '2022-07-25 09:00:01, Info                  CBS    Starting TrustedInstaller initialization.',
    '2022-07-25 09:00:01, Info                  CBS    Loaded Servicing Stack v10.0.17763.3105 with Core: C:\\Windows\\winsxs\\amd64_microsoft-windows-servicingstack_31bf3856ad364e35_10.0.17763.3105_none_7d6d8fe0a9d5f0a1\\cbscore.dll',
    '2022-07-25 09:00:02, Info                  CBS    TrustedInstaller service starts successfully.',
    '2022-07-25 09:05:02, Info                  CBS    Ending TrustedInstaller finalization.',
  ].join('\r\n');
  bundle(
    [
      ['System.txt', events],
      ['CBS.log', cbs],
    ],
    (d) => {
      const x = d.findings.find((f) => f.rule === 'x-cbs-lines-missing');
      assert.ok(x, d.findings.map((f) => f.rule).join(', '));
      assert.equal(x.messageId, 'before');
      assert.equal(x.code, '0x80070570');
      assert.equal(x.facts.failures, '2');
      assert.match(x.message.en, /CbsPersist/);
      assert.match(x.message.zh, /CbsPersist/);
      assert.deepEqual(
        x.evidence.map((e) => e.line),
        [9, 19],
      );
      // Both tries are one history; the event log's own finding already counts them, so no second one.
      assert.equal(d.updates?.find((u) => u.kb === 'KB5015811')?.failures, 2);
      const told = d.findings.find((f) => f.rule === 'evt-update-failed');
      assert.match(told?.message.en ?? '', /2 times/);
      assert.ok(!d.findings.some((f) => f.rule === 'x-update-failed-repeatedly'));
    },
  );
});

test('WSUS policy (a .reg export, UTF-16) and failed detections with 0x80072ee2 → the WSUS server first', () => {
  const reg = readFileSync(join(root, 'fixtures', 'outputs', 'wu-policy.reg'));
  const re = readFileSync(join(corpus, 're01-dcheva-reportingevents-detect-80072ee2', 'ReportingEvents.log'));
  bundle(
    [
      ['policy.reg', reg],
      ['ReportingEvents.log', re],
    ],
    (d) => {
      const x = d.findings.find((f) => f.rule === 'x-wsus-download-failed');
      assert.ok(x, d.findings.map((f) => f.rule).join(', '));
      assert.equal(x.root, true);
      assert.equal(x.facts.wuServer, 'http://wsus01.corp.example:8530');
      assert.equal(x.messageId, 'noFallback');
      assert.match(x.facts.codes ?? '', /0x80072ee2/);
      // The policy lines are the evidence: WUServer (line 4) and UseWUServer.
      const lines = x.evidence.filter((e) => e.file === 'policy.reg').map((e) => e.text);
      assert.ok(lines.some((l) => l.startsWith('"WUServer"=')));
      assert.ok(lines.some((l) => l.startsWith('"UseWUServer"=dword:00000001')));
      const plan = d.plans?.find((p) => p.findingId === x.id);
      assert.deepEqual(
        plan?.steps.map((s) => s.id),
        ['check-wsus', 'clear-wu-cache'],
      );
      assert.ok(
        plan?.steps[0]!.commands.some(
          (c) => c.line === "Test-NetConnection -ComputerName 'wsus01.corp.example' -Port 8530",
        ),
      );
    },
  );
  // Without the policy the same failures say nothing about WSUS.
  bundle([['ReportingEvents.log', re]], (d) => {
    assert.ok(!d.findings.some((f) => f.rule === 'x-wsus-download-failed'));
  });
});

test('Get-FileHash of a replacement set against the hash CBS expects (seed 003 manifest)', () => {
  const cbs = readFileSync(join(root, 'fixtures', 'seeds', 'seed-003-manifest-hash.log'));
  const expected = '72731cc3a869e9b445f466479fdcf44cf694e717e807e3277c229cb960316102';
  const actual = '1aaa57c006a57122483d08d37341e401fca266c6a93468ae49dde6f3281db5a0';
  const table = (rows: [string, string][]): string =>
    [
      '',
      'Algorithm       Hash                                                                   Path',
      '---------       ----                                                                   ----',
      ...rows.map(([h, p]) => `SHA256          ${h.toUpperCase()}       ${p}`),
      '',
    ].join('\r\n');
  bundle(
    [
      ['CBS.log', cbs],
      [
        'hashes.txt',
        table([
          [expected, 'D:\\fix\\healthy.manifest'],
          [actual, 'C:\\Windows\\WinSxS\\Manifests\\broken.manifest'],
        ]),
      ],
    ],
    (d) => {
      const xs = d.findings
        .filter((f) => f.rule === 'x-file-hash-check')
        .sort((a, b) => a.evidence[0]!.line - b.evidence[0]!.line);
      assert.deepEqual(
        xs.map((f) => [f.messageId, f.facts.path]),
        [
          ['expected', 'D:\\fix\\healthy.manifest'],
          ['actual', 'C:\\Windows\\WinSxS\\Manifests\\broken.manifest'],
        ],
      );
      assert.match(xs[0]!.message.zh, /此副本可以用于替换/);
      assert.equal(xs[1]!.severity, 'warning');
      assert.deepEqual(
        xs.map((f) => f.evidence[0]!.line),
        [4, 5],
      );
    },
  );
});

test('corpus evtx01: KB4025342 fails four times with 0x80248007; no CBS log in the bundle', () => {
  const d = analyzePath(join(corpus, 'evtx01-omerbenamram-w10-1703-kb4025342-80248007'));
  const h = d.updates?.find((u) => u.kb === 'KB4025342');
  assert.equal(h?.failures, 4);
  assert.equal(h?.lastOutcome, 'failed');
  assert.deepEqual(
    h?.occurrences.map((o) => o.codes[0]),
    ['0x80248007', '0x80248007', '0x80248007', '0x80248007'],
  );
  // The event log's finding already counts the four tries: no second finding says it again.
  assert.ok(!d.findings.some((f) => f.rule === 'x-update-failed-repeatedly'));
  // Binary event logs store UTC: the clock is known from the format.
  assert.equal(d.sources[0]?.clock?.basis, 'utc-by-format');
  const miss = d.findings.find((f) => f.rule === 'x-cbs-lines-missing');
  assert.equal(miss?.messageId, 'none');
});

test('corpus evtx03: one install of KB5016138 told by the System and Setup logs is one occurrence', () => {
  const d = analyzePath(join(corpus, 'evtx03-fukusuket-w11-22000-healthy-set'));
  assert.equal(d.verdict, 'healthy');
  const h = d.updates?.find((u) => u.kb === 'KB5016138');
  assert.equal(h?.occurrences.length, 1);
  assert.deepEqual(h?.occurrences[0]!.files.sort(), ['Setup.evtx', 'System.evtx']);
  assert.equal(h?.lastOutcome, 'pending');
  assert.equal(h?.failures, 0);
});

test('appostarsi: ten logs of one machine read as one bundle tell one story', () => {
  const dir = mkdtempSync(join(tmpdir(), 'patchdx-app-'));
  try {
    for (const id of readdirSync(corpus).filter((n) => n.includes('appostarsi'))) {
      for (const f of readdirSync(join(corpus, id))) {
        if (f !== 'CASE.md') copyFileSync(join(corpus, id, f), join(dir, `${id.split('-')[0]}-${f}`));
      }
    }
    const d = analyzePath(dir);
    assert.equal(d.verdict, 'failed');
    assert.equal(d.sources.length, 12);
    // Hardware first: crashes and moving corruption lead the findings and the summary.
    assert.deepEqual(
      d.findings
        .slice(0, 2)
        .map((f) => f.rule)
        .sort(),
      ['evt-system-instability', 'x-corruption-moving'],
    );
    // One clock: the event export's `Z` times are local time (its TrustedInstaller service events line up
    // with cbs02's TrustedInstaller lines at UTC−6), and WindowsUpdate.log lines up with the event log.
    const evt = d.sources.find((s) => s.file === 'evt01-system-events.txt')!;
    assert.deepEqual([evt.utcOffsetMinutes, evt.clock?.basis], [-360, 'anchored']);
    assert.match(evt.clock!.note.en, /the label is wrong/);
    const wu = d.sources.find((s) => s.file === 'wu01-WindowsUpdate.log')!;
    assert.deepEqual([wu.utcOffsetMinutes, wu.clock?.basis], [-360, 'anchored']);
    assert.match(wu.clock!.note.en, /evt01-system-events\.txt/);
    // The NVIDIA driver failure is one try told by two logs (WindowsUpdate.log line 8157 ff., event 20).
    const nv = d.updates?.find((u) => u.update === 'NVIDIA - Display - 31.0.15.1694');
    const both = nv?.occurrences.find((o) => o.codes.includes('0x8024200b'));
    assert.deepEqual(both?.files.sort(), ['evt01-system-events.txt', 'wu01-WindowsUpdate.log']);
    assert.equal(both?.start, '2023-05-22T14:22:20Z');
    assert.equal(nv?.lastOutcome, 'succeeded');
    // The May cumulative update never even downloads: twice, with damaged data.
    const cu = d.updates?.find((u) => u.kb === 'KB5026361');
    assert.deepEqual(
      cu?.occurrences.map((o) => [o.phases.join(), o.codes[0]]),
      [
        ['download', '0x80070003'],
        ['download', '0x8007000d'],
      ],
    );
    // The Windows 11 upgrade fails four times: once from media (setupact.log, 0x8007000D in Safe OS), then
    // three times through Windows Update (events 20): one history for both names of the upgrade.
    const up = d.updates?.find((u) => u.update === 'Windows feature upgrade / setup (10.0.22621.1)');
    assert.deepEqual(
      up?.occurrences.map((o) => [o.files[0], o.codes[0]]),
      [
        ['setup01-setupact.log', '0x8007000d'],
        ['evt01-system-events.txt', '0xc1900131'],
        ['evt01-system-events.txt', '0x80070002'],
        ['evt01-system-events.txt', '0x80070570'],
      ],
    );
    assert.ok(d.findings.some((f) => f.rule === 'x-update-failed-repeatedly' && f.facts.failures === '4'));
    // The reports show the histories and each source's clock.
    const zh = renderText(d, { lang: 'zh', color: false });
    assert.match(zh, /各日志中的更新历史 \(\d+\)/);
    assert.match(
      zh,
      /KB5026361\)：尝试 2 次，失败 2 次 — 2023-05-22T14:33:44Z 下载 失败后重试成功 0x80070003; 2023-05-22T19:02:03Z 下载 失败 0x8007000d/,
    );
    assert.match(
      zh,
      /evt01-system-events\.txt — events; 时钟: UTC−6：与 cbs02-CBS_5_23\.log 中 2 个相同时刻对齐/,
    );
    const md = renderMarkdown(d, { lang: 'en' });
    assert.match(md, /## Update history across logs/);
    assert.match(
      md,
      /wu01-WindowsUpdate\.log.*clock: UTC−6: 24 moments also recorded in evt01-system-events\.txt line up/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
