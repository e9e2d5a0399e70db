// The consolidated reports on the real logs: every corpus case and seed excerpt prints its text report in
// at most 150 lines, a folder of five logs of one machine gives an HTML report under 200 KB, the JSON keeps
// every finding, and a folder mixing a Windows 11 22621 log with a Windows 10 19041 log is split per machine
// with no plan of one build naming the other. Line counts and sizes are printed for every case.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { render, withAdvice } from '../index.js';
import { analyzePath } from '../analyze/analyze.js';
import { packageRoot } from '../knowledge/paths.js';
import type { Diagnosis } from '../model/types.js';
import { seedExcerpts } from '../testing/seed-excerpts.js';
import { buildFamily, machineGroups } from './machines.js';

const corpus = join(packageRoot(), '..', 'shared', 'corpus');
const TEXT_LINES = 150;
const HTML_BYTES = 200 * 1024;

function measure(name: string, d: Diagnosis): { lines: number; html: number } {
  const a = withAdvice(d);
  const text = render(a, 'text', { lang: 'en' });
  const zh = render(a, 'text', { lang: 'zh' });
  const html = Buffer.byteLength(render(a, 'html', { lang: 'en' }));
  const lines = Math.max(text.split('\n').length - 1, zh.split('\n').length - 1);
  console.log(
    `${name}: text ${lines} lines, html ${(html / 1024).toFixed(0)} KB, findings ${d.findings.length}`,
  );
  return { lines, html };
}

/** A temporary folder holding copies of the given corpus files. */
function folderOf(files: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'patchdx-consolidate-'));
  for (const f of files) copyFileSync(join(corpus, f), join(dir, f.split('/').pop()!));
  return dir;
}

test('every corpus case: the text report fits in 150 lines; the JSON keeps every finding', () => {
  assert.ok(existsSync(corpus), `corpus folder ${corpus} is missing`);
  const cases = readdirSync(corpus).filter(
    (n) => n !== 'fixtures' && statSync(join(corpus, n)).isDirectory(),
  );
  assert.ok(cases.length >= 30, `only ${cases.length} corpus cases`);
  for (const id of cases) {
    const d = analyzePath(join(corpus, id));
    const { lines } = measure(id, d);
    assert.ok(lines <= TEXT_LINES, `${id}: ${lines} lines`);
    // Every finding is in exactly one group; the JSON has them all.
    const grouped = (d.groups ?? []).flatMap((g) => g.findings);
    assert.deepEqual([...grouped].sort(), d.findings.map((f) => f.id).sort(), id);
    const json = JSON.parse(render(withAdvice(d), 'json', { lang: 'en' })) as Diagnosis;
    assert.equal(json.findings.length, d.findings.length, id);
  }
});

test('every seed excerpt and seed fixture: the text report fits in 150 lines', () => {
  const dir = mkdtempSync(join(tmpdir(), 'patchdx-consolidate-seed-'));
  try {
    for (const seed of ['000', '001', '002', '003', '004']) {
      const blocks = seedExcerpts(seed);
      if (blocks.length === 0) continue;
      const file = join(dir, `seed-${seed}.log`);
      writeFileSync(file, blocks.join(''));
      const { lines } = measure(`seed ${seed}`, analyzePath(file));
      assert.ok(lines <= TEXT_LINES, `seed ${seed}: ${lines} lines`);
    }
    // The seeds' constructed fixtures (003, 004).
    const fixtures = join(packageRoot(), 'fixtures', 'seeds');
    for (const f of readdirSync(fixtures).filter((n) => n.endsWith('.log'))) {
      const { lines } = measure(f, analyzePath(join(fixtures, f)));
      assert.ok(lines <= TEXT_LINES, `${f}: ${lines} lines`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('five logs of one machine (appostarsi, Windows 10 19045): one machine, one plan, HTML under 200 KB', () => {
  const dir = folderOf([
    'cbs02-appostarsi-w10-pendingrepair/CBS_5_23.log',
    'dism01-appostarsi-w10-esd-source/dism win 10.log',
    'sfc01-appostarsi-sfc-extract-w10/SFCfromFile.log',
    'setup01-appostarsi-upgrade-80070570/setupact.log',
    'evt01-appostarsi-system-events-txt/system-events.txt',
  ]);
  try {
    const d = analyzePath(dir);
    assert.equal(d.machines, undefined, 'one machine');
    assert.ok(
      d.sources.some((s) => s.build === '19041'),
      JSON.stringify(d.sources.map((s) => s.build)),
    );
    const { lines, html } = measure('five logs of appostarsi', d);
    assert.ok(lines <= TEXT_LINES, `${lines} lines`);
    assert.ok(html < HTML_BYTES, `${html} bytes`);
    const a = withAdvice(d);
    const plan = a.machinePlan;
    assert.ok(plan, 'one machine plan');
    // Shared steps once; every step links the findings it serves; the hardware check comes first.
    const ids = plan.steps.map((s) => s.id);
    assert.equal(new Set(ids).size, ids.length, ids.join(', '));
    assert.ok(plan.steps.every((s) => s.serves.length > 0));
    const known = new Set(d.findings.map((f) => f.id));
    assert.ok(plan.steps.every((s) => s.serves.every((id) => known.has(id))));
    const hw = ids.findIndex((id) => id === 'hardware-checks' || id === 'disk-check');
    if (hw >= 0) assert.equal(hw, 0, ids.join(', '));
    // The per-root plans stay in the JSON.
    assert.ok((a.plans ?? []).length >= plan.plans.length);
    // The report names observations apart from findings.
    const text = render(a, 'text', { lang: 'en' });
    if ((d.observations ?? []).length > 0) assert.match(text, /^Observations \(\d+\)$/m);
    // --verbose brings the full detail back.
    const verbose = render(a, 'text', { lang: 'en', verbose: true });
    assert.ok(verbose.split('\n').length > text.split('\n').length);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a Windows 11 22621 log and a Windows 10 19041 log in one folder: two machines, no plan mixes builds', () => {
  const dir = mkdtempSync(join(tmpdir(), 'patchdx-consolidate-mix-'));
  try {
    copyFileSync(join(corpus, 'cbs01-appostarsi-w11/CBS.log'), join(dir, 'CBS-w11.log'));
    copyFileSync(join(corpus, 'cbs05-howard-healthy/CBS.log'), join(dir, 'CBS-w10.log'));
    const d = withAdvice(analyzePath(dir));
    const builds = Object.fromEntries(d.sources.map((s) => [s.file, s.build]));
    assert.deepEqual(builds, { 'CBS-w11.log': '22621', 'CBS-w10.log': '19041' });
    assert.equal(d.machines?.length, 2);
    const err = d.diagnostics.find(
      (x) => x.level === 'error' && /2 different machines or builds/.test(x.message),
    );
    assert.ok(err, JSON.stringify(d.diagnostics));
    assert.match(d.summary[0]!.en, /mixes logs of 2 machines or builds/);
    assert.equal(d.machinePlan, undefined, 'no plan made of the mix');
    const w11 = d.machines!.find((m) => m.build === '22621')!;
    const w10 = d.machines!.find((m) => m.build === '19041')!;
    assert.deepEqual(w11.files, ['CBS-w11.log']);
    assert.deepEqual(w10.files, ['CBS-w10.log']);
    assert.equal(w11.diagnosis.verdict, 'failed');
    assert.equal(w10.diagnosis.verdict, 'healthy');
    // The failing 22621 machine has its own plan, and nothing in it names the 19041 build.
    const plan = JSON.stringify([w11.diagnosis.machinePlan, w11.diagnosis.plans]);
    assert.ok(w11.diagnosis.machinePlan);
    assert.match(plan, /22621/);
    assert.doesNotMatch(plan, /19041/);
    const text = render(d, 'text', { lang: 'en' });
    assert.match(text, new RegExp(`Machine ${w11.id}: .*22621\\) — CBS-w11\\.log`));
    assert.match(text, new RegExp(`Machine ${w10.id}: .*19041\\) — CBS-w10\\.log`));
    assert.match(text, /error: .*2 different machines or builds/);
    const html = render(d, 'html', { lang: 'en' });
    assert.ok(html.includes(`Machine ${w10.id}: Windows 10 2004–22H2 (19041)`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('build families and machine groups', () => {
  assert.equal(buildFamily('10.0.19045.2965'), '19041');
  assert.equal(buildFamily('19044.1288'), '19041');
  assert.equal(buildFamily('10.0.22631'), '22621');
  assert.equal(buildFamily('6.1.7601.24545'), '7601');
  assert.equal(buildFamily('10.0.17763.1879'), '17763');
  assert.equal(buildFamily(null), null);
  const src = (file: string, build?: string, computer?: string, first = '2023-05-17 08:00:00') => ({
    file,
    kind: 'cbs',
    bytes: 1,
    lines: 1,
    encoding: '8bit',
    first,
    last: first,
    utcOffsetMinutes: null,
    ...(build ? { build } : {}),
    ...(computer ? { computer } : {}),
  });
  assert.equal(machineGroups([src('a', '19041'), src('b'), src('c', '19041')]).length, 1);
  const two = machineGroups([
    src('a', '19041', undefined, '2022-06-19 00:31:54'),
    src('b', '22621'),
    src('c', undefined, undefined, '2022-06-20 00:00:00'),
  ]);
  assert.deepEqual(
    two.map((g) => g.files),
    [['a', 'c'], ['b']],
  );
  assert.equal(machineGroups([src('a', '19041', 'PC-1'), src('b', '19041', 'PC-2')]).length, 2);
});
