// Captured command outputs in a bundle (fixtures/outputs: GBK, UTF-16 with and without BOM, en and zh):
// each read as its kind, DISM and sfc verdicts as findings on their lines, the build from the captures.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzePath as analyzeFacts } from '../analyze/analyze.js';
import { withAdvice } from '../index.js';
const analyzePath = (p: string): ReturnType<typeof analyzeFacts> => withAdvice(analyzeFacts(p));
import { packageRoot } from '../knowledge/paths.js';

const dir = join(packageRoot(), 'fixtures', 'outputs');

test('every captured output of fixtures/outputs is read as its kind', () => {
  const d = analyzePath(dir);
  const kinds = Object.fromEntries(d.sources.map((s) => [s.file, s.kind]));
  assert.deepEqual(kinds, {
    'dism-zh-runs.gbk.txt': 'console',
    'filehash-zh.gbk.txt': 'filehash',
    'hotfix-wmic.utf16le-bom.txt': 'packages',
    'osversion-zh.gbk.txt': 'osversion',
    'packages-zh.gbk.txt': 'packages',
    'reg-query-wu-zh.gbk.txt': 'registry',
    'sfc-en-runs.utf16le.txt': 'console',
    'sfc-zh-runs.utf16le-bom.txt': 'console',
    'wu-policy.reg': 'registry',
  });
  // The README is not a log: skipped, and said so.
  assert.ok(d.diagnostics.some((x) => x.file === 'README.md' && /skipped/.test(x.message)));
});

test('DISM and sfc verdicts become findings with the verdict lines; the build comes from the captures', () => {
  const d = analyzePath(dir);
  assert.equal(d.verdict, 'failed');
  const byMsg = (rule: string, id: string) => d.findings.filter((f) => f.rule === rule && f.messageId === id);
  const src = byMsg('dism-output-failed', 'error').find((f) => f.code === '0x800f081f');
  assert.ok(src?.root);
  assert.match(src.message.en, /without the WIM:\/ESD: prefix/);
  assert.match(src.message.zh, /找不到源文件/);
  assert.ok(src.evidence.every((e) => e.file === 'dism-zh-runs.gbk.txt'));
  // A decimal Win32 code as DISM prints it (`错误: 14098`) is the HRESULT 0x80073712.
  assert.ok(byMsg('dism-output-failed', 'error').some((f) => f.code === '0x80073712'));
  assert.equal(byMsg('dism-output-health', 'repairable').length, 2);
  assert.equal(byMsg('dism-output-health', 'stalled')[0]?.facts.percent, '62.3');
  assert.equal(byMsg('sfc-output', 'unrepairable')[0]?.evidence.at(-1)?.line, 7);
  assert.equal(byMsg('sfc-output', 'clean')[0]?.severity, 'info');
  assert.equal(byMsg('packages-pending', 'pending').length, 1);
  // Plans: the DISM source without its WIM: prefix gets the CBS rule's plan for it; sfc's verdict a store repair.
  const srcPlan = d.plans?.find((p) => p.findingId === src.id);
  assert.ok(srcPlan?.steps.some((s) => s.commands.some((c) => /\/Source:WIM:/.test(c.line))));
  const sfcPlan = d.plans?.find((p) => p.rule === 'sfc-output');
  assert.ok(sfcPlan?.steps.some((s) => s.id === 'restore-health'));
  assert.equal(d.machine.osBuild, '17763.1879');
  assert.match(d.machine.osBuildSource ?? '', /dism-zh-runs\.gbk\.txt:9/);
});

test('a full registry export of several MB is still read (the WSUS policy at its top is found)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'patchdx-bigreg-'));
  try {
    const filler = Array.from(
      { length: 60000 },
      (_, i) => `[HKEY_LOCAL_MACHINE\\SOFTWARE\\Vendor\\Key${i}]\r\n"Value"="${'x'.repeat(60)}"\r\n`,
    ).join('\r\n');
    const reg = [
      'Windows Registry Editor Version 5.00',
      '',
      '[HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\Windows\\WindowsUpdate\\AU]',
      '"UseWUServer"=dword:00000001',
      '',
      filler,
    ].join('\r\n');
    assert.ok(reg.length > 6_000_000);
    writeFileSync(join(dir, 'software.reg'), reg);
    const d = analyzePath(dir);
    assert.equal(d.sources[0]?.kind, 'registry');
    assert.ok(!d.diagnostics.some((x) => /skipped/.test(x.message)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
