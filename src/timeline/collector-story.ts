// What the collector's own notes say (Commands/pending.txt, Commands/disk-space.txt; the layout is
// src/collector/layout.ts): a restart owed, little free space on the system drive. Each becomes a finding
// with the lines that say it; a healthy note gives none.

import type { Evidence, Finding } from '../model/types.js';
import { both, phrase, report } from '../rules/define-story-rule.js';
import diskSpaceLow, { LOW_FREE_BYTES } from '../rules/collector-disk-space-low.js';
import rebootPending from '../rules/collector-reboot-pending.js';

/** What pending.txt states, each with its line (0 when the line is missing). */
export interface PendingState {
  pendingXml: boolean;
  rebootPending: boolean;
  rebootRequired: boolean;
  fileRenames: boolean;
  lines: Record<'pendingXml' | 'rebootPending' | 'rebootRequired' | 'fileRenames', number>;
}

const PENDING_LINES = {
  pendingXml: /^pending\.xml: (present|absent)/,
  rebootPending: /^CBS RebootPending key: (True|False)\s*$/,
  rebootRequired: /^Windows Update RebootRequired key: (True|False)\s*$/,
  fileRenames: /^PendingFileRenameOperations: (True|False)\s*$/,
} as const;

/** The state pending.txt records. */
export function parsePending(text: string): PendingState {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const s: PendingState = {
    pendingXml: false,
    rebootPending: false,
    rebootRequired: false,
    fileRenames: false,
    lines: { pendingXml: 0, rebootPending: 0, rebootRequired: 0, fileRenames: 0 },
  };
  lines.forEach((l, i) => {
    for (const [key, re] of Object.entries(PENDING_LINES) as [keyof typeof PENDING_LINES, RegExp][]) {
      const m = re.exec(l);
      if (!m) continue;
      s[key] = m[1] === 'present' || m[1] === 'True';
      s.lines[key] = i + 1;
    }
  });
  return s;
}

function at(file: string, line: number, lines: string[]): Evidence {
  return { file, line, text: (lines[line - 1] ?? '').trim() };
}

/** A finding when pending.txt shows a restart owed (pending.xml or a reboot key; renames alone are common). */
export function pendingFindings(file: string, text: string, nextFinding: () => string): Finding[] {
  const s = parsePending(text);
  if (!s.pendingXml && !s.rebootPending && !s.rebootRequired) return [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const keys = (['pendingXml', 'rebootPending', 'rebootRequired', 'fileRenames'] as const).filter(
    (k) => s[k],
  );
  const said = keys.map((k) => phrase(rebootPending, k));
  return [
    report(
      rebootPending,
      'pending',
      {
        ...both('what', { en: said.map((p) => p.en).join(', '), zh: said.map((p) => p.zh).join('，') }),
      },
      {
        id: nextFinding(),
        code: '0x80070bc9',
        facts: {
          pendingXml: String(s.pendingXml),
          rebootPending: String(s.rebootPending),
          rebootRequired: String(s.rebootRequired),
          fileRenames: String(s.fileRenames),
        },
        evidence: keys.map((k) => at(file, s.lines[k], lines)),
      },
    ),
  ];
}

/** One drive of disk-space.txt: free and total bytes, and the line that says so. */
export interface DriveSpace {
  drive: string;
  free: number;
  size: number;
  line: number;
}

/**
 * The drives of disk-space.txt: the Win32_LogicalDisk table (`C:  NTFS  <free> <size>`) and, for drives it
 * lacks, Get-Volume's (`C  NTFS Fixed Healthy <remaining> <size>`).
 */
export function parseDiskSpace(text: string): DriveSpace[] {
  const out: DriveSpace[] = [];
  text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .forEach((l, i) => {
      const logical = /^([A-Z]:)\s.*?(\d+)\s+(\d+)\s*$/.exec(l);
      const volume = /^\s*([A-Z])\s.*?\b(?:Fixed|Removable)\b.*?(\d+)\s+(\d+)\s*$/.exec(l);
      const m = logical ?? volume;
      if (!m) return;
      const drive = logical ? m[1]! : `${m[1]}:`;
      const known = out.findIndex((d) => d.drive === drive);
      const entry = { drive, free: Number(m[2]), size: Number(m[3]), line: i + 1 };
      if (known < 0) out.push(entry);
      else if (logical) out[known] = entry;
    });
  return out;
}

/** A finding when C: has less than {@link LOW_FREE_BYTES} free. */
export function diskSpaceFindings(file: string, text: string, nextFinding: () => string): Finding[] {
  const c = parseDiskSpace(text).find((d) => d.drive === 'C:');
  if (!c || c.free >= LOW_FREE_BYTES) return [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const gb = (n: number): string => (n / 1024 ** 3).toFixed(1);
  return [
    report(
      diskSpaceLow,
      'low',
      { free: gb(c.free), size: gb(c.size), drive: c.drive },
      {
        id: nextFinding(),
        code: '0x80070070',
        facts: { drive: c.drive, freeBytes: String(c.free), sizeBytes: String(c.size) },
        evidence: [at(file, c.line, lines)],
      },
    ),
  ];
}
