// A log read by two threads gives exactly what one thread gives, wherever the cut falls: inside a health
// report (timestamped, un-timestamped, or opened by a continuation line), inside a multi-line entry, on a
// skipped line whose continuation carries a code, on a cut long line; and when the second thread fails, at
// any point, this thread reads on and the result is still the same.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzePath } from './analyze.js';
import { readSplit } from './split-read.js';
import { CbsLineParser } from '../parse/cbs.js';
import { readLinesFromFile } from '../ingest/read-lines.js';
import type { Diagnosis, LogEntry } from '../model/types.js';

const T = '2023-05-17 08:56:21, Info                  CBS    ';
const LINES = [
  '2023-05-17 08:24:08, Info                  CBS    Starting TiWorker initialization.',
  '2023-05-17 08:25:12, Info                  CBS    Loaded Servicing Stack v10.0.22621.1626 with Core: C:\\Windows\\winsxs\\amd64_microsoft-windows-servicingstack_31bf3856ad364e35_10.0.22621.1626_none_9e1b7d2ab4ae0b0c\\cbscore.dll',
  '2023-05-17 08:44:09, Info                  CSI    00000006@2023/5/17:15:44:09.081 Starting corruption detection (InnerFlags=2)',
  "2023-05-17 08:44:12, Info                  CSI    00000007 Hashes for file member [l:44]'FaceRecognitionEngineAdapterResources_v4.dll' do not match.",
  ' Expected: {l:32 ml:33 b:a9b55797968df4e138e3b8ab5a0759889ffa7684de67f8449334360473862f17}.',
  ' Actual: {l:32 b:25ca333a020fddc4543e54190d1d2091d649b4e4801355b8be8f045b0ff4bbcf}.',
  '2023-05-17 08:44:12, Error                 CSI    00000008@2023/5/17:15:44:12.956 (F) onecore\\base\\wcp\\rtllib\\win32lib\\delta_library.cpp(351): Error NTSTATUS_FROM_WIN32(ERROR_INVALID_DATA) originated in function Windows::Rtl::DeltaDecompressBuffer',
  '[gle=0x80004005]',
  '2023-05-17 08:44:13, Info                  CBS    Nothing to see here',
  '  but a continuation with [HRESULT = 0x80070002 - ERROR_FILE_NOT_FOUND]',
  `${T}=================================`,
  `${T}Checking System Update Readiness.`,
  `${T}(p)\tCSI Payload Corrupt\t(n)\t\t\tamd64_microsoft-windows-mediaplayer-core_31bf3856ad364e35_10.0.22621.1635_none_eb3c6e8acabe92c4\\wmploc.DLL.mun`,
  `${T}Summary:`,
  `${T}Operation: Detect only `,
  `${T}Operation result: 0x0`,
  `${T}Total Detected Corruption:\t1`,
  `${T}Total Operation Time: 71 seconds.`,
  `${T}CheckSur: hrStatus: 0x0 [S_OK], download results: <none>`,
  '2023-05-17 09:00:00, Info                  CBS    Checking System Update Readiness.',
  '',
  '(p)\tCSI Payload Corrupt\t\t\t(n)\t\tamd64_microsoft-windows-a..modernappmanagement_31bf3856ad364e35_10.0.19041.3636_none_23b3b3ece690d77b\\EnterpriseModernAppMgmtCSP.dll',
  'Repair failed: Missing replacement payload.',
  'Operation result: 0x800f081f',
  'Total Operation Time: 39 seconds.',
  '2023-05-17 09:00:00, Info                  CBS    CheckSur: hrStatus: 0x800f081f [CBS_E_SOURCE_MISSING], download results: <none>',
  '2023-05-17 09:01:00, Info                  CBS    Repr: CSI Store check completes',
  '2023-05-17 09:01:00, Info                  CBS    ',
  'Checking System Update Readiness.',
  '(p)\tCSI Payload Corrupt\t\t\tx86_microsoft-windows-advapi32_31bf3856ad364e35_10.0.14393.0_none_b49e21a1e4d6ebe1\\advapi32.dll',
  'Repair failed: Missing replacement payload.',
  'Operation result: 0x800f0906',
  'Total Operation Time: 471 seconds.',
  '2023-05-17 09:01:00, Info                  CBS    Failed to run Detect and repair. [HRESULT = 0x800f0906 - CBS_E_DOWNLOAD_FAILURE]',
  `2023-05-17 09:02:00, Info                  CBS    A long line ${'x'.repeat(700)} [HRESULT = 0x80073712 - ERROR_SXS_COMPONENT_STORE_CORRUPT]`,
  '2023-05-17 09:03:00, Error                 CBS    Failed to process single phase execution. [HRESULT = 0x80073712 - ERROR_SXS_COMPONENT_STORE_CORRUPT]',
  '2023-05-17 09:03:01, Info                  CBS    Exec: Processing complete, session(Corrupt): 31030000_1, failure: 0x80073712',
  '2023-05-17 09:03:02, Info                  CBS    Ending TrustedInstaller finalization.',
];

/** The test log (a BOM, CRLF endings, a last line cut short) in a temporary folder, and its line starts. */
function writeLog(): { dir: string; path: string; starts: number[] } {
  const dir = mkdtempSync(join(tmpdir(), 'patchdx-split-'));
  const path = join(dir, 'CBS.log');
  const text =
    '\uFEFF' + LINES.join('\r\n') + '\r\n2023-05-17 09:03:03, Info                  CBS    cut sho';
  const data = Buffer.from(text, 'utf8');
  writeFileSync(path, data);
  const starts: number[] = [];
  for (let p = data.indexOf(10); p !== -1 && p + 1 < data.length; p = data.indexOf(10, p + 1))
    starts.push(p + 1);
  return { dir, path, starts };
}

function comparable(d: Diagnosis): string {
  d.stats.ms = 0;
  return JSON.stringify(d);
}

test('a log cut at any line and read by two threads gives the diagnosis one thread gives', () => {
  const { dir, path, starts } = writeLog();
  try {
    const one = analyzePath(path, { splitMinBytes: Infinity, maxLineBytes: 300 });
    assert.equal(one.verdict, 'failed');
    assert.ok(one.diagnostics.some((x) => /bytes long/.test(x.message)));
    const expected = comparable(one);
    for (const at of starts) {
      const two = analyzePath(path, { splitMinBytes: 0, splitAt: at, maxLineBytes: 300 });
      assert.equal(comparable(two), expected, `cut at byte ${at}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Entries and counts of one thread's read. */
function oneThread(path: string): { entries: LogEntry[]; lines: number } {
  const entries: LogEntry[] = [];
  const parser = new CbsLineParser('CBS.log', 'utf8-bom', (e) => entries.push(e));
  const stats = readLinesFromFile(path, parser.onLine.bind(parser), { maxLineBytes: 300 });
  parser.finish();
  return { entries, lines: stats.lines };
}

test('when the second thread fails, before or after it has handed entries on, this one reads on', () => {
  const { dir, path, starts } = writeLog();
  try {
    const expected = oneThread(path);
    const at = starts[3]!;
    // Batches of one entry (a clean cut, where this thread can take over, at nearly every line), or of many
    // read 64 bytes at a time (progress told early, no clean cut: this thread takes over at the stitch).
    const cases = [
      { batchEntries: 1, chunkBytes: undefined },
      { batchEntries: 1000, chunkBytes: 64 },
    ].flatMap((c) => [1, 3, 5, 8, 12, 20, 28].map((failAfterLines) => ({ ...c, failAfterLines })));
    for (const testing of cases) {
      const { failAfterLines } = testing;
      const entries: LogEntry[] = [];
      const parser = new CbsLineParser('CBS.log', 'utf8-bom', (e) => entries.push(e));
      const r = readSplit(
        { path, file: 'CBS.log', size: statSync(path).size, encoding: 'utf8-bom', maxLineBytes: 300 },
        parser,
        (e) => entries.push(e),
        { splitAt: at, testing },
      );
      parser.finish();
      assert.ok(r);
      assert.match(r.fallback ?? '', /failing at line/, `fails after ${failAfterLines}`);
      assert.equal(r.lines, expected.lines);
      assert.deepEqual(entries, expected.entries, `fails after ${failAfterLines} lines`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
