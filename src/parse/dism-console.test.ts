// DISM console format: the samples parse to their fields, no runs from CBS.log, several runs in one
// capture, and the GBK zh-CN session fixture. Detection across the capture formats: captures.test.ts.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../knowledge/paths.js';
import { assertSamplesParse, fixture, lines } from './capture-test-support.js';
import { detectDismConsole, parseDismConsole, samples } from './dism-console.js';

test('DISM console samples parse to their fields', () => {
  assertSamplesParse(samples, parseDismConsole, (s) => [s.fields]);
});

test('CBS.log gives no DISM runs', () => {
  assert.equal(
    parseDismConsole(readFileSync(join(packageRoot(), 'examples', 'CBS.log'), 'latin1')).length,
    0,
  );
});

test('several runs in one capture keep their own lines; the command before the header belongs to its run', () => {
  const text = [samples[1]!.text, '', samples[0]!.text, '', samples[2]!.text].join('\r\n');
  const runs = parseDismConsole(text);
  assert.deepEqual(
    runs.map((r) => [r.line, r.headerLine, r.operation, r.command?.line]),
    [
      [1, 3, 'scan', 1],
      [11, 13, 'restore', 11],
      [26, 28, 'check', 26],
    ],
  );
  assert.equal(runs[1]!.error?.line, 19);
  assert.equal(runs[1]!.logPath?.line, 24);
  assert.equal(runs[2]!.health?.state, 'noCorruption');
});

test('without the echoed command the operation is read from the messages', () => {
  const bare = (body: string[]): string =>
    [
      'Deployment Image Servicing and Management tool',
      'Version: 10.0.19041.1',
      '',
      'Image Version: 10.0.19045.2965',
      '',
      ...body,
    ].join('\n');
  const check = parseDismConsole(
    bare(['The component store is repairable.', 'The operation completed successfully.']),
  )[0]!;
  assert.deepEqual([check.operation, check.operationFrom, check.command], ['check', 'messages', null]);
  const scan = parseDismConsole(bare(['[====100.0%====] No component store corruption detected.']))[0]!;
  assert.deepEqual([scan.operation, scan.health?.state], ['scan', 'noCorruption']);
  const restore = parseDismConsole(
    bare(['[====100.0%====]', 'The restore operation completed successfully.']),
  )[0]!;
  assert.deepEqual([restore.operation, restore.health?.line], ['restore', 7]);
  const broken = parseDismConsole(bare(['[====100.0%====] The component store cannot be repaired.']))[0]!;
  assert.equal(broken.health?.state, 'notRepairable');
  // Windows 8.1 wording: the repair note and the completion share a line.
  const win81 = parseDismConsole(
    bare([
      '[==========================100.0%==========================]',
      'The restore operation completed successfully.',
      'The component store corruption was repaired. The operation completed successfully.',
    ]),
  )[0]!;
  assert.deepEqual([win81.operation, win81.health?.line, win81.completed?.line], ['restore', 7, 8]);
});

test('a run that stopped mid-way gives its last percentage; the CR redraws of one line count as one line', () => {
  const text = [
    'C:\\>dism /online /cleanup-image /restorehealth',
    '',
    'Deployment Image Servicing and Management tool',
    'Version: 10.0.19041.1',
    '',
    'Image Version: 10.0.19045.2965',
    '',
    '[=                          2.1%                           ]\r[===========================62.3%====                      ]',
  ].join('\r\n');
  const [run] = parseDismConsole(text);
  assert.deepEqual(run!.progress, { percent: 62.3, line: 8 });
  assert.equal(run!.stalledAt, 62.3);
  assert.equal(run!.operation, 'restore');
});

test('a package error before the final one: every error with its message, the last one is the run’s', () => {
  const text = [
    'Deployment Image Servicing and Management tool',
    'Version: 10.0.26100.5074',
    '',
    'Image Version: 10.0.26100.6584',
    '',
    'Processing 1 of 1 - Adding package Package_for_RollupFix~31bf3856ad364e35~amd64~~26100.1742.1.10',
    '[==========================100.0%==========================]',
    'Package_for_RollupFix: The source files could not be found.',
    'Use the "Source" option to specify the location of the files that are required to restore the feature.',
    ' Error: 0x800f081f',
    '',
    'Error: 0x800f081f',
    '',
    'DISM failed. No operation was performed.',
    'For more information, review the log file.',
    '',
    'The DISM log file can be found at C:\\Windows\\Logs\\DISM\\DismLCU_boot.log',
  ].join('\r\n');
  const [run] = parseDismConsole(text);
  assert.equal(run!.errors.length, 2);
  assert.deepEqual(
    [run!.errors[0]!.line, run!.errors[0]!.messageLine, run!.errors[0]!.message],
    [10, 8, 'Package_for_RollupFix: The source files could not be found.'],
  );
  assert.deepEqual([run!.error!.line, run!.error!.message], [12, 'DISM failed. No operation was performed.']);
  assert.equal(run!.logPath?.path, 'C:\\Windows\\Logs\\DISM\\DismLCU_boot.log');
  // No echoed command and no health verdict: the operation is not guessed.
  assert.equal(run!.operation, null);
});

test('a decimal Win32 error becomes its HRESULT; full-width colons and trailing spaces are accepted', () => {
  const text = [
    '部署映像服务和管理工具  ',
    '版本： 10.0.17763.1',
    '映像版本：10.0.17763.1879  ',
    '错误： 14098  ',
    '',
    '组件存储已损坏。',
  ].join('\r\n');
  assert.ok(detectDismConsole(lines(text)));
  const [run] = parseDismConsole(text);
  assert.deepEqual(run!.image, { version: '10.0.17763.1879', build: 17763, ubr: 1879, line: 3 });
  assert.deepEqual(
    [run!.error?.written, run!.error?.code, run!.error?.message, run!.error?.messageLine],
    ['14098', '0x80073712', '组件存储已损坏。', 6],
  );
});

test('GBK zh-CN session (fixtures/outputs): five runs, the failing restore names its source and error', () => {
  const text = fixture('dism-zh-runs.gbk.txt');
  assert.ok(detectDismConsole(lines(text).slice(0, 40)));
  const runs = parseDismConsole(text);
  assert.deepEqual(
    runs.map((r) => [r.line, r.operation, r.health?.state ?? null, r.error?.code ?? null, r.stalledAt]),
    [
      [4, 'check', 'repairable', null, null],
      [14, 'scan', 'repairable', null, null],
      [24, 'restore', null, '0x800f081f', null],
      [39, 'other', null, '0x80073712', null],
      [54, 'restore', null, null, 62.3],
    ],
  );
  const restore = runs[2]!;
  assert.equal(restore.source, 'D:\\sources\\install.wim');
  assert.equal(restore.limitAccess, true);
  assert.deepEqual(restore.image, { version: '10.0.17763.1879', build: 17763, ubr: 1879, line: 29 });
  assert.deepEqual(
    [restore.error?.line, restore.error?.message, restore.error?.messageLine],
    [32, '找不到源文件。', 34],
  );
  assert.deepEqual(restore.logPath, { path: 'C:\\Windows\\Logs\\DISM\\dism.log', line: 37 });
  // The ScanHealth bar was redrawn three times on line 21; its verdict follows the last redraw.
  assert.deepEqual(runs[1]!.progress, { percent: 100, line: 21 });
  assert.equal(runs[1]!.health?.line, 21);
  assert.equal(runs[3]!.error?.message, '组件存储已损坏。');
});
