// Windows Update stories: each corpus log gives its CASE.md facts (wu01 NVIDIA 0x800F024B, wu02 KB5034441
// 0x80070643, wu04 nothing failed, re01 22 failed scans with a run of 19), and small synthetic logs pin the
// retry, Win7 `REPORT EVENT` and intermittent-scan rules.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeText } from '../ingest/encoding.js';
import { packageRoot } from '../knowledge/paths.js';
import { parseReportingEvents } from '../parse/reporting-events.js';
import { parseWindowsUpdateLog } from '../parse/windows-update-log.js';
import { reportingStory, wuStory, type WuStory } from './wu-story.js';

function read(id: string, file: string): string {
  return decodeText(readFileSync(join(packageRoot(), '..', 'shared', 'corpus', id, file)));
}

function counters(): [() => string, () => string] {
  let a = 0;
  let f = 0;
  return [() => `a${++a}`, () => `f${++f}`];
}

function wu(text: string): WuStory {
  return wuStory('WindowsUpdate.log', parseWindowsUpdateLog(text), ...counters());
}

function re(text: string): WuStory {
  return reportingStory('ReportingEvents.log', parseReportingEvents(text), ...counters());
}

test('corpus wu01: NVIDIA driver fails 0x800F024B (handler 0x8024200B), lines 8152-8160; a later try installs it', () => {
  const s = wu(read('wu01-appostarsi-driver-800f024b', 'WindowsUpdate.log'));
  // 36 LogHistory results: 33 installed, KB4023057 reboot pending, two NVIDIA failures.
  const installs = s.attempts.filter((a) => a.kind !== 'download');
  assert.equal(installs.length, 36);
  assert.equal(installs.filter((a) => a.outcome === 'succeeded').length, 33);
  // Downloads: the download manager's verdict lines (`Error occurred while downloading update`), not its
  // retries: 8 for the NVIDIA driver (it later installs: retried) and 2 for KB5026361 (lines 10891, 23141 —
  // not in CASE.md: on this machine even downloads arrive damaged). The first is retried (line 22847: all
  // files downloaded and valid); the second, 0x8007000D while preparing it, is final.
  const downloads = s.attempts.filter((a) => a.kind === 'download' && a.outcome !== 'succeeded');
  assert.equal(downloads.length, 10);
  const nvDl = downloads.filter((a) => a.package === 'NVIDIA - Display - 31.0.15.1694');
  assert.equal(nvDl.length, 8);
  assert.ok(nvDl.every((a) => a.outcome === 'retried'));
  const cu = downloads.filter((a) => a.kb === 'KB5026361');
  assert.deepEqual(
    cu.map((a) => [a.result, a.outcome, a.evidence[0]!.line]),
    [
      ['0x80070003', 'retried', 10891],
      ['0x8007000d', 'failed', 23141],
    ],
  );
  const cuFinding = s.findings.filter((x) => x.rule === 'wu-download-failed' && x.facts.kb === 'KB5026361');
  assert.deepEqual(
    cuFinding.map((x) => [x.code, x.root, x.severity]),
    [
      ['0x80070003', false, 'info'],
      ['0x8007000d', true, 'error'],
    ],
  );
  const kb4023057 = s.attempts.find((a) => a.kb === 'KB4023057');
  assert.equal(kb4023057?.outcome, 'pending');
  assert.equal(kb4023057?.result, '0x80242014');
  const nvidia = installs.filter((a) => a.package === 'NVIDIA - Display - 31.0.15.1694');
  assert.deepEqual(
    nvidia.map((a) => [a.result, a.outcome]),
    [
      ['0x80240009', 'retried'],
      ['0x800f024b', 'retried'],
      ['0x00000000', 'succeeded'],
    ],
  );
  assert.equal(nvidia[2]!.evidence.at(-1)?.line, 8440);
  const f = s.findings.find((x) => x.rule === 'wu-install-failed' && x.code === '0x800f024b');
  assert.ok(f);
  assert.equal(f.codeName, 'SPAPI_E_FILE_HASH_NOT_IN_CATALOG');
  assert.equal(f.facts.innerCode, '0x800f024b');
  assert.equal(f.facts.handlerCode, '0x8024200b');
  assert.equal(f.facts.title, 'NVIDIA - Display - 31.0.15.1694');
  assert.equal(f.facts.updateId, '4E95DCBD-E67C-46AF-985B-F29D655C3480');
  const lines = f.evidence.map((e) => e.line);
  for (const l of [8152, 8155, 8157, 8160, 8167])
    assert.ok(lines.includes(l), `evidence line ${l}: ${lines}`);
  const e8155 = f.evidence.find((e) => e.line === 8155)!;
  assert.equal(e8155.file, 'WindowsUpdate.log');
  assert.match(
    e8155.text,
    /^2023\/05\/22 08:22:20\.0686513 2288 +2488 +Handler +\*FAILED\* \[800F024B\] Driver Install/,
  );
  assert.match(f.message.en, /hash for the file is not present/);
  assert.match(f.message.zh, /哈希/);
  // Retried successfully (line 8440): informational, not a root cause.
  assert.equal(f.severity, 'info');
  assert.equal(f.root, false);
  assert.equal(f.attempts[0], nvidia[1]!.id);
  assert.deepEqual(nvidia[1]!.findings, [f.id]);
  const collision = s.findings.find((x) => x.code === '0x80240009');
  assert.ok(collision && !collision.root && collision.evidence.some((e) => e.line === 8117));
  assert.ok(
    s.findings
      .filter((x) => x.root)
      .every((x) => x.rule === 'wu-download-failed' && x.facts.kb === 'KB5026361'),
  );
});

test('corpus wu02: KB5034441 fails 0x80070643 with inner 0x800F0828 (lines 9858-9862), root cause', () => {
  const s = wu(read('wu02-reeceketley-kb5034441-80070643', 'WindowsUpdate.log'));
  const failed = s.attempts.filter((a) => a.outcome === 'failed');
  assert.equal(failed.length, 1);
  const a = failed[0]!;
  assert.equal(a.kb, 'KB5034441');
  assert.equal(
    a.package,
    '2024-01 Security Update for Windows 10 Version 22H2 for x64-based Systems (KB5034441)',
  );
  assert.equal(a.result, '0x80070643');
  assert.equal(a.client, 'MoUpdateOrchestrator');
  assert.equal(a.end, '2024-05-02 16:40:48');
  const f = s.findings.find((x) => x.rule === 'wu-install-failed')!;
  assert.equal(f.code, '0x80070643');
  assert.equal(f.codeName, 'ERROR_INSTALL_FAILURE');
  assert.equal(f.severity, 'error');
  assert.equal(f.root, true);
  assert.equal(f.facts.kb, 'KB5034441');
  assert.equal(f.facts.innerCode, '0x800f0828');
  assert.equal(f.facts.handlerCode, '0x8024200b');
  const lines = f.evidence.map((e) => e.line);
  for (const l of [9858, 9860, 9862]) assert.ok(lines.includes(l), `evidence line ${l}: ${lines}`);
  assert.match(f.evidence.find((e) => e.line === 9858)!.text, /Return code = 0x800f0828, Result = Failed/);
  assert.match(f.message.en, /KB5034441.*0x80070643 ERROR_INSTALL_FAILURE.*0x800f0828/);
  assert.match(f.message.zh, /\(KB5034441\) 安装失败 1 次/);
  assert.deepEqual(a.findings, [f.id]);
  // Not applicable (line 8208) and reboot pending (8299, 9036) are not failures.
  assert.equal(s.attempts.find((x) => x.evidence.some((e) => e.line === 8208))?.outcome, 'succeeded');
  assert.deepEqual(
    s.attempts.filter((x) => x.outcome === 'pending').map((x) => x.evidence.at(-1)?.line),
    [8299, 9036],
  );
  // 2024-05-31: the machine was offline; the last scans fail with 0x8024402F / 0x8024402C.
  const scan = s.findings.find((x) => x.rule === 'wu-detection-failed');
  assert.equal(scan?.facts.failures, '2');
  assert.equal(scan?.facts.stillFailing, 'true');
  assert.deepEqual(
    scan?.evidence.map((e) => e.line),
    [10590, 10690],
  );
});

test('corpus wu04 (Win7): no failure; Automatic Updates off and 0 updates found is informational only', () => {
  const s = wu(read('wu04-rkudache-win7-legacy-au-disabled', 'WindowsUpdate.log'));
  assert.deepEqual(s.attempts, []);
  assert.ok(s.findings.every((f) => f.severity === 'info' && !f.root));
  const [f] = s.findings;
  assert.equal(s.findings.length, 1);
  assert.equal(f?.rule, 'wu-auto-update-disabled');
  assert.equal(f?.facts.disabledBy, 'User preference');
  assert.equal(f?.facts.disabledCount, '204');
  assert.equal(f?.facts.searches, '5');
  assert.equal(f?.facts.emptySearches, '5');
  assert.equal(f?.facts.wsusServer, '<NULL>');
  assert.equal(f?.evidence[0]?.line, 24);
});

test('corpus re01: 22 failed scans, 19 in a row on 2023-07-05 with 0x80072EE2; installs succeed', () => {
  const s = re(read('re01-dcheva-reportingevents-detect-80072ee2', 'ReportingEvents.log'));
  assert.equal(s.attempts.length, 5);
  assert.ok(s.attempts.every((a) => a.outcome === 'succeeded' && a.kind === 'other'));
  assert.equal(s.findings.length, 1);
  const f = s.findings[0]!;
  assert.equal(f.rule, 'wu-detection-failed');
  assert.equal(f.code, '0x80072ee2');
  assert.equal(f.facts.failures, '22');
  assert.equal(f.facts.longestRun, '19');
  assert.equal(f.facts.runFirst, '2023-07-05 02:12:21');
  assert.equal(f.facts.runLast, '2023-07-05 10:17:44');
  assert.equal(f.facts.codes, '0x80072ee2, 0x8024402c, 0x80240438');
  assert.equal(f.facts.stillFailing, 'false');
  assert.equal(f.severity, 'error');
  assert.equal(f.root, true);
  const lines = f.evidence.map((e) => e.line);
  const expected = [635, 636, 1020];
  for (let l = 1689; l <= 1707; l++) expected.push(l);
  assert.deepEqual(lines, expected);
  assert.match(f.evidence[0]!.text, /failed to detect with error 0x8024402c\./);
  assert.match(f.message.en, /19 failed scans in a row/);
  assert.match(f.message.zh, /最长连续失败 19 次/);
});

const W7 = (time: string, comp: string, msg: string): string =>
  `2013-07-10\t${time}\t 920\t1a8\t${comp}\t${msg}`;
const REPORT = (time: string, ev: string, code: string, result: string, text: string): string =>
  W7(
    time,
    'Report',
    `REPORT EVENT: {1F2E3D4C-0000-4000-8000-000000000001}\t2013-07-10 ${time}-0000\t1\t${ev}\t101\t{AB12CD34-1111-4222-8333-444455556666}\t201\t${code}\tAutomaticUpdates\t${result}\tContent Install\t${text}`,
  );

test('Win7 REPORT EVENT lines: a failed install is a root cause; a later success makes it retried', () => {
  const title = 'Security Update for Windows 7 for x64-based Systems (KB2839894)';
  const fail = REPORT(
    '03:05:12:137',
    '182 [AGENT_INSTALLING_FAILED]',
    '800f0816',
    'Failure',
    `Installation Failure: Windows failed to install the following update with error 0x800f0816: ${title}.`,
  );
  const lines = [W7('03:05:12:100', 'Handler', 'FATAL: CBS called Error with 0x800f0816,'), fail];
  const s = wu(lines.join('\r\n'));
  assert.equal(s.attempts.length, 1);
  assert.equal(s.attempts[0]!.kb, 'KB2839894');
  assert.equal(s.attempts[0]!.outcome, 'failed');
  const f = s.findings[0]!;
  assert.equal(f.rule, 'wu-install-failed');
  assert.equal(f.code, '0x800f0816');
  assert.equal(f.root, true);
  assert.deepEqual(
    f.evidence.map((e) => e.line),
    [2],
  );
  const ok = REPORT(
    '04:00:00:000',
    '183 [AGENT_INSTALLING_SUCCEEDED]',
    '0',
    'Success',
    `Installation Successful: Windows successfully installed the following update: ${title}`,
  );
  const t = wu([...lines, ok].join('\r\n'));
  assert.deepEqual(
    t.attempts.map((a) => a.outcome),
    ['retried', 'succeeded'],
  );
  assert.equal(t.findings[0]!.severity, 'info');
  assert.equal(t.findings[0]!.root, false);
  assert.equal(t.findings[0]!.messageId, 'retried');
});

test('Win7 Agent scan blocks: a failed scan followed by a good one is intermittent (info)', () => {
  const scan = (time: string, exit: string | null): string[] => [
    W7(time, 'Agent', '**  START  **  Agent: Finding updates [CallerId = AutomaticUpdates]'),
    ...(exit ? [W7(time, 'Agent', `  * WARNING: Exit code = ${exit}`)] : []),
    W7(time, 'Agent', '**  END  **  Agent: Finding updates [CallerId = AutomaticUpdates]'),
  ];
  const s = wu([...scan('10:00:00:000', '0x8024402C'), ...scan('11:00:00:000', null)].join('\n'));
  const f = s.findings.find((x) => x.rule === 'wu-detection-failed');
  assert.equal(f?.code, '0x8024402c');
  assert.equal(f?.severity, 'info');
  assert.equal(f?.root, false);
  assert.deepEqual(
    f?.evidence.map((e) => e.line),
    [2],
  );
});

test('ReportingEvents install failure without a later success: failed, with title and KB', () => {
  const line =
    '{8F1B7E6A-1C2D-4E5F-8A9B-0C1D2E3F4A5B}\t2022-08-10 09:12:44:120+0800\t1\t182 [AGENT_INSTALLING_FAILED]\t101\t{3D6B9C5E-5A0C-4C3B-9D0E-1F2A3B4C5D6E}\t1\t80073701\tUpdateOrchestrator\tFailure\tContent Install\tInstallation Failure: Windows failed to install the following update with error 0x80073701: 2022-07 Cumulative Update for Windows 10 Version 1809 for x64-based Systems (KB5015811).\tabc.1.0';
  const s = re(line);
  assert.equal(s.attempts[0]?.outcome, 'failed');
  assert.equal(s.attempts[0]?.kb, 'KB5015811');
  assert.equal(s.findings[0]?.code, '0x80073701');
  assert.equal(s.findings[0]?.root, true);
  assert.equal(s.findings[0]?.facts.kb, 'KB5015811');
  assert.equal(s.findings[0]?.evidence[0]?.line, 1);
});
