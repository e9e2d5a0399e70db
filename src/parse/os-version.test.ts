// OS version format: the samples parse to their build, detection by content (never on CBS.log, systeminfo,
// logs or a DISM/sfc session that starts with the cmd banner), the version from the build when it is not
// written, and the GBK zh-CN fixture (`ver` then `reg query` of the CurrentVersion key).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeText } from '../ingest/encoding.js';
import { packageRoot } from '../knowledge/paths.js';
import { samples as dismSamples } from './dism-console.js';
import { samples as hashSamples } from './file-hash.js';
import { detectOsVersion, parseOsVersion, parseOsVersions, samples } from './os-version.js';
import { samples as packageSamples } from './package-list.js';
import { samples as sfcSamples } from './sfc-console.js';
import { samples as systemInfoSamples } from './systeminfo.js';

/** First lines of real logs (read as latin1) that no captured-output detector may take. */
function logHeads(): { name: string; lines: string[] }[] {
  const corpus = join(packageRoot(), '..', 'shared', 'corpus');
  const files = [
    join(packageRoot(), 'examples', 'CBS.log'),
    join(corpus, 'cbs13-eyeofparadox-w11-oobe-ok', 'CBS.log'),
    join(corpus, 'dism11-eyeofparadox-w11-oobe-ok', 'dism.log'),
    join(corpus, 'wu02-reeceketley-kb5034441-80070643', 'WindowsUpdate.log'),
    join(corpus, 'setup05-bitbtrust-clean-install-ok', 'setupact.log'),
    join(corpus, 'evt01-appostarsi-system-events-txt', 'system-events.txt'),
  ];
  return files.map((f) => ({
    name: f,
    lines: readFileSync(f)
      .subarray(0, 256 * 1024)
      .toString('latin1')
      .split(/\r?\n/),
  }));
}

const lines = (t: string): string[] => t.split(/\r?\n/);

test('OS version samples parse to their fields and are detected', () => {
  for (const s of samples) {
    const v = parseOsVersion(s.text);
    assert.ok(v, s.text);
    for (const [k, want] of Object.entries(s.fields)) assert.deepEqual(v[k as keyof typeof v], want, k);
    assert.ok(detectOsVersion(lines(s.text)), s.text);
  }
});

test('OS version detection: not on CBS.log, systeminfo, logs, a DISM/sfc session or other captures', () => {
  for (const h of logHeads()) assert.equal(detectOsVersion(h.lines), false, h.name);
  for (const s of systemInfoSamples) assert.equal(detectOsVersion(lines(s.text)), false, s.text);
  for (const s of [...dismSamples, ...sfcSamples, ...packageSamples, ...hashSamples])
    assert.equal(detectOsVersion(lines(s.text)), false, s.text.slice(0, 80));
  // A DISM session copied with the cmd banner above it is DISM output, not an OS version capture.
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
  const text = decodeText(readFileSync(join(packageRoot(), 'fixtures', 'outputs', 'osversion-zh.gbk.txt')));
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
