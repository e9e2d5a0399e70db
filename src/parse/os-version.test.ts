// OS version format: the samples parse to their build, a DISM session that starts with the cmd banner is not
// detected as an OS version capture, the version from the build when it is not written, and the GBK zh-CN
// fixture (`ver` then `reg query` of the CurrentVersion key). Detection across the capture formats (never
// on CBS.log, systeminfo or logs): captures.test.ts.

import { test } from 'node:test';
import assert from 'node:assert/strict';
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
