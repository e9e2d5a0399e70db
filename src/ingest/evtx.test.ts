// The EVTX reader on the real logs of ../shared/corpus (evtx01-06) and the format fixtures
// (corpus/fixtures/evtx): record counts, record-id ranges, header values and the decisive events stated in
// each CASE.md / README, then copies damaged in memory, which must never throw and must keep every
// undamaged chunk.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeBuffer, analyzePath } from '../analyze/analyze.js';
import { packageRoot } from '../knowledge/paths.js';
import { amplifiedEvtx } from './evtx-test-support.js';
import {
  DEFAULT_EVTX_LIMITS,
  EvtxReader,
  looksLikeEvtx,
  readEvtx,
  type EvtxRead,
  type EvtxRecord,
} from './evtx.js';

const corpus = join(packageRoot(), '..', 'shared', 'corpus');

interface Loaded {
  data: Buffer;
  read: EvtxRead;
  records: EvtxRecord[];
  byId: Map<number, EvtxRecord>;
}

const cache = new Map<string, Loaded>();

/** Reads a corpus file once per test run. */
function load(rel: string): Loaded {
  let l = cache.get(rel);
  if (!l) {
    const path = join(corpus, rel);
    assert.ok(existsSync(path), `corpus file ${path} is missing: CI needs ../shared beside the clone`);
    const data = readFileSync(path);
    const records: EvtxRecord[] = [];
    const read = readEvtx(data, (r) => records.push(r));
    l = { data, read, records, byId: new Map(records.map((r) => [r.recordId, r])) };
    cache.set(rel, l);
  }
  return l;
}

function rec(l: Loaded, id: number): EvtxRecord {
  const r = l.byId.get(id);
  assert.ok(r, `record ${id} not read`);
  return r;
}

/** Record ids as runs, e.g. `1..1155,1418..1422`. */
function runs(records: EvtxRecord[]): string {
  const ids = records.map((r) => r.recordId).sort((a, b) => a - b);
  const out: string[] = [];
  let start = ids[0];
  for (let i = 1; i <= ids.length; i++) {
    const prev = ids[i - 1];
    if (ids[i] !== (prev ?? 0) + 1) {
      out.push(`${start}..${prev}`);
      start = ids[i];
    }
  }
  return out.join(',');
}

function count(l: Loaded, provider: string, eventId: number): number {
  return l.records.filter((r) => r.provider === provider && r.eventId === eventId).length;
}

const WU = 'Microsoft-Windows-WindowsUpdateClient';
const SERVICING = 'Microsoft-Windows-Servicing';

const E01 = 'evtx01-omerbenamram-w10-1703-kb4025342-80248007/system.evtx';
const E02 = 'evtx02-3gstudent-setup-800f0816-staged/Setup.evtx';
const E02NEW = 'evtx02-3gstudent-setup-800f0816-staged/SetupNew.evtx';
const E03SYS = 'evtx03-fukusuket-w11-22000-healthy-set/System.evtx';
const E03SETUP = 'evtx03-fukusuket-w11-22000-healthy-set/Setup.evtx';
const E03OP =
  'evtx03-fukusuket-w11-22000-healthy-set/Microsoft-Windows-WindowsUpdateClient%4Operational.evtx';
const E04 = 'evtx04-omerbenamram-vss-1803-store-8024001e/2-vss_7-System.evtx';
const E05 = 'evtx05-nicksmet-w11-24h2-oobe-store/System.evtx';
const E06APP = 'evtx06-anotherc0ne-ws2022-dc-msi-1603/Application.evtx';
const E06SETUP = 'evtx06-anotherc0ne-ws2022-dc-msi-1603/Setup.evtx';
const FX = 'fixtures/evtx';
const TRUNCATED = `${FX}/truncated-wrapped/System.evtx`;

// Records read, their ids, and the file header as written (stale whenever dirty).
const FILES: [string, number, string, EvtxRead['header']][] = [
  [E01, 1881, '1..1881', { chunkCount: 3, nextRecordId: 309, dirty: true }],
  [E02, 15, '1..15', { chunkCount: 1, nextRecordId: 16, dirty: false }],
  [E02NEW, 14, '1..14', { chunkCount: 1, nextRecordId: 15, dirty: false }],
  [E03SYS, 651, '1..651', { chunkCount: 3, nextRecordId: 294, dirty: true }],
  [E03SETUP, 6, '1..6', { chunkCount: 1, nextRecordId: 1, dirty: true }],
  [E03OP, 73, '1..73', { chunkCount: 1, nextRecordId: 12, dirty: true }],
  [E04, 1160, '1..1155,1418..1422', { chunkCount: 4, nextRecordId: 371, dirty: true }],
  [E05, 1247, '1..1247', { chunkCount: 10, nextRecordId: 1248, dirty: false }],
  [E06APP, 1564, '8023..9586', { chunkCount: 19, nextRecordId: 1565, dirty: false }],
  [E06SETUP, 32, '215..246', { chunkCount: 1, nextRecordId: 33, dirty: false }],
  [`${FX}/system.evtx`, 1601, '12049..13649', { chunkCount: 9, nextRecordId: 13528, dirty: true }],
  [`${FX}/security.evtx`, 2261, '1..2261', { chunkCount: 26, nextRecordId: 2226, dirty: true }],
  [`${FX}/issue_38.evtx`, 1, '17845..17845', { chunkCount: 1, nextRecordId: 2, dirty: false }],
  [`${FX}/issue_39.evtx`, 394, '1..394', { chunkCount: 11, nextRecordId: 395, dirty: false }],
  [`${FX}/issue_43.evtx`, 1730, '1..1730', { chunkCount: 23, nextRecordId: 1731, dirty: false }],
  [`${FX}/dns_log_malformed.evtx`, 5, '101982..101986', { chunkCount: 1, nextRecordId: 6, dirty: false }],
];

for (const [rel, records, ids, header] of FILES) {
  test(`${rel}: ${records} records (${ids}), header as written, no problems`, () => {
    const l = load(rel);
    assert.equal(l.read.records, records);
    assert.equal(l.records.length, records);
    assert.equal(runs(l.records), ids);
    assert.deepEqual(l.read.header, header);
    assert.deepEqual(l.read.problems, []);
    for (const r of l.records) {
      assert.match(r.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/, `record ${r.recordId} time ${r.time}`);
      assert.ok(r.provider && r.channel && r.computer, `record ${r.recordId} lacks System fields`);
    }
  });
}

test('looksLikeEvtx: the file signature, nothing else', () => {
  assert.equal(looksLikeEvtx(load(E02).data.subarray(0, 16)), true);
  assert.equal(looksLikeEvtx(Buffer.from('ElfChnk\0')), false);
  assert.equal(looksLikeEvtx(Buffer.from('ElfFile')), false);
  assert.equal(looksLikeEvtx(Buffer.alloc(0)), false);
});

test('evtx01: a dirty header announcing 3 chunks does not hide chunks 3-14', () => {
  const l = load(E01);
  assert.deepEqual(
    [...new Set(l.records.map((r) => r.chunk))],
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14],
  );
  assert.deepEqual(
    [19, 20, 43, 44].map((id) => count(l, WU, id)),
    [116, 5, 119, 137],
  );
});

test('evtx01: KB4025342 fails four times with 0x80248007 (events 20 at 561, 807, 1008, 1182)', () => {
  const l = load(E01);
  const failures = l.records.filter(
    (r) => r.provider === WU && r.eventId === 20 && r.data['updateTitle']?.includes('KB4025342'),
  );
  assert.deepEqual(
    failures.map((r) => [r.recordId, r.data['errorCode'], r.time.slice(0, 19)]),
    [
      [561, '0x80248007', '2017-07-23T07:25:41'],
      [807, '0x80248007', '2017-07-24T08:40:28'],
      [1008, '0x80248007', '2017-07-27T10:33:46'],
      [1182, '0x80248007', '2017-07-31T05:14:05'],
    ],
  );
  const r = rec(l, 561);
  assert.equal(r.level, 2);
  assert.equal(r.channel, 'System');
  assert.equal(r.computer, 'DESKTOP-2KGM189');
  assert.equal(
    r.data['updateTitle'],
    '2017-07 Cumulative Update for Windows 10 Version 1703 for x64-based Systems (KB4025342)',
  );
  assert.match(
    r.data['updateGuid'] ?? '',
    /^\{[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\}$/,
  );
  assert.equal(rec(l, 560).eventId, 43);
  assert.equal(rec(l, 1823).data['errorCode'], '0x80246013');
  assert.match(rec(l, 1823).data['updateTitle'] ?? '', /KB890830/);
});

test('evtx01: build from Kernel-General 12 and EventLog 6009 (an array value as Data1..Data5)', () => {
  const l = load(E01);
  const boot = rec(l, 3);
  assert.equal(boot.eventId, 12);
  assert.equal(boot.provider, 'Microsoft-Windows-Kernel-General');
  assert.equal(boot.data['BuildVersion'], '15063');
  assert.equal(boot.data['QfeVersion'], '413');
  assert.equal(boot.data['StartTime'], '2017-07-12T17:16:05.4992599Z');
  const start = rec(l, 1);
  assert.equal(start.eventId, 6009);
  assert.deepEqual(
    [1, 2, 3, 4, 5].map((i) => start.data[`Data${i}`]),
    ['10.00.', '15063', '', 'Multiprocessor Free', '0'],
  );
});

test('evtx02: Servicing event 3 with 0x800f0816 while staging (UserData), one fewer in SetupNew', () => {
  const l = load(E02);
  const failed = l.records.filter((r) => r.provider === SERVICING && r.eventId === 3);
  assert.deepEqual(
    failed.map((r) => [
      r.recordId,
      r.data['PackageIdentifier'],
      r.data['IntendedPackageState'],
      r.data['ErrorCode'],
    ]),
    [
      [12, 'KB4093137', 'Staged', '0x800f0816'],
      [14, 'KB4091461', 'Staged', '0x800f0816'],
    ],
  );
  assert.equal(rec(l, 12).data['Client'], 'WindowsUpdateAgent');
  assert.equal(rec(l, 12).channel, 'Setup');
  assert.deepEqual(
    [6, 9, 10].map((id) => [rec(l, id).eventId, rec(l, id).data['ErrorCode']]),
    [
      [4, '0x0'],
      [2, '0x0'],
      [2, '0x0'],
    ],
  );
  assert.equal(rec(l, 15).data['PackageIdentifier'], 'KB4093119');

  const edited = load(E02NEW);
  assert.deepEqual(
    edited.records.filter((r) => r.eventId === 3).map((r) => [r.recordId, r.data['PackageIdentifier']]),
    [[12, 'KB4093137']],
  );
  assert.equal(rec(edited, 14).time, rec(l, 15).time);
  assert.equal(rec(edited, 14).data['PackageIdentifier'], 'KB4093119');
});

test('evtx03: KB5016138 gets 43 but no 19/20 in System, Servicing 4 (restart needed) in Setup', () => {
  const sys = load(E03SYS);
  const kb = sys.records.filter((r) => r.provider === WU && r.data['updateTitle']?.includes('KB5016138'));
  assert.deepEqual(
    kb.map((r) => [r.recordId, r.eventId]),
    [
      [491, 44],
      [511, 43],
    ],
  );
  assert.equal(rec(sys, 511).time, '2022-07-04T01:30:36.211Z');
  assert.match(rec(sys, 511).data['updateTitle'] ?? '', /累積更新プログラム/);
  assert.deepEqual(
    [rec(sys, 500).eventId, rec(sys, 500).data['updateTitle']?.includes('KB5013889')],
    [19, true],
  );
  assert.deepEqual([rec(sys, 433).eventId, rec(sys, 433).data['errorCode']], [20, '0x80240016']);
  assert.equal(rec(sys, 434).eventId, 19);

  const setup = load(E03SETUP);
  const done = rec(setup, 6);
  assert.deepEqual(
    [
      done.provider,
      done.eventId,
      done.data['PackageIdentifier'],
      done.data['ErrorCode'],
      done.time.slice(0, 19),
    ],
    [SERVICING, 4, 'KB5016138', '0x0', '2022-07-04T23:47:58'],
  );
  assert.equal(done.data['IntendedPackageState'], '5112');
  assert.equal(done.data['IntendedPackageStateTextized'], 'Installed');
  assert.deepEqual([rec(setup, 2).eventId, rec(setup, 2).data['PackageIdentifier']], [2, 'KB5013889']);

  const op = load(E03OP);
  assert.equal(rec(op, 60).channel, 'Microsoft-Windows-WindowsUpdateClient/Operational');
  assert.deepEqual([rec(op, 60).eventId, rec(op, 60).data['updateTitle']?.includes('KB5016138')], [41, true]);
  assert.deepEqual(
    [26, 41].map((id) => count(op, WU, id)),
    [50, 23],
  );
});

test('evtx04: zeroed chunks 10-11 skip records 1156..1417 silently; chunk 12 still read', () => {
  const l = load(E04);
  assert.equal(l.byId.has(1156), false);
  assert.equal(l.byId.has(1417), false);
  assert.equal(rec(l, 1155).chunk, 9);
  assert.equal(rec(l, 1418).chunk, 12);
  assert.equal(rec(l, 1422).time.slice(0, 10), '2018-08-08');
  const failures = l.records.filter((r) => r.provider === WU && r.eventId === 20);
  assert.deepEqual(
    failures.map((r) => [r.recordId, r.data['errorCode']]),
    [
      [518, '0x8024001e'],
      [519, '0x8024001e'],
    ],
  );
  assert.deepEqual(
    [19, 20, 43, 44].map((id) => count(l, WU, id)),
    [137, 2, 135, 130],
  );
});

test('evtx05: timestamps go backwards in record order (197 and 270) and are kept as written', () => {
  const l = load(E05);
  assert.ok(rec(l, 197).time < rec(l, 196).time, `${rec(l, 197).time} !< ${rec(l, 196).time}`);
  assert.equal(rec(l, 197).time.slice(0, 16), '2025-06-02T16:46');
  assert.ok(rec(l, 270).time < rec(l, 269).time);
  assert.deepEqual(
    l.records.map((r) => r.recordId),
    Array.from({ length: 1247 }, (_, i) => i + 1),
  );
  assert.deepEqual(
    [1117, 1131].map((id) => [rec(l, id).eventId, rec(l, id).data['errorCode']]),
    [
      [20, '0x80240016'],
      [20, '0x80073d02'],
    ],
  );
});

test('evtx06: MsiInstaller 1035 status 1603 from unnamed <Data>, EventRecordID kept for exported logs', () => {
  const l = load(E06APP);
  const r = rec(l, 9110);
  assert.equal(r.provider, 'MsiInstaller');
  assert.equal(r.eventId, 1035);
  assert.equal(r.chunk, 12);
  assert.deepEqual(
    [1, 2, 3, 4, 5].map((i) => r.data[`Data${i}`]),
    ['UniversalForwarder', '9.0.5.0', '1033', '1603', 'Splunk, Inc.'],
  );
  assert.match(r.data['Binary'] ?? '', /^[0-9A-F]+$/);
  assert.deepEqual([rec(l, 9108).eventId, rec(l, 9108).level], [1013, 2]);
  assert.equal(rec(l, 9109).eventId, 11729);
  assert.equal(count(l, 'MsiInstaller', 1035), l.records.filter((x) => x.eventId === 1035).length);

  const setup = load(E06SETUP);
  const finished = setup.records.filter((x) => x.provider === SERVICING && x.eventId === 9);
  assert.equal(finished.length, 16);
  assert.deepEqual(new Set(finished.map((x) => x.data['ErrorCode'])), new Set(['0x0']));
  assert.deepEqual(
    [rec(setup, 215).eventId, rec(setup, 215).data['UpdateName']],
    [7, 'ServerManager-Core-RSAT'],
  );
});

test('fixtures: hex64 padding, FILETIME precision, nested BinXml, broken UTF-16 and ANSI strings', () => {
  const logon = rec(load(`${FX}/issue_38.evtx`), 17845);
  assert.equal(logon.eventId, 4672);
  assert.equal(logon.data['SubjectLogonId'], '0x000000000019d3af');
  assert.match(logon.data['PrivilegeList'] ?? '', /^SeSecurityPrivilege\r\n\t+SeTakeOwnershipPrivilege/);
  assert.equal(logon.data['SubjectUserSid'], 'S-1-5-21-3484546417-2474207753-3142552619-1001');

  const liveId = load(`${FX}/issue_39.evtx`);
  assert.equal(rec(liveId, 129).time, '2017-04-21T07:41:17.003Z');
  assert.equal(rec(liveId, 129).data['TokenType'], 'urn:passport:legacy');

  const sysmon = rec(load(`${FX}/issue_43.evtx`), 508);
  const text = Object.values(sysmon.data).join('');
  assert.ok(text.includes('\uFFFD'), 'the unpaired surrogate becomes U+FFFD');
  assert.equal(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/.test(text), false);

  const dns = load(`${FX}/dns_log_malformed.evtx`);
  assert.equal(rec(dns, 101983).data['QNAME'], 'b._dns-sd._udp.@\u00a65\u0001.');

  const win7 = load(`${FX}/system.evtx`);
  const classic = rec(win7, 13649);
  assert.deepEqual(
    [classic.provider, classic.eventId, classic.level, classic.chunk, classic.data['param2']],
    ['Service Control Manager', 7036, 4, 8, 'stopped'],
    'EventID without its Qualifiers',
  );
  assert.equal(win7.records.filter((r) => r.provider === WU).length, 20);
  assert.ok(
    win7.records.some(
      (r) => r.provider === WU && r.eventId === 19 && /KB2647518/.test(r.data['updateTitle'] ?? ''),
    ),
  );
});

test('truncated and wrapped file: 22 chunks plus 31 records of the cut chunk, the cut reported', () => {
  const l = load(TRUNCATED);
  assert.equal(l.data.length, 1482928);
  assert.equal(l.read.records, 2592);
  assert.equal(runs(l.records), '44609..47200');
  assert.deepEqual(l.read.header, { chunkCount: 320, nextRecordId: 63524, dirty: true });
  assert.equal(l.records.filter((r) => r.chunk === 22).length, 31);
  assert.ok(
    l.read.problems.some((p) => /chunk 22 .*truncated/.test(p)),
    l.read.problems.join('\n'),
  );
  assert.ok(l.read.problems.some((p) => /record 47201 .*cut by the end of the file/.test(p)));
});

/** Reads a damaged copy; the reader must not throw. */
function readCopy(data: Buffer): { read: EvtxRead; records: EvtxRecord[] } {
  const records: EvtxRecord[] = [];
  const read = readEvtx(data, (r) => records.push(r));
  return { read, records };
}

const chunkAt = (i: number): number => 4096 + i * 65536;

test('damaged chunk: garbage in chunk 4 is reported, every other chunk is still read in full', () => {
  const clean = load(E01);
  const copy = Buffer.from(clean.data);
  copy.fill(0xa5, chunkAt(4) + 20000, chunkAt(4) + 22000);
  const { read, records } = readCopy(copy);
  assert.ok(
    read.problems.some((p) => /^chunk 4 .*event records checksum mismatch/.test(p)),
    read.problems.join('\n'),
  );
  assert.ok(read.problems.some((p) => /^chunk 4 .*(no record signature|bad size|unreadable)/.test(p)));
  assert.ok(read.problems.every((p) => p.startsWith('chunk 4 ')));
  const others = (rs: EvtxRecord[]): number[] => rs.filter((r) => r.chunk !== 4).map((r) => r.recordId);
  assert.deepEqual(others(records), others(clean.records));
  const inChunk4 = records.filter((r) => r.chunk === 4).length;
  assert.ok(inChunk4 > 0 && inChunk4 < 127, `chunk 4 gave ${inChunk4} records`);
});

test('damaged chunk headers: bad signature and bad checksum are reported, the records still read', () => {
  const clean = load(E01);
  const copy = Buffer.from(clean.data);
  copy.write('XXXXXXXX', chunkAt(2), 'latin1');
  copy.writeUInt32LE(0xdeadbeef, chunkAt(6) + 100);
  const { read, records } = readCopy(copy);
  assert.equal(read.records, 1881);
  assert.deepEqual(
    records.map((r) => r.recordId),
    clean.records.map((r) => r.recordId),
  );
  assert.ok(read.problems.some((p) => /^chunk 2 .*no ElfChnk signature but records follow/.test(p)));
  assert.ok(read.problems.some((p) => /^chunk 6 .*chunk header checksum mismatch/.test(p)));
});

test('damaged file header, a broken template and hostile input: problems, never an exception', () => {
  const clean = load(E02);
  const header = Buffer.from(clean.data);
  header.fill(0, 0, 128);
  const h = readCopy(header);
  assert.equal(h.read.records, 15, 'chunks are found without the file header');
  assert.match(h.read.problems[0] ?? '', /no ElfFile signature/);

  // The first record defines the template inline; clobbering its body breaks the records that use it.
  const template = Buffer.from(clean.data);
  template.fill(0xff, chunkAt(0) + 512 + 60, chunkAt(0) + 512 + 300);
  const t = readCopy(template);
  assert.ok(t.read.records < 15);
  assert.ok(
    t.read.problems.some((p) => /unreadable/.test(p)),
    t.read.problems.join('\n'),
  );

  for (const junk of [Buffer.alloc(0), Buffer.from('ElfFile\0'), Buffer.from('not an event log at all\r\n')])
    assert.equal(readCopy(junk).read.records, 0);
  assert.equal(readCopy(Buffer.from('hello')).read.problems.length, 1);

  let seed = 7;
  const random = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return Math.floor((seed / 2147483648) * n);
  };
  for (let i = 0; i < 200; i++) {
    const copy = Buffer.from(clean.data.subarray(0, i % 4 === 0 ? random(clean.data.length) : undefined));
    for (let k = 0; k < 40 && copy.length > 4096; k++) copy[4096 + random(9000)] = random(256);
    const { read } = readCopy(copy);
    assert.ok(read.records <= 15);
  }
});

test('render amplification: nested array templates stop at the chunk and file work limits, with a problem', () => {
  // Records of 12×12×12 repeated elements (a scaled-down 01-evtx-render-amplification): each renders under
  // the per-record limit, so only the chunk and file budgets stop them.
  const data = amplifiedEvtx(3, 12, 3);
  const all = readEvtx(data, () => {}, { chunkWork: Infinity, fileWork: Infinity, fileWorkPerByte: 0 });
  assert.equal(all.records, 1869);
  assert.deepEqual(all.problems, []);

  const records: EvtxRecord[] = [];
  const read = readEvtx(data, (r) => records.push(r));
  assert.equal(read.records, 150);
  assert.ok(read.work <= 3 * DEFAULT_EVTX_LIMITS.chunkWork + 100, String(read.work));
  assert.deepEqual(
    records.slice(0, 2).map((r) => [r.recordId, r.eventId, r.chunk]),
    [
      [1, 19, 0],
      [2, 19, 0],
    ],
  );
  assert.equal(read.problems.length, 3);
  assert.match(
    read.problems[0]!,
    /^chunk 0 \(offset 0x001000\): record 51 at 0x[0-9a-f]+ and the rest of the chunk skipped: its records rendered 200000 nodes, the limit for one chunk$/,
  );
  assert.match(read.problems[2]!, /^chunk 2 .*the limit for one chunk$/);

  // The file's budget: a base plus an allowance per byte; the chunks after it are not read.
  const small = readEvtx(data, () => {}, { chunkWork: 200_000, fileWork: 300_000, fileWorkPerByte: 0 });
  assert.equal(small.records, 75);
  assert.deepEqual(
    small.problems.map((p) => p.replace(/0x[0-9a-f]+\)?/g, '#')),
    [
      'chunk 0 (offset #: record 51 at # and the rest of the chunk skipped: its records rendered 200000 nodes, the limit for one chunk',
      "chunk 1 (offset #: record 649 at # and the rest of the file not read: the file's records rendered 300000 nodes, the limit for this file",
    ],
  );
});

test('the work limits leave real logs alone: every corpus file renders far below them', () => {
  for (const rel of [E01, E02, E03SYS, E04, E05, E06APP]) {
    const { read } = load(rel);
    assert.ok(!read.problems.some((p) => /limit/.test(p)), read.problems.join('\n'));
    assert.ok(read.work < 0.1 * load(rel).data.length, `${rel}: ${read.work}`);
  }
});

test('EvtxReader: the file pushed in pieces of any size reads exactly as the whole file', () => {
  const damaged = Buffer.from(load(E02).data.subarray(0, 4096 + 30_000));
  damaged.fill(0x55, 4096 + 9000, 4096 + 9400);
  const files: [string, Buffer][] = [
    [E01, load(E01).data],
    [TRUNCATED, load(TRUNCATED).data],
    ['damaged', damaged],
    ['tiny', Buffer.from('ElfFile\0short')],
  ];
  for (const [name, data] of files) {
    const whole: EvtxRecord[] = [];
    const expected = readEvtx(data, (r) => whole.push(r));
    for (const piece of [1000, 4096, 65536, 70001, 1 << 20]) {
      const got: EvtxRecord[] = [];
      const reader = new EvtxReader((r) => got.push(r), data.length);
      for (let at = 0; at < data.length; at += piece)
        assert.equal(reader.push(data.subarray(at, at + piece)), true);
      assert.deepEqual(reader.end(), expected, `${name} in pieces of ${piece}`);
      assert.deepEqual(got, whole, `${name} in pieces of ${piece}`);
    }
  }
});

test('EvtxReader: once the file budget is spent, push says to stop reading', () => {
  const data = amplifiedEvtx(3, 12, 3);
  const reader = new EvtxReader(() => {}, data.length, {
    chunkWork: 200_000,
    fileWork: 300_000,
    fileWorkPerByte: 0,
  });
  assert.equal(reader.push(data.subarray(0, 4096 + 65536)), true);
  assert.equal(reader.push(data.subarray(4096 + 65536, 4096 + 2 * 65536)), false);
  const read = reader.end();
  assert.equal(read.records, 75);
  assert.match(read.problems.at(-1)!, /^chunk 1 .*the limit for this file$/);
});

test('analysis of an amplifying evtx, from a file or from memory: streamed, stopped at the limit, said', () => {
  const data = amplifiedEvtx(3, 12, 3);
  const dir = mkdtempSync(join(tmpdir(), 'patchdx-evtx-'));
  try {
    const path = join(dir, 'Amplified.evtx');
    writeFileSync(path, data);
    for (const d of [analyzePath(path), analyzeBuffer('Amplified.evtx', data)]) {
      const limits = d.diagnostics.filter((x) => /the limit for one chunk$/.test(x.message));
      assert.equal(limits.length, 3, JSON.stringify(d.diagnostics));
      assert.ok(limits.every((x) => x.file === 'Amplified.evtx'));
      assert.deepEqual(
        d.sources.map((s) => [s.file, s.kind, s.lines]),
        [['Amplified.evtx', 'evtx', 150]],
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
