// The last step of the analysis: every source's attempts and findings put on one clock, merged into update
// histories, checked across sources, ranked (hardware first, then the closest cause), summed up in one
// timeline, and enriched with the knowledge tables. Plans and scripts are advice, added apart (remedy/).

import type {
  Attempt,
  Diagnosis,
  Diagnostic,
  Finding,
  I18nText,
  InputIdentity,
  SourceInfo,
} from '../model/types.js';
import type { PolicyFacts } from '../correlate/context.js';
import { crossChecks } from '../correlate/cross-checks.js';
import type { FileHash } from '../parse/file-hash.js';
import type { SystemInfo } from '../parse/systeminfo.js';
import type { EngineState, TrackedFinding } from '../rules/engine.js';
import type { TrackedAttempt } from '../timeline/cbs-attempts.js';
import { type ClockHint, type ClockMark, settleClocks, toUtc } from '../timeline/clock.js';
import { pushTo } from '../timeline/group.js';
import { updateHistories } from '../timeline/histories.js';
import { resolveLaterInstalls } from '../timeline/supersede.js';
import type { ReportedBuild } from '../timeline/outputs-story.js';
import { VERSION } from '../version.js';
import {
  DEFAULT_LIST_CAPS,
  capAttempts,
  capFindings,
  capHistories,
  capSummary,
} from '../consolidate/caps.js';
import { groupFindings } from '../consolidate/groups.js';
import { buildFamily } from '../consolidate/machines.js';
import { type ErrorLineCount, observationsOf } from '../consolidate/observations.js';
import { enrichWithKnowledge } from './enrich.js';
import { assignStableIds } from './signature.js';
import { failureStands, isOpenRootError, verdictOf } from './verdict.js';

/** Moments an install result is recorded in two logs (WindowsUpdate.log or ReportingEvents, event 19/20). */
function installMarks(attempts: Attempt[]): ClockMark[] {
  const out: ClockMark[] = [];
  for (const a of attempts) {
    if (a.kind !== 'package' || !a.package || !a.file || !a.end || a.session) continue;
    out.push({ file: a.file, key: `install:${a.package.toLowerCase()}|${a.result ?? ''}`, time: a.end });
  }
  return out;
}

/**
 * How closely a finding names the cause: cross-source checks and CBS/DISM rules name the chain, the
 * component or the file; update-level findings (event logs, Windows Update, setup, captured outputs) only
 * the update and its code. Among root causes the closer one comes first.
 */
function specificity(f: Finding): number {
  return /^(?:x-|cbs-|dism-(?:source|worker))/.test(f.rule) ? 0 : 1;
}

/**
 * A root cause whose every failed operation was later resolved (installed at a retry, or superseded by a
 * later cumulative update that installed) is history, not the machine's state: it stays as information, with
 * what resolved it.
 */
function settleResolved(findings: Finding[], attempts: Attempt[]): void {
  const byId = new Map(attempts.map((a) => [a.id, a]));
  for (const f of findings) {
    if (!f.root || f.attempts.length === 0) continue;
    const mine = f.attempts.map((id) => byId.get(id)).filter((a): a is Attempt => a !== undefined);
    const failed = mine.filter((a) => a.outcome !== 'succeeded' && a.outcome !== 'pending');
    if (failed.length === 0 || !failed.every((a) => a.resolvedBy)) continue;
    const last = failed[failed.length - 1]!;
    const by = byId.get(last.resolvedBy!.attempt);
    const what = last.resolvedBy!.kb ?? last.resolvedBy!.update ?? '?';
    const when = last.resolvedBy!.time ?? '?';
    const superseded = last.outcome === 'superseded';
    f.root = false;
    f.severity = 'info';
    f.facts = { ...f.facts, resolvedBy: what, resolvedAt: when };
    f.chain = [
      ...f.chain,
      {
        text: superseded
          ? {
              en: `Superseded: ${what} installed at ${when}.`,
              zh: `已被取代：${what} 已于 ${when} 安装成功。`,
            }
          : { en: `Installed on a later try at ${when}.`, zh: `之后的重试已于 ${when} 安装成功。` },
        code: null,
        evidence: by?.evidence ?? [],
      },
    ];
  }
}

/** Findings that say the hardware is suspect: shown before everything else. */
const HARDWARE_FIRST = ['x-corruption-moving', 'evt-system-instability'];

const SEVERITY_RANK = { error: 0, warning: 1, info: 2 } as const;

/** A copy of `o` without the given keys (drops the engine's bookkeeping from the public model). */
function omit<T extends object, K extends keyof T>(o: T, keys: readonly K[]): Omit<T, K> {
  const copy = { ...o };
  for (const k of keys) delete copy[k];
  return copy;
}

function stripAttempt(a: TrackedAttempt): Attempt {
  return omit(a, ['run', 'startLine', 'endLine', 'failLine'] as const);
}

function stripFinding(f: TrackedFinding): Finding {
  return omit(f, ['file', 'run', 'anchor'] as const);
}

export function assemble(
  engine: EngineState,
  sources: SourceInfo[],
  diagnostics: Diagnostic[],
  systemInfos: SystemInfo[],
  extra: {
    attempts: Attempt[];
    findings: Finding[];
    hints: ClockHint[];
    marks: ClockMark[];
    policy: PolicyFacts | null;
    fileHashes: (FileHash & { file: string })[];
    reportedBuilds: ReportedBuild[];
    /** What the collector's manifest.json says of the machine. */
    identity?: Partial<InputIdentity>;
    /** Error-level lines counted by file, component and code (observations: noise by mechanism). */
    errorLines?: ErrorLineCount[];
  },
  stats: Diagnosis['stats'],
): Diagnosis {
  // Event-log attempts and findings join the engine's, with an empty location (they have no CBS run).
  const located = (f: Finding): TrackedFinding => ({
    ...f,
    file: f.evidence[0]?.file ?? '',
    run: 0,
    anchor: f.evidence[0]?.line ?? 0,
  });
  const tracked = (a: Attempt): TrackedAttempt => ({
    ...a,
    file: '',
    run: 0,
    startLine: 0,
    endLine: 0,
    failLine: null,
  });
  // The engine's attempts and findings are left as they are (a machine's analysis may take them over,
  // engine.ts `at`): what assembly changes of them — their fields, an attempt's findings, a finding's
  // facts — is changed on copies.
  const attempts = [
    ...engine.tracker.attempts.map((a) => ({ ...a, findings: [...a.findings] })),
    ...extra.attempts.map(tracked),
  ];
  const found = engine.findings.map((f) => ({ ...f, facts: { ...f.facts } }));
  for (const a of attempts) if (!a.file) a.file = a.evidence[0]?.file ?? '';
  // One clock: each source's offset settled, every attempt placed on UTC.
  const clocks = settleClocks(extra.hints, [...extra.marks, ...installMarks(attempts)]);
  for (const s of sources) {
    const c = clocks.get(s.file);
    if (!c) continue;
    s.utcOffsetMinutes = c.offsetMinutes;
    s.clock = { basis: c.basis, confidence: c.confidence, note: c.note };
  }
  for (const a of attempts) {
    const off = clocks.get(a.file)?.offsetMinutes ?? null;
    a.startUtc = toUtc(a.start, off);
    a.endUtc = toUtc(a.end, off);
  }
  // A failed update installed at a later try, or made moot by a later cumulative update of its product.
  const resolutions = resolveLaterInstalls(attempts);
  for (const a of attempts) {
    const r = resolutions.get(a.id);
    if (!r) continue;
    a.outcome = r.how;
    a.resolvedBy = {
      attempt: r.by.id,
      kb: r.by.kb,
      update: r.by.package,
      time: r.by.endUtc ?? r.by.end ?? r.by.startUtc ?? r.by.start,
    };
  }
  markSourceMachines(sources, engine, systemInfos, extra.reportedBuilds);
  const histories = updateHistories(attempts);
  let crossSeq = 0;
  const cross = crossChecks(
    {
      attempts,
      histories,
      findings: [...found, ...extra.findings],
      sources,
      policy: extra.policy,
      fileHashes: extra.fileHashes,
      nextId: () => `x${++crossSeq}`,
    },
    diagnostics,
  );
  // A cross-source root explains its attempts first.
  const attemptById = new Map(attempts.map((a) => [a.id, a]));
  for (const f of cross) {
    for (const id of new Set(f.attempts)) {
      const a = attemptById.get(id);
      if (!a) continue;
      if (f.root) a.findings.unshift(f.id);
      else a.findings.push(f.id);
    }
  }
  const all = [...found, ...extra.findings.map(located), ...cross.map(located)];
  settleResolved(all, attempts);
  // Store app updates (kind `other`) are listed but never make the verdict.
  const failedAttempts = new Set(attempts.filter(failureStands).map((a) => a.id));
  const explainsFailure = (f: TrackedFinding): boolean => f.attempts.some((id) => failedAttempts.has(id));
  all.sort(
    (a, b) =>
      Number(b.root) - Number(a.root) ||
      Number(explainsFailure(b)) - Number(explainsFailure(a)) ||
      specificity(a) - specificity(b) ||
      SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
      (a.time ?? '').localeCompare(b.time ?? '') ||
      a.anchor - b.anchor,
  );
  // Past the caps a rule's findings fold into one (a log of 75,000 failing updates is one mechanism).
  const caps = DEFAULT_LIST_CAPS;
  const folded = capFindings(all, caps.findingsPerRule);
  const findings = folded.findings;
  const rootErrors = findings.filter(isOpenRootError);
  const verdict = verdictOf({ sources, attempts, findings });

  const byId = new Map(findings.map((f) => [f.id, f]));
  const summary: I18nText[] = [];
  // One timeline: failed operations of every source in the order they happened (UTC where known).
  const inTime = [...attempts].sort((x, y) =>
    (x.startUtc ?? x.start ?? '')
      .replace(' ', 'T')
      .localeCompare((y.startUtc ?? y.start ?? '').replace(' ', 'T')),
  );
  for (const a of inTime) {
    if (!failedAttempts.has(a.id)) continue;
    const root = a.findings.map((id) => byId.get(id)).find((f) => f?.root);
    const what = a.kb ? `${a.kb} ${a.package ?? ''}`.trim() : (a.package ?? 'operation');
    const states = a.startState && a.targetState ? `, ${a.startState}→${a.targetState}` : '';
    const code = a.result ? ` ${a.result}` : '';
    summary.push({
      en: `${a.start ?? '?'} ${what}${states}: failed${code}${root ? ` — ${root.message.en}` : ''}`,
      zh: `${a.start ?? '?'} ${what}${states}：失败${code}${root ? ` — ${root.message.zh}` : ''}`,
    });
  }
  for (const a of inTime) {
    // Event logs often hold only the start of an install: that alone is no interruption worth a line.
    if (a.outcome !== 'interrupted' || a.kind === 'sfc' || a.id.startsWith('e')) continue;
    const what = a.kb ? `${a.kb} ${a.package ?? ''}`.trim() : (a.package ?? 'operation');
    summary.push({
      en: `${a.start ?? '?'} ${what}: interrupted — no end is recorded (restart, crash, or the log was cut)`,
      zh: `${a.start ?? '?'} ${what}：中断——日志中没有结束记录（重启、崩溃或日志被截断）`,
    });
  }
  // Root causes outside any failed operation: one line per rule, with a count when it repeats.
  const loose = new Map<string, TrackedFinding[]>();
  for (const f of rootErrors) {
    if (explainsFailure(f)) continue;
    pushTo(loose, f.rule, f);
  }
  for (const list of loose.values()) {
    const f = list[0]!;
    if (list.length === 1) {
      summary.push({ en: `${f.time ?? '?'} ${f.message.en}`, zh: `${f.time ?? '?'} ${f.message.zh}` });
    } else {
      summary.push({
        en: `${f.time ?? '?'} ${list.length} × ${f.title.en}; first: ${f.message.en}`,
        zh: `${f.time ?? '?'} ${list.length} 处${f.title.zh}；首个：${f.message.zh}`,
      });
    }
  }
  const listed = capAttempts(attempts, findings, caps.attempts, (a) => failedAttempts.has(a.id));
  const updates = capHistories(histories, caps.updates);
  diagnostics.push(...folded.diagnostics, ...listed.diagnostics, ...updates.diagnostics);
  const d: Diagnosis = {
    schema: 'patchdx.diagnosis/2',
    tool: { name: 'patchdx', version: VERSION },
    input: {
      name: '',
      sha256: null,
      bytes: stats.bytes,
      computer: extra.identity?.computer ?? systemInfos.find((s) => s.hostName)?.hostName ?? null,
      collectedAt: extra.identity?.collectedAt ?? null,
      timeZone: extra.identity?.timeZone ?? null,
      utcOffsetMinutes: extra.identity?.utcOffsetMinutes ?? null,
    },
    verdict,
    summary,
    sources,
    machine: {
      servicingStack: engine.tracker.servicingStack,
      osBuild: null,
      osBuildSource: null,
      lastUpdate: null,
      servicingStackLevel: null,
    },
    attempts: listed.attempts.map(stripAttempt),
    findings: findings.map(stripFinding),
    updates: updates.updates,
    diagnostics,
    stats: { ...stats, ms: Math.round(stats.ms) },
  };
  let seq = Math.max(0, ...findings.map((f) => Number(f.id.slice(1)) || 0));
  enrichWithKnowledge(
    d,
    { installedRollups: engine.tracker.installedRollups, systemInfos, reportedBuilds: extra.reportedBuilds },
    () => `f${++seq}`,
  );
  // A hardware suspicion comes before every repair: rank it first, and say so first in the summary.
  for (const f of d.findings.filter((x) => HARDWARE_FIRST.includes(x.rule)).reverse()) {
    d.findings.splice(d.findings.indexOf(f), 1);
    d.findings.unshift(f);
    d.summary = d.summary.filter((l) => l.en !== f.message.en && !l.en.endsWith(f.message.en));
    d.summary.unshift(f.message);
  }
  d.summary = capSummary(d.summary, caps.summary);
  assignStableIds(d);
  d.groups = groupFindings(d.findings);
  d.observations = observationsOf(d.findings, d.attempts, extra.errorLines ?? []);
  return d;
}

/**
 * Marks each source with the build (servicing family) and computer it names: CBS servicing stack and dism.log
 * host versions, cumulative updates CBS records as installed, captured version outputs, systeminfo.
 */
export function markSourceMachines(
  sources: SourceInfo[],
  engine: EngineState,
  systemInfos: SystemInfo[],
  reportedBuilds: ReportedBuild[],
): void {
  const builds = new Map<string, string>();
  const note = (file: string, version: string | null | undefined): void => {
    const f = buildFamily(version);
    if (f && !builds.has(file)) builds.set(file, f);
  };
  for (const [file, v] of engine.tracker.versionByFile) note(file, v);
  for (const [build, at] of engine.tracker.installedRollups) note(at.file, build);
  for (const r of reportedBuilds) {
    const m = /\((.+):\d+\)$/.exec(r.source);
    if (m) note(m[1]!, r.build);
  }
  // systeminfo captures are read in source order, one SystemInfo each.
  const infos = sources.filter((s) => s.kind === 'systeminfo');
  infos.forEach((s, i) => {
    const info = systemInfos[i];
    if (!info) return;
    note(s.file, info.osVersion ?? (info.osBuild ? String(info.osBuild) : null));
    if (info.hostName) s.computer = info.hostName;
  });
  for (const s of sources) {
    const b = builds.get(s.file);
    if (b) s.build = b;
  }
}
