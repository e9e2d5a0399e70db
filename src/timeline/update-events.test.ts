// The event-log story: download events of the WindowsUpdateClient Operational channel (31 failed, 41
// downloaded), and one event told by two exports of the same log counted once.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseEventXml } from '../parse/event-xml.js';
import { updateStory, type UpdateEvent } from './update-events.js';

const TITLE = '2023-11 Cumulative Update for Windows 10 Version 1809 for x64-based Systems (KB5032196)';

function xmlEvent(id: number, time: string, record: number, code: string | null): string {
  return `<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='Microsoft-Windows-WindowsUpdateClient'/><EventID>${id}</EventID><TimeCreated SystemTime='${time}'/><EventRecordID>${record}</EventRecordID></System><EventData>${code ? `<Data Name='errorCode'>${code}</Data>` : ''}<Data Name='updateTitle'>${TITLE}</Data></EventData></Event>`;
}

function story(files: Record<string, string>): ReturnType<typeof updateStory> {
  const events: UpdateEvent[] = [];
  for (const [file, text] of Object.entries(files))
    for (const e of parseEventXml(text)) events.push({ ...e, file, text: e.description, utc: true });
  let a = 0;
  let f = 0;
  return updateStory(
    events,
    () => `e${++a}`,
    () => `fe${++f}`,
  );
}

test('event 31 is a failed download; a later 41 makes it transient, said as a download', () => {
  const failed = story({ 'Op.xml': xmlEvent(31, '2024-01-16T01:41:17Z', 1, '0x80248007') });
  assert.deepEqual(
    failed.attempts.map((a) => [a.kind, a.outcome, a.result, a.kb]),
    [['download', 'failed', '0x80248007', 'KB5032196']],
  );
  assert.match(
    failed.findings[0]!.message.en,
    /KB5032196 failed to download once \(2024-01-16 01:41:17 UTC\)/,
  );
  assert.equal(failed.findings[0]!.root, true);
  const later = story({
    'Op.xml': [
      xmlEvent(31, '2024-01-16T01:41:17Z', 1, '0x80248007'),
      xmlEvent(41, '2024-01-16T03:00:00Z', 2, null),
    ].join('\n'),
  });
  assert.equal(later.attempts[0]!.outcome, 'retried');
  assert.match(later.findings[0]!.message.en, /A later download of it went through: transient\./);
  assert.doesNotMatch(later.findings[0]!.message.en, /installed/);
  assert.match(later.findings[0]!.message.zh, /之后的下载已成功/);
});

test('the same event in two exports of one log (UTC and UTC+8) counts once', () => {
  const s = story({
    'a.xml': xmlEvent(31, '2024-01-16T01:41:17Z', 1, '0x80248007'),
    'b.xml': xmlEvent(31, '2024-01-16T09:41:18Z', 1, '0x80248007'),
  });
  assert.equal(s.attempts.length, 1);
  // Not the same moment (7 s apart after the offset): two events.
  const two = story({
    'a.xml': xmlEvent(31, '2024-01-16T01:41:17Z', 1, '0x80248007'),
    'b.xml': xmlEvent(31, '2024-01-16T09:41:24Z', 1, '0x80248007'),
  });
  assert.equal(two.attempts.length, 2);
});

test('Operational events 25 (search failed) and 26 (search succeeded) tell the detection story', () => {
  const s = story({
    'Op.xml': [
      xmlEvent(26, '2024-01-15T01:00:00Z', 1, null),
      xmlEvent(25, '2024-01-16T01:00:00Z', 2, '0x8024401c'),
      xmlEvent(25, '2024-01-16T05:00:00Z', 3, '0x8024401c'),
      xmlEvent(25, '2024-01-16T09:00:00Z', 4, '0x80244022'),
    ].join('\n'),
  });
  const f = s.findings.find((x) => x.rule === 'wu-detection-failed');
  assert.ok(f, s.findings.map((x) => x.rule).join(', '));
  assert.equal(f.code, '0x8024401c');
  assert.equal(f.facts.failures, '3');
  assert.equal(f.facts.stillFailing, 'true');
});
