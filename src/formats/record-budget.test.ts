// Memory follows the bundle's record budget, not the logs' size (issue 17): scaled-down logs of each class
// the stories keep — WindowsUpdate.log, ReportingEvents.log, Panther setupact.log, event exports (CSV, wevtutil
// text) — read with a small budget keep exactly that many records, say once per input how many they did not
// keep and from which line, and the records kept do not grow with the input. Lines are real corpus lines.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Diagnostic } from '../model/types.js';
import { listBufferInputs } from '../ingest/inputs.js';
import { EVENT_RECORD_COST, newContext, type BundleContext } from './define-format.js';
import { sniffFormat } from './index.js';

/** Reads `data` named `name` with a budget of `budget` records. */
function read(name: string, data: string, budget: number): BundleContext {
  const diagnostics: Diagnostic[] = [];
  const listed = listBufferInputs(name, Buffer.from(data), diagnostics);
  const ctx = newContext({ maxKeptRecords: budget });
  for (const input of listed.inputs) sniffFormat(input.head(), input.bytes).format!.read(input, ctx);
  listed.close();
  return ctx;
}

const kept = (ctx: BundleContext): number =>
  ctx.events.length + ctx.setupLogs.reduce((n, l) => n + l.records.length, 0);

// Corpus wu01-appostarsi-driver-800f024b, line 8163: a failed driver install's result.
const WU = (i: number): string =>
  `2023/05/22 08:22:${String(i % 60).padStart(2, '0')}.0699170 6868  6776  Agent           LogHistory called. idUpdate={4E95DCBD-E67C-46AF-985B-F29D655C3480}.1, resultMapped=800F024B, resultUnMapped=800F024B`;
// Corpus setup01-appostarsi-upgrade-80070570: an Error line of setupact.log.
const SETUP = (i: number): string =>
  `2023-05-23 00:21:${String(i % 60).padStart(2, '0')}, Error                 MOUPG  SetupHost: Result = 0x8007000D`;
const CSV_HEAD = 'Level,Date and Time,Source,Event ID,Task Category';
const CSV = (i: number): string =>
  `Error,5/22/2023 8:${String(i % 60).padStart(2, '0')}:20 AM,Microsoft-Windows-WindowsUpdateClient,20,Windows Update Agent,"Installation Failure: Windows failed to install the following update with error 0x80070643: 2024-01 Security Update for Windows 10 Version 22H2 for x64-based Systems (KB5034441)."`;

function lines(n: number, f: (i: number) => string, head: string[] = []): string {
  return [...head, ...Array.from({ length: n }, (_, i) => f(i))].join('\r\n') + '\r\n';
}

const dropped = (ctx: BundleContext): Diagnostic[] =>
  ctx.diagnostics.filter((d) => /counted but not kept.*at most \d+ records.*\(limit\)/.test(d.message));

test('WindowsUpdate.log: past the budget its lines are counted, not kept, and said once with the line', () => {
  const small = read('WindowsUpdate.log', lines(50, WU), 1000);
  assert.equal(dropped(small).length, 0);
  const big = read('WindowsUpdate.log', lines(5000, WU), 1000);
  const d = dropped(big);
  assert.equal(d.length, 1);
  assert.equal(d[0]!.file, 'WindowsUpdate.log');
  assert.equal(d[0]!.line, 1001);
  assert.match(d[0]!.message, /^4000 lines that matter .*at most 1000 records/);
  assert.equal(big.recordsLeft, 0);
  // The story still tells the kept part: the failed install.
  assert.ok(big.findings.some((f) => f.rule === 'wu-install-failed'));
  // The source still covers the whole file.
  assert.equal(big.sources[0]!.lines, 5001);
});

test('setupact.log: records kept stop at the budget whatever the size; the time span is of every line', () => {
  const at = (n: number): BundleContext => read('Panther/setupact.log', lines(n, SETUP), 500);
  const a = at(2000);
  const b = at(8000);
  assert.equal(kept(a), 500);
  assert.equal(kept(b), 500);
  assert.equal(dropped(b)[0]!.line, 501);
  assert.equal(b.sources[0]!.last, '2023-05-23 00:21:59');
});

test('event exports (CSV): events kept stop at the budget, each costing EVENT_RECORD_COST records', () => {
  const a = read('System.csv', lines(3000, CSV, [CSV_HEAD]), 200);
  assert.equal(EVENT_RECORD_COST, 2);
  assert.equal(a.events.length, 100);
  assert.equal(a.recordsLeft, 0);
  assert.equal(dropped(a).length, 1);
  assert.equal(dropped(a)[0]!.file, 'System.csv');
  // Header on line 1, events from line 2: the 101st event is on line 102.
  assert.equal(dropped(a)[0]!.line, 102);
  assert.match(dropped(a)[0]!.message, /^2900 events from here on were counted but not kept/);
});

test('the budget is one for the bundle: two logs share it', () => {
  const ctx = newContext({ maxKeptRecords: 300 });
  const diagnostics: Diagnostic[] = [];
  for (const [name, text] of [
    ['a/setupact.log', lines(200, SETUP)],
    ['b/setupact.log', lines(200, SETUP)],
  ] as const) {
    const listed = listBufferInputs(name, Buffer.from(text), diagnostics);
    for (const input of listed.inputs) sniffFormat(input.head(), input.bytes).format!.read(input, ctx);
  }
  assert.equal(kept(ctx), 300);
  assert.deepEqual(
    dropped(ctx).map((d) => [d.file, d.line]),
    [['b/setupact.log', 101]],
  );
});
