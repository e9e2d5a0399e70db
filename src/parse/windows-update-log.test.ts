// WindowsUpdate.log: the samples parse to their fields, both forms are detected and told apart, and the
// corpus logs (Win10 decoded ETW wu01/wu02, Win7 text wu04) keep the lines their CASE.md names.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeText } from '../ingest/encoding.js';
import { packageRoot } from '../knowledge/paths.js';
import { isFailureCode } from './error-codes.js';
import { detectReportingEvents, samples as reSamples } from './reporting-events.js';
import { detectWindowsUpdateLog, parseWindowsUpdateLog, samples } from './windows-update-log.js';

function corpus(id: string, file: string): string {
  return decodeText(readFileSync(join(packageRoot(), '..', 'shared', 'corpus', id, file)));
}

test('WindowsUpdate.log samples parse to their fields and are detected as their own form only', () => {
  for (const s of samples) {
    assert.equal(detectWindowsUpdateLog([s.line]), s.format, s.line);
    assert.equal(detectReportingEvents([s.line]), false, s.line);
    const [r] = parseWindowsUpdateLog(s.line);
    assert.ok(r, s.line);
    assert.equal(r.line, 1);
    assert.equal(r.text, s.line);
    for (const [k, v] of Object.entries(s.fields))
      assert.deepEqual(r[k as keyof typeof r], v, `${k}: ${s.line}`);
  }
});

test('other formats are not WindowsUpdate.log', () => {
  assert.equal(
    detectWindowsUpdateLog(['2023-01-05 17:16:16, Info                  CBS    Exec: Processing started.']),
    null,
  );
  for (const s of reSamples) assert.equal(detectWindowsUpdateLog([s.line]), null);
  assert.equal(detectWindowsUpdateLog([]), null);
  assert.deepEqual(parseWindowsUpdateLog('hello\r\nworld\r\n'), []);
});

test('line numbers are the file’s, with unimportant lines dropped and CRLF removed', () => {
  const text = [
    '2023/05/22 08:22:17.1446038 2288  2488  Handler         * START *   Driver Install',
    '2023/05/22 08:22:17.1459929 2288  2488  Handler         CUHDriverHandler: No optional CompatibleProvider',
    '2023/05/22 08:22:20.0687608 2288  2488  Handler         Exit code = 0x8024200B',
  ].join('\r\n');
  const rs = parseWindowsUpdateLog('\uFEFF' + text);
  assert.deepEqual(
    rs.map((r) => r.line),
    [1, 3],
  );
  assert.equal(rs[1]!.message, 'Exit code = 0x8024200B');
  assert.deepEqual(rs[1]!.codes, ['0x8024200b']);
});

test('corpus wu01 (Win10): the NVIDIA driver failure lines 8152-8160 keep their codes', () => {
  const text = corpus('wu01-appostarsi-driver-800f024b', 'WindowsUpdate.log');
  assert.equal(detectWindowsUpdateLog(text.split('\n', 60)), 'win10');
  const at = new Map(parseWindowsUpdateLog(text).map((r) => [r.line, r]));
  assert.equal(at.get(8152)?.component, 'Driver');
  assert.match(
    at.get(8152)!.message,
    /^\*FAILED\* \[800F024B\] Error Installing PnP Driver pci\\ven_10de&dev_1b81/,
  );
  assert.deepEqual(at.get(8152)!.codes, ['0x800f024b']);
  assert.deepEqual(at.get(8155)!.codes, ['0x800f024b', '0x8024200b']);
  assert.equal(at.get(8157)!.message, 'Exit code = 0x8024200B');
  assert.equal(at.get(8160)!.time, '2023-05-22 08:22:20.0699170');
  assert.deepEqual(at.get(8160)!.codes, ['0x800f024b']);
  assert.deepEqual(at.get(8117)!.codes, ['0x80240009']);
  assert.match(at.get(4774)!.message, /Deserialized installable update NVIDIA - Display - 31\.0\.15\.1694/);
});

test('corpus wu02 (Win10): KB5034441 fails 0x80070643 with the installer’s 0x800F0828 (lines 9858-9862)', () => {
  const text = corpus('wu02-reeceketley-kb5034441-80070643', 'WindowsUpdate.log');
  const at = new Map(parseWindowsUpdateLog(text).map((r) => [r.line, r]));
  assert.match(at.get(9614)!.message, /^Title = 2024-01 Security Update .*\(KB5034441\)$/);
  assert.deepEqual(at.get(9858)!.codes, ['0x800f0828']);
  assert.deepEqual(at.get(9860)!.codes, ['0x8024200b']);
  assert.deepEqual(at.get(9862)!.codes, ['0x80070643', '0x800f0828']);
});

test('corpus wu04 (Win7 text): detected, AU disabled lines kept, no failure code anywhere', () => {
  const text = corpus('wu04-rkudache-win7-legacy-au-disabled', 'WindowsUpdate.log');
  assert.equal(detectWindowsUpdateLog(text.split('\n', 60)), 'win7');
  const rs = parseWindowsUpdateLog(text);
  assert.equal(rs.filter((r) => /AU disabled through User preference/.test(r.message)).length, 204);
  assert.equal(rs.filter((r) => /Found 0 updates/.test(r.message)).length, 5);
  assert.deepEqual(
    rs.filter((r) => r.codes.some(isFailureCode)).map((r) => r.line),
    [],
  );
  const wsus = rs.find((r) => /WSUS server:/.test(r.message));
  assert.equal(wsus?.line, 18);
  assert.equal(wsus?.component, 'Agent');
  assert.equal(wsus?.time, '2021-08-28 11:05:53.800');
});
