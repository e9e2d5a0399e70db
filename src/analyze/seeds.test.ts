// The seeds as end-to-end cases: the log lines the engineers quoted in ../shared/seeds (read straight from
// the threads, e-mail artefacts included) and the constructed fixtures for seeds 003/004 must give the
// chains the engineers found, with the decisive lines as evidence.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../knowledge/paths.js';
import type { Diagnosis, Finding } from '../model/types.js';
import { analyzePath } from './analyze.js';
import { seedExcerpts } from '../testing/seed-excerpts.js';
import { missingSince } from '../knowledge/builds.js';

const fixtures = join(packageRoot(), 'fixtures', 'seeds');

function analyzeText(text: string): Diagnosis {
  const dir = mkdtempSync(join(tmpdir(), 'patchdx-seed-'));
  try {
    writeFileSync(join(dir, 'CBS.log'), text);
    return analyzePath(join(dir, 'CBS.log'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function only(d: Diagnosis, rule: string): Finding {
  const list = d.findings.filter((f) => f.rule === rule);
  assert.equal(list.length, 1, `${rule}: ${d.findings.map((f) => f.rule).join(', ')}`);
  return list[0]!;
}

test('seed 000 (1): .NET rollup fails 0x80073712 on a corrupt manifest of KB5017270', () => {
  const [first] = seedExcerpts('000');
  const d = analyzeText(first!);
  assert.equal(d.verdict, 'failed');
  const f = only(d, 'cbs-manifest-corrupt');
  assert.equal(f.root, true);
  assert.equal(f.code, '0x80073712');
  assert.equal(f.codeName, 'ERROR_SXS_COMPONENT_STORE_CORRUPT');
  assert.equal(
    f.facts.component,
    'amd64_e7efbb5769027affbc1fbfd7101971df_b77a5c561934e089_4.0.15713.866_none_41638f151bd7fec8',
  );
  assert.equal(
    f.facts.path,
    '\\winsxs\\manifests\\amd64_e7efbb5769027affbc1fbfd7101971df_b77a5c561934e089_4.0.15713.866_none_41638f151bd7fec8.manifest',
  );
  assert.equal(f.facts.kb, 'KB5017270');
  // The decisive lines the engineer quoted: Unable to load manifest, CorruptManifest, FileHashMismatch.
  assert.deepEqual(
    f.evidence.map((e) => e.line),
    [2, 3, 4, 5],
  );
  const a = d.attempts.find((x) => x.outcome === 'failed')!;
  assert.equal(a.package, 'Package_for_DotNetRollup~31bf3856ad364e35~amd64~~10.0.4005.2');
  assert.equal(a.result, '0x80073712');
  assert.equal(a.startState, 'Staged');
  assert.equal(a.targetState, 'Installed');
  assert.equal(a.failureSource, 'Execute');
  assert.equal(a.client, 'WindowsUpdateAgent');
  assert.deepEqual(a.findings[0], f.id);
  const chain = f.chain.map((l) => l.text.en);
  assert.ok(
    chain.some((t) =>
      t.startsWith('Failed to begin deployment uninstallation for Update: 5017270-219_neutral'),
    ),
  );
  assert.ok(chain.some((t) => t.startsWith('Failed to process single phase execution')));
  assert.ok(chain.some((t) => t.startsWith('WER: Generating failure report')));
  assert.match(d.summary[0]!.en, /Package_for_DotNetRollup.*Staged→Installed: failed 0x80073712/);
});

test('seed 000 (2): the November update cannot read KB5017315’s .mum (0x8007025d)', () => {
  const [, second] = seedExcerpts('000');
  const d = analyzeText(second!);
  const f = only(d, 'cbs-package-manifest-unreadable');
  assert.equal(f.code, '0x8007025d');
  assert.equal(f.codeName, 'ERROR_BAD_COMPRESSION_BUFFER');
  assert.equal(f.facts.kb, 'KB5017315');
  assert.equal(f.facts.package, 'Package_1861_for_KB5017315~31bf3856ad364e35~amd64~~10.0.1.5');
  assert.match(
    f.facts.path ?? '',
    /\\Servicing\\Packages\\Package_1861_for_KB5017315~31bf3856ad364e35~amd64~~10\.0\.1\.5\.mum$/,
  );
  assert.deepEqual(
    f.evidence.map((e) => e.line),
    [1, 2, 3, 4, 5],
  );
});

test('seed 001: STATUS_FILE_CORRUPT_ERROR on the Windows Defender folder is file-system damage', () => {
  const blocks = seedExcerpts('001');
  const d = analyzeText(blocks.join(''));
  const f = only(d, 'cbs-file-corrupt');
  assert.equal(f.code, '0x80070570');
  assert.equal(f.facts.path, 'C:\\Program Files\\Windows Defender');
  assert.equal(f.facts.kind, 'directory');
  assert.ok(f.evidence.length >= 4);
});

test('seed 002: component store corrupt while completing the component closure', () => {
  const d = analyzeText(seedExcerpts('002').join(''));
  const f = only(d, 'cbs-store-corrupt');
  assert.equal(f.messageId, 'closure');
  assert.equal(f.code, '0x80073712');
  assert.ok(f.evidence.some((e) => /Failed to complete component closure/.test(e.text)));
});

test('seed 003 (constructed): KB5003171 fails on a manifest of the January update with expected/actual hashes', () => {
  const d = analyzePath(join(fixtures, 'seed-003-manifest-hash.log'));
  const f = only(d, 'cbs-manifest-corrupt');
  assert.equal(f.messageId, 'hashMismatch');
  assert.equal(f.facts.expectedHash, '72731cc3a869e9b445f466479fdcf44cf694e717e807e3277c229cb960316102');
  assert.equal(f.facts.actualHash, '1aaa57c006a57122483d08d37341e401fca266c6a93468ae49dde6f3281db5a0');
  assert.equal(f.facts.version, '10.0.17763.1697');
  assert.equal(f.facts.kb, 'KB5003171');
  // The corrupt manifest's version belongs to the January 2021 update (the engineer's "1月的更新文件").
  assert.match(f.facts.shippedBy ?? '', /^KB4598230 \(17763\.1697, 2021-01-12\)$/);
  const a = d.attempts.find((x) => x.outcome === 'failed')!;
  assert.equal(a.kb, 'KB5003171');
  assert.equal(a.package, 'Package_for_RollupFix~31bf3856ad364e35~amd64~~17763.1935.1.6');
  assert.equal(a.failureSource, 'Resolve');
  assert.equal(d.sources[0]!.utcOffsetMinutes, 480);
  assert.equal(d.machine.servicingStack, '10.0.17763.1911');
});

test('seed 004 (constructed): KB5032196 fails 0x80070490, a 17763.1879 component is missing', () => {
  const d = analyzePath(join(fixtures, 'seed-004-not-found.log'));
  const f = only(d, 'cbs-not-found');
  assert.equal(f.messageId, 'missing');
  assert.equal(
    f.facts.component,
    'amd64_hyperv-vmsynthnic_31bf3856ad364e35_10.0.17763.1879_none_fc948d4afe9ac7bb',
  );
  assert.equal(f.facts.version, '10.0.17763.1879');
  assert.equal(f.facts.kb, 'KB5032196');
  assert.ok(!f.evidence.some((e) => /SQM:/.test(e.text)), 'the routine SQM look-up is not evidence');
  // What the engineer worked out by hand: the machine never got past 17763.774, the missing component's
  // version came with the April 2021 update, and the servicing stack comes first.
  assert.equal(d.machine.osBuild, '17763.774');
  assert.equal(d.machine.lastUpdate?.kb, 'KB4516077');
  assert.match(f.facts.shippedBy ?? '', /^KB5001342 \(17763\.1879, 2021-04-13\)$/);
  const gap = only(d, 'x-update-gap');
  assert.equal(gap.facts.kb, 'KB5032196');
  assert.equal(gap.facts.installedBuild, '17763.774');
  assert.equal(
    gap.facts.cumulativeUpdatesBetween,
    String(missingSince('17763.774').filter((u) => u.date! < '2023-11-14').length),
  );
  assert.match(gap.facts.prerequisites ?? '', /KB5005112/);
  assert.match(gap.message.zh, /本机版本为 17763\.774/);
  const a = d.attempts.find((x) => x.outcome === 'failed')!;
  assert.ok(a.findings.includes(gap.id));
});

test('seed 004 (constructed): 0x800F0986 forward delta on wkscli.dll', () => {
  const d = analyzePath(join(fixtures, 'seed-004-forward-delta.log'));
  const f = only(d, 'cbs-delta-hydration-failed');
  assert.equal(f.code, '0x800f0986');
  assert.equal(f.facts.file, 'wkscli.dll');
  assert.equal(f.facts.deltaType, 'forward');
  assert.match(
    f.facts.component ?? '',
    /^Microsoft-Windows-WorkstationService-NetApi, version 10\.0\.17763\.5122/,
  );
  const a = d.attempts.find((x) => x.outcome === 'failed')!;
  assert.equal(a.result, '0x800f0986');
  assert.equal(a.failureSource, 'Stage');
  assert.equal(a.findings[0], f.id);
});
