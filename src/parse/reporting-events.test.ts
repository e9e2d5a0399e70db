// ReportingEvents.log: the samples parse to their fields, detection, and the UTF-16LE corpus file re01
// gives the event counts and failing scan lines of its CASE.md.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeText } from '../ingest/encoding.js';
import { packageRoot } from '../knowledge/paths.js';
import { detectReportingEvents, parseReportingEvents, samples } from './reporting-events.js';
import { detectWindowsUpdateLog } from './windows-update-log.js';

test('ReportingEvents samples parse to their fields and are detected', () => {
  for (const s of samples) {
    assert.ok(detectReportingEvents([s.line]), s.line);
    assert.equal(detectWindowsUpdateLog([s.line]), null);
    const [r] = parseReportingEvents(s.line);
    assert.ok(r, s.line);
    assert.equal(r.line, 1);
    assert.equal(r.raw, s.line);
    for (const [k, v] of Object.entries(s.fields))
      assert.deepEqual(r[k as keyof typeof r], v, `${k}: ${s.line}`);
  }
});

test('fields are found by pattern: an extra column before the result still parses', () => {
  const line =
    '{6F653B9E-B278-49DC-B72D-37AD84322CFC}\t2023-06-24 07:50:14:394+0300\t1\t148 [AGENT_DETECTION_FAILED]\t101\t{9482F4B4-E343-43B6-B170-9A65BC822C77}\t0\textra\t8024402c\tMoUpdateOrchestrator\tFailure\tSoftware Synchronization\tWindows Update Client failed to detect with error 0x8024402c.';
  const [r] = parseReportingEvents(line);
  assert.equal(r?.code, '0x8024402c');
  assert.equal(r?.callerId, 'MoUpdateOrchestrator');
  assert.equal(r?.updateId, '9482F4B4-E343-43B6-B170-9A65BC822C77');
  assert.equal(
    detectReportingEvents(['2023-01-05 17:16:16, Info                  CBS    Exec: Processing started.']),
    false,
  );
});

test('corpus re01 (UTF-16LE): 22 failed scans, 19 in a row with 0x80072EE2 on lines 1689-1707', () => {
  const buf = readFileSync(
    join(
      packageRoot(),
      '..',
      'shared',
      'corpus',
      're01-dcheva-reportingevents-detect-80072ee2',
      'ReportingEvents.log',
    ),
  );
  const text = decodeText(buf);
  assert.ok(detectReportingEvents(text.split('\n', 20)));
  const rs = parseReportingEvents(text);
  assert.equal(rs.length, 1714);
  assert.equal(rs[rs.length - 1]!.line, 1714);
  const failed = rs.filter((r) => r.tag === 'AGENT_DETECTION_FAILED');
  assert.equal(failed.length, 22);
  assert.ok(failed.every((r) => r.result === 'Failure' && r.kind === 'Software Synchronization'));
  assert.equal(rs.filter((r) => r.eventId === 147 && r.result === 'Success').length, 1656);
  const at = new Map(rs.map((r) => [r.line, r]));
  assert.equal(at.get(635)!.code, '0x8024402c');
  assert.equal(at.get(636)!.code, '0x8024402c');
  assert.equal(at.get(1020)!.code, '0x80240438');
  for (let l = 1689; l <= 1707; l++) {
    assert.equal(at.get(l)!.tag, 'AGENT_DETECTION_FAILED', String(l));
    assert.equal(at.get(l)!.code, '0x80072ee2', String(l));
  }
  assert.equal(at.get(1689)!.time, '2023-07-05 02:12:21.242');
  assert.equal(at.get(1689)!.utcOffset, '+0300');
  assert.equal(at.get(1708)!.tag, 'AGENT_DOWNLOAD_STARTED');
  const installed = rs.filter((r) => r.tag === 'AGENT_INSTALLING_SUCCEEDED');
  assert.equal(installed.length, 5);
  assert.ok(installed.some((r) => r.title === '9WZDNCRFJBMP-MICROSOFT.WINDOWSSTORE'));
});
