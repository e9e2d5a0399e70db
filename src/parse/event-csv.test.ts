// Event tables: the samples parse to their events; quoted descriptions over several lines; zh-CN headers;
// day/month order; cut and hostile files; and the fixtures/events exports (UTF-16LE, GBK, UTF-8 and ASCII),
// which every export format — tables, PowerShell lists, XML — turns into the same update story. Detection
// across the formats: captures.test.ts.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertSamplesParse, lines } from './capture-test-support.js';
import { dayFirst, detectEventCsv, localTime, parseEventCsv, samples } from './event-csv.js';
import { parseEventList } from './event-list.js';
import { parseEventXml } from './event-xml.js';
import type { TextEvent } from './event-text.js';
import { decodeText } from '../ingest/encoding.js';
import { packageRoot } from '../knowledge/paths.js';
import { updateStory } from '../timeline/update-events.js';

const fixture = (name: string): string =>
  decodeText(readFileSync(join(packageRoot(), 'fixtures', 'events', name)));

const HEADER = 'Level,Date and Time,Source,Event ID,Task Category';
const WU = 'Microsoft-Windows-WindowsUpdateClient';

test('event table samples parse to their events', () => {
  assertSamplesParse(samples, parseEventCsv, (s) => s.events);
});

test('a quoted description keeps its commas, doubled quotes and line breaks; line numbers follow', () => {
  const text = [
    HEADER,
    'Error,7/22/2022 8:41:30 AM,Service Control Manager,7000,None,"The ""Contoso Sync Helper"" service failed to start due to the following error: ',
    'The service did not respond to the start or control request in a timely fashion, after 30000 ms."',
    'Information,7/22/2022 8:40:00 AM,Service Control Manager,7036,None,"',
    'The Windows Update service entered the running state."',
    'Information,7/22/2022 8:39:00 AM,EventLog,6013,None,The system uptime is 15 seconds.',
  ].join('\r\n');
  const events = parseEventCsv(text);
  assert.deepEqual(
    events.map((e) => [e.line, e.descLine, e.recordId, e.eventId]),
    [
      [2, 2, 3, 7000],
      [4, 5, 2, 7036],
      [6, 6, 1, 6013],
    ],
  );
  assert.equal(
    events[0]!.description,
    'The "Contoso Sync Helper" service failed to start due to the following error: \nThe service did not respond to the start or control request in a timely fashion, after 30000 ms.',
  );
  assert.equal(events[1]!.description, 'The Windows Update service entered the running state.');
  assert.equal(events[2]!.description, 'The system uptime is 15 seconds.');
});

test('zh-CN Event Viewer export (GBK): Chinese header and levels, the update failure and the bugcheck', () => {
  const text = fixture('system-zh.evtviewer.gbk.csv');
  assert.ok(detectEventCsv(lines(text)));
  const events = parseEventCsv(text);
  assert.equal(events.length, 11);
  assert.deepEqual([...new Set(events.map((e) => e.level))], ['错误', '关键', '警告', '信息']);
  const failure = events.find((e) => e.provider === WU && e.eventId === 20);
  assert.deepEqual(failure?.data, {
    errorCode: '0x80070570',
    updateTitle: '2022-07 适用于基于 x64 的系统的 Windows 10 Version 1809 累积更新 (KB5015811)',
  });
  assert.equal(failure?.time, '2022-07-22T08:41:07');
  assert.equal(events.find((e) => e.eventId === 1001)?.data.BugcheckCode, '0x0000001a');
});

test('day/month order is decided per file from its values', () => {
  assert.equal(dayFirst(['7/22/2022 8:41:07 AM', '7/1/2022 8:00:00 AM']), false);
  assert.equal(dayFirst(['01/07/2022 08:00:00', '22/07/2022 08:41:07']), true);
  assert.equal(dayFirst(['05.06.2023 08:22:20']), true, 'dots: day first');
  assert.equal(dayFirst(['5/6/2023 8:22:20 AM']), false, 'slashes, nothing over 12: month first');
  assert.equal(dayFirst(['2023/5/22 8:22:20', '2023/6/1 8:22:20']), false, 'year first is never in doubt');
  assert.equal(localTime('22.05.2023 08:22:20', true), '2023-05-22T08:22:20');
  assert.equal(localTime('5/22/2023 8:22:20 AM', false), '2023-05-22T08:22:20');
  assert.equal(localTime('5/22/2023 12:05:00 AM', false), '2023-05-22T00:05:00');
  assert.equal(localTime('5/22/2023 12:05:00 PM', false), '2023-05-22T12:05:00');
  assert.equal(localTime('2023/5/22 下午 8:22', false), '2023-05-22T20:22:00');
  assert.equal(localTime('2023-05-22T08:22:20.123Z', false), '2023-05-22T08:22:20.123Z');
  assert.equal(localTime('2/30/2023 8:00:00 AM', false), null);
  assert.equal(localTime('5/22/2023 13:00:00 PM', false), null);
  assert.equal(localTime('yesterday', false), null);
  // The one row with a day above 12 settles the order of the rows before it.
  const text = [
    HEADER,
    'Information,01/07/2022 08:00:00,EventLog,6005,None,"The Event log service was started."',
    'Information,22/07/2022 08:41:07,EventLog,6013,None,"The system uptime is 15 seconds."',
  ].join('\n');
  assert.deepEqual(
    parseEventCsv(text).map((e) => e.time),
    ['2022-07-01T08:00:00', '2022-07-22T08:41:07'],
  );
  // en-GB tab-delimited text: every date is read day first.
  const tab = parseEventCsv(fixture('system-en-gb.evtviewer.utf8-bom.txt'));
  assert.deepEqual(
    tab.filter((e) => e.provider === WU).map((e) => [e.eventId, e.time]),
    [
      [20, '2022-07-22T08:41:07'],
      [43, '2022-07-22T08:22:20'],
      [44, '2022-07-22T08:05:02'],
    ],
  );
});

test('tab-delimited text: a description goes on over the next lines, quoted or not', () => {
  const events = parseEventCsv(fixture('system-en-gb.evtviewer.utf8-bom.txt'));
  const dcom = events.find((e) => e.eventId === 10016);
  assert.match(dcom?.description ?? '', /CLSID \n\{2593F8B9-4EAF-457C-B68A-50F6B8EA6B54\}\n and APPID \n/);
  assert.match(dcom?.description ?? '', /administrative tool\.$/);
  const quoted = [
    HEADER.replaceAll(',', '\t'),
    'Error\t7/22/2022 8:41:30 AM\tService Control Manager\t7000\tNone\t"The ""Contoso"" service failed to start:',
    'The system cannot find the file specified."',
  ].join('\r\n');
  assert.equal(
    parseEventCsv(quoted)[0]?.description,
    'The "Contoso" service failed to start:\nThe system cannot find the file specified.',
  );
});

test('PowerShell Export-Csv on a de-DE machine: -UseCulture semicolons, day-first dates, no #TYPE line, record ids kept', () => {
  const text = [
    '"TimeCreated";"Id";"ProviderName";"RecordId";"LevelDisplayName";"Message"',
    '"22.07.2022 08:41:07";"20";"Microsoft-Windows-WindowsUpdateClient";"26981";"Fehler";"Installation Failure: Windows failed to install the following update with error 0x80070570: Update X."',
    '"22.07.2022 09:12:55";"41";"Microsoft-Windows-Kernel-Power";"27002";"Kritisch";"The system has rebooted without cleanly shutting down first; see ""Kernel-Power""."',
  ].join('\r\n');
  assert.ok(detectEventCsv(lines(text)));
  assert.deepEqual(
    parseEventCsv(text).map((e) => [e.recordId, e.time, e.eventId, e.level, e.data.errorCode ?? null]),
    [
      [26981, '2022-07-22T08:41:07', 20, 'Fehler', '0x80070570'],
      [27002, '2022-07-22T09:12:55', 41, 'Kritisch', null],
    ],
  );
});

test('a cut file: the record cut inside its description is skipped, the ones before are whole', () => {
  const whole = fixture('system-en.evtviewer.utf16le-bom.csv');
  const cut = whole.slice(0, whole.indexOf('CLSID') + 5);
  const events = parseEventCsv(cut);
  assert.deepEqual(
    events.map((e) => e.eventId),
    [1001, 6008, 41, 7009, 20],
  );
  assert.equal(events[4]!.data.errorCode, '0x80070570');
  assert.deepEqual(parseEventCsv(HEADER), []);
  assert.deepEqual(parseEventCsv(`${HEADER}\r\nError,7/22/2022 8:41`), []);
});

test('hostile or damaged content is data: kept as text or skipped, never thrown', () => {
  const text = [
    HEADER,
    'Error,7/22/2022 8:41:07 AM,Contoso,1,None,"<script>alert(1)</script> & <img src=x onerror=alert(2)>"',
    'Error,7/22/2022 8:41:08 AM,Contoso,2,None,"a quote never closed, then more',
    'Error,7/22/2022 8:41:09 AM,Contoso,3,None,after the damage',
    'Error,not a date,Contoso,4,None,skipped',
    'Error,7/22/2022 8:41:10 AM,Contoso,99999999999,None,skipped: no such id',
  ].join('\n');
  const events = parseEventCsv(text);
  assert.deepEqual(
    events.map((e) => [e.eventId, e.description]),
    [
      [1, '<script>alert(1)</script> & <img src=x onerror=alert(2)>'],
      [3, 'after the damage'],
    ],
  );
  const odd =
    '"__proto__","constructor","TimeCreated","Id","ProviderName"\n"x","y","7/22/2022 8:41:07 AM","5","P"';
  assert.deepEqual(
    parseEventCsv(odd).map((e) => [e.eventId, e.provider, Object.keys(e.data).length]),
    [[5, 'P', 0]],
  );
  for (const junk of ['', '\uFEFF', '"', `${HEADER}\n"""`, `${HEADER}\n,,,,,,,,`, '\u0000\u0001'])
    assert.deepEqual(parseEventCsv(junk), []);
});

/** What the update story makes of a file's events: its attempts and findings. */
function story(events: TextEvent[]): unknown {
  let n = 0;
  const told = updateStory(
    events.map((e) => ({ ...e, file: 'System', line: e.descLine, text: e.description })),
    () => `a${++n}`,
    () => `f${++n}`,
  );
  return [told.attempts.map((a) => [a.kb, a.outcome, a.result]), told.findings.map((f) => [f.rule, f.code])];
}

test('every export of the fixture log tells the same update story: KB5015811 failed with 0x80070570', () => {
  const exports: [string, (text: string) => TextEvent[]][] = [
    ['system-en.evtviewer.utf16le-bom.csv', parseEventCsv],
    ['system-zh.evtviewer.gbk.csv', parseEventCsv],
    ['system-en-gb.evtviewer.utf8-bom.txt', parseEventCsv],
    ['system.getwinevent.csv', parseEventCsv],
    ['system-zh.geteventlog.utf8-bom.csv', parseEventCsv],
    ['system.getwinevent-list.utf16le-bom.txt', parseEventList],
    ['system.wevtutil.xml', parseEventXml],
    ['system-zh.eventviewer.xml', parseEventXml],
  ];
  for (const [name, parse] of exports) {
    const events = parse(fixture(name));
    assert.equal(events.length, 11, name);
    assert.deepEqual(
      story(events),
      [[['KB5015811', 'failed', '0x80070570']], [['evt-update-failed', '0x80070570']]],
      name,
    );
    const crash = (id: number): TextEvent | undefined => events.find((e) => e.eventId === id);
    assert.equal(crash(1001)?.provider, 'Microsoft-Windows-WER-SystemErrorReporting', name);
    assert.equal(crash(1001)?.data.BugcheckCode, '0x0000001a', name);
    assert.equal(crash(41)?.provider, 'Microsoft-Windows-Kernel-Power', name);
  }
});

test('a quoted cell left open for more than 1 MiB is a cut record: the rows after it are still read', () => {
  const header = '"Message","Id","RecordId","ProviderName","TimeCreated","LevelDisplayName"';
  const row = (n: number): string =>
    `"Installation Failure: Windows failed to install the following update with error 0x80070570: KB${5015800 + n}.","20","${n}","Microsoft-Windows-WindowsUpdateClient","2022-07-22T08:41:0${n}Z","Error"`;
  const open = `"never closed,"1","9","EventLog","2022-07-22T08:40:00Z","Information"`;
  const text = [header, row(1), open, ...Array<string>(12000).fill('x'.repeat(100)), row(2), row(3)].join(
    '\r\n',
  );
  const events = parseEventCsv(text);
  assert.deepEqual(
    events.map((e) => e.recordId),
    [1, 2, 3],
  );
  assert.equal(events[2]!.line, 12005);
});
