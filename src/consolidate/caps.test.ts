// What a diagnosis lists is bounded (issue 17): a log of thousands of failing updates is one mechanism
// repeated. Findings past the cap of a rule fold into one that counts them; attempts, histories and summary
// lines keep the ones that matter first; the stories themselves tell at most so many updates one by one.
// The logs below are built from real lines (corpus wu01-appostarsi-driver-800f024b, line 8163; the Event
// Viewer CSV form of event 20 from evt01) with the update changed per line.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Attempt, Finding } from '../model/types.js';
import { analyze } from '../index.js';
import { parseWindowsUpdateLog } from '../parse/windows-update-log.js';
import { wuStory } from '../timeline/wu-story.js';
import { DEFAULT_LIST_CAPS, capAttempts, capFindings, capHistories, capSummary } from './caps.js';

function finding(i: number, rule: string, code: string, over: Partial<Finding> = {}): Finding {
  return {
    id: `f${i}`,
    rule,
    messageId: 'failed',
    severity: 'error',
    confidence: 'high',
    code,
    codeName: null,
    root: true,
    message: { en: `update ${i} failed with ${code}`, zh: `更新 ${i} 失败 ${code}` },
    title: { en: 'Update failed', zh: '更新失败' },
    facts: { kb: `KB${5000000 + i}` },
    evidence: [{ file: 'WindowsUpdate.log', line: i + 1, text: `line ${i}` }],
    chain: [],
    attempts: [`a${i}`],
    time: `2023-05-22 08:${String(i % 60).padStart(2, '0')}:00`,
    ...over,
  };
}

test('capFindings: past the cap of a rule the rest fold into one finding after its last listed one', () => {
  const ranked = [
    ...Array.from({ length: 7 }, (_, i) =>
      finding(i, 'wu-install-failed', i < 5 ? '0x800f024b' : '0x80070643'),
    ),
    finding(100, 'cbs-manifest-corrupt', '0x80073712'),
  ];
  const { findings, diagnostics } = capFindings(ranked, 3);
  assert.deepEqual(
    findings.map((f) => f.rule),
    [
      'wu-install-failed',
      'wu-install-failed',
      'wu-install-failed',
      'wu-install-failed',
      'cbs-manifest-corrupt',
    ],
  );
  const folded = findings[3]!;
  assert.equal(folded.facts.folded, '4');
  assert.equal(folded.facts.codes, '0x800f024b × 2, 0x80070643 × 2');
  assert.match(folded.message.en, /^4 more of these, not listed one by one/);
  assert.match(folded.message.zh, /^另有 4 处同类问题未逐一列出/);
  assert.deepEqual(
    folded.evidence.map((e) => e.line),
    [4, 5, 6, 7],
  );
  assert.deepEqual(folded.attempts, []);
  assert.equal(folded.root, true);
  assert.equal(diagnostics.length, 1);
  assert.match(
    diagnostics[0]!.message,
    /7 findings of wu-install-failed: the first 3 are listed, the other 4/,
  );
  // Under the cap nothing changes.
  assert.deepEqual(capFindings(ranked, 7).findings, ranked);
  assert.equal(capFindings(ranked, 7).diagnostics.length, 0);
});

test('capFindings: a story finding standing for the updates past its cap is counted by what it stands for', () => {
  const ranked = [
    finding(0, 'wu-install-failed', '0x800f024b'),
    finding(1, 'wu-install-failed', '0x800f024b'),
    finding(2, 'wu-install-failed', '0x800f024b', { facts: { folded: '5000' } }),
  ];
  const folded = capFindings(ranked, 1).findings[1]!;
  assert.equal(folded.facts.folded, '5001');
  assert.equal(folded.facts.codes, '0x800f024b × 5,001');
});

test('capAttempts: the attempts findings cite first, then failures, in their order; citations trimmed', () => {
  const attempt = (i: number, outcome: Attempt['outcome']): Attempt =>
    ({ id: `a${i}`, outcome, findings: [], evidence: [] }) as unknown as Attempt;
  const attempts = [
    attempt(1, 'succeeded'),
    attempt(2, 'failed'),
    attempt(3, 'succeeded'),
    attempt(4, 'failed'),
  ];
  const f = finding(0, 'wu-install-failed', '0x800f024b', { attempts: ['a3', 'a9'] });
  const r = capAttempts(attempts, [f], 2, (a) => a.outcome === 'failed');
  assert.deepEqual(
    r.attempts.map((a) => a.id),
    ['a2', 'a3'],
  );
  assert.deepEqual(f.attempts, ['a3']);
  assert.match(r.diagnostics[0]!.message, /^4 operations were found: 2 are listed/);
  assert.equal(capAttempts(attempts, [], 4, () => false).diagnostics.length, 0);
});

test('capHistories and capSummary keep failing histories first and say how many more lines there were', () => {
  const h = (i: number, failures: number) => ({
    update: `KB${i}`,
    kb: `KB${i}`,
    title: null,
    occurrences: [],
    failures,
    first: null,
    last: null,
    lastOutcome: failures ? ('failed' as const) : ('succeeded' as const),
  });
  const r = capHistories([h(1, 0), h(2, 1), h(3, 0), h(4, 2)], 2);
  assert.deepEqual(
    r.updates.map((u) => u.update),
    ['KB2', 'KB4'],
  );
  const lines = Array.from({ length: 5 }, (_, i) => ({ en: `line ${i}`, zh: `第 ${i} 行` }));
  const s = capSummary(lines, 3);
  assert.equal(s.length, 4);
  assert.match(s[3]!.en, /and 2 more lines/);
  assert.equal(capSummary(lines, 5).length, 5);
});

// Corpus wu01-appostarsi-driver-800f024b, line 8163, with update n.
const wuLine = (n: number): string =>
  `2023/05/22 08:22:${String(n % 60).padStart(2, '0')}.0699170 6868  6776  Agent           LogHistory called. idUpdate={${n.toString(16).padStart(8, '0').toUpperCase()}-E67C-46AF-985B-F29D655C3480}.1, resultMapped=800F024B, resultUnMapped=800F024B`;

test('the Windows Update story tells at most the cap of updates; the rest are one finding that counts them', () => {
  const over = 300;
  const n = DEFAULT_LIST_CAPS.updates + over;
  const text = Array.from({ length: n }, (_, i) => wuLine(i)).join('\r\n');
  let a = 0;
  let f = 0;
  const s = wuStory(
    'WindowsUpdate.log',
    parseWindowsUpdateLog(text),
    () => `a${++a}`,
    () => `f${++f}`,
  );
  assert.equal(s.attempts.length, DEFAULT_LIST_CAPS.updates);
  const left = s.findings.filter((x) => x.facts.folded !== undefined);
  assert.equal(left.length, 1);
  assert.equal(left[0]!.facts.folded, String(over));
  assert.equal(left[0]!.facts.failures, String(over));
  assert.match(
    left[0]!.message.en,
    new RegExp(`^${over} more updates, not listed one by one, failed to install ${over} times`),
  );
  assert.match(left[0]!.message.zh, new RegExp(`^另有 ${over} 个更新（未逐一列出）安装失败 ${over} 次`));
  // Its evidence is real lines of the updates past the cap.
  assert.equal(left[0]!.evidence[0]!.line, DEFAULT_LIST_CAPS.updates + 1);
  assert.equal(left[0]!.evidence[0]!.text, wuLine(DEFAULT_LIST_CAPS.updates));
});

test('a diagnosis of thousands of failing updates lists a bounded number of findings, attempts and lines', async () => {
  const n = 2500;
  const head = 'Level,Date and Time,Source,Event ID,Task Category';
  // The Event Viewer CSV form of event 20 (evt01's text export, same fields), one KB per line.
  const csv = Array.from(
    { length: n },
    (_, i) =>
      `Error,5/22/2023 8:${String(i % 60).padStart(2, '0')}:20 AM,Microsoft-Windows-WindowsUpdateClient,20,Windows Update Agent,"Installation Failure: Windows failed to install the following update with error 0x80070643: 2024-01 Security Update for Windows 10 Version 22H2 for x64-based Systems (KB${5000000 + i})."`,
  );
  for (const [name, text] of [
    ['WindowsUpdate.log', Array.from({ length: n }, (_, i) => wuLine(i)).join('\r\n')],
    ['System.csv', [head, ...csv].join('\r\n')],
  ] as const) {
    const d = await analyze({ name, data: Buffer.from(text) }, { thread: false });
    const perRule = new Map<string, number>();
    for (const x of d.findings) perRule.set(x.rule, (perRule.get(x.rule) ?? 0) + 1);
    for (const [rule, k] of perRule)
      assert.ok(k <= DEFAULT_LIST_CAPS.findingsPerRule + 1, `${name}: ${rule} × ${k}`);
    assert.ok(d.attempts.length <= DEFAULT_LIST_CAPS.attempts, name);
    assert.ok((d.updates ?? []).length <= DEFAULT_LIST_CAPS.updates, name);
    assert.ok(d.summary.length <= DEFAULT_LIST_CAPS.summary + 1, name);
    // Every failing update is still counted: the listed ones plus what the folded finding stands for.
    const counted = d.findings
      .filter((x) => x.rule === 'wu-install-failed' || x.rule === 'evt-update-failed')
      .reduce((k, x) => k + (x.facts.folded ? Number(x.facts.folded) : 1), 0);
    assert.equal(counted, n, name);
    assert.equal(d.verdict, 'failed');
  }
});
