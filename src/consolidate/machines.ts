// One machine per diagnosis: which build (servicing family) and computer each source was written on, and
// whether an input mixes logs of several. Logs of one Windows install share a servicing family (19041–19045
// are one: the same servicing stack, moved by enablement packages); two families or two computer names are
// two machines (or one machine before and after an upgrade): their plans must not mix.

import type { SourceInfo } from '../model/types.js';

/** Builds that share one servicing base (enablement packages): the family is the first. */
const FAMILIES: readonly (readonly number[])[] = [
  [19041, 19042, 19043, 19044, 19045],
  [18362, 18363],
  [22621, 22631],
  [26100, 26200],
];

/**
 * The servicing family of a version or build (`10.0.19045.2965`, `19045.2965`, `10.0.22621`, `6.1.7601`):
 * `19041`, `22621`, `7601`…; null when no build number is in it.
 */
export function buildFamily(version: string | null | undefined): string | null {
  if (!version) return null;
  const parts = version.split('.').map((p) => Number(p));
  // `10.0.19045[.2965]`, `6.1.7601[.…]` → the third part; `19045.2965` → the first.
  const n = parts.length >= 3 && parts[0]! <= 10 ? parts[2]! : parts[0]!;
  if (!Number.isInteger(n) || n < 2600 || n > 99999) return null;
  const family = FAMILIES.find((f) => f.includes(n));
  return String(family ? family[0] : n);
}

/** The Windows name of a servicing family, for the reader (`19041` → `Windows 10 2004–22H2`). */
export function familyName(build: string): string {
  const names: Record<string, string> = {
    '7601': 'Windows 7 SP1 / Server 2008 R2',
    '9600': 'Windows 8.1 / Server 2012 R2',
    '10240': 'Windows 10 1507',
    '14393': 'Windows 10 1607 / Server 2016',
    '15063': 'Windows 10 1703',
    '16299': 'Windows 10 1709',
    '17134': 'Windows 10 1803',
    '17763': 'Windows 10 1809 / Server 2019',
    '18362': 'Windows 10 1903/1909',
    '19041': 'Windows 10 2004–22H2',
    '20348': 'Windows Server 2022',
    '22000': 'Windows 11 21H2',
    '22621': 'Windows 11 22H2/23H2',
    '26100': 'Windows 11 24H2 / Server 2025',
  };
  return names[build] ? `${names[build]} (${build})` : build;
}

/** A machine as told by a set of sources: its build family, its computer name, its files. */
export interface MachineGroup {
  build: string | null;
  computer: string | null;
  files: string[];
}

/** Start of a source's time span, as sortable text. */
function startOf(s: SourceInfo): string {
  return (s.first ?? '').replace(' ', 'T');
}

/**
 * The machines an input's sources were written on: one group per distinct (computer, build) among sources
 * that say either, and the sources that say neither joined to the group nearest in time (or the largest).
 * One group when everything agrees; a source naming only a build joins the group of the same build.
 */
export function machineGroups(sources: readonly SourceInfo[]): MachineGroup[] {
  const groups: (MachineGroup & { spans: string[] })[] = [];
  const unplaced: SourceInfo[] = [];
  const computers = new Set(sources.map((s) => s.computer?.toUpperCase()).filter((c) => !!c));
  for (const s of sources) {
    const build = s.build ?? null;
    // A single computer name in the input names every source's machine.
    const computer = s.computer?.toUpperCase() ?? (computers.size === 1 ? [...computers][0]! : null);
    if (!build && !s.computer) {
      unplaced.push(s);
      continue;
    }
    const g = groups.find(
      (x) =>
        (!build || !x.build || x.build === build) && (!computer || !x.computer || x.computer === computer),
    );
    if (g) {
      g.build ??= build;
      g.computer ??= computer;
      g.files.push(s.file);
      g.spans.push(startOf(s));
    } else groups.push({ build, computer, files: [s.file], spans: [startOf(s)] });
  }
  if (groups.length === 0)
    return sources.length > 0 ? [{ build: null, computer: null, files: sources.map((s) => s.file) }] : [];
  for (const s of unplaced) {
    const t = startOf(s);
    // Nearest in time by start stamp; without a stamp, the group with the most files.
    const distance = (g: { spans: string[] }): number =>
      t && g.spans.some((x) => x)
        ? Math.min(
            ...g.spans.filter((x) => x).map((x) => Math.abs(Date.parse(x + 'Z') - Date.parse(t + 'Z')) || 0),
          )
        : -g.spans.length;
    const best = [...groups].sort((a, b) => distance(a) - distance(b))[0]!;
    best.files.push(s.file);
  }
  return groups.map(({ build, computer, files }) => ({ build, computer, files }));
}

/** A group named for the reader: computer and build, whichever are known. */
export function groupLabel(g: Pick<MachineGroup, 'build' | 'computer'>): string {
  const parts = [g.computer, g.build ? familyName(g.build) : null].filter((x): x is string => !!x);
  return parts.join(', ') || '?';
}
