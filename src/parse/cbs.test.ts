// Tests of the CBS.log format: the generic format test (every sample of cbs.ts parses to its stated fields),
// the line grammar, CbsLineParser over real excerpts (continuations, DISM reports, the byte prefilter, CSI
// stamps, encodings) and over whole corpus logs, and detectCbs against CBS, dism.log, setupact.log and prose.

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { sniffEncoding } from '../ingest/encoding.js';
import { readLinesFromBuffer, type ReadStats } from '../ingest/read-lines.js';
import type { CsiDetail, LogEntry } from '../model/types.js';
import {
  CbsLineParser,
  csiStampToIso,
  detectCbs,
  parseHeadLine,
  samples,
  timestampOffset,
  type CbsStats,
} from './cbs.js';
import { extractCodes } from './error-codes.js';

/** The repository root: the folder above this module (src/ or dist/src/) that holds package.json. */
function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('no package.json above the test');
    dir = parent;
  }
  return dir;
}

// The real logs live beside the repository (../shared/corpus), as on CI: without them these tests fail.
const CORPUS = join(repoRoot(), '..', 'shared', 'corpus');

function corpus(dir: string, file: string): Buffer {
  return readFileSync(join(CORPUS, dir, file));
}

interface Parsed {
  entries: LogEntry[];
  stats: CbsStats;
  read: ReadStats;
}

/** Runs bytes through the real reader and parser as analyze does; `firstLine` numbers an excerpt as in its file. */
function parse(data: Buffer | string, opts: { chunkBytes?: number; firstLine?: number } = {}): Parsed {
  const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const sniff = sniffEncoding(buf.subarray(0, 4096));
  const entries: LogEntry[] = [];
  const parser = new CbsLineParser('CBS.log', sniff.encoding === '8bit' ? '8bit' : 'utf8-bom', (e) =>
    entries.push(e),
  );
  const shift = (opts.firstLine ?? 1) - 1;
  const read = readLinesFromBuffer(buf, (b, s, e, n) => parser.onLine(b, s, e, n + shift), {
    chunkBytes: opts.chunkBytes,
  });
  parser.finish();
  return { entries, stats: parser.stats, read };
}

function crlf(lines: string[]): string {
  return lines.map((l) => l + '\r\n').join('');
}

function spans(entries: LogEntry[]): [number, number][] {
  return entries.map((e) => [e.line, e.endLine]);
}

function entryAt(entries: LogEntry[], line: number): LogEntry {
  const e = entries.find((x) => x.line === line);
  assert.ok(e, `no entry starts at line ${line}`);
  return e;
}

function field(o: object, key: string): unknown {
  return (o as Record<string, unknown>)[key];
}

/** Asserts the stated fields of a sample; nested objects (csi) are compared on their stated keys. */
function assertFields(got: object, want: object, label: string): void {
  for (const [key, value] of Object.entries(want)) {
    const actual = field(got, key);
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      assert.ok(actual !== null && typeof actual === 'object', `${key} of ${label}`);
      assertFields(actual, value, label);
    } else {
      assert.deepEqual(actual, value, `${key} of ${label}`);
    }
  }
}

/** The record header of a CSI detail (sequence number, @ stamp, flag), whatever else the parser adds. */
function csiHead(csi: CsiDetail | undefined): Partial<CsiDetail> | undefined {
  if (!csi) return undefined;
  return { seq: csi.seq, ...(csi.utc ? { utc: csi.utc } : {}), ...(csi.flag ? { flag: csi.flag } : {}) };
}

/** cbs01 CBS.log lines 4403-4412, with the file's own line ends (CSI continuations end in LF only). */
const CBS01_4403 =
  '2023-05-17 08:44:09, Info                  CSI    00000006@2023/5/17:15:44:09.081 Starting corruption detection (InnerFlags=2)\r\n' +
  '2023-05-17 08:44:09, Info                  CBS    FLOW: Entering stage: CheckCsi \r\n' +
  "2023-05-17 08:44:12, Info                  CSI    00000007 Hashes for file member [l:44]'FaceRecognitionEngineAdapterResources_v4.dll' do not match.\n" +
  ' Expected: {l:32 ml:33 b:a9b55797968df4e138e3b8ab5a0759889ffa7684de67f8449334360473862f17}.\n' +
  ' Actual: {l:32 b:25ca333a020fddc4543e54190d1d2091d649b4e4801355b8be8f045b0ff4bbcf}.\r\n' +
  '2023-05-17 08:44:12, Error                 CSI    00000008@2023/5/17:15:44:12.956 (F) onecore\\base\\wcp\\rtllib\\win32lib\\delta_library.cpp(351): Error NTSTATUS_FROM_WIN32(ERROR_INVALID_DATA) originated in function Windows::Rtl::DeltaDecompressBuffer expression: g_pfnApplyDeltaB(( (DELTA_FLAG_TYPE)0x00000000 ), ReferenceInput, CompressedInput, &UncompressedOutput)\n' +
  '[gle=0x80004005]\r\n' +
  '2023-05-17 08:44:12, Info                  CBS    Added C:\\Windows\\Logs\\CBS\\CBS.log to WER report.\r\n' +
  '2023-05-17 08:44:12, Info                  CBS    Not able to add current session file to Windows Error Report. [HRESULT = 0x80070002 - ERROR_FILE_NOT_FOUND]\r\n' +
  '2023-05-17 08:44:12, Info                  CBS    Not able to add pending.xml to Windows Error Report. [HRESULT = 0x80070002 - ERROR_FILE_NOT_FOUND]\r\n';

/** cbs01 CBS.log lines 8982-9017: a DISM /ScanHealth report whose every line carries a timestamp. */
const REPORT_TS = [
  '2023-05-17 08:56:21, Info                  CBS    Repr: Staged package check completes',
  '2023-05-17 08:56:21, Info                  CBS    ',
  '2023-05-17 08:56:21, Info                  CBS    =================================',
  '2023-05-17 08:56:21, Info                  CBS    Checking System Update Readiness.',
  '2023-05-17 08:56:21, Info                  CBS    ',
  '2023-05-17 08:56:21, Info                  CBS    (p)\tCSI Payload Corrupt\t(n)\t\t\tamd64_microsoft-windows-f..uetype-yugothicbold_31bf3856ad364e35_10.0.22621.1_none_10eeed168993f23b\\YuGothB.ttc',
  '2023-05-17 08:56:21, Info                  CBS    (p)\tCSI Payload Corrupt\t(n)\t\t\tamd64_microsoft-windows-mediaplayer-core_31bf3856ad364e35_10.0.22621.1635_none_eb3c6e8acabe92c4\\wmploc.DLL.mun',
  '2023-05-17 08:56:21, Info                  CBS    (p)\tCSI Payload Corrupt\t(n)\t\t\tamd64_microsoft-windows-t..eldebugger-recorder_31bf3856ad364e35_10.0.22621.1_none_c5f9d5c001b0df5c\\ttdrecord.dll',
  '2023-05-17 08:56:21, Info                  CBS    (p)\tCSI Payload Corrupt\t(b)\t\t\tamd64_microsoft-windows-dns-client-minwin_31bf3856ad364e35_10.0.22621.1485_none_757900759eb5b9e6\\dnsapi.dll',
  '2023-05-17 08:56:21, Info                  CBS    (p)\tCSI Payload Corrupt\t(n)\t\t\twow64_microsoft-windows-themecpl_31bf3856ad364e35_10.0.22621.1635_none_e0f4ab52b67a554e\\themecpl.dll',
  '2023-05-17 08:56:21, Info                  CBS    (p)\tCSI Payload Corrupt\t(n)\t\t\tamd64_microsoft-windows-scripting-chakra_31bf3856ad364e35_11.0.22621.1635_none_e6e92ecd7f90b486\\Chakra.dll',
  '2023-05-17 08:56:21, Info                  CBS    (p)\tCSI Payload Corrupt\t(n)\t\t\tamd64_userexperience-desktop_31bf3856ad364e35_10.0.22621.1635_none_0c2897c3e5ef06c8\\CBS\\Microsoft.CognitiveServices.Speech.extension.embedded.tts.dll',
  '2023-05-17 08:56:21, Info                  CBS    (p)\tCSI Payload Corrupt\t(n)\t\t\tamd64_microsoft-windows-systemreset_31bf3856ad364e35_10.0.22621.1635_none_cae32a1ff7a3e633\\r\\ResetEngine.exe',
  '2023-05-17 08:56:21, Info                  CBS    ',
  '2023-05-17 08:56:21, Info                  CBS    Summary:',
  '2023-05-17 08:56:21, Info                  CBS    Operation: Detect only ',
  '2023-05-17 08:56:21, Info                  CBS    Operation result: 0x0',
  '2023-05-17 08:56:21, Info                  CBS    Last Successful Step: Stage package detection completes.',
  '2023-05-17 08:56:21, Info                  CBS    Total Detected Corruption:\t8',
  '2023-05-17 08:56:21, Info                  CBS    \tCBS Manifest Corruption:\t0',
  '2023-05-17 08:56:21, Info                  CBS    \tCBS Metadata Corruption:\t0',
  '2023-05-17 08:56:21, Info                  CBS    \tCSI Manifest Corruption:\t0',
  '2023-05-17 08:56:21, Info                  CBS    \tCSI Metadata Corruption:\t0',
  '2023-05-17 08:56:21, Info                  CBS    \tCSI Payload Corruption:\t8',
  '2023-05-17 08:56:21, Info                  CBS    Total Repaired Corruption:\t0',
  '2023-05-17 08:56:21, Info                  CBS    \tCBS Manifest Repaired:\t0',
  '2023-05-17 08:56:21, Info                  CBS    \tCSI Manifest Repaired:\t0',
  '2023-05-17 08:56:21, Info                  CBS    \tCSI Payload Repaired:\t0',
  '2023-05-17 08:56:21, Info                  CBS    \tCSI Store Metadata refreshed:\tTrue',
  '2023-05-17 08:56:21, Info                  CBS    Staged Packages:',
  '2023-05-17 08:56:21, Info                  CBS    \tCBS Staged packages:\t0',
  '2023-05-17 08:56:21, Info                  CBS    \tCBS Staged packages removed:\t0',
  '2023-05-17 08:56:21, Info                  CBS    ',
  '2023-05-17 08:56:21, Info                  CBS    Total Operation Time: 71 seconds.',
  '2023-05-17 08:56:21, Info                  CBS    Ensure CBS corruption flag is clear',
  '2023-05-17 08:56:21, Info                  CBS    CheckSur: hrStatus: 0x0 [S_OK], download results: <none>',
];

/** Seed 000 (a support thread, Chinese machine at UTC+8) lines 35-52, as the engineer quoted them. */
const SEED_000 = [
  '2023-01-05 17:16:16, Info                  CSI    00003e97 Looking for manifest in Backup Dir...',
  "2023-01-05 17:16:16, Error                 CSI    00003e98 (F) Unable to load manifest for component [l:91 ml:140]'amd64_e7efbb5769027affbc1fbfd7101971df_b77a5c561934e089_4.0.15713.866_none_41638f151bd7fec8'[gle=0x80004005]",
  "2023-01-05 17:16:16, Error                 CSI    00003e99@2023/1/5:09:16:16.157 <mailto:00003e99@2023/1/5:09:16:16.157>  (F) Attempting to mark store corrupt with category [l:15 ml:16]'CorruptManifest'[gle=0x80004005]",
  '2023-01-05 17:16:16, Error                 CSI    00003e9a@2023/1/5:09:16:16.158 <mailto:00003e9a@2023/1/5:09:16:16.158>  (F) onecore\\base\\wcp\\componentstore\\storelayout.cpp(3182): Store corruption detected in function ComponentStore::CRawStoreLayout::FetchManifestContent expression: 0',
  "  FileHashMismatch on resource '\\winsxs\\manifests\\amd64_e7efbb5769027affbc1fbfd7101971df_b77a5c561934e089_4.0.15713.866_none_41638f151bd7fec8.manifest'[gle=0x80004005]",
  "2023-01-05 17:16:16, Error                 CSI    00003e9b (F) HRESULT_FROM_WIN32(14098) #5546992# from Windows::ServicingAPI::CCSITransaction::ICSITransaction_UninstallDeployment(Flags = 0, a = e7efbb5769027affbc1fbfd7101971df, version 4.0.15713.866, arch amd64, nonSxS, pkt {l:8 b:b77a5c561934e089}, cb = (null), s = (null), rid = 'Package_8_for_KB5017270~31bf3856ad364e35~amd64~~10.0.3991.1.5017270-219_neutral', disp = 0)[gle=0x80073712]",
  '2023-01-05 17:16:16, Info                  CBS    Failed to begin deployment uninstallation for Update: 5017270-219_neutral [HRESULT = 0x80073712 - ERROR_SXS_COMPONENT_STORE_CORRUPT]',
  '2023-01-05 17:16:16, Info                  CBS    Failed to execute item[0] in Package: Package_8_for_KB5017270~31bf3856ad364e35~amd64~~10.0.3991.1, Update: 5017270-219_neutral [HRESULT = 0x80073712 - ERROR_SXS_COMPONENT_STORE_CORRUPT]',
  '2023-01-05 17:16:16, Info                  CBS    Failed to execute execution update. [HRESULT = 0x80073712 - ERROR_SXS_COMPONENT_STORE_CORRUPT]',
  '2023-01-05 17:16:16, Info                  CBS    Failed to execute execution package: Package_8_for_KB5017270~31bf3856ad364e35~amd64~~10.0.3991.1 [HRESULT = 0x80073712 - ERROR_SXS_COMPONENT_STORE_CORRUPT]',
  '2023-01-05 17:16:16, Info                  CBS    Failed to prepare execution [HRESULT = 0x80073712 - ERROR_SXS_COMPONENT_STORE_CORRUPT]',
  '2023-01-05 17:16:16, Info                  CBS    Perf: InstallUninstallChain complete.',
  '2023-01-05 17:16:16, Info                  CSI    00003e9c@2023/1/5:09:16:16.164 <mailto:00003e9c@2023/1/5:09:16:16.164>  CSI Transaction @0x1c96f93ca70 destroyed',
  '2023-01-05 17:16:16, Info                  CBS    Failed to execute execution chain. [HRESULT = 0x80073712 - ERROR_SXS_COMPONENT_STORE_CORRUPT]',
  '2023-01-05 17:16:16, Error                 CBS    Failed to process single phase execution. [HRESULT = 0x80073712 - ERROR_SXS_COMPONENT_STORE_CORRUPT]',
  '2023-01-05 17:16:16, Info                  CBS    WER: Generating failure report for package: Package_for_DotNetRollup~31bf3856ad364e35~amd64~~10.0.4005.2, status: 0x80073712, failure source: Execute, start state: Staged, target state: Installed, client id: WindowsUpdateAgent',
  '2023-01-05 17:16:16, Info                  CBS    Not able to query DisableWerReporting flag.  Assuming not set... [HRESULT = 0x80070002 - ERROR_FILE_NOT_FOUND]',
  '2023-01-05 17:16:16, Info                  CBS    Added C:\\WINDOWS\\Logs\\CBS\\CBS.log to WER report.',
];

/**
 * A CSI (F) record whose level column carries the WDS message id, as Microsoft's article on 0x800f0922 quotes
 * it from a Server 2019 CBS.log (its `<DateTime>` and `<Installer ID>` placeholders filled in).
 */
const MESSAGE_ID_LINE =
  '2023-06-14 10:21:05, Error      [0x01803e] CSI    00000e64 (F) Failed execution of queue item Installer: HTTP Installer ({1b6c4a0e-3f0e-4d4b-9a5b-2e0c7d8f9a10}) with HRESULT HRESULT_FROM_WIN32(1058).  Failure will not be ignored: A rollback will be initiated after all the operations in the installer queue are completed; installer is reliable[gle=0x80004005]';

describe('samples (the generic format test)', () => {
  test('every sample parses, after its path prefix, to its stated fields', () => {
    assert.ok(samples.length > 0);
    for (const s of samples) {
      const buf = Buffer.from(s.line, 'latin1');
      const off = timestampOffset(buf, 0, buf.length);
      assert.ok(off >= 0, `no timestamp in sample ${s.line}`);
      const head = parseHeadLine(s.line.slice(off));
      assert.ok(head, `sample does not parse: ${s.line}`);
      assert.ok(Object.keys(s.fields).length > 0, `sample states no field: ${s.line}`);
      assertFields({ ...head, codes: extractCodes(head.message) }, s.fields, `sample ${s.line}`);
    }
  });

  test('every sample that CbsLineParser keeps comes out with the same fields; non-Info samples are always kept', () => {
    let kept = 0;
    for (const s of samples) {
      const { entries } = parse(s.line + '\r\n');
      assert.ok(entries.length <= 1, s.line);
      if (s.fields.level !== undefined && s.fields.level !== 'Info') assert.equal(entries.length, 1, s.line);
      const e = entries[0];
      if (!e) continue;
      kept++;
      assert.equal(e.line, 1);
      assert.equal(e.lines[0], s.line);
      assertFields(e, s.fields, `sample ${s.line}`);
    }
    assert.ok(kept > 0);
  });

  test('the samples exercise every part of the grammar', () => {
    const heads = samples.map((s) => {
      const buf = Buffer.from(s.line, 'latin1');
      const off = timestampOffset(buf, 0, buf.length);
      return { off, head: parseHeadLine(s.line.slice(Math.max(0, off))) };
    });
    assert.ok(
      heads.some((h) => h.off > 0),
      'a line behind a path prefix',
    );
    assert.ok(
      heads.some((h) => h.head?.csi?.utc),
      'a CSI record with an @ stamp',
    );
    assert.ok(
      heads.some((h) => h.head?.csi?.flag === 'F'),
      'a CSI (F) record',
    );
    assert.ok(
      heads.some((h) => h.head?.component === ''),
      'a line with an empty component',
    );
    assert.ok(
      heads.some((h) => h.head?.component === 'CBS'),
      'a CBS line',
    );
    assert.ok(
      samples.some((s) => (s.fields.codes ?? []).length > 0),
      'a line with an error code',
    );
  });
});

describe('timestampOffset', () => {
  const line = '2023-05-23 01:17:29, Info                  CSI    00000006 [SR] Verifying 1 components';
  const at = (text: string): number => {
    const buf = Buffer.from(text, 'latin1');
    return timestampOffset(buf, 0, buf.length);
  };

  test('is 0 for a line that starts with its timestamp', () => {
    assert.equal(at(line), 0);
  });

  test('skips a findstr `path.log:` prefix', () => {
    const persist = 'C:\\Windows\\Logs\\CBS\\CbsPersist_20230523160236.log:';
    assert.equal(at(persist + line), persist.length);
    assert.equal(at('CBS.log:' + line), 8);
    assert.equal(at('CBS Win 10.log:' + line), 15);
  });

  test('is -1 for continuation lines and prose', () => {
    assert.equal(
      at(' Expected: {l:32 ml:33 b:a9b55797968df4e138e3b8ab5a0759889ffa7684de67f8449334360473862f17}.'),
      -1,
    );
    assert.equal(at('[gle=0x80004005]'), -1);
    assert.equal(at('(p)\tCSI Payload Corrupt\t\t\t(n)\t\tamd64_x\\y.dll'), -1);
    assert.equal(at(' ' + line), -1);
    assert.equal(at('Note: ' + line), -1);
    assert.equal(at('2023-05-23 01:17'), -1);
    assert.equal(at(''), -1);
  });

  test('is relative to the start of the line inside a larger buffer', () => {
    const buf = Buffer.from(`previous line\r\nCBS.log:${line}\r\n`, 'latin1');
    const start = buf.indexOf(10) + 1;
    assert.equal(timestampOffset(buf, start, buf.length - 2), 8);
    assert.equal(timestampOffset(buf, 0, start - 2), -1);
  });
});

describe('csiStampToIso', () => {
  test('converts the @ stamp to ISO UTC, padding month, day, hour and milliseconds', () => {
    assert.equal(csiStampToIso('2023/1/5:09:16:16.157'), '2023-01-05T09:16:16.157Z');
    assert.equal(csiStampToIso('2023/5/17:15:44:12.956'), '2023-05-17T15:44:12.956Z');
    assert.equal(csiStampToIso('2022/8/18:7:53:46.6'), '2022-08-18T07:53:46.600Z');
    assert.equal(csiStampToIso('2025/1/10:00:34:25'), '2025-01-10T00:34:25.000Z');
  });

  test('rejects anything else', () => {
    assert.equal(csiStampToIso('2023-05-17 15:44:12'), undefined);
    assert.equal(csiStampToIso('0x1c96f93ca70'), undefined);
    assert.equal(csiStampToIso(''), undefined);
  });
});

describe('parseHeadLine', () => {
  test('a CBS line', () => {
    assert.deepEqual(
      parseHeadLine(
        '2023-05-17 08:44:12, Info                  CBS    Not able to add pending.xml to Windows Error Report. [HRESULT = 0x80070002 - ERROR_FILE_NOT_FOUND]',
      ),
      {
        time: '2023-05-17 08:44:12',
        level: 'Info',
        component: 'CBS',
        message:
          'Not able to add pending.xml to Windows Error Report. [HRESULT = 0x80070002 - ERROR_FILE_NOT_FOUND]',
      },
    );
  });

  test('a CSI record: sequence number, @ stamp and flag are taken off the message', () => {
    assert.deepEqual(
      parseHeadLine(
        '2023-05-17 08:44:09, Info                  CSI    00000006@2023/5/17:15:44:09.081 Starting corruption detection (InnerFlags=2)',
      ),
      {
        time: '2023-05-17 08:44:09',
        level: 'Info',
        component: 'CSI',
        message: 'Starting corruption detection (InnerFlags=2)',
        csi: { seq: '00000006', utc: '2023-05-17T15:44:09.081Z' },
      },
    );
    assert.deepEqual(parseHeadLine(SEED_000[1]!)?.csi, { seq: '00003e98', flag: 'F' });
  });

  test('a CSI record pasted through a mail client (`<mailto:…>` after the stamp)', () => {
    assert.deepEqual(parseHeadLine(SEED_000[2]!), {
      time: '2023-01-05 17:16:16',
      level: 'Error',
      component: 'CSI',
      message: "Attempting to mark store corrupt with category [l:15 ml:16]'CorruptManifest'[gle=0x80004005]",
      csi: { seq: '00003e99', utc: '2023-01-05T09:16:16.157Z', flag: 'F' },
    });
  });

  test('an empty message', () => {
    assert.deepEqual(parseHeadLine('2023-05-17 08:56:21, Info                  CBS    '), {
      time: '2023-05-17 08:56:21',
      level: 'Info',
      component: 'CBS',
      message: '',
    });
  });

  test('an empty component column (arbiter lines of cbs13)', () => {
    assert.deepEqual(
      parseHeadLine(
        '2025-04-26 05:21:55, Info                         arbiter: Determining media feature name',
      ),
      {
        time: '2025-04-26 05:21:55',
        level: 'Info',
        component: '',
        message: 'arbiter: Determining media feature name',
      },
    );
    assert.equal(
      parseHeadLine(
        '2025-04-26 05:21:55, Info                         Loading database: \\\\?\\C:\\WINDOWS\\CbsTemp\\31176357_3426866369\\LocalFoDEnum\\DesktopTargetCompDB_zh-tw.xml',
      )?.component,
      '',
    );
  });

  test('a dism.log line (same grammar, DISM component)', () => {
    assert.deepEqual(
      parseHeadLine(
        '2023-05-17 08:32:31, Warning               DISM   PID=7092 TID=5908 Failed to archive the log file. Continuing with existing log file. - CDISMManager::CreateLocalImageSession(hr:0x80070002)',
      ),
      {
        time: '2023-05-17 08:32:31',
        level: 'Warning',
        component: 'DISM',
        message:
          'PID=7092 TID=5908 Failed to archive the log file. Continuing with existing log file. - CDISMManager::CreateLocalImageSession(hr:0x80070002)',
      },
    );
  });

  test('a CSI (F) record with a `[0x01803e]` message id in the level column keeps its component and flag', () => {
    assert.deepEqual(parseHeadLine(MESSAGE_ID_LINE), {
      time: '2023-06-14 10:21:05',
      level: 'Error',
      component: 'CSI',
      message:
        'Failed execution of queue item Installer: HTTP Installer ({1b6c4a0e-3f0e-4d4b-9a5b-2e0c7d8f9a10}) with HRESULT HRESULT_FROM_WIN32(1058).  Failure will not be ignored: A rollback will be initiated after all the operations in the installer queue are completed; installer is reliable[gle=0x80004005]',
      csi: { seq: '00000e64', flag: 'F' },
    });
  });

  test('null for text that is not a log line', () => {
    assert.equal(parseHeadLine('not a log line'), null);
    assert.equal(parseHeadLine(' Expected: {l:32 ml:33 b:a9b5}.'), null);
    assert.equal(parseHeadLine('2023-05-17 08:44:09, Info'), null);
  });
});

describe('CbsLineParser', () => {
  test('joins continuation lines to their entry with 1-based physical line numbers (cbs01 4403-4412)', () => {
    const { entries, stats } = parse(CBS01_4403, { firstLine: 4403 });
    assert.deepEqual(spans(entries), [
      [4403, 4403],
      [4405, 4407],
      [4408, 4409],
      [4411, 4411],
      [4412, 4412],
    ]);

    const hashes = entryAt(entries, 4405);
    assert.equal(hashes.component, 'CSI');
    assert.equal(hashes.time, '2023-05-17 08:44:12');
    assert.deepEqual(csiHead(hashes.csi), { seq: '00000007' });
    assert.equal(
      hashes.message,
      "Hashes for file member [l:44]'FaceRecognitionEngineAdapterResources_v4.dll' do not match.\n" +
        ' Expected: {l:32 ml:33 b:a9b55797968df4e138e3b8ab5a0759889ffa7684de67f8449334360473862f17}.\n' +
        ' Actual: {l:32 b:25ca333a020fddc4543e54190d1d2091d649b4e4801355b8be8f045b0ff4bbcf}.',
    );
    assert.equal(hashes.lines.length, 3);
    assert.equal(
      hashes.lines[2],
      ' Actual: {l:32 b:25ca333a020fddc4543e54190d1d2091d649b4e4801355b8be8f045b0ff4bbcf}.',
    );
    assert.deepEqual(hashes.codes, []);

    const fatal = entryAt(entries, 4408);
    assert.equal(fatal.level, 'Error');
    assert.deepEqual(csiHead(fatal.csi), { seq: '00000008', utc: '2023-05-17T15:44:12.956Z', flag: 'F' });
    assert.ok(
      fatal.message.startsWith('onecore\\base\\wcp\\rtllib\\win32lib\\delta_library.cpp(351): Error'),
    );
    assert.ok(fatal.message.endsWith('&UncompressedOutput)\n[gle=0x80004005]'));
    assert.equal(fatal.lines[1], '[gle=0x80004005]');
    assert.deepEqual(fatal.codes, ['0xc007000d']);

    assert.deepEqual(entryAt(entries, 4411).codes, ['0x80070002']);
    assert.equal(entries[0]!.message, 'Starting corruption detection (InnerFlags=2)');

    assert.equal(stats.entries, 5);
    assert.equal(stats.timestamped, 7);
    assert.equal(stats.first, '2023-05-17 08:44:09');
    assert.equal(stats.last, '2023-05-17 08:44:12');
    assert.equal(stats.utcOffsetMinutes, -420);
    assert.equal(stats.parseErrors, 0);
  });

  test('gives the same entries whatever the chunk size', () => {
    const whole = parse(CBS01_4403, { firstLine: 4403 });
    for (const chunkBytes of [1, 7, 64]) {
      assert.deepEqual(parse(CBS01_4403, { firstLine: 4403, chunkBytes }), whole, `chunkBytes ${chunkBytes}`);
    }
  });

  test('joins the continuation of a CSI (F) record in a support thread (seed 000)', () => {
    const { entries } = parse(crlf(SEED_000), { firstLine: 35 });
    assert.deepEqual(spans(entries), [
      [36, 36],
      [37, 37],
      [38, 39],
      [40, 40],
      [41, 41],
      [42, 42],
      [43, 43],
      [44, 44],
      [45, 45],
      [48, 48],
      [49, 49],
      [50, 50],
      [51, 51],
    ]);
    const store = entryAt(entries, 38);
    assert.deepEqual(csiHead(store.csi), { seq: '00003e9a', utc: '2023-01-05T09:16:16.158Z', flag: 'F' });
    assert.match(
      store.message,
      /expression: 0\n {2}FileHashMismatch on resource '\\winsxs\\manifests\\amd64_e7ef/,
    );
    assert.deepEqual(entryAt(entries, 40).codes, ['0x80073712']);
    assert.deepEqual(entryAt(entries, 36).codes, []);
    assert.deepEqual(entryAt(entries, 50).codes, ['0x80073712']);
  });

  test('gathers a DISM report with timestamped lines into one entry (cbs01 8985-9015)', () => {
    const { entries } = parse(crlf(REPORT_TS), { firstLine: 8982 });
    assert.deepEqual(spans(entries), [
      [8982, 8982],
      [8985, 9015],
      [9017, 9017],
    ]);
    const report = entryAt(entries, 8985);
    const msg = report.message.split('\n');
    assert.equal(report.lines.length, 31);
    assert.equal(msg.length, report.lines.length, 'one message line per physical line');
    assert.equal(msg[0], 'Checking System Update Readiness.');
    assert.equal(msg[1], '');
    assert.equal(
      msg.filter((l) => l.startsWith('(p)\tCSI Payload Corrupt\t')).length,
      8,
      'all eight corrupt payloads',
    );
    // Message line i is physical line 8985 + i: the dnsapi.dll item is line 8990.
    assert.equal(
      msg[5],
      '(p)\tCSI Payload Corrupt\t(b)\t\t\tamd64_microsoft-windows-dns-client-minwin_31bf3856ad364e35_10.0.22621.1485_none_757900759eb5b9e6\\dnsapi.dll',
    );
    assert.equal(report.lines[5], REPORT_TS[8]);
    assert.ok(msg.includes('Operation result: 0x0'));
    assert.ok(msg.includes('Total Detected Corruption:\t8'));
    assert.equal(msg.at(-1), 'Total Operation Time: 71 seconds.');
    assert.equal(report.time, '2023-05-17 08:56:21');
    assert.equal(report.component, 'CBS');
  });

  test('gathers an un-timestamped report into one entry (timestamp on the Checking line)', () => {
    const text = crlf([
      '2021-06-01 10:00:00, Info                  CBS    Checking System Update Readiness.',
      '',
      '(p)\tCSI Payload Corrupt\t\t\t(n)\t\tamd64_microsoft-windows-a..modernappmanagement_31bf3856ad364e35_10.0.19041.3636_none_23b3b3ece690d77b\\EnterpriseModernAppMgmtCSP.dll',
      'Repair failed: Missing replacement payload.',
      '',
      'Summary:',
      'Operation: Detect and Repair ',
      'Operation result: 0x800f081f',
      'Total Detected Corruption:\t1',
      'Total Operation Time: 39 seconds.',
      '2021-06-01 10:00:00, Info                  CBS    CheckSur: hrStatus: 0x800f081f [CBS_E_SOURCE_MISSING], download results: <none>',
    ]);
    const { entries } = parse(text);
    assert.deepEqual(spans(entries), [
      [1, 10],
      [11, 11],
    ]);
    const report = entries[0]!;
    const msg = report.message.split('\n');
    assert.equal(msg.length, report.lines.length);
    assert.equal(msg[0], 'Checking System Update Readiness.');
    assert.equal(msg[3], 'Repair failed: Missing replacement payload.');
    assert.equal(msg[7], 'Operation result: 0x800f081f');
    assert.deepEqual(report.codes, ['0x800f081f']);
  });

  test('gathers a report laid out as Windows 8.1 / Server 2012 R2-2016 write it into one entry', () => {
    // The timestamped line carries an empty message; the banner and the whole report follow without
    // timestamps (layout of a Server 2016 CBS.log quoted on GitHub, tabs restored).
    const text = crlf([
      '2025-11-19 15:59:25, Info                  CBS    Repr: CSI Store check completes',
      '2025-11-19 15:59:25, Info                  CBS    ',
      '=================================',
      'Checking System Update Readiness.',
      '(p)\tCSI Payload Corrupt\t\t\twow64_windowssearchengine_31bf3856ad364e35_7.0.14393.206_none_b351c84b3e083664\\mssphtb.dll',
      'Repair failed: Missing replacement payload.',
      '(p)\tCSI Payload Corrupt\t\t\tx86_microsoft-windows-advapi32_31bf3856ad364e35_10.0.14393.0_none_b49e21a1e4d6ebe1\\advapi32.dll',
      'Repair failed: Missing replacement payload.',
      'Summary:',
      'Operation: Detect and Repair',
      'Operation result: 0x800f0906',
      'Last Successful Step: Entire operation completes.',
      'Total Detected Corruption:\t2',
      '\tCSI Payload Corruption:\t2',
      'Total Repaired Corruption:\t0',
      'Total Operation Time: 471 seconds.',
      '2025-11-19 15:59:25, Info                  CBS    CheckSur: hrStatus: 0x800f0906 [CBS_E_DOWNLOAD_FAILURE], download Result: 0x80240438 [Unknown Error]',
      '2025-11-19 15:59:25, Info                  CBS    Failed to run Detect and repair. [HRESULT = 0x800f0906 - CBS_E_DOWNLOAD_FAILURE]',
    ]);
    const { entries } = parse(text);
    const reports = entries.filter((e) => e.message.includes('Checking System Update Readiness.'));
    assert.equal(reports.length, 1, 'the report is emitted once');
    const report = reports[0]!;
    assert.deepEqual([report.line, report.endLine], [2, 16]);
    assert.equal(report.time, '2025-11-19 15:59:25');
    const msg = report.message.split('\n');
    assert.equal(msg.length, report.lines.length, 'one message line per physical line');
    assert.equal(msg[2], 'Checking System Update Readiness.');
    assert.equal(msg.filter((l) => l.startsWith('(p)\t')).length, 2);
    assert.ok(msg.includes('Operation result: 0x800f0906'));
    assert.ok(report.codes.includes('0x800f0906'));
    assert.deepEqual(
      entries.filter((e) => e.line > 16).map((e) => e.line),
      [17, 18],
    );
  });

  test('never emits plain Info lines the byte prefilter skips (`Appl:`, CSI chatter)', () => {
    const { entries, stats } = parse(
      crlf([
        '2023-05-17 08:25:12, Info                  CSI    00000004@2023/5/17:15:25:12.671 CSI Transaction @0x145906519d0 destroyed',
        '2023-05-17 08:25:12, Info                  CBS    Appl: DetectUpdate, Package: Microsoft-Windows-NetFx4-WCF-US-OC-Package~31bf3856ad364e35~amd64~~10.0.22621.1, Remote Parent: NetFx4-AdvSrvs, Intended State: Installed',
        '2023-05-17 08:25:12, Info                  CBS    Appl: Package: Microsoft-Windows-NetFx4-WCF-US-OC-Package~31bf3856ad364e35~amd64~~10.0.22621.1, Update: WCF-Services45, Applicable: Applicable, Disposition: Installed',
        '2023-05-17 08:25:12, Info                  CBS    Appl: DetectUpdate, Package: Microsoft-Windows-IIS-WebServer-Package~31bf3856ad364e35~amd64~~10.0.22621.608, Local Parent: IIS-WebServerRole, Intended State: Staged',
        '2023-05-17 08:44:12, Info                  CBS    Added C:\\Windows\\Logs\\CBS\\CBS.log to WER report.',
        '2025-04-26 05:21:55, Info                         arbiter: Determining media feature name',
      ]),
      { firstLine: 21 },
    );
    assert.deepEqual(entries, []);
    assert.equal(stats.entries, 0);
    assert.equal(stats.timestamped, 6);
  });

  test('emits Info lines that carry HRESULT or STATUS_ anywhere (cbs19 shim lines)', () => {
    const { entries } = parse(
      crlf([
        '2019-06-05 13:04:19, Info                  DISM   DISM Provider Store: PID=1664 TID=1628 Encountered a servicing provider, performing additional servicing initializations. - CDISMProviderStore::Internal_LoadProvider',
        "2019-06-05 13:04:19, Info                  CSI    00000001 Shim considered [l:125]'\\??\\F:\\Windows\\Servicing\\amd64_microsoft-windows-servicingstack_31bf3856ad364e35_10.0.17763.164_none_7e114a3d4d0589d4\\wcp.dll' : got STATUS_OBJECT_PATH_NOT_FOUND",
        "2019-06-05 13:04:19, Info                  CSI    00000002 Shim considered [l:122]'\\??\\F:\\Windows\\WinSxS\\amd64_microsoft-windows-servicingstack_31bf3856ad364e35_10.0.17763.164_none_7e114a3d4d0589d4\\wcp.dll' : got STATUS_SUCCESS",
        '2023-05-17 08:44:12, Info                  CBS    Not able to add current session file to Windows Error Report. [HRESULT = 0x80070002 - ERROR_FILE_NOT_FOUND]',
      ]),
      { firstLine: 77 },
    );
    assert.deepEqual(
      entries.map((e) => [e.line, e.component, e.codes]),
      [
        [78, 'CSI', ['0xc000003a']],
        [79, 'CSI', ['0x00000000']],
        [80, 'CBS', ['0x80070002']],
      ],
    );
  });

  test('an arbiter line with an empty component column is emitted with component ""', () => {
    const { entries } = parse(
      crlf([
        '2025-04-26 05:21:55, Info                         arbiter: Verifying and loading CompDBs from: \\\\?\\C:\\WINDOWS\\CbsTemp\\31176357_3426866369\\LocalFoDEnum\\ [HRESULT = 0x80070002 - ERROR_FILE_NOT_FOUND]',
      ]),
    );
    assert.equal(entries.length, 1);
    assert.equal(entries[0]!.component, '');
    assert.ok(entries[0]!.message.startsWith('arbiter: Verifying and loading CompDBs'));
    assert.deepEqual(entries[0]!.codes, ['0x80070002']);
  });

  test('does not glue a continuation to an entry when a skipped line came in between', () => {
    const { entries } = parse(
      crlf([
        '2023-05-17 08:44:12, Info                  CBS    Not able to add pending.xml to Windows Error Report. [HRESULT = 0x80070002 - ERROR_FILE_NOT_FOUND]',
        '2023-05-17 08:25:12, Info                  CBS    Appl: Package: Microsoft-Windows-NetFx4-WCF-US-OC-Package~31bf3856ad364e35~amd64~~10.0.22621.1, Update: WCF-Services45, Applicable: Applicable, Disposition: Installed',
        '  a continuation of the skipped line',
      ]),
    );
    assert.deepEqual(spans(entries), [[1, 1]]);
    assert.ok(!entries[0]!.message.includes('continuation'));
  });

  test('keeps a skipped head when its continuation line carries a code, whatever the chunk size', () => {
    const text = crlf([
      '2023-05-17 08:44:12, Info                  CSI    00000010 Begin transaction commit',
      '  commit rejected [HRESULT = 0x80070005 - E_ACCESSDENIED]',
      '2023-05-17 08:44:13, Info                  CBS    Exec: Processing started.',
    ]);
    for (const chunkBytes of [undefined, 7, 64, 100]) {
      const { entries } = parse(text, { chunkBytes });
      assert.deepEqual(
        entries.map((e) => [e.line, e.endLine, e.codes]),
        [
          [1, 2, ['0x80070005']],
          [3, 3, []],
        ],
        `chunkBytes ${chunkBytes}`,
      );
    }
  });

  test('a Server 2019 CSI (F) record with a message id in the level column is a CSI (F) entry', () => {
    const { entries } = parse(crlf([MESSAGE_ID_LINE]));
    assert.equal(entries.length, 1);
    assert.equal(entries[0]!.level, 'Error');
    assert.deepEqual(entries[0]!.codes, ['0x80070422']);
    assert.equal(entries[0]!.component, 'CSI');
    assert.deepEqual(csiHead(entries[0]!.csi), { seq: '00000e64', flag: 'F' });
  });

  test('reads findstr output: the path prefix is kept in the raw line only (sfc01 2715-2718)', () => {
    const { entries } = parse(
      crlf([
        '                   . . . . . ',
        'C:\\Windows\\Logs\\CBS\\CbsPersist_20230523160236.log:2023-05-23 01:17:29, Info                  CSI    00000006 [SR] Verifying 1 components',
        'C:\\Windows\\Logs\\CBS\\CbsPersist_20230523160236.log:2023-05-23 01:17:29, Info                  CSI    00000007 [SR] Beginning Verify and Repair transaction',
        'C:\\Windows\\Logs\\CBS\\CbsPersist_20230523160236.log:2023-05-23 01:17:29, Info                  CSI    00000008 [SR] Verify complete',
      ]),
      { firstLine: 2715 },
    );
    assert.deepEqual(
      entries.map((e) => [e.line, e.time, e.component, e.csi?.seq, e.message]),
      [
        [2716, '2023-05-23 01:17:29', 'CSI', '00000006', '[SR] Verifying 1 components'],
        [2717, '2023-05-23 01:17:29', 'CSI', '00000007', '[SR] Beginning Verify and Repair transaction'],
        [2718, '2023-05-23 01:17:29', 'CSI', '00000008', '[SR] Verify complete'],
      ],
    );
    assert.ok(
      entries[0]!.lines[0]!.startsWith('C:\\Windows\\Logs\\CBS\\CbsPersist_20230523160236.log:2023-'),
    );
  });

  describe('the machine UTC offset from CSI @ stamps', () => {
    test('cbs01 (UTC-7): 08:44 local is 15:44 UTC', () => {
      const { stats } = parse(CBS01_4403, { firstLine: 4403 });
      assert.equal(stats.utcOffsetMinutes, -420);
    });

    test('a Chinese machine (UTC+8): 17:16 local is 09:16 UTC (seed 000)', () => {
      const { stats } = parse(crlf(SEED_000), { firstLine: 35 });
      assert.equal(stats.utcOffsetMinutes, 480);
    });

    test('rounds to the quarter hour (UTC+5:30) and crosses midnight (UTC-8)', () => {
      const india = parse(
        crlf([
          '2023-05-17 21:14:12, Error                 CSI    00000008@2023/5/17:15:44:12.956 (F) Hydration failed with error NTSTATUS_FROM_WIN32(ERROR_INVALID_DATA)',
        ]),
      );
      assert.equal(india.stats.utcOffsetMinutes, 330);
      const pacific = parse(
        crlf([
          '2025-01-09 16:34:25, Error                 CSI    00000002@2025/1/10:00:34:25.026 (F) Hydration failed with error NTSTATUS_FROM_WIN32(ERROR_INVALID_DATA)',
        ]),
      );
      assert.equal(pacific.stats.utcOffsetMinutes, -480);
    });

    test('is null without any @ stamp', () => {
      const { stats } = parse(crlf(REPORT_TS));
      assert.equal(stats.utcOffsetMinutes, null);
    });

    test('comes from a stamp on a line the prefilter skips, too', () => {
      const { stats, entries } = parse(
        crlf([
          '2023-05-17 08:25:12, Info                  CSI    00000004@2023/5/17:15:25:12.671 CSI Transaction @0x145906519d0 destroyed',
          '2023-05-17 08:25:12, Info                  CBS    Failed to initialize onesettings. [HRESULT = 0x80070002 - ERROR_FILE_NOT_FOUND]',
        ]),
      );
      assert.equal(entries.length, 1);
      assert.equal(stats.utcOffsetMinutes, -420);
    });
  });

  test('a UTF-8 BOM on line 1 does not hide the first entry', () => {
    const data = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from(
        crlf([
          '2023-05-17 08:24:08, Info                  CBS    Starting TiWorker initialization.',
          '2023-05-17 08:24:08, Info                  CBS    Lock: New lock added: TiWorkerClassFactory, level: 30, total lock:2',
          '2023-05-17 08:24:08, Info                  CBS    Ending TiWorker initialization.',
        ]),
        'latin1',
      ),
    ]);
    for (const chunkBytes of [undefined, 1, 7]) {
      const { entries, stats } = parse(data, { chunkBytes });
      assert.deepEqual(spans(entries), [[1, 1]]);
      assert.equal(stats.timestamped, 3);
      assert.equal(entries[0]!.time, '2023-05-17 08:24:08');
      assert.equal(entries[0]!.message, 'Starting TiWorker initialization.');
      assert.equal(
        entries[0]!.lines[0],
        '2023-05-17 08:24:08, Info                  CBS    Starting TiWorker initialization.',
      );
      assert.equal(stats.first, '2023-05-17 08:24:08');
    }
  });

  test('decodes a GBK path of a Chinese machine in an 8-bit log', () => {
    // 用 D3C3, 户 BBA7, 更 B8FC, 新 D0C2, written down from the code page.
    const gbkPath = Buffer.from([0x43, 0x3a, 0x5c, 0xd3, 0xc3, 0xbb, 0xa7, 0x5c, 0xb8, 0xfc, 0xd0, 0xc2]);
    const data = Buffer.concat([
      Buffer.from('2023-01-05 16:20:07, Info                  CBS    Failed to read from file: ', 'latin1'),
      gbkPath,
      Buffer.from('.log [HRESULT = 0x8007025d - ERROR_BAD_COMPRESSION_BUFFER]\r\n', 'latin1'),
    ]);
    const { entries } = parse(data);
    assert.equal(entries.length, 1);
    assert.equal(
      entries[0]!.message,
      'Failed to read from file: C:\\用户\\更新.log [HRESULT = 0x8007025d - ERROR_BAD_COMPRESSION_BUFFER]',
    );
    assert.deepEqual(entries[0]!.codes, ['0x8007025d']);
  });
});

describe('CbsLineParser over whole corpus logs', () => {
  test('cbs01: line count, time range, UTC offset, and the decisive entries', () => {
    const data = corpus('cbs01-appostarsi-w11', 'CBS.log');
    const { entries, stats, read } = parse(data);
    assert.equal(read.lines, 13770);
    assert.equal(read.fileEncoding, 'utf8-bom');
    assert.equal(stats.first, '2023-05-17 08:24:08');
    assert.equal(stats.last, '2023-05-17 09:18:59');
    assert.equal(stats.utcOffsetMinutes, -420);
    assert.equal(stats.parseErrors, 0);
    assert.equal(stats.entries, entries.length);

    assert.equal(entryAt(entries, 1).message, 'Starting TiWorker initialization.');
    assert.deepEqual(spans([entryAt(entries, 4405), entryAt(entries, 4408)]), [
      [4405, 4407],
      [4408, 4409],
    ]);
    assert.deepEqual(entryAt(entries, 4408).codes, ['0xc007000d']);

    const scan1 = entryAt(entries, 8985);
    assert.equal(scan1.endLine, 9015);
    assert.equal(scan1.message.split('\n').filter((l) => l.startsWith('(p)')).length, 8);
    const scan2 = entryAt(entries, 12135);
    assert.equal(scan2.endLine, 12166);
    const items2 = scan2.message.split('\n');
    assert.equal(items2.filter((l) => l.startsWith('(p)')).length, 9);
    assert.ok(items2[12137 - 12135]!.startsWith('(p)\tCBS Catalog Corrupt\t(n)'));

    assert.equal(
      entries.filter((e) => e.message.startsWith('Appl:')).length,
      0,
      'no plain Appl: line is emitted',
    );
  });

  test('cbs01 and cbs02: entries in line order, never overlapping, one message line per physical line', () => {
    for (const [dir, file] of [
      ['cbs01-appostarsi-w11', 'CBS.log'],
      ['cbs02-appostarsi-w10-pendingrepair', 'CBS_5_23.log'],
    ] as const) {
      const { entries } = parse(corpus(dir, file));
      assert.ok(entries.length > 500, dir);
      let prevEnd = 0;
      for (const e of entries) {
        assert.ok(e.line > prevEnd, `${dir}: entry at ${e.line} overlaps the one ending at ${prevEnd}`);
        assert.ok(e.endLine >= e.line, `${dir}: entry at ${e.line}`);
        assert.equal(e.lines.length, e.endLine - e.line + 1, `${dir}: entry at ${e.line}`);
        assert.equal(e.message.split('\n').length, e.lines.length, `${dir}: entry at ${e.line}`);
        prevEnd = e.endLine;
      }
    }
  });

  test('cbs01: the same entries whatever the chunk size', () => {
    const data = corpus('cbs01-appostarsi-w11', 'CBS.log');
    const whole = parse(data);
    for (const chunkBytes of [4093, 7]) {
      const got = parse(data, { chunkBytes });
      assert.equal(got.entries.length, whole.entries.length, `chunkBytes ${chunkBytes}`);
      assert.deepEqual(got.entries, whole.entries, `chunkBytes ${chunkBytes}`);
      assert.deepEqual(got.stats, whole.stats, `chunkBytes ${chunkBytes}`);
    }
  });

  test('healthy logs give the machine UTC offset too (their stamps are on skipped lines)', () => {
    const cases: [string, string, number][] = [
      ['cbs05-howard-healthy', 'CBS.log', 480], // 2022-06-19 00:31:54 local, 2022/6/18:16:31:54 UTC
      ['cbs03-appostarsi-w10-healthy', 'CBS Win 10.log', -360], // 13:15:37 local, 19:15:37 UTC
      ['cbs16-jessestew-w11-22h2-healthy', 'CBS.log', -480], // 2025-01-09 16:34 local, 2025/1/10:00:34 UTC
    ];
    for (const [dir, file, offset] of cases) {
      assert.equal(parse(corpus(dir, file)).stats.utcOffsetMinutes, offset, dir);
    }
  });
});

describe('detectCbs', () => {
  const cbsLines = [
    '2023-05-17 08:24:08, Info                  CBS    Starting TiWorker initialization.',
    '2023-05-17 08:24:08, Info                  CBS    Lock: New lock added: TiWorkerClassFactory, level: 30, total lock:2',
    '2023-05-17 08:44:09, Info                  CSI    00000006@2023/5/17:15:44:09.081 Starting corruption detection (InnerFlags=2)',
  ];

  test('scores CBS lines 1, blank lines aside, with or without a BOM on line 1', () => {
    assert.equal(detectCbs(cbsLines), 1);
    assert.equal(detectCbs(['\uFEFF' + cbsLines[0], ...cbsLines.slice(1), '', '   ']), 1);
    assert.equal(detectCbs(['\uFEFF' + cbsLines[0]]), 1);
  });

  test('scores dism.log lines of the DISM component 0', () => {
    assert.equal(
      detectCbs([
        "2023-05-17 08:32:31, Info                  DISM   PID=7092 TID=5908 Scratch directory set to 'C:\\Windows\\TEMP\\'. - CDISMManager::put_ScratchDir",
        '2023-05-17 08:32:31, Info                  DISM   PID=7092 TID=5908 DismCore.dll version: 10.0.22621.1 - CDISMManager::FinalConstruct',
        '2023-05-17 08:32:31, Info                  DISM   Initialized Panther logging at C:\\Windows\\Logs\\DISM\\dism.log',
      ]),
      0,
    );
  });

  test('scores setupact.log lines and prose 0', () => {
    assert.equal(
      detectCbs([
        '2024-03-28 11:52:20, Info                  MOUPG  *************** SetupHost Logging Begin ***************',
        '2024-03-28 11:52:20, Info                  MOUPG  SetupHost::Initialize',
        "2024-03-28 11:52:20, Info                  CONX   pGetHostCSDBuildNumber: 'HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\CSDBuildNumber' does not exist. Assume 0",
      ]),
      0,
    );
    assert.equal(
      detectCbs([
        '许先生，您好：',
        '已查看您上传的用户日志，该更新问题包含两个报错：',
        'The CBS log shows 0x80073712 on 2023-01-05; please reinstall KB5020685.',
      ]),
      0,
    );
    assert.equal(detectCbs([]), 0);
  });

  describe('on the heads of real files', () => {
    /** The first 64 KB as analyze reads them, decoded as UTF-8 so that a BOM stays on line 1. */
    const head = (dir: string, file: string): string[] =>
      corpus(dir, file)
        .subarray(0, 64 * 1024)
        .toString('utf8')
        .split(/\r?\n/)
        .slice(0, 2000);

    test('scores CBS logs high (also cbs13, whose head is mostly empty-component lines)', () => {
      for (const [dir, file] of [
        ['cbs01-appostarsi-w11', 'CBS.log'],
        ['cbs02-appostarsi-w10-pendingrepair', 'CBS_5_23.log'],
        ['cbs13-eyeofparadox-w11-oobe-ok', 'CBS.log'],
      ] as const) {
        const score = detectCbs(head(dir, file));
        assert.ok(score > 0.9, `${dir}: ${score}`);
      }
    });

    test('still recognises a Panther cbs.log that mixes DISM and CBS lines (cbs19)', () => {
      const score = detectCbs(head('cbs19-michampr-upgrade-isserviceable', 'cbs.log'));
      assert.ok(score > 0.2, `${score}`);
    });

    test('scores dism.log heads low (DISM lines with a few CSI shim lines)', () => {
      for (const [dir, file] of [
        ['dism01-appostarsi-w10-esd-source', 'dism win 10.log'],
        ['dism02-appostarsi-w11-wim-source', 'dism.log'],
      ] as const) {
        const score = detectCbs(head(dir, file));
        assert.ok(score < 0.2, `${dir}: ${score}`);
      }
    });

    test('scores setupact.log and the corpus index 0', () => {
      assert.equal(detectCbs(head('setup03-copyleft21-w11-mct-user-cancel', 'setupact.log')), 0);
      assert.equal(detectCbs(head('.', 'INDEX.md')), 0);
    });
  });
});
