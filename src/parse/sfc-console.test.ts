// sfc console format: the samples parse to their verdicts, no runs from CBS.log, runs split on their opening
// sentence, wrapped verdicts, CR progress redraws, NUL-padded pipes, and the UTF-16LE captures of
// fixtures/outputs (with and without a BOM). Detection across the capture formats (never on CBS.log or its
// [SR] extracts): captures.test.ts.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../knowledge/paths.js';
import { assertSamplesParse, fixture, lines } from './capture-test-support.js';
import { samples as dismSamples } from './dism-console.js';
import { detectSfcConsole, parseSfcConsole, samples } from './sfc-console.js';

test('sfc samples parse to their fields', () => {
  assertSamplesParse(samples, parseSfcConsole, (s) => [s.fields]);
});

test('CBS.log gives no sfc runs', () => {
  assert.equal(parseSfcConsole(readFileSync(join(packageRoot(), 'examples', 'CBS.log'), 'latin1')).length, 0);
});

test('a DISM and sfc session: each sfc run after its command, DISM lines ignored', () => {
  const text = [samples[0]!.text, '', dismSamples[1]!.text, '', samples[3]!.text].join('\r\n');
  const runs = parseSfcConsole(text);
  assert.deepEqual(
    runs.map((r) => [r.line, r.mode, r.outcome, r.outcomeLine]),
    [
      [1, 'scannow', 'unrepairable', 8],
      [23, 'scannow', 'repaired', 30],
    ],
  );
  assert.deepEqual(runs[1]!.rebootToApply, { line: 35 });
});

test('the verdict sentence wrapped by sfc is joined; spacing variants and trailing spaces are tolerated', () => {
  const [run] = parseSfcConsole(samples[0]!.text);
  assert.match(
    run!.outcomeText ?? '',
    /^Windows Resource Protection found corrupt files but was unable to fix some of them\. /,
  );
  const zh = parseSfcConsole('Windows资源保护未找到任何完整性冲突。  \r\n')[0]!;
  assert.deepEqual([zh.outcome, zh.outcomeLine], ['noViolations', 1]);
  const pending = parseSfcConsole(
    'There is a system repair pending which requires reboot to complete.\nRestart Windows and run sfc again.',
  )[0]!;
  assert.equal(pending.outcome, 'repairPending');
  const admin = parseSfcConsole(
    'You must be an administrator running a console session in order to\nuse the sfc utility.',
  )[0]!;
  assert.equal(admin.outcome, 'notAdmin');
});

test('output piped through a tool that took UTF-16 for 8-bit text (NULs between letters) still parses', () => {
  const padded = samples[1]!.text
    .split('')
    .map((c) => (c === '\r' || c === '\n' ? c : c + '\u0000'))
    .join('');
  assert.ok(detectSfcConsole(lines(padded)));
  const [run] = parseSfcConsole(padded);
  assert.deepEqual([run!.outcome, run!.progress?.percent], ['noViolations', 100]);
});

test('UTF-16LE without BOM (sfc /scannow > file): three runs, the last stopped at 12%', () => {
  const text = fixture('sfc-en-runs.utf16le.txt');
  assert.ok(detectSfcConsole(lines(text).slice(0, 10)));
  const runs = parseSfcConsole(text);
  assert.deepEqual(
    runs.map((r) => [r.line, r.outcome, r.outcomeLine, r.progress, r.stalledAt]),
    [
      [2, 'unrepairable', 7, { percent: 100, line: 5 }, null],
      [12, 'couldNotPerform', 16, { percent: 38, line: 15 }, null],
      [18, null, null, { percent: 12, line: 21 }, 12],
    ],
  );
});

test('UTF-16LE with BOM, zh-CN: repaired then clean, with the reboot notice of the first run', () => {
  const text = fixture('sfc-zh-runs.utf16le-bom.txt');
  assert.ok(detectSfcConsole(lines(text).slice(0, 10)));
  const runs = parseSfcConsole(text);
  assert.deepEqual(
    runs.map((r) => [
      r.line,
      r.mode,
      r.outcome,
      r.outcomeLine,
      r.progress?.percent,
      r.rebootToApply?.line ?? null,
    ]),
    [
      [2, null, 'repaired', 7, 100, 12],
      [14, null, 'noViolations', 19, 100, null],
    ],
  );
  assert.match(runs[0]!.outcomeText ?? '', /^Windows 资源保护找到了损坏文件并成功修复了它们。 对于联机修复/);
});
