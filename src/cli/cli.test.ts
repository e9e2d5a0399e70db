// The CLI as a user runs it (the built bin in a child process): exit codes 0/1/2, JSON schema, languages,
// and bad input — empty, binary, not a log, a 10 MB line, a file cut mid-line — gives a clear message
// naming the file, never a stack trace.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, copyFileSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../knowledge/paths.js';
import { binPath } from '../testing/paths.js';

const bin = binPath();
const sample = join(packageRoot(), 'examples', 'CBS.log');

function cli(args: string[], env: Record<string, string> = {}): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [bin, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', LANG: 'C', ...env },
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'patchdx-cli-'));
}

const HEALTHY_LINE =
  '2023-05-23 10:24:07, Info                  CBS    Startup: Processing complete. [HRESULT = 0x00000000 - S_OK]\r\n';

test('analyze: the bundled sample is a diagnosed failure (exit 1), English by default under LANG=C', () => {
  const r = cli(['analyze', sample]);
  assert.equal(r.code, 1);
  assert.match(r.out, /Verdict: FAILED/);
  assert.match(r.out, /KB5020685 Package_for_DotNetRollup.*Staged→Installed: failed 0x80073712/);
  assert.match(r.out, /CBS\.log:31 {2}2023-01-05 17:16:16, Error/);
  assert.equal(r.err, '');
  assert.ok(!r.out.includes('\u001b['), 'no colour when stdout is not a terminal');
});

test('analyze: Chinese from the locale, and --lang overrides it', () => {
  assert.match(cli(['analyze', sample], { LANG: 'zh_CN.UTF-8' }).out, /结论: 失败/);
  assert.match(cli(['analyze', sample, '--lang', 'en'], { LANG: 'zh_CN.UTF-8' }).out, /Verdict: FAILED/);
});

test('analyze --json --schema 1: the previous schema for readers not yet moved', () => {
  const v2 = JSON.parse(cli(['analyze', sample, '--json']).out);
  const r = cli(['analyze', sample, '--json', '--schema', '1']);
  assert.equal(r.code, 1);
  const d = JSON.parse(r.out);
  assert.equal(d.schema, 'patchdx.diagnosis/1');
  assert.equal(d.input, undefined);
  assert.deepEqual(
    d.findings.map((f: { id: string; signature?: string }) => [f.id, f.signature]),
    v2.findings.map((_: unknown, i: number) => [`f${i + 1}`, undefined]),
  );
  // Attempts and plans point at the renamed findings.
  const ids = new Set(d.findings.map((f: { id: string }) => f.id));
  for (const a of d.attempts) for (const id of a.findings) assert.ok(ids.has(id), id);
  for (const p of d.plans) assert.ok(ids.has(p.findingId), p.findingId);
  assert.equal(cli(['analyze', sample, '--json', '--schema', '3']).code, 2);
});

test('analyze --json: schema patchdx.diagnosis/2 with the fixed field names', () => {
  const r = cli(['analyze', sample, '--json']);
  assert.equal(r.code, 1);
  const d = JSON.parse(r.out);
  assert.equal(d.schema, 'patchdx.diagnosis/2');
  assert.deepEqual(Object.keys(d.input).sort(), [
    'bytes',
    'collectedAt',
    'computer',
    'name',
    'sha256',
    'timeZone',
    'utcOffsetMinutes',
  ]);
  assert.equal(d.input.name, 'CBS.log');
  assert.match(d.input.sha256, /^[0-9a-f]{64}$/);
  for (const f of d.findings) assert.match(f.id, /^f-[0-9a-f]{10}(?:-\d+)?$/);
  assert.equal(d.verdict, 'failed');
  const f = d.findings[0];
  for (const k of [
    'rule',
    'signature',
    'severity',
    'confidence',
    'code',
    'root',
    'facts',
    'evidence',
    'chain',
  ])
    assert.ok(k in f, k);
  assert.match(f.code, /^0x[0-9a-f]{8}$/);
  assert.deepEqual(Object.keys(f.evidence[0]).sort(), ['file', 'line', 'text']);
  const a = d.attempts.find((x: { outcome: string }) => x.outcome === 'failed');
  assert.equal(a.kb, 'KB5020685');
  assert.deepEqual(d.diagnostics, []);
});

test('analyze: a healthy log exits 0', () => {
  const dir = tempDir();
  try {
    writeFileSync(join(dir, 'CBS.log'), HEALTHY_LINE.repeat(3));
    const r = cli(['analyze', join(dir, 'CBS.log')]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /no failure found/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('analyze: usage errors and unreadable input exit 2 with a message naming the file', () => {
  assert.equal(cli(['analyze']).code, 2);
  assert.equal(cli(['analyze', sample, '--lang', 'fr']).code, 2);
  assert.equal(cli(['frobnicate']).code, 2);
  const missing = cli(['analyze', '/nonexistent/CBS.log']);
  assert.equal(missing.code, 2);
  assert.match(missing.err, /\/nonexistent\/CBS\.log: cannot open/);
  const dir = tempDir();
  try {
    writeFileSync(join(dir, 'empty.log'), '');
    const empty = cli(['analyze', join(dir, 'empty.log')]);
    assert.equal(empty.code, 2);
    assert.match(empty.err, /empty\.log: skipped: the file is empty/);
    writeFileSync(
      join(dir, 'data.bin'),
      Buffer.from([0x4d, 0x5a, 0x90, 0, 3, 0, 0, 0, 4, 0, 0, 0, 0xff, 0xff, 0, 0, 0xb8]),
    );
    const bin = cli(['analyze', join(dir, 'data.bin')]);
    assert.equal(bin.code, 2);
    assert.match(bin.err, /data\.bin: skipped: binary data/);
    writeFileSync(join(dir, 'notes.txt'), 'hello\nthis is not a log\n');
    const text = cli(['analyze', join(dir, 'notes.txt')]);
    assert.equal(text.code, 2);
    assert.match(text.err, /notes\.txt: skipped: not a log or capture patchdx reads/);
    for (const r of [empty, bin, text]) assert.doesNotMatch(r.err, /\n\s+at /, 'no stack trace');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('analyze: a 10 MB line and a file cut mid-line are reported, the rest is still analysed', () => {
  const dir = tempDir();
  try {
    const lines = readFileSync(sample, 'latin1')
      .split(/\r?\n/)
      .filter((l) => l !== '');
    const huge = '2023-01-05 16:20:00, Info                  CBS    ' + 'x'.repeat(10 * 1024 * 1024);
    const cut = '2023-01-05 17:18:02, Info                  CBS    Starting TiWorker fina';
    writeFileSync(join(dir, 'CBS.log'), [lines[0], huge, ...lines.slice(1, -1), cut].join('\r\n'), 'latin1');
    const r = cli(['analyze', join(dir, 'CBS.log'), '--json']);
    assert.equal(r.code, 1, r.err);
    const d = JSON.parse(r.out);
    assert.equal(d.verdict, 'failed');
    const long = d.diagnostics.find((x: { line?: number }) => x.line === 2);
    assert.ok(long, JSON.stringify(d.diagnostics));
    assert.match(long.message, /10485810 bytes long/);
    assert.ok(d.diagnostics.some((x: { message: string }) => /ends mid-line/.test(x.message)));
    // Line numbers after the long line are still right: the manifest failure is on line 32 now.
    assert.ok(
      d.findings[0].evidence.some(
        (e: { line: number; text: string }) => e.line === 32 && /Unable to load manifest/.test(e.text),
      ),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('analyze: UTF-16LE and GBK-encoded logs are decoded (Chinese paths survive)', () => {
  const dir = tempDir();
  try {
    const text =
      '2023-01-05 16:20:07, Info                  CBS    Failed to read from file: \\\\?\\C:\\软件\\Package_1_for_KB5017315~31bf3856ad364e35~amd64~~10.0.1.5.mum [HRESULT = 0x8007025d - ERROR_BAD_COMPRESSION_BUFFER]\r\n';
    writeFileSync(
      join(dir, 'utf16.log'),
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]),
    );
    const gbk = Buffer.from(text.replace('软件', '\u0000\u0000'), 'latin1');
    const at = gbk.indexOf(0);
    gbk[at] = 0xc8; // 软 = C8 ED, 件 = BC FE in GBK
    gbk[at + 1] = 0xed;
    const gbkFull = Buffer.concat([gbk.subarray(0, at + 2), Buffer.from([0xbc, 0xfe]), gbk.subarray(at + 2)]);
    writeFileSync(join(dir, 'gbk.log'), gbkFull);
    for (const f of ['utf16.log', 'gbk.log']) {
      const d = JSON.parse(cli(['analyze', join(dir, f), '--json']).out);
      const finding = d.findings.find((x: { rule: string }) => x.rule === 'cbs-package-manifest-unreadable');
      assert.ok(finding, f);
      assert.match(finding.facts.path, /C:\\软件\\Package_1_for_KB5017315/, f);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('analyze: a folder with CBS.log and a CbsPersist log, oldest first; other files listed as skipped', () => {
  const dir = tempDir();
  try {
    copyFileSync(sample, join(dir, 'CBS.log'));
    writeFileSync(
      join(dir, 'CbsPersist_20230104101010.log'),
      HEALTHY_LINE.replace('2023-05-23', '2023-01-04'),
    );
    writeFileSync(join(dir, 'readme.txt'), 'collector notes\n');
    const d = JSON.parse(cli(['analyze', dir, '--json']).out);
    assert.deepEqual(
      d.sources.map((s: { file: string }) => s.file),
      ['CbsPersist_20230104101010.log', 'CBS.log'],
    );
    assert.ok(
      d.diagnostics.some(
        (x: { file: string; level: string }) => x.file === 'readme.txt' && x.level === 'info',
      ),
    );
    assert.equal(d.verdict, 'failed');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('analyze: control characters in log text cannot reach the terminal', () => {
  const dir = tempDir();
  try {
    const evil =
      '2023-01-05 16:20:07, Error                 CBS    Failed to process single phase execution. \x1b[2J\x1b]0;pwned\x07 [HRESULT = 0x80070005 - E_ACCESSDENIED]\r\n';
    writeFileSync(join(dir, 'CBS.log'), evil);
    const r = cli(['analyze', join(dir, 'CBS.log')]);
    assert.ok(!r.out.includes('\u001b'));
    assert.match(r.out, /\\x1b\[2J/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('explain: every written form of a code', () => {
  for (const q of ['0x80073712', '-2147010798', '14098', 'ERROR_SXS_COMPONENT_STORE_CORRUPT', '80073712']) {
    const r = cli(['explain', q, '--lang', 'en']);
    assert.equal(r.code, 0, q);
    assert.match(r.out, /^0x80073712 {2}ERROR_SXS_COMPONENT_STORE_CORRUPT/m, q);
  }
  assert.match(cli(['explain', '0x8007025d', '--lang', 'zh']).out, /含义/);
  const none = cli(['explain', 'NO_SUCH_THING_AT_ALL_XYZ']);
  assert.equal(none.code, 1);
});

test('explain: KBs, builds, component and package identities, with confidence and source', () => {
  const kb = cli(['explain', 'KB5032196', '--lang', 'en']);
  assert.equal(kb.code, 0);
  assert.match(kb.out, /Released: 2023-11-14 {3}OS build: 17763\.5122/);
  assert.match(kb.out, /Prerequisites: KB5005112/);
  assert.match(kb.out, /Confidence: high/);
  const build = cli(['explain', '17763.774', '--lang', 'en']);
  assert.match(build.out, /Update that brings this build: KB4516077/);
  assert.match(build.out, /KB5001342 {2}2021-04-13 {2}17763\.1879|… \d+ more/);
  const comp = cli([
    'explain',
    'amd64_microsoft-windows-servicingstack_31bf3856ad364e35_10.0.17763.2980_none_56b389839943c990',
    '--lang',
    'en',
  ]);
  assert.match(comp.out, /version 10\.0\.17763\.2980/);
  assert.match(comp.out, /Version shipped by: KB5014692/);
  const pkg = cli(['explain', 'Package_for_RollupFix~31bf3856ad364e35~amd64~~17763.3165.1.10', '--json']);
  assert.equal(JSON.parse(pkg.out).update.kb, 'KB5015811');
});

test('the built bin is executable, so `npx patchdx` works on a fresh clone', () => {
  assert.ok((statSync(bin).mode & 0o111) !== 0, `${bin} is not executable`);
  assert.match(readFileSync(bin, 'utf8').split('\n')[0]!, /^#!\/usr\/bin\/env node/);
});
