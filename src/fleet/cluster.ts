// Grouping a fleet by problem, as Sentry groups events by fingerprint: a machine's cluster key is the set of
// its root finding signatures (`signatureOf`), so machines failing for the same reason land together across
// builds, KBs and component versions. Each cluster says what, how many machines, which builds and updates,
// when, a few example machines with their evidence, and the plan once; then the healthy machines and the
// bundles that could not be read, with the reason. Ranked by machines affected.

import type { Evidence, I18nText, RemediationPlan } from '../model/types.js';
import { advise } from '../remedy/advise.js';
import { expandDiagnosis, type CompactDiagnosis } from './compact.js';
import type { FleetRun, RunRow } from './store.js';

/** Example machines shown per cluster. */
const EXAMPLES = 3;

/** A machine of a cluster. */
export interface FleetMachine {
  machine: string;
  path: string;
  computer: string | null;
  build: string | null;
  kbs: string[];
  first: string | null;
  last: string | null;
  verdict: string;
}

/** An example machine with the evidence lines of its root findings. */
export interface FleetExample extends FleetMachine {
  evidence: Evidence[];
}

/** Machines that fail for the same root causes. */
export interface FleetCluster {
  rank: number;
  /** The root finding signatures, sorted, joined with ` + `. */
  signature: string;
  signatures: string[];
  title: I18nText;
  codes: string[];
  machines: number;
  builds: { build: string; machines: number }[];
  kbs: { kb: string; machines: number }[];
  first: string | null;
  last: string | null;
  examples: FleetExample[];
  /** The remediation plans of the first example machine, once for the cluster. */
  plans: RemediationPlan[];
  machineList: FleetMachine[];
}

/** The fleet report (`patchdx.fleet/1`): clusters ranked by machines affected, healthy and unreadable. */
export interface FleetReport {
  schema: 'patchdx.fleet/1';
  version: string;
  run: { id: string; source: string; mode: string; startedAt: string; finishedAt: string | null };
  totals: {
    bundles: number;
    failed: number;
    healthy: number;
    unreadable: number;
    pending: number;
    clusters: number;
  };
  clusters: FleetCluster[];
  healthy: FleetMachine[];
  unreadable: { machine: string; path: string; reason: string }[];
  /** Bundles whose analysis has not finished yet (a run still going or stopped). */
  pending: { machine: string; path: string }[];
}

function machineOf(row: RunRow, c: CompactDiagnosis): FleetMachine {
  return {
    machine: row.machine,
    path: row.path,
    computer: c.computer,
    build: c.machine.osBuild,
    kbs: c.kbs,
    first: c.first,
    last: c.last,
    verdict: c.verdict,
  };
}

function joinTitles(titles: I18nText[]): I18nText {
  return { en: titles.map((t) => t.en).join(' + '), zh: titles.map((t) => t.zh).join(' + ') };
}

function counted(values: (string | null)[][]): { key: string; machines: number }[] {
  const m = new Map<string, number>();
  for (const vs of values) for (const v of new Set(vs)) if (v) m.set(v, (m.get(v) ?? 0) + 1);
  return [...m]
    .map(([key, machines]) => ({ key, machines }))
    .sort((a, b) => b.machines - a.machines || a.key.localeCompare(b.key));
}

/** The cluster key of a failed machine: its root signatures, or its failed result codes when no rule explained it. */
export function clusterKey(c: CompactDiagnosis): string[] {
  const sigs = [...new Set(c.roots.map((f) => f.signature))].sort();
  if (sigs.length > 0) return sigs;
  const codes = [
    ...new Set(c.attempts.filter((a) => a.outcome === 'failed').map((a) => a.result ?? '')),
  ].sort();
  return [`unexplained|${codes.join(',')}|`];
}

/** Builds the fleet report from a run's rows. */
export function clusterFleet(run: FleetRun, rows: readonly RunRow[]): FleetReport {
  const groups = new Map<string, { sigs: string[]; rows: { row: RunRow; c: CompactDiagnosis }[] }>();
  const healthy: FleetMachine[] = [];
  const unreadable: FleetReport['unreadable'] = [];
  const pending: FleetReport['pending'] = [];
  for (const row of rows) {
    if (row.error) {
      unreadable.push({ machine: row.machine, path: row.path, reason: row.error });
      continue;
    }
    const r = row.result;
    if (!r) {
      pending.push({ machine: row.machine, path: row.path });
      continue;
    }
    if (r.status === 'failed' || !r.result) {
      unreadable.push({
        machine: row.machine,
        path: row.path,
        reason: `analysis failed after ${r.attempts} attempt${r.attempts === 1 ? '' : 's'}: ${r.error ?? 'unknown error'}`,
      });
      continue;
    }
    const c = r.result;
    if (c.verdict === 'unreadable') {
      unreadable.push({
        machine: row.machine,
        path: row.path,
        reason: c.problems.length > 0 ? c.problems.join('; ') : 'no log patchdx reads was found in it',
      });
      continue;
    }
    if (c.verdict !== 'failed') {
      healthy.push(machineOf(row, c));
      continue;
    }
    const sigs = clusterKey(c);
    const key = sigs.join(' + ');
    const g = groups.get(key) ?? { sigs, rows: [] };
    g.rows.push({ row, c });
    groups.set(key, g);
  }
  const clusters: FleetCluster[] = [...groups].map(([key, g]) => {
    const first = g.rows[0]!;
    const titles = new Map<string, I18nText>();
    const codes = new Set<string>();
    for (const f of first.c.roots) {
      if (!titles.has(f.title.en)) titles.set(f.title.en, f.title);
      if (f.code) codes.add(f.code);
    }
    if (titles.size === 0)
      titles.set(key, { en: 'Failed update, cause not recognised', zh: '更新失败，原因未能识别' });
    const times = g.rows
      .flatMap(({ c }) => [c.first, c.last])
      .filter((t): t is string => Boolean(t))
      .sort();
    const d = expandDiagnosis(first.c, first.row.path, run.version);
    const plans = advise(d).plans;
    return {
      rank: 0,
      signature: key,
      signatures: g.sigs,
      title: joinTitles([...titles.values()]),
      codes: [...codes].sort(),
      machines: g.rows.length,
      builds: counted(g.rows.map(({ c }) => [c.machine.osBuild ?? 'unknown'])).map((x) => ({
        build: x.key,
        machines: x.machines,
      })),
      kbs: counted(g.rows.map(({ c }) => c.kbs)).map((x) => ({ kb: x.key, machines: x.machines })),
      first: times[0] ?? null,
      last: times[times.length - 1] ?? null,
      examples: g.rows.slice(0, EXAMPLES).map(({ row, c }) => ({
        ...machineOf(row, c),
        evidence: c.roots.flatMap((f) => f.evidence).slice(0, 6),
      })),
      plans,
      machineList: g.rows.map(({ row, c }) => machineOf(row, c)),
    };
  });
  clusters.sort((a, b) => b.machines - a.machines || a.signature.localeCompare(b.signature));
  clusters.forEach((c, i) => (c.rank = i + 1));
  return {
    schema: 'patchdx.fleet/1',
    version: run.version,
    run: {
      id: run.id,
      source: run.source,
      mode: run.mode,
      startedAt: run.startedAt,
      finishedAt: run.finishedAt,
    },
    totals: {
      bundles: rows.length,
      failed: clusters.reduce((n, c) => n + c.machines, 0),
      healthy: healthy.length,
      unreadable: unreadable.length,
      pending: pending.length,
      clusters: clusters.length,
    },
    clusters,
    healthy,
    unreadable,
    pending,
  };
}
