// Setup runs from the corpus: setup01 fails in Safe OS on a corrupt image, setup03 is a user cancel,
// setup05 a completed clean install; plus a synthetic run whose corrupt file moves between applies.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../knowledge/paths.js';
import { decodeText } from '../ingest/encoding.js';
import { parseSetupDiag, parseSetupact, type SetupRecord } from '../parse/setupact.js';
import { setupStory, type SetupStory } from './setup-story.js';

const CORPUS = join(packageRoot(), '..', 'shared', 'corpus');

function read(rel: string): string {
  return decodeText(readFileSync(join(CORPUS, rel)));
}

function story(file: string, records: SetupRecord[]): SetupStory {
  let a = 0;
  let f = 0;
  return setupStory(
    file,
    records,
    () => `a${++a}`,
    () => `f${++f}`,
  );
}

const SETUP01 = 'setup01-appostarsi-upgrade-80070570';

test('setup01: one failed upgrade run, Safe OS, 0x8007000D-0x2000C caused by 0x80070570 while applying the image', () => {
  const records = [
    ...parseSetupact(read(`${SETUP01}/setupact.log`)),
    ...parseSetupact(read(`${SETUP01}/setupact_rollback.log`)).map((r) => ({
      ...r,
      file: 'setupact_rollback.log',
    })),
    ...parseSetupDiag(read(`${SETUP01}/SetupDiagResults.log`)).map((r) => ({
      ...r,
      file: 'SetupDiagResults.log',
    })),
  ];
  const s = story('setupact.log', records);
  assert.equal(s.attempts.length, 1);
  const a = s.attempts[0]!;
  assert.equal(a.kind, 'package');
  assert.equal(a.package, 'Windows feature upgrade / setup (10.0.22621.1)');
  assert.equal(a.outcome, 'failed');
  assert.equal(a.result, '0x8007000d');
  assert.equal(a.failureSource, 'Safe OS');
  assert.deepEqual(a.findings, ['f1']);
  assert.equal(s.findings.length, 1);
  const f = s.findings[0]!;
  assert.equal(f.rule, 'setup-upgrade-failed');
  assert.equal(f.severity, 'error');
  assert.equal(f.root, true);
  assert.equal(f.code, '0x80070570');
  assert.equal(f.codeName, 'ERROR_FILE_CORRUPT');
  assert.equal(f.facts.extendedCode, '0x8007000D-0x2000C');
  assert.equal(f.facts.phase, 'Safe OS');
  assert.equal(f.facts.result, '0x8007000d');
  assert.equal(f.facts.applyFailures, '3');
  assert.match(f.facts.corruptFiles ?? '', /mscordbi\.dll$/);
  const lines = f.evidence.filter((e) => e.file === 'setupact.log').map((e) => e.line);
  for (const l of [10614, 10623, 10627, 10629, 76727, 76739, 103245, 103255, 103258, 103264, 103265, 103269])
    assert.ok(lines.includes(l), `evidence line ${l}`);
  // Noise is not evidence.
  assert.ok(!lines.includes(807) && !lines.includes(826));
  assert.ok(f.evidence.some((e) => e.file === 'SetupDiagResults.log' && e.line === 30));
  assert.ok(f.evidence.some((e) => e.file === 'setupact_rollback.log' && e.line === 1));
  assert.match(f.message.en, /0x8007000D-0x2000C/);
  assert.match(f.message.en, /ERROR_FILE_CORRUPT/);
  assert.match(f.message.en, /same file/);
  assert.match(f.message.zh, /同一个文件/);
  assert.match(f.message.zh, /文件或目录已损坏/);
});

test('setup01 setupact.log alone still gives the failed Safe OS run', () => {
  const s = story('setupact.log', parseSetupact(read(`${SETUP01}/setupact.log`)));
  assert.equal(s.attempts.length, 1);
  assert.equal(s.attempts[0]!.outcome, 'failed');
  assert.equal(s.findings[0]!.facts.phase, 'Safe OS');
  assert.equal(s.findings[0]!.facts.extendedCode, undefined);
});

test('a corrupt file that moves between applies points to hardware', () => {
  const line = (n: number, msg: string, level = 'Error'): string =>
    `2023-05-23 00:28:${String(n).padStart(2, '0')}, ${level.padEnd(22)}SP     ${msg}`;
  const text = [
    line(1, '*************** SetupHost Logging Begin ***************', 'Info'),
    line(
      2,
      'SPWIMCallback: Error in apply of \\\\?\\Volume{1}\\$WINDOWS.~BT\\NewOS\\Windows\\a.dll. GLE [1392]',
    ),
    line(3, 'CApplyWIM: Failure while applying image 6 for C:\\x\\Install.wim. Error 0x80070570'),
    line(
      4,
      'Operation failed: Apply WIM file PathForNewOSFile, index 6 to C:\\$WINDOWS.~BT\\NewOS. Error: 0x80070570',
    ),
    line(
      5,
      'SPWIMCallback: Error in apply of \\\\?\\Volume{1}\\$WINDOWS.~BT\\NewOS\\Windows\\b.dll. GLE [1392]',
    ),
    line(6, 'CApplyWIM: Failure while applying image 6 for D:\\x\\Install.wim. Error 0x80070570'),
    line(7, 'ExecuteOperations: Failed execution phase Safe OS. Error: 0x8007000D'),
  ].join('\r\n');
  const s = story('setupact.log', parseSetupact(text));
  const f = s.findings[0]!;
  assert.equal(f.rule, 'setup-upgrade-failed');
  assert.equal(f.facts.applyFailures, '2');
  assert.match(f.message.en, /differs between attempts \(a\.dll, b\.dll\).*hardware/);
  assert.match(f.message.zh, /硬件不稳定/);
  assert.deepEqual(
    f.evidence.map((e) => e.line),
    [2, 3, 4, 5, 6, 7],
  );
});

test('setup03: cancelled by the user, an informational finding and no failure', () => {
  const file = 'setup03-copyleft21-w11-mct-user-cancel/setupact.log';
  const s = story('setupact.log', parseSetupact(read(file)));
  assert.equal(s.attempts.length, 1);
  const a = s.attempts[0]!;
  assert.equal(a.outcome, 'interrupted');
  assert.equal(a.result, '0x800704c7');
  assert.deepEqual(
    s.findings.map((f) => f.rule),
    ['setup-user-cancelled'],
  );
  const f = s.findings[0]!;
  assert.equal(f.severity, 'info');
  assert.equal(f.root, false);
  assert.equal(f.code, '0x800704c7');
  assert.deepEqual(
    f.evidence.map((e) => e.line),
    [208, 381, 388, 389],
  );
  assert.match(f.message.en, /cancelled by the user/);
  assert.match(f.message.zh, /用户取消/);
});

test('setup05: the WinPE clean install completes, nothing fails', () => {
  const s = story('setupact.log', parseSetupact(read('setup05-bitbtrust-clean-install-ok/setupact.log')));
  assert.equal(s.attempts.length, 1);
  assert.equal(s.attempts[0]!.outcome, 'succeeded');
  assert.equal(s.attempts[0]!.client, 'Windows Setup (WinPE)');
  assert.deepEqual(
    s.attempts[0]!.evidence.map((e) => e.line),
    [7, 4185],
  );
  assert.deepEqual(s.findings, []);
});
