// The terminal report: verdict first, control characters from log text neutralised, and a long diagnosis cut
// to what a person reads (the rest is in --json / --format md|html).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, withAdvice, type Diagnosis } from '../index.js';
import { examplePath } from '../testing/paths.js';
import { renderDetailText, renderText } from './terminal.js';

/** The diagnosis with its advice, as the CLI reports it. */
const analyzePath = async (p: string): Promise<Diagnosis> => withAdvice(await analyze(p));

const example = examplePath('CBS.log');

test('verdict first; log text cannot move the cursor or colour the terminal', async () => {
  const d = await analyzePath(example);
  d.findings[0]!.message.en = 'evil \x1b[2J\x1b[31mred\x07 text';
  const out = renderText(d, { lang: 'en', color: false });
  assert.match(out.split('\n')[1]!, /^Verdict: FAILED/);
  assert.ok(!out.includes('\x1b'), 'no escape sequence from log text');
  assert.ok(!out.includes('\x07'));
});

test('past 60 findings the rest are counted, not printed', async () => {
  const d = await analyzePath(example);
  const f = d.findings.find((x) => x.root)!;
  d.findings = Array.from({ length: 75 }, (_, i) => ({ ...f, id: `f${i + 1}` }));
  // The full detail (--verbose) lists findings one by one; the consolidated view groups them.
  const en = renderDetailText(d, { lang: 'en', color: false });
  assert.match(en, /^60\. /m);
  assert.doesNotMatch(en, /^61\. /m);
  assert.match(en, /… 15 more findings not shown: --json or --format md\|html has them all/);
  assert.match(renderDetailText(d, { lang: 'zh', color: false }), /另有 15 条发现未显示/);
});
