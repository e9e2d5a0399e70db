// Package listing format: the samples parse to their entries, the table layouts and Get-HotFix lists, and
// the GBK zh-CN `dism /get-packages` and UTF-16LE `wmic qfe` fixtures. Detection across the capture formats
// (never on logs that name packages, systeminfo, which lists hotfixes too, or a DISM health run):
// captures.test.ts.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertSamplesParse, fixture, lines } from './capture-test-support.js';
import { detectPackageList, parsePackageList, samples } from './package-list.js';

test('package listing samples parse to their entries', () => {
  assertSamplesParse(samples, parsePackageList, (s) => s.entries);
});

test('dism /get-packages /format:table and Get-WindowsPackage as a table', () => {
  const dismTable = [
    '',
    '------------------------------------------------------------------------- | ----------------- | --------------- | ------------------',
    'Package Identity                                                          | State             | Release Type    | Install Time',
    '------------------------------------------------------------------------- | ----------------- | --------------- | ------------------',
    'Package_for_RollupFix~31bf3856ad364e35~amd64~~17763.1879.1.7              | Installed         | Security Update | 4/14/2021 3:02 AM',
    'Package_for_KB5005112~31bf3856ad364e35~amd64~~17763.2090.1.1              | Uninstall Pending | Update          |',
    '',
    'The operation completed successfully.',
  ].join('\r\n');
  assert.ok(detectPackageList(lines(dismTable)));
  assert.deepEqual(
    parsePackageList(dismTable).map((p) => [p.line, p.state, p.releaseType, p.installTime, p.kb, p.source]),
    [
      [5, 'Installed', 'Security Update', '4/14/2021 3:02 AM', null, 'dism-table'],
      [6, 'UninstallPending', 'Update', null, 'KB5005112', 'dism-table'],
    ],
  );
  const psTable = [
    'PackageName                                                       PackageState ReleaseType    InstallTime',
    '-----------                                                       ------------ -----------    -----------',
    'Package_for_RollupFix~31bf3856ad364e35~amd64~~17763.1879.1.7      Installed    SecurityUpdate 4/14/2021 3:02:00 AM',
    'Package_for_KB4589208~31bf3856ad364e35~amd64~~17763.1.1.0         NotPresent   Update',
  ].join('\n');
  assert.ok(detectPackageList(lines(psTable)));
  assert.deepEqual(
    parsePackageList(psTable).map((p) => [p.line, p.state, p.stateText, p.releaseType, p.installTime, p.kb]),
    [
      [3, 'Installed', 'Installed', 'SecurityUpdate', '4/14/2021 3:02:00 AM', null],
      [4, 'Absent', 'NotPresent', 'Update', null, 'KB4589208'],
    ],
  );
});

test('Get-HotFix | Format-List; an unknown state is kept as written; full-width colons', () => {
  const list = [
    '',
    'Source      : PC-0042',
    'Description : Security Update',
    'HotFixID    : KB5001342',
    'InstalledBy : NT AUTHORITY\\SYSTEM',
    'InstalledOn : 2021/4/14 0:00:00',
    '',
  ].join('\r\n');
  assert.ok(detectPackageList(lines(list)));
  assert.deepEqual(parsePackageList(list), [
    {
      identity: 'KB5001342',
      state: 'Installed',
      stateText: null,
      releaseType: 'Security Update',
      installTime: '2021/4/14 0:00:00',
      kb: 'KB5001342',
      line: 4,
      source: 'hotfix',
    },
  ]);
  const odd = [
    'Package Identity ： Package_for_KB5001342~31bf3856ad364e35~amd64~~17763.1879.1.7  ',
    'State ： Partially Installed',
  ].join('\r\n');
  assert.ok(detectPackageList(lines(odd)));
  const [p] = parsePackageList(odd);
  assert.deepEqual(
    [p!.state, p!.kb, p!.identity],
    ['Partially Installed', 'KB5001342', 'Package_for_KB5001342~31bf3856ad364e35~amd64~~17763.1879.1.7'],
  );
});

test('GBK zh-CN dism /get-packages fixture: states normalised, times as written, the pending rollup', () => {
  const text = fixture('packages-zh.gbk.txt');
  assert.ok(detectPackageList(lines(text).slice(0, 20)));
  const pkgs = parsePackageList(text);
  assert.deepEqual(
    pkgs.map((p) => [p.line, p.state, p.stateText, p.releaseType, p.installTime, p.kb]),
    [
      [9, 'Installed', '已安装', '语言包', '2020/11/23 8:33', null],
      [14, 'Superseded', '已取代', '更新', '2021/4/14 2:58', 'KB5001404'],
      [19, 'Installed', '已安装', '安全更新', '2021/4/14 3:02', null],
      [24, 'InstallPending', '安装挂起', '安全更新', null, null],
    ],
  );
  assert.equal(pkgs[2]!.identity, 'Package_for_RollupFix~31bf3856ad364e35~amd64~~17763.1879.1.7');
  assert.ok(pkgs.every((p) => p.source === 'dism'));
});

test('UTF-16LE wmic qfe list fixture: fixed-width columns with empty cells', () => {
  const text = fixture('hotfix-wmic.utf16le-bom.txt');
  assert.ok(detectPackageList(lines(text).slice(0, 5)));
  assert.deepEqual(
    parsePackageList(text).map((p) => [p.line, p.identity, p.kb, p.releaseType, p.installTime, p.source]),
    [
      [2, 'KB4486153', 'KB4486153', 'Update', '11/23/2020', 'wmic'],
      [3, 'KB5001404', 'KB5001404', 'Update', '4/14/2021', 'wmic'],
      [4, 'KB5001342', 'KB5001342', 'Security Update', '4/14/2021', 'wmic'],
    ],
  );
});
