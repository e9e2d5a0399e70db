// Registry capture format: the samples parse to their keys, every value encoding of a .reg export (wrapped
// hex, UTF-16LE strings, REGEDIT4's ANSI bytes), `reg query` output, the Windows Update policy reader, and
// the UTF-16LE .reg and GBK `reg query` fixtures. Detection across the capture formats (never on logs that
// name registry keys): captures.test.ts.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertSamplesParse, fixture, lines } from './capture-test-support.js';
import {
  detectRegistryExport,
  parseRegistryExport,
  samples,
  windowsUpdatePolicy,
} from './registry-export.js';

const WU = 'HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\Windows\\WindowsUpdate';

test('registry samples parse to their keys', () => {
  assertSamplesParse(samples, parseRegistryExport, (s) => s.keys);
});

test('REGEDIT4: hex(2) strings are ANSI bytes (GBK on a Chinese machine), escapes are undone', () => {
  const text = [
    'REGEDIT4',
    '',
    '[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\Servicing]',
    // %SystemRoot%\补丁 in GBK, NUL-terminated.
    '"LocalSourcePath"=hex(2):25,53,79,73,74,65,6d,52,6f,6f,74,25,5c,b2,b9,b6,a1,00',
    '"Quoted"="say \\"hi\\" in C:\\\\tmp"',
    '"Flags"=hex(4):01,00,00,00',
  ].join('\r\n');
  assert.ok(detectRegistryExport(lines(text)));
  const [key] = parseRegistryExport(text);
  assert.deepEqual(
    key!.values.map((v) => [v.name, v.type, v.value, v.line]),
    [
      ['LocalSourcePath', 'REG_EXPAND_SZ', '%SystemRoot%\\补丁', 4],
      ['Quoted', 'REG_SZ', 'say "hi" in C:\\tmp', 5],
      ['Flags', 'REG_DWORD', 1, 6],
    ],
  );
});

test('reg query: every type, a name with spaces, an empty string, a large QWORD', () => {
  const text = [
    'HKEY_LOCAL_MACHINE\\SOFTWARE\\Example',
    '    (Default)    REG_SZ    (value not set)',
    '    Name With Spaces    REG_EXPAND_SZ    %SystemRoot%\\system32',
    '    Empty    REG_SZ',
    '    List    REG_MULTI_SZ    one\\0two\\0',
    '    Blob    REG_BINARY    0A0BFF',
    '    Big    REG_QWORD    0xffffffffffffffff',
    '    Small    REG_QWORD    0x10',
    '',
    'End of search: 7 match(es) found.',
  ].join('\r\n');
  const [key] = parseRegistryExport(text);
  assert.deepEqual(
    key!.values.map((v) => [v.name, v.type, v.value]),
    [
      ['', 'REG_SZ', null],
      ['Name With Spaces', 'REG_EXPAND_SZ', '%SystemRoot%\\system32'],
      ['Empty', 'REG_SZ', ''],
      ['List', 'REG_MULTI_SZ', ['one', 'two']],
      ['Blob', 'REG_BINARY', '0a0bff'],
      ['Big', 'REG_QWORD', '0xffffffffffffffff'],
      ['Small', 'REG_QWORD', 16],
    ],
  );
});

test('windowsUpdatePolicy: HKLM spelling, a deleted key clears its values, a DWORD written as a string', () => {
  const text = [
    'Windows Registry Editor Version 5.00',
    '',
    '[HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\Windows\\WindowsUpdate\\AU]',
    '"NoAutoUpdate"=dword:00000001',
    '',
    '[-HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\Windows\\WindowsUpdate\\AU]',
    '',
    '[hkey_local_machine\\software\\policies\\microsoft\\windows\\windowsupdate\\]',
    '"ElevateNonAdmins"="1"',
    '"WUServer"=-',
  ].join('\r\n');
  const p = windowsUpdatePolicy(parseRegistryExport(text));
  assert.equal(p.noAutoUpdate, null);
  assert.deepEqual(p.elevateNonAdmins, {
    value: 1,
    type: 'REG_SZ',
    key: 'hkey_local_machine\\software\\policies\\microsoft\\windows\\windowsupdate',
    line: 9,
  });
  assert.equal(p.wuServer, null);
  const abbreviated = windowsUpdatePolicy([
    {
      path: 'HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\WindowsUpdate\\AU',
      deleted: false,
      line: 1,
      values: [{ name: 'AUOptions', type: 'REG_DWORD', value: 2, deleted: false, line: 2 }],
    },
  ]);
  assert.equal(abbreviated.auOptions?.value, 2);
});

test('UTF-16LE .reg fixture: wrapped hex(2)/hex(7), a Chinese TargetGroup, QWORD, deleted key, the policy', () => {
  const text = fixture('wu-policy.reg');
  assert.ok(detectRegistryExport(lines(text).slice(0, 5)));
  const keys = parseRegistryExport(text);
  assert.deepEqual(
    keys.map((k) => [k.line, k.deleted, k.values.length]),
    [
      [3, false, 10],
      [19, false, 6],
      [27, true, 0],
    ],
  );
  const byName = new Map(keys.flatMap((k) => k.values).map((v) => [v.name, v]));
  assert.deepEqual(byName.get('CachePath'), {
    name: 'CachePath',
    type: 'REG_EXPAND_SZ',
    value: '%SystemRoot%\\SoftwareDistribution\\补丁',
    deleted: false,
    line: 12,
  });
  assert.deepEqual([byName.get('Rings')!.value, byName.get('Rings')!.line], [['Ring1', '第二批'], 16]);
  assert.equal(byName.get('DetectionFrequency')!.value, 4294967296);
  const p = windowsUpdatePolicy(keys);
  assert.deepEqual(Object.fromEntries(Object.entries(p).map(([k, v]) => [k, v ? [v.value, v.line] : null])), {
    wuServer: ['http://wsus01.corp.example:8530', 4],
    wuStatusServer: ['http://wsus01.corp.example:8530', 5],
    updateServiceUrlAlternate: ['', 6],
    targetGroup: ['服务器-第一批', 8],
    targetGroupEnabled: [1, 7],
    disableWindowsUpdateAccess: null,
    doNotConnectToWindowsUpdateInternetLocations: [1, 9],
    setDisableUXWUAccess: [1, 10],
    elevateNonAdmins: [0, 11],
    useWUServer: [1, 20],
    noAutoUpdate: [0, 21],
    auOptions: [4, 22],
    scheduledInstallDay: [0, 23],
    scheduledInstallTime: [3, 24],
  });
  assert.equal(p.useWUServer?.key, `${WU}\\AU`);
});

test('GBK zh-CN reg query fixture: (默认) is the unset default value, the policy points at the WSUS server', () => {
  const text = fixture('reg-query-wu-zh.gbk.txt');
  assert.ok(detectRegistryExport(lines(text).slice(0, 5)));
  const keys = parseRegistryExport(text);
  assert.deepEqual(
    keys.map((k) => [k.path, k.line]),
    [
      [WU, 2],
      [`${WU}\\AU`, 9],
    ],
  );
  assert.deepEqual(keys[0]!.values[0], { name: '', type: 'REG_SZ', value: null, deleted: false, line: 3 });
  const p = windowsUpdatePolicy(keys);
  assert.deepEqual(p.wuServer, { value: 'http://10.20.30.40:8530', type: 'REG_SZ', key: WU, line: 4 });
  assert.deepEqual([p.targetGroup?.value, p.disableWindowsUpdateAccess?.value], ['财务部', 1]);
  assert.deepEqual([p.useWUServer?.line, p.auOptions?.value, p.scheduledInstallTime?.line], [10, 3, 14]);
});
