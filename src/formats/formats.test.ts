// The generated format test: every sample of every format is taken by its own format (by the registry's
// order and by its own sniff), by no other format's sniff unless the registry says which wins (`shadows`),
// and reads into the bundle what it states. Then the registry itself (ids = file names, legacy kinds kept),
// the heads of the real logs of ../shared/corpus, the collector's own files, hostile heads sniffed in
// linear time and UTF-16BE text cut to an odd length.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { analyzeBuffer, analyzePath } from '../analyze/analyze.js';
import { HEAD_BYTES, listBufferInputs } from '../ingest/inputs.js';
import { packageRoot } from '../knowledge/paths.js';
import type { Diagnostic } from '../model/types.js';
import {
  headOf,
  newContext,
  type BundleContext,
  type FormatSample,
  type SampleExpect,
} from './define-format.js';
import { FORMATS, sniffFormat } from './index.js';

const root = packageRoot();
const corpus = join(root, '..', 'shared', 'corpus');

const bytesOf = (s: FormatSample): Buffer => s.bytes ?? Buffer.from(s.text ?? '', 'utf8');

/** Reads one buffer through the format sniffing picks, into a fresh bundle context. */
function readSample(name: string, data: Buffer): BundleContext {
  const diagnostics: Diagnostic[] = [];
  const listed = listBufferInputs(name, data, diagnostics);
  const ctx = newContext();
  for (const input of listed.inputs) {
    const s = sniffFormat(input.head(), input.bytes);
    assert.ok(s.format, `${name}: sniffed`);
    s.format.read(input, ctx);
  }
  listed.close();
  return ctx;
}

/** What a bundle context holds, in the terms samples state. */
function observed(ctx: BundleContext): Required<SampleExpect> {
  return {
    events: ctx.events.length,
    attempts: ctx.attempts.length,
    findings: ctx.findings.map((f) => f.rule),
    setupRecords: ctx.setupLogs.reduce((n, l) => n + l.records.length, 0),
    systemInfos: ctx.systemInfos.length,
    builds: ctx.reportedBuilds.map((b) => b.build),
    fileHashes: ctx.fileHashes.length,
    policy: ctx.policy !== null,
    logs: ctx.logs.length,
    identity: ctx.identity,
  };
}

test('every format has samples, and every sample is its own format and no other (no format collision)', () => {
  for (const f of FORMATS) {
    assert.ok(f.samples.length > 0, `${f.id} has samples`);
    for (const s of f.samples) {
      const data = bytesOf(s);
      const label = `${f.id} sample "${s.name}"`;
      assert.equal(sniffFormat(data.subarray(0, HEAD_BYTES), data.length).format?.id, f.id, label);
      const head = headOf(data.subarray(0, HEAD_BYTES), data.length);
      for (const g of FORMATS) {
        if (g === f || !g.sniff(head)) continue;
        const declared = f.shadows?.includes(g.id) && FORMATS.indexOf(f) < FORMATS.indexOf(g);
        assert.ok(declared, `format collision: ${label} is also taken by ${g.id}`);
      }
    }
  }
});

test('every sample is read by its own format into what it states', () => {
  for (const f of FORMATS) {
    for (const s of f.samples) {
      const label = `${f.id} sample "${s.name}"`;
      const ctx = readSample(`sample-${f.id}.txt`, bytesOf(s));
      const kinds = [...ctx.sources.map((x) => x.kind), ...ctx.logs.map((l) => l.kind)];
      assert.deepEqual(kinds, [f.kind], `${label}: read as ${f.kind}`);
      const got = observed(ctx);
      for (const [k, v] of Object.entries(s.expect ?? {}))
        assert.deepEqual(got[k as keyof SampleExpect], v, `${label}: ${k}`);
    }
  }
});

test('the registry: ids unique and equal to file names; the kinds reports know are all still made', () => {
  const ids = FORMATS.map((f) => f.id);
  assert.equal(new Set(ids).size, ids.length);
  for (const id of ids)
    assert.ok(existsSync(join(root, 'src', 'formats', `${id}.ts`)), `src/formats/${id}.ts`);
  const kinds = new Set(FORMATS.map((f) => f.kind));
  for (const k of [
    'cbs',
    'dism',
    'evtx',
    'events',
    'windowsupdate',
    'reportingevents',
    'setup',
    'console',
    'osversion',
    'registry',
    'packages',
    'filehash',
    'systeminfo',
  ])
    assert.ok(kinds.has(k), k);
  for (const f of FORMATS)
    for (const g of f.shadows ?? [])
      assert.ok(ids.indexOf(g) > ids.indexOf(f.id), `${f.id} comes before ${g}`);
});

test('the real logs of the corpus are sniffed as their formats', () => {
  const cases: [string, string, string][] = [
    ['cbs01-appostarsi-w11', 'CBS.log', 'cbs'],
    ['dism01-appostarsi-w10-esd-source', 'dism win 10.log', 'dism'],
    // Panther's cbs.log of an upgrade's SafeOS: mostly DISM lines, read by the same parser as dism.
    ['cbs19-michampr-upgrade-isserviceable', 'cbs.log', 'dism'],
    ['wu01-appostarsi-driver-800f024b', 'WindowsUpdate.log', 'windows-update-log'],
    ['wu02-reeceketley-kb5034441-80070643', 'WindowsUpdate.log', 'windows-update-log'],
    ['wu04-rkudache-win7-legacy-au-disabled', 'WindowsUpdate.log', 'windows-update-log'],
    ['re01-dcheva-reportingevents-detect-80072ee2', 'ReportingEvents.log', 'reporting-events'],
    ['setup01-appostarsi-upgrade-80070570', 'setupact.log', 'setupact'],
    ['setup01-appostarsi-upgrade-80070570', 'SetupDiagResults.log', 'setupdiag'],
    ['evt01-appostarsi-system-events-txt', 'system-events.txt', 'event-text'],
    ['evtx01-omerbenamram-w10-1703-kb4025342-80248007', 'system.evtx', 'evtx'],
  ];
  for (const [dir, file, id] of cases) {
    const path = join(corpus, dir, file);
    if (!existsSync(path)) continue;
    const data = readFileSync(path);
    assert.equal(sniffFormat(data.subarray(0, HEAD_BYTES), data.length).format?.id, id, `${dir}/${file}`);
  }
});

test('a decoded Windows 10 WindowsUpdate.log cut anywhere (no header, a first line cut short) is still one', () => {
  const path = join(corpus, 'wu01-appostarsi-driver-800f024b', 'WindowsUpdate.log');
  if (!existsSync(path)) return;
  const data = readFileSync(path);
  for (let at = 1; at < data.length - HEAD_BYTES; at += 99_991) {
    const cut = data.subarray(at);
    assert.equal(
      sniffFormat(cut.subarray(0, HEAD_BYTES), cut.length).format?.id,
      'windows-update-log',
      `@${at}`,
    );
  }
  // The driver failure is found in a copy that begins in the middle of line 8150 (corpus wu01).
  const from = data.indexOf('CUHDriverHandler: No optional CompatibleProvider');
  const d = analyzeBuffer('WindowsUpdate-tail.log', data.subarray(from));
  assert.equal(d.sources[0]?.kind, 'windowsupdate');
  assert.ok(d.findings.some((f) => f.code === '0x800f024b'));
});

test('sniffing is linear in the line: a 64 KiB line of tabs and a 200k-tab capture sniff in well under a second', () => {
  const hostile = join(root, '..', 'shared', 'hostile');
  const inputs = [
    Buffer.alloc(64 * 1024, '\t'),
    Buffer.from(`Algorithm Hash Path\r\n${'\t'.repeat(200_000)}\r\n`),
  ];
  for (const f of ['09-capture-64KB-of-tabs.txt', '13-filehash-capture-200k-tab-line.txt'])
    if (existsSync(join(hostile, f))) inputs.push(readFileSync(join(hostile, f)));
  for (const data of inputs) {
    const t0 = performance.now();
    sniffFormat(data.subarray(0, HEAD_BYTES), data.length);
    const ms = performance.now() - t0;
    assert.ok(ms < 500, `sniffing took ${ms.toFixed(0)} ms`);
  }
});

test('UTF-16BE text cut to an odd byte count is read, not a crash (short and past the 64 KiB head)', () => {
  const line =
    '2024/05/02 16:40:48.6826417 6720  4720  Agent           LogHistory called. idUpdate={576B0DD6-57CC-457B-A5EC-E888491B395D}.200, resultMapped=80070643, resultUnMapped=800F0828\r\n';
  for (const n of [3, 600]) {
    const be = Buffer.from(line.repeat(n), 'utf16le').swap16();
    const data = Buffer.concat([Buffer.from([0xfe, 0xff]), be, Buffer.from([0x41])]);
    const d = analyzeBuffer('WindowsUpdate.log', data);
    assert.equal(d.sources[0]?.kind, 'windowsupdate', `${n} lines`);
    assert.ok(!d.diagnostics.some((x) => /cannot read/.test(x.message)), `${n} lines`);
  }
});

test("the collector's own files: manifest identity, the build of os-build.txt, pending and disk-space as sources", () => {
  const dir = mkdtempSync(join(tmpdir(), 'patchdx-collector-'));
  try {
    const sample = (id: string): string => FORMATS.find((f) => f.id === id)!.samples[0]!.text!;
    const put = (path: string, text: string): void => {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    };
    put('manifest.json', sample('collector-manifest'));
    put('Commands/os-build.txt', sample('collector-os-build'));
    put('Commands/pending.txt', sample('collector-pending'));
    put('Commands/disk-space.txt', sample('collector-disk-space'));
    const d = analyzePath(dir);
    const kinds = Object.fromEntries(d.sources.map((s) => [s.file.replace(/\\/g, '/'), s.kind]));
    assert.deepEqual(kinds, {
      'Commands/disk-space.txt': 'diskspace',
      'Commands/os-build.txt': 'osversion',
      'Commands/pending.txt': 'pending',
      'manifest.json': 'manifest',
    });
    assert.equal(d.machine.osBuild, '19045.2965');
    assert.ok(!d.diagnostics.some((x) => /skipped/.test(x.message)));
    // A manifest that is not JSON is said so, and the rest is read.
    const ctx = readSample('manifest.json', Buffer.from(sample('collector-manifest').slice(0, -3)));
    assert.deepEqual(ctx.identity, {});
    assert.match(ctx.diagnostics[0]?.message ?? '', /not valid JSON/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
