// The attempt tracker looks for a run's attempts at the end of its list only (linear in the number of runs;
// a scan of every attempt per run made a log of 12,521 runs take 94 s instead of 6). Checked against the scan
// it replaced, after every entry of the corpus CBS and dism logs and of a log of many runs: the attempts of the
// run being read are exactly the last ones.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LogEntry } from '../model/types.js';
import { CbsLineParser } from '../parse/cbs.js';
import { Engine } from '../rules/engine.js';
import { corpusPath, examplePath } from '../testing/paths.js';
import { readLinesFromBuffer } from '../ingest/read-lines.js';

function entriesOf(name: string, data: Buffer): LogEntry[] {
  const out: LogEntry[] = [];
  const parser = new CbsLineParser(name, 'utf8-bom', (e) => out.push(e));
  readLinesFromBuffer(data, (b, s, e, n) => parser.onLine(b, s, e, n));
  parser.finish();
  return out;
}

function checkRuns(name: string, data: Buffer): number {
  const engine = new Engine();
  let runs = 0;
  let lastRun = -1;
  for (const e of entriesOf(name, data)) {
    engine.push(e);
    const all = engine.tracker.attempts;
    const run = all.at(-1)?.run;
    if (run === undefined) continue;
    if (run !== lastRun) runs++;
    lastRun = run;
    assert.deepEqual(
      engine.tracker.attemptsOfRun(run),
      all.filter((a) => a.run === run),
      `${name}: the attempts of run ${run} are not the last ones`,
    );
  }
  engine.finish();
  return runs;
}

test('every corpus CBS and dism log: after each entry, the run being read owns the last attempts', () => {
  let logs = 0;
  for (const dir of readdirSync(corpusPath())) {
    if (!/^(cbs|dism|sfc)\d/.test(dir)) continue;
    for (const f of readdirSync(corpusPath(dir)).filter((x) => /\.log$/i.test(x))) {
      checkRuns(`${dir}/${f}`, readFileSync(corpusPath(dir, f)));
      logs++;
    }
  }
  assert.ok(logs >= 10, `${logs} logs`);
});

test('a log of 300 runs (the sample repeated): each run its own attempts, found at the end', () => {
  const sample = readFileSync(examplePath('CBS.log'));
  const runs = checkRuns('many-runs.log', Buffer.concat(Array.from({ length: 300 }, () => sample)));
  assert.ok(runs >= 300, `${runs} runs with attempts`);
});

test('corpus dism03 (several DISM commands, each a run) as one more check by name', () => {
  const dir = readdirSync(corpusPath()).find((d) => d.startsWith('dism03'))!;
  const f = readdirSync(corpusPath(dir)).find((x) => /\.log$/i.test(x))!;
  assert.ok(checkRuns(join(dir, f), readFileSync(corpusPath(dir, f))) > 1);
});
