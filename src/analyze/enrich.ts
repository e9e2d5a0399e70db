// Adds what the knowledge tables know to a diagnosis: the machine's build level and last cumulative update,
// the servicing stack level, the KB of a cumulative update package, which update shipped a component
// version, and — for a failed cumulative update — the gap from the installed build to the target and the
// prerequisites (seed 004: a machine at 17763.774 installing KB5032196).

import type { Attempt, Diagnosis, Finding, UpdateRef } from '../model/types.js';
import {
  missingSince,
  parseBuild,
  updateByKb,
  updateForBuild,
  updateShippingVersion,
  type UpdateInfo,
} from '../knowledge/builds.js';
import { LCU_PACKAGE } from '../timeline/cbs-attempts.js';
import type { SystemInfo } from '../parse/systeminfo.js';
import type { ReportedBuild } from '../timeline/outputs-story.js';
import { phrase, report } from '../rules/define-story-rule.js';
import xUpdateGap from '../rules/x-update-gap.js';

function ref(u: UpdateInfo): UpdateRef {
  return { kb: u.kb, build: u.build, date: u.date, kind: u.kind, confidence: u.confidence };
}

function describe(u: UpdateInfo): string {
  return `${u.kb} (${[u.build, u.date].filter(Boolean).join(', ')})`;
}

function compareBuilds(a: string, b: string): number {
  const [x, y] = [parseBuild(a), parseBuild(b)];
  if (!x || !y) return 0;
  return x.osBuild - y.osBuild || x.ubr - y.ubr;
}

/** The OS build a cumulative update package targets (`Package_for_RollupFix~…~17763.5122.1.6` → 17763.5122). */
function rollupBuild(pkg: string | null): string | null {
  const m = pkg ? LCU_PACKAGE.exec(pkg) : null;
  return m ? `${m[1]}.${m[2]}` : null;
}

export interface BuildEvidence {
  installedRollups: ReadonlyMap<string, { line: number; file: string }>;
  systemInfos: SystemInfo[];
  /** Builds captured outputs report (`ver`, winver, DISM image version, package lists). */
  reportedBuilds?: ReportedBuild[];
}

/** The newest cumulative update in a systeminfo hotfix list, with the build it brings. */
function newestListed(infos: SystemInfo[]): { build: string; kb: string } | null {
  let best: { build: string; kb: string } | null = null;
  for (const info of infos) {
    for (const kb of info.hotfixes) {
      const u = updateByKb(kb);
      if (!u?.build || u.kind === 'SSU' || u.kind === 'NET') continue;
      if (info.osBuild && u.osBuild !== info.osBuild && Math.abs(u.osBuild - info.osBuild) > 10) continue;
      if (!best || compareBuilds(u.build, best.build) > 0) best = { build: u.build, kb: u.kb };
    }
  }
  return best;
}

/** Fills machine facts, attempt KBs, component-version facts and the update-gap finding. Never throws. */
export function enrichWithKnowledge(d: Diagnosis, ev: BuildEvidence, nextId: () => string): void {
  const installed = [...ev.installedRollups.keys()].sort(compareBuilds);
  const newest = installed[installed.length - 1];
  if (newest) {
    const at = ev.installedRollups.get(newest)!;
    d.machine.osBuild = newest;
    d.machine.osBuildSource = `CBS: Package_for_RollupFix ${newest} installed (${at.file}:${at.line})`;
    const u = updateForBuild(newest);
    d.machine.lastUpdate = u ? ref(u) : null;
  }
  const listed = newestListed(ev.systemInfos);
  if (listed && (!d.machine.osBuild || compareBuilds(listed.build, d.machine.osBuild) > 0)) {
    d.machine.osBuild = listed.build;
    d.machine.osBuildSource = `systeminfo: hotfix list (${listed.kb} is the newest cumulative update listed)`;
    const u = updateByKb(listed.kb);
    d.machine.lastUpdate = u ? ref(u) : null;
  }
  for (const r of ev.reportedBuilds ?? []) {
    if (d.machine.osBuild && compareBuilds(r.build, d.machine.osBuild) <= 0) continue;
    d.machine.osBuild = r.build;
    d.machine.osBuildSource = r.source;
    const u = updateForBuild(r.build);
    d.machine.lastUpdate = u ? ref(u) : null;
  }
  if (d.machine.servicingStack) {
    const s = updateShippingVersion(d.machine.servicingStack);
    d.machine.servicingStackLevel = s ? ref(s.update) : null;
  }

  for (const a of d.attempts) {
    const target = rollupBuild(a.package);
    if (!a.kb && target) a.kb = updateForBuild(target)?.kb ?? null;
  }

  for (const f of d.findings) {
    const v = f.facts.version;
    if (!v || f.facts.shippedBy) continue;
    const s = updateShippingVersion(v);
    if (!s) continue;
    f.facts.shippedBy =
      describe(s.update) + (s.exact ? '' : ' — first cumulative update at or after this version');
    f.facts.shippedByConfidence = s.update.confidence;
  }

  for (const a of d.attempts) {
    if (a.outcome !== 'failed') continue;
    const gap = updateGap(a, d.machine.osBuild);
    if (!gap) continue;
    gap.id = nextId();
    gap.attempts = [a.id];
    d.findings.push(gap);
    a.findings.push(gap.id);
  }
}

/** For a failed cumulative update: how far the installed build is from the target, and what comes first. */
function updateGap(a: Attempt, installed: string | null): Finding | null {
  const target = rollupBuild(a.package);
  const targetUpdate = (a.kb ? updateByKb(a.kb) : null) ?? (target ? updateForBuild(target) : null);
  if (!target || !targetUpdate) return null;
  const prereq = targetUpdate.prerequisites;
  const from = installed ? updateForBuild(installed) : null;
  const missing = installed
    ? missingSince(installed).filter((u) => u.build && compareBuilds(u.build, target) < 0)
    : [];
  if (!installed && prereq.length === 0) return null;
  const none = phrase(xUpdateGap, 'none');
  const data = {
    from: `${installed}${from ? ` (${describe(from)})` : ''}`,
    target: describe(targetUpdate),
    build: target,
    between: `${missing.length}`,
    prerequisites: prereq.length > 0 ? prereq.join(', ') : none.en,
    prerequisitesZh: prereq.length > 0 ? prereq.join(', ') : none.zh,
  };
  return report(xUpdateGap, installed ? 'gap' : 'prerequisites', data, {
    id: '',
    severity: missing.length > 12 ? 'warning' : 'info',
    confidence: targetUpdate.confidence === 'low' || from?.confidence === 'low' ? 'low' : 'medium',
    facts: {
      kb: targetUpdate.kb,
      targetBuild: target,
      installedBuild: installed ?? undefined,
      installedUpdate: from?.kb,
      cumulativeUpdatesBetween: installed ? String(missing.length) : undefined,
      prerequisites: prereq.join(' ') || undefined,
    },
    evidence: a.evidence.slice(0, 1),
    time: a.start,
  });
}
