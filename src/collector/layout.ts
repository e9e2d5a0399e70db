// The collector ↔ analyzer contract, declared once: which file of a `patchdx collector` bundle comes from
// where on the machine (or which command), where it lies in the zip, and which format of src/formats/ must
// read it. The collector script (remedy/collector.ts) is generated from these entries and the analysis
// (analyze/analyze.ts) checks a collector bundle against them: a file the layout says a format reads that is
// read by another format, or by none, is a broken contract and is reported. A leaf module: data only.

/** Where a copied path starts: %windir% or the system drive (`C:`). */
export type LayoutRoot = 'windir' | 'systemdrive';

/** How the collector gets one entry. */
export type LayoutSource =
  /** Files copied out of a folder (opened with full sharing), those whose names match `include`. */
  | { kind: 'folder'; root: LayoutRoot; folder: string; include: readonly string[] }
  /** One file copied as it is. */
  | { kind: 'file'; root: LayoutRoot; file: string }
  /** A program's output, byte for byte (console code page), from %windir%\System32 (or Sysnative). */
  | { kind: 'command'; exe: string; args: readonly string[] }
  /** `reg export` of a key. */
  | { kind: 'registry'; key: string }
  /** `wevtutil epl` of an event log channel. */
  | { kind: 'eventlog'; channel: string }
  /** Written by the collector's own PowerShell (named in `what`). */
  | { kind: 'script' };

/** What reads a file of an entry: files whose names match `name` are read by the format `format`. */
export interface LayoutRead {
  name: RegExp;
  /** A format id of src/formats/, or null: collected for people, not read by patchdx (listed as skipped). */
  format: string | null;
}

/** One entry of the collector's zip layout. */
export interface LayoutEntry {
  /** Path inside the zip, `/`-separated; a trailing `/` is a folder of copied files. */
  path: string;
  /** One line for people: what it is. */
  what: string;
  source: LayoutSource;
  /** Which format reads which file of the entry (the first whose name matches); other names are not checked. */
  reads: readonly LayoutRead[];
  /** Collection order: facts of the machine first, the commands that write to the logs, then the logs. */
  phase: 1 | 2 | 3 | 4;
}

const PANTHER_FILES = ['setupact*.log', 'setuperr*.log', 'diagerr.xml', 'diagwrn.xml'] as const;
const PANTHER_READS: readonly LayoutRead[] = [
  { name: /^setup(?:act|err)(?:_rollback)?\.log$/i, format: 'setupact' },
  { name: /^diag(?:err|wrn)\.xml$/i, format: null },
];

/** The collector's zip layout: everything patchdx reads from a machine, and where it lies in the zip. */
export const COLLECTOR_LAYOUT: readonly LayoutEntry[] = [
  {
    path: 'manifest.json',
    what: 'files (bytes, SHA-256), items (ok/missing/error), errors, times, time zone, computer, OS build',
    source: { kind: 'script' },
    reads: [{ name: /^manifest\.json$/, format: 'collector-manifest' }],
    phase: 4,
  },
  {
    path: 'DISM/',
    what: '%windir%\\Logs\\DISM: dism.log',
    source: { kind: 'folder', root: 'windir', folder: 'Logs\\DISM', include: ['*'] },
    reads: [{ name: /^dism\.log$/i, format: 'dism' }],
    phase: 4,
  },
  {
    path: 'CBS/',
    what: '%windir%\\Logs\\CBS: CBS.log, CbsPersist_*.log and *.cab',
    source: { kind: 'folder', root: 'windir', folder: 'Logs\\CBS', include: ['*'] },
    reads: [{ name: /^(?:CBS|CbsPersist_\d+)\.log$/i, format: 'cbs' }],
    phase: 4,
  },
  {
    path: 'Panther/Sources/',
    what: 'C:\\$WINDOWS.~BT\\Sources\\Panther: a feature upgrade in progress or failed',
    source: {
      kind: 'folder',
      root: 'systemdrive',
      folder: '$WINDOWS.~BT\\Sources\\Panther',
      include: PANTHER_FILES,
    },
    reads: PANTHER_READS,
    phase: 3,
  },
  {
    path: 'Panther/Rollback/',
    what: 'C:\\$WINDOWS.~BT\\Sources\\Rollback: an upgrade rolled back',
    source: {
      kind: 'folder',
      root: 'systemdrive',
      folder: '$WINDOWS.~BT\\Sources\\Rollback',
      include: PANTHER_FILES,
    },
    reads: PANTHER_READS,
    phase: 3,
  },
  {
    path: 'Panther/Windows/',
    what: '%windir%\\Panther: the last setup or upgrade of this Windows',
    source: { kind: 'folder', root: 'windir', folder: 'Panther', include: PANTHER_FILES },
    reads: PANTHER_READS,
    phase: 3,
  },
  {
    path: 'WindowsUpdate/WindowsUpdate.log',
    what: 'Get-WindowsUpdateLog output (the plain log on old systems)',
    source: { kind: 'script' },
    reads: [{ name: /^WindowsUpdate\.log$/i, format: 'windows-update-log' }],
    phase: 3,
  },
  {
    path: 'WindowsUpdate/ReportingEvents.log',
    what: '%windir%\\SoftwareDistribution\\ReportingEvents.log',
    source: { kind: 'file', root: 'windir', file: 'SoftwareDistribution\\ReportingEvents.log' },
    reads: [{ name: /^ReportingEvents\.log$/i, format: 'reporting-events' }],
    phase: 3,
  },
  ...(
    [
      ['Setup', 'Setup'],
      ['System', 'System'],
      ['Application', 'Application'],
      ['WindowsUpdateClient-Operational', 'Microsoft-Windows-WindowsUpdateClient/Operational'],
    ] as const
  ).map(([file, channel]): LayoutEntry => ({
    path: `EventLogs/${file}.evtx`,
    what: `wevtutil epl ${channel}`,
    source: { kind: 'eventlog', channel },
    reads: [{ name: /\.evtx$/i, format: 'evtx' }],
    phase: 3,
  })),
  {
    path: 'Commands/systeminfo.txt',
    what: 'systeminfo, in the console code page (GBK on Chinese Windows)',
    source: { kind: 'command', exe: 'systeminfo.exe', args: [] },
    reads: [{ name: /^systeminfo\.txt$/, format: 'systeminfo' }],
    phase: 1,
  },
  {
    path: 'Commands/dism-checkhealth.txt',
    what: 'DISM /Online /Cleanup-Image /CheckHealth',
    source: {
      kind: 'command',
      exe: 'dism.exe',
      args: ['/English', '/Online', '/Cleanup-Image', '/CheckHealth'],
    },
    reads: [{ name: /^dism-checkhealth\.txt$/, format: 'dism-console' }],
    phase: 2,
  },
  {
    path: 'Commands/dism-get-packages.txt',
    what: 'DISM /Online /Get-Packages /Format:Table',
    source: {
      kind: 'command',
      exe: 'dism.exe',
      args: ['/English', '/Online', '/Get-Packages', '/Format:Table'],
    },
    reads: [{ name: /^dism-get-packages\.txt$/, format: 'package-list' }],
    phase: 2,
  },
  {
    path: 'Commands/pending.txt',
    what: 'pending.xml, RebootPending, RebootRequired, PendingFileRenameOperations',
    source: { kind: 'script' },
    reads: [{ name: /^pending\.txt$/, format: 'collector-pending' }],
    phase: 1,
  },
  {
    path: 'Commands/disk-space.txt',
    what: 'free space: Get-Volume and Win32_LogicalDisk',
    source: { kind: 'script' },
    reads: [{ name: /^disk-space\.txt$/, format: 'collector-disk-space' }],
    phase: 1,
  },
  {
    path: 'Commands/os-build.txt',
    what: 'OS version, build and UBR, product name, edition',
    source: { kind: 'script' },
    reads: [{ name: /^os-build\.txt$/, format: 'collector-os-build' }],
    phase: 1,
  },
  {
    path: 'Registry/WindowsUpdate-policy.reg',
    what: 'reg export HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\WindowsUpdate',
    source: { kind: 'registry', key: 'HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\WindowsUpdate' },
    reads: [{ name: /^WindowsUpdate-policy\.reg$/, format: 'registry-export' }],
    phase: 1,
  },
  {
    path: 'Registry/CurrentVersion.reg',
    what: 'reg export HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion',
    source: { kind: 'registry', key: 'HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion' },
    reads: [{ name: /^CurrentVersion\.reg$/, format: 'os-version' }],
    phase: 1,
  },
];

/** The layout entry of a path, which must be declared (a collector step for an undeclared path is a bug). */
export function layoutEntry(path: string): LayoutEntry {
  const e = COLLECTOR_LAYOUT.find((x) => x.path === path);
  if (!e) throw new Error(`patchdx: ${path} is not in the collector layout`);
  return e;
}

/** What the layout says of a file at `rel` (its path inside the bundle): its entry and the format to read it. */
export function expectedRead(rel: string): { entry: LayoutEntry; format: string | null } | null {
  const path = rel.replace(/\\/g, '/');
  for (const entry of COLLECTOR_LAYOUT) {
    const inside = entry.path.endsWith('/')
      ? path.startsWith(entry.path) && !path.slice(entry.path.length).includes('/')
      : path === entry.path;
    if (!inside) continue;
    const name = path.slice(path.lastIndexOf('/') + 1);
    const read = entry.reads.find((r) => r.name.test(name));
    return read ? { entry, format: read.format } : null;
  }
  return null;
}

/** One input of an analysis and the format that read it (null: skipped). */
export interface ReadAs {
  name: string;
  format: string | null;
}

/**
 * Where a collector bundle's files were not read as its layout says. The bundle roots are the folders that
 * hold a `manifest.json` read as the collector's manifest; every input under a root is checked. Each problem
 * is one sentence naming the file, the format the layout expects and what happened instead.
 */
export function layoutProblems(inputs: readonly ReadAs[]): { file: string; message: string }[] {
  const roots = inputs
    .filter((i) => i.format === 'collector-manifest' && /(?:^|[\\/])manifest\.json$/.test(i.name))
    .map((i) => i.name.slice(0, i.name.length - 'manifest.json'.length));
  const out: { file: string; message: string }[] = [];
  for (const i of inputs) {
    const root = roots.find((r) => i.name.startsWith(r));
    if (root === undefined) continue;
    // A CbsPersist cabinet's member is checked as the log it holds (`CBS/x.cab/x.log` → `CBS/x.log`).
    const rel = i.name.slice(root.length).replace(/([\\/])[^\\/]+\.cab[\\/]([^\\/]+)$/i, '$1$2');
    const want = expectedRead(rel);
    if (!want || want.format === i.format) continue;
    out.push({
      file: i.name,
      message:
        want.format === null
          ? `the collector layout says no format reads ${want.entry.path} files, but this one was read as ${i.format}`
          : `the collector layout says ${want.format} reads this file (${want.entry.what}), but it was ${
              i.format ? `read as ${i.format}` : 'not recognised'
            }: the collector and the analyzer disagree`,
    });
  }
  return out;
}
