// The bundle's one clock: offsets known from the sources themselves, offsets found by lining up moments two
// sources both record (labels are not trusted), and offsets borrowed — each said with its basis.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bestOffset, type ClockHint, type ClockMark, settleClocks, toUtc, writtenMs } from './clock.js';

test('written times of every format read alike; toUtc applies written = UTC + offset', () => {
  assert.equal(writtenMs('2023-05-23 10:02:36'), Date.UTC(2023, 4, 23, 10, 2, 36));
  assert.equal(writtenMs('2023/05/22 08:22:20.0687608'), Date.UTC(2023, 4, 22, 8, 22, 20, 69));
  assert.equal(writtenMs('2023-05-22T08:05:28.8710000Z'), Date.UTC(2023, 4, 22, 8, 5, 28, 871));
  assert.ok(Number.isNaN(writtenMs('not a time')));
  // cbs02: local 10:02:36 with CSI stamp 16:02:36 → offset −360.
  assert.equal(toUtc('2023-05-23 10:02:36', -360), '2023-05-23T16:02:36Z');
  assert.equal(toUtc('2023-07-05 02:12:21.242', 180), '2023-07-04T23:12:21.242Z');
  assert.equal(toUtc('2023-05-23 10:02:36', null), null);
  assert.equal(toUtc(null, 0), null);
});

const ti = (file: string, times: string[]): ClockMark[] => times.map((time) => ({ file, key: 'ti', time }));

test('an export labelled UTC whose events line up with CBS local time is anchored to the CBS offset', () => {
  // As in the appostarsi bundle: evt01's `Z` times are the machine's local time (UTC−6).
  const cbs = ti('CBS.log', [
    '2023-05-23 10:02:36',
    '2023-05-23 10:24:05',
    '2023-05-23 10:35:45',
    '2023-05-23 10:38:38',
  ]);
  const events = ti('System.txt', [
    '2023-05-23T10:24:07.2480000Z',
    '2023-05-23T10:35:45.6650000Z',
    '2023-05-23T10:38:39.0000000Z',
    // Unrelated service events a quarter hour apart must not win.
    '2023-05-23T10:17:36.0000000Z',
    '2023-05-23T09:53:05.0000000Z',
  ]);
  const clocks = settleClocks(
    [
      {
        file: 'CBS.log',
        offsetMinutes: -360,
        basis: 'csi-stamps',
        first: '2023-05-23 10:02:36',
        last: '2023-05-23 10:38:38',
      },
      {
        file: 'System.txt',
        offsetMinutes: 0,
        basis: 'as-labelled',
        first: '2023-05-22T08:05:28Z',
        last: null,
      },
      { file: 'dism.log', offsetMinutes: null, basis: 'unknown', first: '2023-05-23 10:16:00', last: null },
    ],
    [...cbs, ...events],
  );
  const sys = clocks.get('System.txt')!;
  assert.equal(sys.offsetMinutes, -360);
  assert.equal(sys.basis, 'anchored');
  assert.match(
    sys.note.en,
    /3 moments also recorded in CBS\.log line up \(the file is labelled UTC\+0: the label is wrong\)/,
  );
  assert.equal(clocks.get('CBS.log')!.basis, 'csi-stamps');
  // A local-time log with nothing to anchor it borrows the nearest known offset, with low confidence.
  const dism = clocks.get('dism.log')!;
  assert.deepEqual([dism.offsetMinutes, dism.basis, dism.confidence], [-360, 'assumed', 'low']);
});

test('a label nothing contradicts stays, said as such; no known clock at all leaves times as written', () => {
  const labelled = settleClocks(
    [{ file: 'a.txt', offsetMinutes: 0, basis: 'as-labelled', first: null, last: null }],
    [],
  );
  assert.equal(labelled.get('a.txt')!.basis, 'as-labelled');
  assert.equal(labelled.get('a.txt')!.confidence, 'medium');
  const none = settleClocks(
    [{ file: 'WindowsUpdate.log', offsetMinutes: null, basis: 'unknown', first: null, last: null }],
    [],
  );
  assert.deepEqual(
    [none.get('WindowsUpdate.log')!.offsetMinutes, none.get('WindowsUpdate.log')!.basis],
    [null, 'unknown'],
  );
});

test('install results anchor any offset; TrustedInstaller moments only the offsets the machine shows', () => {
  const hints = [
    { file: 'System.evtx', offsetMinutes: 0, basis: 'utc-by-format' as const, first: null, last: null },
    { file: 'WindowsUpdate.log', offsetMinutes: null, basis: 'unknown' as const, first: null, last: null },
  ];
  // A China machine: WindowsUpdate.log in UTC+8, the event log in UTC.
  const installs = settleClocks(hints, [
    { file: 'System.evtx', key: 'install:kb1|0x0', time: '2024-01-16T01:00:00Z' },
    { file: 'System.evtx', key: 'install:kb2|0x80070490', time: '2024-01-16T02:30:00Z' },
    { file: 'WindowsUpdate.log', key: 'install:kb1|0x0', time: '2024/01/16 09:00:01.100' },
    { file: 'WindowsUpdate.log', key: 'install:kb2|0x80070490', time: '2024/01/16 10:30:00.500' },
  ]);
  assert.deepEqual(
    [installs.get('WindowsUpdate.log')!.offsetMinutes, installs.get('WindowsUpdate.log')!.basis],
    [480, 'anchored'],
  );
  const services = settleClocks(hints, [
    ...ti('System.evtx', ['2024-01-16T01:00:00Z', '2024-01-16T02:30:00Z']),
    ...ti('WindowsUpdate.log', ['2024/01/16 09:00:01', '2024/01/16 10:30:00']),
  ]);
  // Nor is a UTC log's offset borrowed for a local-time one: UTC says nothing about the machine's zone.
  assert.equal(services.get('WindowsUpdate.log')!.basis, 'unknown');
});

test('bestOffset needs two matches and a clear winner among the candidates', () => {
  const anchors = [
    { file: 'CBS.log', key: 'ti', ms: Date.UTC(2023, 4, 23, 16, 24, 5) },
    { file: 'CBS.log', key: 'ti', ms: Date.UTC(2023, 4, 23, 16, 35, 45) },
  ];
  const marks = ti('x', ['2023-05-23 10:24:07', '2023-05-23 10:35:46']);
  assert.deepEqual(bestOffset(anchors, marks, [0, -360]), {
    offsetMinutes: -360,
    matches: 2,
    files: ['CBS.log'],
  });
  assert.equal(bestOffset(anchors, marks, [0]), null);
  assert.equal(bestOffset(anchors, marks.slice(0, 1), [0, -360]), null);
  // 10 s off is not the same moment.
  assert.equal(bestOffset(anchors, ti('x', ['2023-05-23 10:24:15', '2023-05-23 10:35:55']), [-360]), null);
});

test('thousands of logs settle by the same rules: a chain of anchors, then the nearest known clock', () => {
  // A scaled-down wide bundle: 2,000 logs with CSI stamps (UTC−7), 2,000 local-time logs with nothing to
  // anchor them, and a chain of 300 logs each anchored by install results of the one before it.
  const hints: ClockHint[] = [];
  const marks: ClockMark[] = [];
  const at = (h: number): string => new Date(Date.UTC(2023, 4, 1) + h * 3600_000).toISOString();
  const written = (iso: string): string => iso.replace('T', ' ').slice(0, 19);
  for (let i = 0; i < 2000; i++) {
    const first = written(at(i * 2));
    hints.push({ file: `CBS_${i}.log`, offsetMinutes: -420, basis: 'csi-stamps', first, last: first });
    hints.push({ file: `dism_${i}.log`, offsetMinutes: null, basis: 'unknown', first, last: null });
  }
  // The chain is listed last to first, so each pass of the settling anchors one more link.
  const chain = Array.from({ length: 300 }, (_, i) => `WU_${i}.log`);
  for (let i = chain.length - 1; i >= 0; i--)
    hints.push({ file: chain[i]!, offsetMinutes: null, basis: 'unknown', first: null, last: null });
  hints.push({ file: 'System.evtx', offsetMinutes: 0, basis: 'utc-by-format', first: null, last: null });
  for (let i = 0; i < chain.length; i++) {
    const offset = ((i % 5) - 2) * 60; // written = UTC + offset
    const from = i === 0 ? 'System.evtx' : chain[i - 1]!;
    const fromOffset = i === 0 ? 0 : (((i - 1) % 5) - 2) * 60;
    for (const k of [0, 1]) {
      const utc = Date.UTC(2023, 6, 1) + i * 86400_000 + k * 3600_000;
      const key = `install:kb${i}-${k}|0x0`;
      marks.push({ file: from, key, time: written(new Date(utc + fromOffset * 60_000).toISOString()) });
      marks.push({ file: chain[i]!, key, time: written(new Date(utc + offset * 60_000).toISOString()) });
    }
  }
  const clocks = settleClocks(hints, marks);
  assert.equal(clocks.size, 4301);
  for (let i = 0; i < chain.length; i++) {
    const c = clocks.get(chain[i]!)!;
    assert.deepEqual([c.offsetMinutes, c.basis], [((i % 5) - 2) * 60, 'anchored'], chain[i]);
  }
  assert.match(clocks.get('WU_7.log')!.note.en, /2 moments also recorded in WU_6\.log line up$/);
  // Each dism log borrows from the CBS log whose middle time is nearest its first time (the first on a tie).
  const d = clocks.get('dism_1234.log')!;
  assert.deepEqual([d.offsetMinutes, d.basis], [-420, 'assumed']);
  assert.match(d.note.en, /the offset of CBS_1234\.log,/);
  assert.equal(clocks.get('CBS_5.log')!.basis, 'csi-stamps');
});
