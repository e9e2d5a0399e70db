// PowerShell Format-List of events: the samples parse to their events; `Format-List *` with a message over
// several lines; the UTF-16LE fixture (as Windows PowerShell's `>` writes it); day-first dates; cut and
// hostile input. Detection across the formats: captures.test.ts.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertSamplesParse, lines } from './capture-test-support.js';
import { detectEventList, parseEventList, samples } from './event-list.js';
import { decodeText } from '../ingest/encoding.js';
import { packageRoot } from '../knowledge/paths.js';

const listed = (): string =>
  decodeText(
    readFileSync(join(packageRoot(), 'fixtures', 'events', 'system.getwinevent-list.utf16le-bom.txt')),
  );

test('event list samples parse to their events', () => {
  assertSamplesParse(samples, parseEventList, (s) => s.events);
});

test('Format-List *: record id and level; a message keeps its lines, blank ones too', () => {
  const text = [
    '',
    'Message              : The Contoso Sync Helper service failed to start due to the following error:',
    '',
    '                       The service did not respond to the start or control request in a timely',
    '                       fashion.',
    'Id                   : 7000',
    'Version              : 0',
    'Qualifiers           : 49152',
    'Level                : 2',
    'RecordId             : 26983',
    'ProviderName         : Service Control Manager',
    'LogName              : System',
    'TimeCreated          : 7/22/2022 8:41:31 AM',
    'LevelDisplayName     : Error',
    'KeywordsDisplayNames : {Classic}',
    'Properties           : {System.Diagnostics.Eventing.Reader.EventProperty,',
    '                       System.Diagnostics.Eventing.Reader.EventProperty}',
    '',
  ].join('\r\n');
  assert.ok(detectEventList(lines(text)));
  const [e, ...rest] = parseEventList(text);
  assert.deepEqual(rest, []);
  assert.deepEqual(
    [e?.line, e?.descLine, e?.recordId, e?.time, e?.eventId, e?.provider, e?.level],
    [2, 2, 26983, '2022-07-22T08:41:31', 7000, 'Service Control Manager', 'Error'],
  );
  assert.equal(
    e?.description,
    'The Contoso Sync Helper service failed to start due to the following error:\n\nThe service did not respond to the start or control request in a timely\nfashion.',
  );
});

test('the UTF-16LE fixture: eleven events, newest first, the update failure and the bugcheck', () => {
  const text = listed();
  assert.ok(detectEventList(lines(text)));
  const events = parseEventList(text);
  assert.equal(events.length, 11);
  assert.deepEqual(
    events.filter((e) => [20, 41, 43, 1001].includes(e.eventId)).map((e) => [e.recordId, e.time, e.eventId]),
    [
      [11, '2022-07-22T09:13:20', 1001],
      [9, '2022-07-22T09:12:55', 41],
      [7, '2022-07-22T08:41:07', 20],
      [5, '2022-07-22T08:22:20', 43],
    ],
  );
  const failure = events.find((e) => e.eventId === 20);
  assert.deepEqual(failure?.data, {
    errorCode: '0x80070570',
    updateTitle: '2022-07 Cumulative Update for Windows 10 Version 1809 for x64-based Systems (KB5015811)',
  });
  assert.equal(events[0]?.data.BugcheckCode, '0x0000001a');
  const dcom = events.find((e) => e.eventId === 10016);
  assert.match(dcom?.description ?? '', /CLSID\n\{2593F8B9-4EAF-457C-B68A-50F6B8EA6B54\}\nand APPID\n/);
});

test('day-first dates (en-GB machine) and records with no blank line between them', () => {
  const text = [
    'TimeCreated  : 01/07/2022 08:00:00',
    'ProviderName : EventLog',
    'Id           : 6005',
    'Message      : The Event log service was started.',
    'TimeCreated  : 22/07/2022 08:41:07',
    'ProviderName : Microsoft-Windows-WindowsUpdateClient',
    'Id           : 20',
    'Message      : Installation Failure: Windows failed to install the following update with error 0x80070570: KB5015811.',
  ].join('\n');
  assert.deepEqual(
    parseEventList(text).map((e) => [e.line, e.time, e.eventId, e.data.errorCode ?? null]),
    [
      [1, '2022-07-01T08:00:00', 6005, null],
      [5, '2022-07-22T08:41:07', 20, '0x80070570'],
    ],
  );
});

test('a cut file: a record cut before its id is skipped, the ones before are whole', () => {
  const text = listed();
  const cut = text.slice(0, text.indexOf('Id           : 43'));
  const events = parseEventList(cut);
  assert.deepEqual(
    events.map((e) => e.eventId),
    [1001, 6008, 41, 7009, 20, 10016],
  );
  assert.match(events[4]!.description, /\(KB5015811\)\.$/);
});

test('hostile content is kept as text; junk is skipped, never thrown', () => {
  const text = [
    'TimeCreated  : 7/22/2022 8:41:07 AM',
    'ProviderName : Contoso',
    'Id           : 1',
    'Message      : <script>alert(1)</script>',
    '               <img src=x onerror=alert(2)>',
    '',
    'PS C:\\> Get-WinEvent -LogName System -MaxEvents 1 | Format-List',
    'TimeCreated  : yesterday',
    'ProviderName : Contoso',
    'Id           : 2',
  ].join('\r\n');
  assert.deepEqual(
    parseEventList(text).map((e) => [e.eventId, e.description]),
    [[1, '<script>alert(1)</script>\n<img src=x onerror=alert(2)>']],
  );
  for (const junk of ['', '\uFEFF', ':', 'Id : 5', '   indented : 1', '__proto__ : x\nconstructor : y'])
    assert.deepEqual(parseEventList(junk), []);
});
