// OS version format: the samples parse to their build, a DISM session that starts with the cmd banner is not
// detected as an OS version capture, the version from the build when it is not written, and the GBK zh-CN
// fixture (`ver` then `reg query` of the CurrentVersion key). Detection across the capture formats (never
// on CBS.log, systeminfo or logs): captures.test.ts.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { assertSamplesParse, fixture, lines } from './capture-test-support.js';
import { samples as dismSamples } from './dism-console.js';
import { detectOsVersion, parseOsVersion, parseOsVersions, samples } from './os-version.js';

test('OS version samples parse to their fields', () => {
  assertSamplesParse(
    samples,
    (text) => [parseOsVersion(text)].filter((v) => v !== null),
    (s) => [s.fields],
  );
});

test('a DISM session copied with the cmd banner above it is DISM output, not an OS version capture', () => {
  const session = ['Microsoft Windows [Version 10.0.17763.1879]', '', dismSamples[0]!.text].join('\r\n');
  assert.equal(detectOsVersion(lines(session)), false);
  assert.equal(parseOsVersion(session)?.ubr, 1879);
});

test('older `ver` without UBR; ReleaseId 2009 names no version, the build does', () => {
  const old = parseOsVersion(
    'Microsoft Windows [版本 10.0.15063]\r\n(c) 2017 Microsoft Corporation。保留所有权利。',
  );
  assert.deepEqual([old?.build, old?.ubr, old?.version, old?.versionFromBuild], [15063, null, '1703', true]);
  const ps = parseOsVersion(
    ['CurrentBuild : 19045', 'ReleaseId    : 2009', 'UBR          : 2965'].join('\n'),
  );
  assert.deepEqual([ps?.version, ps?.versionFromBuild, ps?.lines.version], ['22H2', true, undefined]);
  const rs5 = parseOsVersion(['CurrentBuildNumber : 17763', 'ReleaseId : 1809'].join('\n'));
  assert.deepEqual([rs5?.version, rs5?.versionFromBuild, rs5?.lines.version], ['1809', false, 2]);
  assert.equal(parseOsVersion('nothing here'), null);
});

test('a .reg export of the CurrentVersion key and a `reg query /v UBR` are read too', () => {
  const reg = [
    'Windows Registry Editor Version 5.00',
    '',
    '[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion]',
    '"CurrentBuild"="22621"',
    '"DisplayVersion"="22H2"',
    '"UBR"=dword:000006b6',
  ].join('\r\n');
  assert.ok(detectOsVersion(lines(reg)));
  const v = parseOsVersion(reg);
  assert.deepEqual([v?.build, v?.ubr, v?.version, v?.source, v?.line], [22621, 1718, '22H2', 'registry', 4]);
  const ubrOnly = [
    '',
    'HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion',
    '    UBR    REG_DWORD    0x757',
    '',
  ].join('\r\n');
  assert.ok(detectOsVersion(lines(ubrOnly)));
  assert.deepEqual(
    parseOsVersions(ubrOnly).map((o) => [o.build, o.ubr, o.line]),
    [[null, 1879, 3]],
  );
});

test('GBK zh-CN fixture: `ver` and the registry agree on 17763.1879, each value with its line', () => {
  const text = fixture('osversion-zh.gbk.txt');
  assert.ok(detectOsVersion(lines(text).slice(0, 20)));
  const all = parseOsVersions(text);
  assert.deepEqual(
    all.map((o) => [o.source, o.build, o.ubr, o.line]),
    [
      ['ver', 17763, 1879, 1],
      ['registry', 17763, 1879, 9],
    ],
  );
  const reg = all[1]!;
  assert.deepEqual(
    [reg.version, reg.versionFromBuild, reg.edition, reg.productName],
    ['1809', false, 'EnterpriseS', 'Windows 10 Enterprise LTSC 2019'],
  );
  assert.deepEqual(reg.lines, { build: 9, edition: 12, productName: 13, version: 14, ubr: 17 });
  assert.equal(parseOsVersion(text)?.source, 'ver');
});

// Fuzz seed 1, input 3946 (a folder of mutated corpus logs): a GBK capture line of 25,000 ideographic spaces
// made the winver edition pattern `^\s*(.+?)\s*操作系统…` backtrack for minutes. Every pattern here is linear in
// the line now. Synchronous code cannot be stopped by a test's timeout, so the parse runs on a thread that is
// ended if it takes more than 20 s (it takes milliseconds; the old pattern took minutes at a tenth of this).
test('long runs of spaces and tabs in a capture are read in linear time', async () => {
  // Two-byte text (a GBK capture decodes to it; U+3000 is the ideographic space): on one-byte text V8 sees
  // at once that a Chinese literal cannot match, so only two-byte lines show the backtracking.
  const run = '\u3000 '.repeat(100_000);
  const text = [
    'Microsoft Windows [Version 10.0.17763.1879]',
    'Version 1809 (OS Build 17763.1879)',
    `${run}x`,
    `${run}EditionID    REG_SZ    EnterpriseS 企业版`,
    `${run}操作系统及其用户界面受${run}`,
    `The ${run} operating system and its user interface are protected`,
    `    CurrentBuild    REG_SZ    17763${run}`,
    `UBR :${'\t'.repeat(100_000)}1879`,
  ].join('\r\n');
  const module = new URL('./os-version.js', import.meta.url).href;
  const worker = new Worker(
    `import(${JSON.stringify(module)}).then((m) => {
      const { parentPort, workerData } = require('node:worker_threads');
      parentPort.postMessage(m.parseOsVersions(workerData).map((v) => v.build));
    });`,
    { eval: true, workerData: text },
  );
  let timer: NodeJS.Timeout | undefined;
  const builds = await Promise.race([
    once(worker, 'message').then(([b]) => b as (number | null)[]),
    new Promise<null>((done) => (timer = setTimeout(() => done(null), 20_000))),
  ]);
  clearTimeout(timer);
  await worker.terminate();
  assert.notEqual(builds, null, 'the capture was not parsed within 20 s');
  assert.ok(builds!.includes(17763));
  assert.equal(detectOsVersion(lines(text)), true);
  // The edition is still read from the real wording, in both languages.
  const en = parseOsVersions(
    'Version 1809 (OS Build 17763.1879)\r\nThe Windows 10 Enterprise LTSC operating system and its user interface are protected by trademark',
  );
  assert.equal(en[0]!.edition, 'Windows 10 Enterprise LTSC');
  const zh = parseOsVersions(
    '版本 1809 (OS 内部版本 17763.1879)\r\nWindows 10 企业版 LTSC 操作系统及其用户界面受商标保护',
  );
  assert.equal(zh[0]!.edition, 'Windows 10 企业版 LTSC');
});
