// Shared helpers for the tests of the captured-output formats (dism-console, sfc-console, file-hash,
// registry-export, os-version, package-list) and their detection matrix (captures.test.ts): the heads of
// real logs no capture detector may take, line splitting, the fixtures/outputs decoder, and the check that a
// module's samples parse to the fields they list. Not a test file itself (node --test runs *.test.js only).

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeText } from '../ingest/encoding.js';
import { packageRoot } from '../knowledge/paths.js';

/** Real logs (corpus folder, file name) whose heads no captured-output detector may take. */
const corpusLogs: [string, string][] = [
  ['cbs01-appostarsi-w11', 'CBS.log'],
  ['cbs02-appostarsi-w10-pendingrepair', 'CBS_5_23.log'],
  ['cbs08-jose-1903-healthy', 'CBS.log'],
  ['cbs13-eyeofparadox-w11-oobe-ok', 'CBS.log'],
  ['dism01-appostarsi-w10-esd-source', 'dism win 10.log'],
  ['dism02-appostarsi-w11-wim-source', 'dism.log'],
  ['dism03-appostarsi-w10-multi', 'dism_5_23.log'],
  ['dism04-iideerii-netfx3-0x800f081f', 'dism.log'],
  ['dism07-krynddi-1903-noisy-negative', 'dism.log'],
  ['dism11-eyeofparadox-w11-oobe-ok', 'dism.log'],
  ['wu01-appostarsi-driver-800f024b', 'WindowsUpdate.log'],
  ['wu02-reeceketley-kb5034441-80070643', 'WindowsUpdate.log'],
  ['wu04-rkudache-win7-legacy-au-disabled', 'WindowsUpdate.log'],
  ['setup01-appostarsi-upgrade-80070570', 'setupact.log'],
  ['setup03-copyleft21-w11-mct-user-cancel', 'setupact.log'],
  ['setup05-bitbtrust-clean-install-ok', 'setupact.log'],
  ['evt01-appostarsi-system-events-txt', 'system-events.txt'],
  ['sfc01-appostarsi-sfc-extract-w10', 'SFCfromFile.log'],
  ['sfc02-emmanuel-sfcdetails-clean', 'sfcdetails.txt'],
];

/** The first 256 KB of each real log (examples/CBS.log and the corpus logs above), read as latin1, in lines. */
export function logHeads(): { name: string; lines: string[] }[] {
  const corpus = join(packageRoot(), '..', 'shared', 'corpus');
  const files = [
    join(packageRoot(), 'examples', 'CBS.log'),
    ...corpusLogs.map(([dir, file]) => join(corpus, dir, file)),
  ];
  return files.map((f) => ({
    name: f,
    lines: readFileSync(f)
      .subarray(0, 256 * 1024)
      .toString('latin1')
      .split(/\r?\n/),
  }));
}

/** A text in lines, as a detector takes them. */
export const lines = (text: string): string[] => text.split(/\r?\n/);

/** A capture of fixtures/outputs, decoded as ingestion does (BOM, UTF-16 without BOM, GBK). */
export const fixture = (name: string): string =>
  decodeText(readFileSync(join(packageRoot(), 'fixtures', 'outputs', name)));

/** Every field `want` lists has that value in `got` (the message names the field, then `label`). */
export function assertFields<T extends object>(got: T, want: Partial<T>, label = ''): void {
  for (const [k, v] of Object.entries(want))
    assert.deepEqual(got[k as keyof T], v, label ? `${k} ${label}` : k);
}

/**
 * Each sample parses to as many records as it lists, each record with the fields listed for it: `parse`
 * gives the records of a text, `want` the expected records of a sample.
 */
export function assertSamplesParse<S extends { text: string }, T extends object>(
  samples: readonly S[],
  parse: (text: string) => T[],
  want: (sample: S) => Partial<T>[],
): void {
  for (const s of samples) {
    const got = parse(s.text);
    const expected = want(s);
    assert.equal(got.length, expected.length, s.text);
    expected.forEach((w, i) => assertFields(got[i]!, w, `#${i}`));
  }
}
