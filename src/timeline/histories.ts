// Attempts merged across sources: the Windows Update download, the CBS install, the Setup event and the
// WindowsUpdateClient event of one try at one update become one occurrence; the tries at one update become
// its history (how many, first and last, with which codes). Times are the bundle's one clock (UTC) where the
// sources' offsets are known.

import { pushTo } from './group.js';
import type { Attempt, UpdateHistory, UpdateOccurrence } from '../model/types.js';
import { writtenMs } from './clock.js';

/** Attempts closer than this (between one's end and the other's start) can be one try. */
const SLACK_MS = 15 * 60_000;

/** Outcome of one try told by several sources: a failure anywhere is the try's failure. */
const OUTCOME_RANK: Record<Attempt['outcome'], number> = {
  failed: 0,
  retried: 1,
  superseded: 1,
  pending: 2,
  succeeded: 3,
  cancelled: 4,
  interrupted: 5,
};

/** Feature upgrades, however each log names them (Panther setup, `Windows 11, version 22H2` in events). */
const FEATURE_UPDATE = /feature (?:upgrade|update)|^Windows 1\d,? version \w+$/i;

/** Which update an attempt is about: its KB, else one key for feature upgrades, else its title or package. */
export function updateKey(a: Attempt): string | null {
  if (a.kb) return a.kb.toUpperCase();
  if (a.package && FEATURE_UPDATE.test(a.package.trim())) return 'feature-update';
  // DISM commands: the feature or package acted on, whatever /Source each try was given.
  const dism =
    a.client === 'DISM'
      ? /\/(?:featurename|packagepath|packagename|capabilityname):("[^"]+"|\S+)/i.exec(a.package ?? '')
      : null;
  if (dism) return `dism:${dism[1]!.replace(/"/g, '').toLowerCase()}`;
  const p = a.package?.trim();
  return p ? p.toLowerCase() : null;
}

function span(a: Attempt): [number, number] {
  const s = writtenMs(a.startUtc ?? a.start ?? '');
  const e = writtenMs(a.endUtc ?? a.end ?? '');
  const start = Number.isNaN(s) ? e : s;
  return [start, Number.isNaN(e) ? start : Math.max(e, start)];
}

interface Open {
  occ: UpdateOccurrence;
  from: number;
  to: number;
  members: Attempt[];
}

/** Groups the update attempts (packages and downloads; never Store apps or repairs) into histories. */
export function updateHistories(attempts: Attempt[]): UpdateHistory[] {
  const byKey = new Map<string, Attempt[]>();
  for (const a of attempts) {
    if (a.kind !== 'package' && a.kind !== 'download') continue;
    const key = updateKey(a);
    if (!key) continue;
    pushTo(byKey, key, a);
  }
  const out: UpdateHistory[] = [];
  for (const list of byKey.values()) {
    const sorted = list
      .map((a) => ({ a, s: span(a) }))
      .filter((x) => !Number.isNaN(x.s[0]))
      .sort((x, y) => x.s[0] - y.s[0]);
    const open: Open[] = [];
    for (const { a, s } of sorted) {
      const last = open[open.length - 1];
      // One source never tells the same try twice: a second attempt of one file and phase is a new try.
      const same =
        last &&
        s[0] <= last.to + SLACK_MS &&
        !last.members.some((m) => m.file === a.file && m.kind === a.kind);
      if (same) {
        last.members.push(a);
        last.to = Math.max(last.to, s[1]);
      } else {
        open.push({
          occ: { start: null, end: null, outcome: a.outcome, codes: [], attempts: [], phases: [], files: [] },
          from: s[0],
          to: s[1],
          members: [a],
        });
      }
    }
    const occurrences = open.map(({ occ, members }) => {
      // CBS results are the most specific: list them first.
      const ordered = [...members].sort((x, y) => Number(!x.session) - Number(!y.session));
      occ.attempts = members.map((m) => m.id);
      occ.phases = [...new Set(members.map((m) => m.kind))];
      occ.files = [...new Set(members.map((m) => m.file ?? '').filter(Boolean))];
      occ.codes = [
        ...new Set(ordered.map((m) => m.result).filter((c): c is string => !!c && c !== '0x00000000')),
      ];
      occ.outcome = members.map((m) => m.outcome).sort((x, y) => OUTCOME_RANK[x] - OUTCOME_RANK[y])[0]!;
      const starts = members
        .map((m) => m.startUtc ?? m.start)
        .filter((t): t is string => !!t)
        .sort();
      const ends = members
        .map((m) => m.endUtc ?? m.end)
        .filter((t): t is string => !!t)
        .sort();
      occ.start = starts[0] ?? null;
      occ.end = ends[ends.length - 1] ?? null;
      return occ;
    });
    if (occurrences.length === 0) continue;
    const failures = occurrences.filter(
      (o) => o.outcome === 'failed' || o.outcome === 'retried' || o.outcome === 'superseded',
    ).length;
    // Worth listing: failures, several tries, or one try several logs tell (the merge is then visible).
    if (failures === 0 && occurrences.length < 2 && occurrences[0]!.files.length < 2) continue;
    const first = sorted[0]!.a;
    out.push({
      update: first.kb ?? first.package ?? '?',
      kb: first.kb,
      title: sorted.map((x) => x.a).find((a) => a.package && a.package !== a.kb)?.package ?? null,
      occurrences,
      failures,
      first: occurrences[0]!.start,
      last: occurrences[occurrences.length - 1]!.start,
      lastOutcome: occurrences[occurrences.length - 1]!.outcome,
    });
  }
  return out.sort((x, y) => y.failures - x.failures || (x.first ?? '').localeCompare(y.first ?? ''));
}
