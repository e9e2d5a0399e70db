// The collector ↔ analyzer contract: a bundle built in exactly the declared layout (every entry, with real
// corpus logs where the corpus has them and the collector's own notes as its script writes them) is read
// file by file by the format the layout names, nothing the layout says is read is skipped, and the facts
// of the collector's notes reach the diagnosis. A file that breaks the contract is reported.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { zipSync } from 'fflate';

import { analyzeBuffer, analyzePath } from '../analyze/analyze.js';
import { sniffFormat, FORMATS } from '../formats/index.js';
import { packageRoot } from '../knowledge/paths.js';
import type { Diagnosis } from '../model/types.js';
import { collectorScript } from '../remedy/collector.js';
import { COLLECTOR_LAYOUT, expectedRead, layoutEntry, layoutProblems } from './layout.js';

const root = packageRoot();
const corpus = (p: string): Buffer => readFileSync(join(root, '..', 'shared', 'corpus', p));
const crlf = (lines: string[]): string => lines.join('\r\n');

/** The manifest as the collector's ConvertTo-Json writes it (two spaces after each colon, CRLF). */
const MANIFEST = crlf([
  '{',
  '    "schema":  "patchdx.collect/1",',
  '    "collector":  "patchdx collector 0.1.0",',
  '    "startedUtc":  "2023-01-09T02:10:05.1234567Z",',
  '    "finishedUtc":  "2023-01-09T02:14:41.7654321Z",',
  '    "timeZone":  "China Standard Time",',
  '    "utcOffsetMinutes":  480,',
  '    "computer":  "PC-0042",',
  '    "os":  {',
  '               "version":  "10.0.17763.0",',
  '               "build":  17763,',
  '               "ubr":  3650,',
  '               "productName":  "Windows 10 Enterprise LTSC 2019",',
  '               "displayVersion":  "1809",',
  '               "editionId":  "EnterpriseS",',
  '               "installationType":  "Client"',
  '           },',
  '    "pending":  {',
  '                    "pendingXml":  true,',
  '                    "rebootPending":  true,',
  '                    "rebootRequired":  false,',
  '                    "pendingFileRenames":  true',
  '                },',
  '    "items":  [',
  '                  {',
  '                      "item":  "Commands/os-build.txt",',
  '                      "status":  "ok",',
  '                      "detail":  "17763.3650"',
  '                  },',
  '                  {',
  '                      "item":  "EventLogs/Application.evtx",',
  '                      "status":  "error",',
  '                      "detail":  "wevtutil epl Application wrote nothing (exit code 5)"',
  '                  },',
  '                  {',
  '                      "item":  "Panther/Rollback/",',
  '                      "status":  "ok",',
  '                      "detail":  "1 file(s) from C:\\\\$WINDOWS.~BT\\\\Sources\\\\Rollback"',
  '                  }',
  '              ],',
  '    "errors":  [',
  '                   "EventLogs/Application.evtx: wevtutil epl Application wrote nothing (exit code 5)"',
  '               ],',
  '    "files":  [',
  '              ]',
  '}',
]);

/**
 * One file for every layout entry (folders get the files a machine has there). Real logs from the corpus;
 * the collector's own notes exactly as its script writes them; DISM's table and CheckHealth output and the
 * CurrentVersion export constructed in the shapes those tools print.
 */
function bundleFiles(): Record<string, Buffer> {
  const text = (s: string): Buffer => Buffer.from(s, 'utf8');
  const utf16 = (s: string): Buffer => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s, 'utf16le')]);
  return {
    'manifest.json': text(MANIFEST),
    'DISM/dism.log': corpus('dism01-appostarsi-w10-esd-source/dism win 10.log'),
    'CBS/CBS.log': readFileSync(join(root, 'examples', 'CBS.log')),
    'CBS/CbsPersist_20230104101010.log': corpus('cbs05-howard-healthy/CBS.log'),
    'Panther/Sources/setupact.log': corpus('setup03-copyleft21-w11-mct-user-cancel/setupact.log'),
    'Panther/Sources/setuperr.log': corpus('setup03-copyleft21-w11-mct-user-cancel/setuperr.log'),
    // Constructed: Panther's diagerr.xml is kept for people; patchdx does not read it.
    'Panther/Sources/diagerr.xml': text(
      '<?xml version="1.0" encoding="utf-8"?>\r\n<Diagnostics><Phase Name="Downlevel"/></Diagnostics>\r\n',
    ),
    'Panther/Rollback/setupact.log': corpus('setup01-appostarsi-upgrade-80070570/setupact_rollback.log'),
    'Panther/Windows/setupact.log': corpus('setup05-bitbtrust-clean-install-ok/setupact.log'),
    'Panther/Windows/setuperr.log': corpus('setup05-bitbtrust-clean-install-ok/setuperr.log'),
    'WindowsUpdate/WindowsUpdate.log': corpus('wu02-reeceketley-kb5034441-80070643/WindowsUpdate.log'),
    'WindowsUpdate/ReportingEvents.log': corpus(
      're01-dcheva-reportingevents-detect-80072ee2/ReportingEvents.log',
    ),
    'EventLogs/Setup.evtx': corpus('evtx03-fukusuket-w11-22000-healthy-set/Setup.evtx'),
    'EventLogs/System.evtx': corpus('evtx01-omerbenamram-w10-1703-kb4025342-80248007/system.evtx'),
    'EventLogs/Application.evtx': corpus('evtx06-anotherc0ne-ws2022-dc-msi-1603/Application.evtx'),
    'EventLogs/WindowsUpdateClient-Operational.evtx': corpus(
      'evtx03-fukusuket-w11-22000-healthy-set/Microsoft-Windows-WindowsUpdateClient%4Operational.evtx',
    ),
    'Commands/systeminfo.txt': text(
      crlf([
        '',
        'Host Name:                 PC-0042',
        'OS Name:                   Microsoft Windows 10 Enterprise LTSC 2019',
        'OS Version:                10.0.17763 N/A Build 17763',
        'Hotfix(s):                 3 Hotfix(s) Installed.',
        '                           [01]: KB4486153',
        '                           [02]: KB5020374',
        '                           [03]: KB5019966',
        'Network Card(s):           1 NIC(s) Installed.',
        '',
      ]),
    ),
    'Commands/dism-checkhealth.txt': text(
      crlf([
        '',
        'Deployment Image Servicing and Management tool',
        'Version: 10.0.17763.3406',
        '',
        'Image Version: 10.0.17763.3650',
        '',
        'The component store is repairable.',
        'The operation completed successfully.',
        '',
      ]),
    ),
    'Commands/dism-get-packages.txt': text(
      crlf([
        '',
        'Deployment Image Servicing and Management tool',
        'Version: 10.0.17763.3406',
        '',
        'Image Version: 10.0.17763.3650',
        '',
        'Packages listing:',
        '',
        `${'-'.repeat(72)} | ${'-'.repeat(15)} | ${'-'.repeat(15)} | ${'-'.repeat(19)}`,
        `${'Package Identity'.padEnd(72)} | ${'State'.padEnd(15)} | ${'Release Type'.padEnd(15)} | Install Time`,
        `${'-'.repeat(72)} | ${'-'.repeat(15)} | ${'-'.repeat(15)} | ${'-'.repeat(19)}`,
        `${'Package_for_RollupFix~31bf3856ad364e35~amd64~~17763.3650.1.8'.padEnd(72)} | ${'Installed'.padEnd(15)} | ${'Security Update'.padEnd(15)} | 11/9/2022 2:41 AM`,
        `${'Package_for_ServicingStack_3640~31bf3856ad364e35~amd64~~17763.3640.1.1'.padEnd(72)} | ${'Installed'.padEnd(15)} | ${'Security Update'.padEnd(15)} | 11/9/2022 2:30 AM`,
        '',
        'The operation completed successfully.',
        '',
      ]),
    ),
    'Commands/pending.txt': text(
      crlf([
        'pending.xml: present, 48211 bytes, last written 2023-01-05 17:20:02',
        'CBS RebootPending key: True',
        'Windows Update RebootRequired key: False',
        'PendingFileRenameOperations: True',
        '',
      ]),
    ),
    'Commands/disk-space.txt': text(
      crlf([
        '',
        'DriveLetter FileSystemLabel FileSystem DriveType HealthStatus SizeRemaining         Size',
        '----------- --------------- ---------- --------- ------------ -------------         ----',
        '          C                 NTFS       Fixed     Healthy         3221225472 255369777152',
        '                            NTFS       Fixed     Healthy          104857600    554696704',
        '',
        '',
        '',
        'DeviceID VolumeName FileSystem  FreeSpace         Size',
        '-------- ---------- ----------  ---------         ----',
        'C:                  NTFS       3221225472 255369777152',
        '',
      ]),
    ),
    'Commands/os-build.txt': text(
      crlf([
        'OS version: 10.0.17763.0',
        'OS build: 17763.3650',
        'UBR: 3650',
        'Product: Windows 10 Enterprise LTSC 2019',
        'Version: 1809',
        'Edition: EnterpriseS',
        'Installation type: Client',
        '',
      ]),
    ),
    'Registry/WindowsUpdate-policy.reg': readFileSync(join(root, 'fixtures', 'outputs', 'wu-policy.reg')),
    'Registry/CurrentVersion.reg': utf16(
      crlf([
        'Windows Registry Editor Version 5.00',
        '',
        '[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion]',
        '"SystemRoot"="C:\\\\Windows"',
        '"BuildBranch"="rs5_release"',
        '"CurrentBuild"="17763"',
        '"CurrentBuildNumber"="17763"',
        '"CurrentVersion"="6.3"',
        '"DisplayVersion"="1809"',
        '"EditionID"="EnterpriseS"',
        '"ProductName"="Windows 10 Enterprise LTSC 2019"',
        '"ReleaseId"="1809"',
        '"UBR"=dword:00000e42',
        '',
      ]),
    ),
  };
}

test('every entry of the layout is read by a format that exists, and the bundle fixture covers every entry', () => {
  const ids = new Set(FORMATS.map((f) => f.id));
  const files = Object.keys(bundleFiles());
  for (const e of COLLECTOR_LAYOUT) {
    for (const r of e.reads) if (r.format) assert.ok(ids.has(r.format), `${e.path}: no format ${r.format}`);
    assert.ok(
      files.some((f) => (e.path.endsWith('/') ? f.startsWith(e.path) : f === e.path)),
      `the bundle has no file for ${e.path}`,
    );
  }
  for (const f of files) assert.ok(expectedRead(f), `${f} is not in the layout`);
});

test('each file of a layout bundle is sniffed as the format the layout names', () => {
  for (const [rel, bytes] of Object.entries(bundleFiles())) {
    const want = expectedRead(rel)!;
    const got = sniffFormat(bytes.subarray(0, 65536), bytes.length);
    assert.equal(got.format?.id ?? null, want.format, `${rel}`);
  }
});

/** The bundle's facts and its contract, as a folder and as the collector's zip. */
function checkBundle(d: Diagnosis, prefix: string): void {
  const files = bundleFiles();
  const read = new Set(d.sources.map((s) => s.file.replace(/\\/g, '/')));
  for (const rel of Object.keys(files)) {
    const want = expectedRead(rel)!;
    const name = prefix + rel;
    const said = d.diagnostics.filter((x) => x.file.replace(/\\/g, '/') === name).map((x) => x.message);
    if (want.format) {
      assert.ok(read.has(name), `${name} was not read (${said.join('; ')})`);
      assert.ok(!said.some((m) => /^skipped/.test(m)), `${name}: ${said.join('; ')}`);
    } else {
      assert.ok(!read.has(name), `${name} is read, but the layout says no format reads it`);
      assert.ok(
        said.some((m) => /^skipped: not a log or capture/.test(m)),
        `${name} listed as skipped`,
      );
    }
  }
  assert.deepEqual(
    d.diagnostics.filter((x) => /collector layout/.test(x.message)),
    [],
    'no file breaks the layout contract',
  );
  // Who and when: the manifest.
  assert.equal(d.input.computer, 'PC-0042');
  assert.equal(d.input.timeZone, 'China Standard Time');
  assert.equal(d.input.utcOffsetMinutes, 480);
  assert.equal(d.input.collectedAt, '2023-01-09T02:14:41.7654321Z');
  // What the collector could not collect: said, with its reason.
  assert.ok(
    d.diagnostics.some(
      (x) =>
        x.file === `${prefix}manifest.json` &&
        x.level === 'warning' &&
        x.message ===
          'the collector could not collect EventLogs/Application.evtx: wevtutil epl Application wrote nothing (exit code 5)',
    ),
  );
  // The build: the collector's os-build.txt, systeminfo's hotfixes and the package table agree on 17763.3650.
  assert.equal(d.machine.osBuild, '17763.3650');
  // Pending and disk space: findings with the lines that say so.
  const pending = d.findings.find((f) => f.rule === 'collector-reboot-pending');
  assert.ok(pending, 'a pending restart');
  assert.equal(pending.facts.pendingXml, 'true');
  assert.deepEqual(
    pending.evidence.map((e) => [e.file, e.line]),
    [
      [`${prefix}Commands/pending.txt`, 1],
      [`${prefix}Commands/pending.txt`, 2],
      [`${prefix}Commands/pending.txt`, 4],
    ],
  );
  const disk = d.findings.find((f) => f.rule === 'collector-disk-space-low');
  assert.ok(disk, 'little free space');
  assert.match(disk.message.en, /^Only 3\.0 GB of 237\.8 GB is free on C:/);
  assert.deepEqual(
    disk.evidence.map((e) => [e.file, e.line]),
    [[`${prefix}Commands/disk-space.txt`, 11]],
  );
  // The logs tell their stories: the CBS manifest corruption, the KB5034441 failure, the WSUS policy.
  assert.ok(d.findings.some((f) => f.rule === 'cbs-manifest-corrupt'));
  assert.ok(d.findings.some((f) => f.rule === 'wu-install-failed' && f.facts.kb === 'KB5034441'));
  assert.ok(d.sources.some((s) => s.kind === 'setupact' || s.file.endsWith('Panther/Rollback/setupact.log')));
}

test('a bundle laid out exactly as declared, unpacked into a folder: every file read by its format, its facts in the diagnosis', () => {
  const dir = mkdtempSync(join(tmpdir(), 'patchdx-layout-'));
  try {
    for (const [rel, bytes] of Object.entries(bundleFiles())) {
      mkdirSync(dirname(join(dir, rel)), { recursive: true });
      writeFileSync(join(dir, rel), bytes);
    }
    checkBundle(analyzePath(dir), '');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the same bundle as the collector zips it', () => {
  const files = Object.fromEntries(Object.entries(bundleFiles()).map(([k, v]) => [k, new Uint8Array(v)]));
  checkBundle(
    analyzeBuffer('patchdx-collect-PC-0042.zip', Buffer.from(zipSync(files))),
    'patchdx-collect-PC-0042.zip/',
  );
});

test('a file the layout says a format reads but that reads as nothing (or as another format) breaks the contract', () => {
  const files = bundleFiles();
  files['Commands/pending.txt'] = Buffer.from('pending: who knows\r\n');
  files['Commands/os-build.txt'] = files['Commands/systeminfo.txt']!;
  const d = analyzeBuffer(
    'b.zip',
    Buffer.from(zipSync(Object.fromEntries(Object.entries(files).map(([k, v]) => [k, new Uint8Array(v)])))),
  );
  const broken = d.diagnostics.filter((x) => /collector layout/.test(x.message));
  assert.deepEqual(
    broken.map((x) => [x.file, x.level, x.message]),
    [
      [
        'b.zip/Commands/pending.txt',
        'warning',
        'the collector layout says collector-pending reads this file (pending.xml, RebootPending, RebootRequired, PendingFileRenameOperations), but it was not recognised: the collector and the analyzer disagree',
      ],
      [
        'b.zip/Commands/os-build.txt',
        'warning',
        'the collector layout says collector-os-build reads this file (OS version, build and UBR, product name, edition), but it was read as systeminfo: the collector and the analyzer disagree',
      ],
    ],
  );
});

test('layoutProblems: only bundles with a collector manifest are checked; a CbsPersist cabinet member is its log', () => {
  assert.deepEqual(
    layoutProblems([{ name: 'x/Commands/pending.txt', format: null }]),
    [],
    'no manifest: any folder',
  );
  const inputs = [
    { name: 'a.zip/manifest.json', format: 'collector-manifest' },
    { name: 'a.zip/CBS/CbsPersist_20230104101010.cab/CbsPersist_20230104101010.log', format: 'cbs' },
    { name: 'a.zip/CBS/FilterList.log', format: null },
    { name: 'a.zip/Panther/Windows/diagwrn.xml', format: null },
    { name: 'a.zip/DISM/dism.log', format: null },
    { name: 'other/DISM/dism.log', format: null },
  ];
  assert.deepEqual(
    layoutProblems(inputs).map((p) => p.file),
    ['a.zip/DISM/dism.log'],
  );
  assert.equal(expectedRead('Panther/Windows/setupact.log')?.format, 'setupact');
  assert.equal(expectedRead('Panther/Windows/sub/setupact.log'), null, 'a folder entry holds no subfolders');
  assert.throws(() => layoutEntry('Commands/nothing.txt'), /not in the collector layout/);
});

test('the collector script has one step per layout entry, generated from it, and loads the zip assemblies first', () => {
  const c = collectorScript({ version: '0.0.0' });
  for (const e of COLLECTOR_LAYOUT) {
    if (e.path === 'manifest.json') continue;
    assert.equal(c.split(`\nInvoke-Step '${e.path}' {\n`).length, 2, `one step for ${e.path}`);
    assert.ok(c.includes(`#   ${e.path}`), `the header lists ${e.path}`);
  }
  assert.ok(
    c.includes(
      "Copy-Folder (Join-Path $env:SystemDrive '$WINDOWS.~BT\\Sources\\Panther') 'Panther\\Sources' @('setupact*.log', 'setuperr*.log', 'diagerr.xml', 'diagwrn.xml')",
    ),
  );
  assert.ok(c.includes("Copy-Folder (Join-Path $env:windir 'Panther') 'Panther\\Windows'"));
  assert.ok(
    c.includes(
      "Export-EventLog 'Microsoft-Windows-WindowsUpdateClient/Operational' 'EventLogs\\WindowsUpdateClient-Operational.evtx'",
    ),
  );
  const load = c.indexOf('Add-Type -AssemblyName System.IO.Compression\n');
  const loadFs = c.indexOf('Add-Type -AssemblyName System.IO.Compression.FileSystem\n');
  const use = c.indexOf('[IO.Compression.CompressionLevel]::Optimal');
  assert.ok(
    load > 0 && loadFs > load && use > loadFs,
    'the assemblies are loaded before their types are used',
  );
  // Facts first, the commands that write to the logs next, the CBS log last.
  const at = (p: string): number => c.indexOf(`\nInvoke-Step '${p}'`);
  assert.ok(at('Commands/os-build.txt') < at('Commands/dism-checkhealth.txt'));
  assert.ok(at('Commands/dism-checkhealth.txt') < at('DISM/'));
  assert.ok(at('DISM/') < at('CBS/'));
  assert.equal(c.lastIndexOf("\nInvoke-Step '"), at('CBS/'));
});
