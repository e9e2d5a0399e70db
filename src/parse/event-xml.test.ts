// XML events: the samples parse to their events; EventData named as the .evtx reader names it; a
// pretty-printed event with entities, CDATA and comments; the wevtutil and Event Viewer fixtures; cut and
// hostile input. Detection across the formats: captures.test.ts.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertFields, assertSamplesParse, lines } from './capture-test-support.js';
import { detectEventXml, parseEventXml, samples } from './event-xml.js';
import { decodeText } from '../ingest/encoding.js';
import { packageRoot } from '../knowledge/paths.js';

const fixture = (name: string): string =>
  decodeText(readFileSync(join(packageRoot(), 'fixtures', 'events', name)));

test('XML event samples parse to their events', () => {
  assertSamplesParse(samples, parseEventXml, (s) => s.events);
});

test('a pretty-printed event: entities, CDATA, comments, prefixes, UserData and a message over lines', () => {
  const text = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<!DOCTYPE Events [ <!ENTITY boom "&boom;&boom;"> ]>',
    '<e:Events xmlns:e="http://schemas.microsoft.com/win/2004/08/events/event">',
    '  <e:Event xmlns:e="http://schemas.microsoft.com/win/2004/08/events/event">',
    '    <e:System>',
    '      <e:Provider Name="Microsoft-Windows-Servicing" Guid="{BD12F3B8-FC40-4A61-A307-B7A013A069C1}" />',
    '      <e:EventID>2</e:EventID>',
    '      <e:Level>0</e:Level>',
    '      <e:TimeCreated SystemTime="2022-07-22T00:40:59.123456700Z" />',
    '      <e:EventRecordID>4411</e:EventRecordID>',
    '    </e:System>',
    '    <!-- <e:EventID>99</e:EventID> -->',
    '    <e:UserData>',
    '      <CbsPackageChangeState xmlns="http://manifests.microsoft.com/win/2004/08/windows/setup_provider">',
    '        <PackageIdentifier>KB5015811</PackageIdentifier>',
    '        <IntendedPackageState>5112</IntendedPackageState>',
    '        <ErrorCode>0x80070570</ErrorCode>',
    '        <Client><![CDATA[Windows Update Agent & <friends>]]></Client>',
    '      </CbsPackageChangeState>',
    '    </e:UserData>',
    '    <e:RenderingInfo Culture="en-US">',
    '      <e:Message>',
    '  Package KB5015811 failed to be changed to the Installed state. Status: 0x80070570 &amp;&#32;&#x4E2D;&boom;&#0;.',
    '      </e:Message>',
    '    </e:RenderingInfo>',
    '  </e:Event>',
    '</e:Events>',
  ].join('\n');
  assert.ok(detectEventXml(lines(text)));
  const events = parseEventXml(text);
  assert.equal(events.length, 1);
  // The Servicing story reads these UserData names, as it does from a binary .evtx record.
  assertFields(events[0]!, {
    line: 4,
    descLine: 23,
    recordId: 4411,
    time: '2022-07-22T00:40:59.123456700Z',
    level: 'Information',
    description:
      'Package KB5015811 failed to be changed to the Installed state. Status: 0x80070570 & 中&boom;&#0;.',
    data: {
      PackageIdentifier: 'KB5015811',
      IntendedPackageState: '5112',
      ErrorCode: '0x80070570',
      Client: 'Windows Update Agent & <friends>',
    },
  });
});

test('wevtutil /f:xml fixture: no messages, the EventData the story reads, UTC times with their Z', () => {
  const text = fixture('system.wevtutil.xml');
  assert.ok(detectEventXml(lines(text)));
  const events = parseEventXml(text);
  assert.equal(events.length, 11);
  assert.ok(events.every((e) => e.description === '' && e.line === e.descLine && e.time.endsWith('Z')));
  const failure = events.find((e) => e.eventId === 20);
  assert.deepEqual(
    [
      failure?.line,
      failure?.recordId,
      failure?.time,
      failure?.level,
      failure?.data.errorCode,
      failure?.data.updateTitle,
    ],
    [
      7,
      26981,
      '2022-07-22T00:41:07.5281946Z',
      'Error',
      '0x80070570',
      '2022-07 Cumulative Update for Windows 10 Version 1809 for x64-based Systems (KB5015811)',
    ],
  );
  const bugcheck = events.find((e) => e.eventId === 1001);
  assert.equal(bugcheck?.data.BugcheckCode, '0x0000001a', 'read from param1 when there is no message');
  assert.equal(events.find((e) => e.eventId === 41)?.data.BugcheckCode, '26', 'Kernel-Power names its own');
});

test('Event Viewer XML fixture (zh-CN): the rendered message and level, a root element, newest first', () => {
  const events = parseEventXml(fixture('system-zh.eventviewer.xml'));
  assert.deepEqual(
    events.slice(0, 3).map((e) => [e.line, e.recordId, e.eventId, e.level]),
    [
      [3, 27004, 1001, '错误'],
      [4, 27003, 6008, '错误'],
      [5, 27002, 41, '关键'],
    ],
  );
  assert.match(
    events.find((e) => e.eventId === 20)?.description ?? '',
    /^安装失败: .*错误 0x80070570: .*\(KB5015811\)。$/,
  );
});

test('a cut file: the event cut short is skipped, and so is one a later event breaks into', () => {
  const text = fixture('system.wevtutil.xml');
  const cut = text.slice(0, text.indexOf('<EventRecordID>26981'));
  assert.deepEqual(
    parseEventXml(cut).map((e) => e.eventId),
    [6005, 6013, 7036, 44, 43, 10016],
  );
  const broken = text.replace(/<\/EventData><\/Event>(?=\r\n<Event[^\n]*26981)/, '');
  assert.deepEqual(
    parseEventXml(broken).map((e) => e.eventId),
    [6005, 6013, 7036, 44, 43, 20, 7009, 41, 6008, 1001],
  );
});

test('hostile content is text: escaped markup kept, stray markup dropped, junk never thrown', () => {
  const event = (message: string): string =>
    `<Event><System><Provider Name='Contoso'/><EventID>1</EventID><TimeCreated SystemTime='2022-07-22T00:41:07Z'/><EventRecordID>7</EventRecordID></System><RenderingInfo><Message>${message}</Message></RenderingInfo></Event>`;
  assert.equal(
    parseEventXml(event('&lt;script&gt;alert(1)&lt;/script&gt; a &lt; b'))[0]?.description,
    '<script>alert(1)</script> a < b',
  );
  assert.equal(parseEventXml(event('<script>alert(1)</script> a < b'))[0]?.description, 'alert(1) a < b');
  const deep = `${'<x>'.repeat(5000)}v${'</x>'.repeat(5000)}`;
  assert.equal(parseEventXml(event(deep))[0]?.description, 'v');
  const userData = `<Event><System><Provider Name='P'/><EventID>1</EventID><TimeCreated SystemTime='2022-07-22T00:41:07Z'/></System><UserData>${deep}<__proto__>p</__proto__></UserData></Event>`;
  assert.deepEqual(parseEventXml(userData)[0]?.data, { x: 'v', _proto_: 'p' });
  // Unmatched end tags under deep nesting cost no more than the nesting kept.
  const flood = `<Event>${'<a>'.repeat(100000)}${'</b>'.repeat(100000)}</Event>`;
  assert.deepEqual(parseEventXml(flood), []);
  for (const junk of [
    '',
    '<',
    '<Event',
    '<Event>',
    '<Event><System><EventID>x</EventID></System></Event>',
    '</Event>',
    '<!--',
    '<![CDATA[',
    '\u0000<Event/>',
  ])
    assert.deepEqual(parseEventXml(junk), []);
});
