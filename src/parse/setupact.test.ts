// Panther setup logs: samples parse to their fields; the corpus files give their CASE.md lines and codes;
// the detector claims setup logs and not CBS.log or dism.log.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../knowledge/paths.js';
import { decodeText } from '../ingest/encoding.js';
import {
  detectSetupDiag,
  detectSetupact,
  parseSetupDiag,
  parseSetupLine,
  parseSetupact,
  samples,
  type SetupRecord,
} from './setupact.js';

const CORPUS = join(packageRoot(), '..', 'shared', 'corpus');

function read(rel: string): string {
  return decodeText(readFileSync(join(CORPUS, rel)));
}

function head(text: string): string[] {
  return text.slice(0, 64 * 1024).split(/\r?\n/);
}

function at(records: SetupRecord[], line: number): SetupRecord {
  const r = records.find((x) => x.line === line);
  assert.ok(r, `line ${line} kept`);
  return r;
}

test('setupact samples parse to their fields', () => {
  for (const s of samples) {
    const r = parseSetupLine(s.line, 5);
    assert.ok(r, s.line);
    for (const [k, v] of Object.entries(s.fields)) assert.deepEqual(r[k as keyof SetupRecord], v, k);
    // Samples with a setup component are recognised as a setup log on their own.
    if (r.time && r.component) assert.ok(detectSetupact([s.line]), s.line);
  }
});

test('lines that do not matter are dropped', () => {
  assert.equal(
    parseSetupLine('2023-05-23 00:21:31, Info                  MOUPG  Mapped Global progress: [0%]', 3),
    null,
  );
  assert.equal(parseSetupLine('[10728.2724] [0x8144012d] ', 4), null);
});

test('setup01 setupact.log: the apply failures, the Safe OS failure and the noise, at their lines', () => {
  const text = read('setup01-appostarsi-upgrade-80070570/setupact.log');
  assert.ok(detectSetupact(head(text)));
  const records = parseSetupact(text);
  // Bounded by what matters, not by the 103,269 lines.
  assert.ok(records.length < 1000, String(records.length));
  assert.equal(at(records, 1).kind, 'begin');
  assert.equal(at(records, 14).version, '10.0.22621.1');
  assert.equal(at(records, 10511).kind, 'operation');
  for (const line of [10614, 76727, 103245]) {
    const r = at(records, line);
    assert.equal(r.kind, 'corruptData');
    assert.deepEqual(r.codes, ['0x80070570']);
    assert.match(r.path ?? '', /^\$WINDOWS\.~BT\\NewOS\\Windows\\WinSxS\\.*\\mscordbi\.dll$/);
  }
  for (const line of [10623, 76736, 103254]) assert.equal(at(records, line).kind, 'corruptData');
  for (const line of [10627, 76737, 103255]) {
    assert.equal(at(records, line).kind, 'applyFailed');
    assert.deepEqual(at(records, line).codes, ['0x80070570']);
  }
  for (const line of [10629, 76739, 103258]) {
    assert.equal(at(records, line).kind, 'operationFailed');
    assert.deepEqual(at(records, line).codes, ['0x80070570']);
  }
  assert.equal(
    at(records, 103258).operation,
    'Apply WIM file PathForNewOSFile, index 6 to D:\\$WINDOWS.~BT\\NewOS',
  );
  assert.equal(at(records, 102211).phase, 'Safe OS');
  const failed = at(records, 103265);
  assert.equal(failed.kind, 'phaseFailed');
  assert.equal(failed.phase, 'Safe OS');
  assert.deepEqual(failed.codes, ['0x8007000d']);
  assert.equal(at(records, 103269).kind, 'phaseFailed');
  // Noise stays generic errors.
  assert.equal(at(records, 807).kind, 'error');
  assert.equal(at(records, 826).kind, 'error');
});

test('setup01 setupact_rollback.log and SetupDiagResults.log: rollback and the extended code', () => {
  const rb = parseSetupact(read('setup01-appostarsi-upgrade-80070570/setupact_rollback.log'));
  assert.equal(at(rb, 1).kind, 'rollback');
  assert.equal(at(rb, 241).extendedCode, '0x8007000D-0x2000C');
  const diagText = read('setup01-appostarsi-upgrade-80070570/SetupDiagResults.log');
  assert.ok(detectSetupDiag(head(diagText)));
  assert.ok(!detectSetupact(head(diagText)));
  const diag = parseSetupDiag(diagText);
  assert.equal(at(diag, 28).phase, 'Safe OS');
  assert.equal(at(diag, 29).operation, 'Apply WIM file PathForNewOSFile, index 6 to D:\\$WINDOWS.~BT\\NewOS');
  assert.equal(at(diag, 30).extendedCode, '0x8007000D-0x2000C');
  assert.deepEqual(at(diag, 30).codes, ['0x8007000d']);
});

test('setup03: user cancel and the 0x800704C7 result at their lines', () => {
  const text = read('setup03-copyleft21-w11-mct-user-cancel/setupact.log');
  assert.ok(detectSetupact(head(text)));
  const records = parseSetupact(text);
  assert.equal(at(records, 208).kind, 'cancel');
  assert.deepEqual(at(records, 213).codes, ['0x800704d3']);
  assert.deepEqual(at(records, 219).codes, ['0xc1800108']);
  assert.deepEqual(at(records, 381).codes, ['0x800704d3', '0x800704c7']);
  assert.equal(at(records, 381).extendedCode, undefined);
  for (const line of [388, 389]) {
    assert.equal(at(records, line).kind, 'hostResult');
    assert.deepEqual(at(records, line).codes, ['0x800704c7']);
  }
  assert.equal(at(records, 399).kind, 'end');
  const err = read('setup03-copyleft21-w11-mct-user-cancel/setuperr.log');
  assert.ok(detectSetupact(head(err)));
  assert.deepEqual(at(parseSetupact(err), 26).codes, ['0x800704c7']);
});

test('setup05: WinPE clean install with its phases and completion', () => {
  const text = read('setup05-bitbtrust-clean-install-ok/setupact.log');
  assert.ok(detectSetupact(head(text)));
  const records = parseSetupact(text);
  assert.equal(at(records, 7).kind, 'begin');
  assert.equal(at(records, 11).version, '10.0.16299.15');
  assert.equal(at(records, 2850).kind, 'phase');
  assert.equal(at(records, 4185).kind, 'completed');
  assert.ok(!records.some((r) => r.kind === 'phaseFailed' || r.kind === 'operationFailed'));
  assert.ok(detectSetupact(head(read('setup05-bitbtrust-clean-install-ok/setuperr.log'))));
});

test('CBS.log and dism.log are not setup logs', () => {
  assert.ok(!detectSetupact(head(read('cbs01-appostarsi-w11/CBS.log'))));
  assert.ok(!detectSetupact(head(read('dism01-appostarsi-w10-esd-source/dism win 10.log'))));
});
