// The cross-source analysis on whole real inputs: the corpus event logs, and the appostarsi machine's ten
// logs read as one bundle. Each check's own small cases are in its file (checks.test.ts runs them).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzePath } from '../analyze/analyze.js';
import { packageRoot } from '../knowledge/paths.js';
import { renderText } from '../report/terminal.js';
import { renderMarkdown } from '../report/markdown.js';

const root = packageRoot();
const corpus = join(root, '..', 'shared', 'corpus');

test('corpus evtx01: KB4025342 fails four times with 0x80248007; no CBS log in the bundle', () => {
  const d = analyzePath(join(corpus, 'evtx01-omerbenamram-w10-1703-kb4025342-80248007'));
  const h = d.updates?.find((u) => u.kb === 'KB4025342');
  assert.equal(h?.failures, 4);
  assert.equal(h?.lastOutcome, 'failed');
  assert.deepEqual(
    h?.occurrences.map((o) => o.codes[0]),
    ['0x80248007', '0x80248007', '0x80248007', '0x80248007'],
  );
  // The event log's finding already counts the four tries: no second finding says it again.
  assert.ok(!d.findings.some((f) => f.rule === 'x-update-failed-repeatedly'));
  // Binary event logs store UTC: the clock is known from the format.
  assert.equal(d.sources[0]?.clock?.basis, 'utc-by-format');
  const miss = d.findings.find((f) => f.rule === 'x-cbs-lines-missing');
  assert.equal(miss?.messageId, 'none');
});

test('corpus evtx03: one install of KB5016138 told by the System and Setup logs is one occurrence', () => {
  const d = analyzePath(join(corpus, 'evtx03-fukusuket-w11-22000-healthy-set'));
  assert.equal(d.verdict, 'healthy');
  const h = d.updates?.find((u) => u.kb === 'KB5016138');
  assert.equal(h?.occurrences.length, 1);
  assert.deepEqual(h?.occurrences[0]!.files.sort(), ['Setup.evtx', 'System.evtx']);
  assert.equal(h?.lastOutcome, 'pending');
  assert.equal(h?.failures, 0);
});

test('one System log exported eight ways (fixtures/events): one story, each export on the UTC+8 clock', () => {
  const d = analyzePath(join(root, 'fixtures', 'events'));
  assert.equal(d.verdict, 'failed');
  assert.equal(d.sources.length, 8);
  assert.ok(d.sources.every((s) => s.kind === 'events'));
  // The same events told eight times are counted once.
  const failed = d.findings.filter((f) => f.rule === 'evt-update-failed');
  assert.equal(failed.length, 1);
  assert.match(failed[0]!.message.en, /KB5015811 failed to install once/);
  assert.equal(d.updates?.find((u) => u.kb === 'KB5015811')?.occurrences.length, 1);
  // XML exports carry the record's UTC time; every text and CSV export lines up with them at UTC+8.
  for (const s of d.sources) {
    if (s.file.endsWith('.xml')) assert.equal(s.clock?.basis, 'utc-by-format', s.file);
    else assert.deepEqual([s.utcOffsetMinutes, s.clock?.basis], [480, 'anchored'], s.file);
  }
});

test('appostarsi: ten logs of one machine read as one bundle tell one story', () => {
  const dir = mkdtempSync(join(tmpdir(), 'patchdx-app-'));
  try {
    for (const id of readdirSync(corpus).filter((n) => n.includes('appostarsi'))) {
      for (const f of readdirSync(join(corpus, id))) {
        if (f !== 'CASE.md') copyFileSync(join(corpus, id, f), join(dir, `${id.split('-')[0]}-${f}`));
      }
    }
    const d = analyzePath(dir);
    assert.equal(d.verdict, 'failed');
    assert.equal(d.sources.length, 12);
    // Hardware first: crashes and moving corruption lead the findings and the summary.
    assert.deepEqual(
      d.findings
        .slice(0, 2)
        .map((f) => f.rule)
        .sort(),
      ['evt-system-instability', 'x-corruption-moving'],
    );
    // One clock: the event export's `Z` times are local time (its TrustedInstaller service events line up
    // with cbs02's TrustedInstaller lines at UTC−6), and WindowsUpdate.log lines up with the event log.
    const evt = d.sources.find((s) => s.file === 'evt01-system-events.txt')!;
    assert.deepEqual([evt.utcOffsetMinutes, evt.clock?.basis], [-360, 'anchored']);
    assert.match(evt.clock!.note.en, /the label is wrong/);
    // …so its events are not called UTC in the findings.
    for (const f of d.findings.filter((x) => x.rule === 'evt-update-failed'))
      assert.doesNotMatch(f.message.en, / UTC\)/, f.message.en);
    const wu = d.sources.find((s) => s.file === 'wu01-WindowsUpdate.log')!;
    assert.deepEqual([wu.utcOffsetMinutes, wu.clock?.basis], [-360, 'anchored']);
    assert.match(wu.clock!.note.en, /evt01-system-events\.txt/);
    // The NVIDIA driver failure is one try told by two logs (WindowsUpdate.log line 8157 ff., event 20).
    const nv = d.updates?.find((u) => u.update === 'NVIDIA - Display - 31.0.15.1694');
    const both = nv?.occurrences.find((o) => o.codes.includes('0x8024200b'));
    assert.deepEqual(both?.files.sort(), ['evt01-system-events.txt', 'wu01-WindowsUpdate.log']);
    assert.equal(both?.start, '2023-05-22T14:22:20Z');
    assert.equal(nv?.lastOutcome, 'succeeded');
    // The May cumulative update never even downloads: twice, with damaged data.
    const cu = d.updates?.find((u) => u.kb === 'KB5026361');
    assert.deepEqual(
      cu?.occurrences.map((o) => [o.phases.join(), o.codes[0]]),
      [
        ['download', '0x80070003'],
        ['download', '0x8007000d'],
      ],
    );
    // The Windows 11 upgrade fails four times: once from media (setupact.log, 0x8007000D in Safe OS), then
    // three times through Windows Update (events 20): one history for both names of the upgrade.
    const up = d.updates?.find((u) => u.update === 'Windows feature upgrade / setup (10.0.22621.1)');
    assert.deepEqual(
      up?.occurrences.map((o) => [o.files[0], o.codes[0]]),
      [
        ['setup01-setupact.log', '0x8007000d'],
        ['evt01-system-events.txt', '0xc1900131'],
        ['evt01-system-events.txt', '0x80070002'],
        ['evt01-system-events.txt', '0x80070570'],
      ],
    );
    assert.ok(d.findings.some((f) => f.rule === 'x-update-failed-repeatedly' && f.facts.failures === '4'));
    // The PC was upgraded from Windows 10 19045 to Windows 11 22621 in these days: its logs of the two builds
    // are diagnosed apart (cbs01 and dism02 were written on 22621), so no plan mixes them.
    assert.deepEqual(d.machines?.map((m) => m.build).sort(), ['19041', '22621']);
    const w11 = d.machines!.find((m) => m.build === '22621')!;
    assert.ok(w11.files.includes('cbs01-CBS.log') && w11.files.includes('dism02-dism.log'));
    assert.ok(!w11.files.includes('cbs02-CBS_5_23.log'));
    // The full reports (--verbose) show the histories and each source's clock.
    const zh = renderText(d, { lang: 'zh', color: false, verbose: true });
    assert.match(zh, /各日志中的更新历史 \(\d+\)/);
    assert.match(
      zh,
      /KB5026361\)：尝试 2 次，失败 2 次 — 2023-05-22T14:33:44Z 下载 失败后重新下载成功 0x80070003; 2023-05-22T19:02:03Z 下载 失败 0x8007000d/,
    );
    assert.match(
      zh,
      /evt01-system-events\.txt — events; 时钟: UTC−6：与 cbs02-CBS_5_23\.log 中 2 个相同时刻对齐/,
    );
    const md = renderMarkdown(d, { lang: 'en', verbose: true });
    assert.match(md, /## Update history across logs/);
    assert.match(
      md,
      /wu01-WindowsUpdate\.log.*clock: UTC−6: 24 moments also recorded in evt01-system-events\.txt line up/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
