// Event text exports: the sample parses to its fields; English and Chinese field names; detection.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectEventText, parseEventText, samples } from './event-text.js';

test('event text samples parse to their fields, with the Windows Update code and title', () => {
  for (const s of samples) {
    const [e] = parseEventText(s.text);
    assert.ok(e);
    for (const [k, v] of Object.entries(s.fields)) assert.deepEqual(e[k as keyof typeof e], v, k);
    assert.equal(e.data.errorCode, '0x80070570');
    assert.equal(e.data.updateTitle, 'Windows 11, version 22H2');
    assert.equal(e.descLine, 8);
    assert.ok(detectEventText(s.text.split(/\r?\n/)));
  }
});

test('Chinese field names (wevtutil on a Chinese system)', () => {
  const text = [
    'Event[7]:',
    '  日志名称: System',
    '  来源: Microsoft-Windows-WindowsUpdateClient',
    '  日期: 2022-08-10T09:00:00.0000000Z',
    '  事件 ID: 20',
    '  描述: ',
    '安装失败: Windows 无法安装以下更新，错误 0x80070570: 2022-06 x64 Windows 10 Version 1809 累积更新 (KB5014692)。',
  ].join('\r\n');
  assert.ok(detectEventText(text.split(/\r?\n/)));
  const [e] = parseEventText(text);
  assert.equal(e?.eventId, 20);
  assert.equal(e?.data.errorCode, '0x80070570');
  assert.match(e?.data.updateTitle ?? '', /KB5014692/);
});

test('a CBS log is not an event export', () => {
  assert.equal(
    detectEventText(['2023-01-05 17:16:16, Info                  CBS    Exec: Processing started.']),
    false,
  );
});
