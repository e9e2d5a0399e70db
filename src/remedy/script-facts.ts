// What a diagnosis asks the generated scripts to do: the store items to verify or replace (each checked
// against a strict pattern, or left out with a defanged comment), the findings behind an update cache reset,
// the updates to install in order, and the OS build the scripts must refuse to leave. Facts only; the
// scripts themselves are filled from the templates by scripts.ts.

import type { Diagnosis, Evidence, Finding } from '../model/types.js';
import { updateByKb, latestSsuBefore } from '../knowledge/builds.js';
import { componentKeys } from '../parse/identity.js';
import { plain } from './template.js';

/** A finding a script comes from, with its evidence as `file:line` (defanged for comments). */
export interface Origin {
  id: string;
  rule: string;
  code: string | null;
  refs: string[];
}

/** One store item to verify or replace, relative to %windir%: `Parent\Name[\Sub]`. */
export interface StoreTarget {
  id: string;
  origin: Origin;
  kind: 'manifest' | 'component' | 'component-file' | 'package-mum' | 'package-cat';
  parent: 'WinSxS' | 'WinSxS\\Manifests' | 'servicing\\Packages';
  /** Leaf name; a `*` stands for parts of a component key the log did not give. */
  name: string;
  /** File inside a component folder (`wkscli.dll`, `r\\x.bin`), or ''. */
  sub: string;
  folder: boolean;
  version: string;
  expected: string;
  actual: string;
  /** `name = value` lines for the header. */
  facts: string[];
}

export interface Skipped {
  origin: Origin;
  what: string;
  shown: string;
  why: string;
}

export interface UpdateStep {
  kb: string;
  kind: string;
  role: string;
  origin: Origin;
}

export interface BuildSeen {
  /** OS builds of the servicing family the logs show; empty when they show none. */
  builds: number[];
  ubr: number | null;
  /** Where the logs show it, for messages. */
  seenIn: string;
}

/** Everything the scripts of one diagnosis embed. */
export interface ScriptFacts {
  targets: StoreTarget[];
  skipped: Skipped[];
  reset: Origin[];
  updates: UpdateStep[];
  updateOrigins: Origin[];
  updateNotes: string[];
  targetBuild: string | null;
  build: BuildSeen;
}

const KEY_RE =
  /^(?:amd64|x86|wow64|msil|arm64|arm|ia64)_[a-z0-9][a-z0-9._+-]*_[0-9a-f]{16}_\d{1,5}(?:\.\d{1,5}){3}_[a-z0-9-]{2,20}_[0-9a-f]{16}$/i;
const PACKAGE_RE =
  /^[A-Za-z0-9][A-Za-z0-9_.+-]*~[0-9a-f]{16}~[A-Za-z0-9]*~[A-Za-z0-9-]*~\d{1,5}(?:\.\d{1,5}){1,3}$/i;
const FILE_SEGMENT_RE = /^[A-Za-z0-9_][A-Za-z0-9_.+~() -]{0,199}$/;
const HASH_RE = /^[0-9a-f]{64}$/i;
const VERSION_RE = /^\d{1,5}(?:\.\d{1,5}){3}$/;
const KB_RE = /^KB\d{6,8}$/i;
const OS_VERSION_RE = /(?<![\d.])10\.0\.(\d{5})\.(\d{1,5})(?!\d)/;
const ROLLUP_RE = /^Package_for_RollupFix~[0-9a-f]{16}~\w*~[\w-]*~(\d{5})\.(\d{1,5})\.\d+\.\d+$/;
const BUILD_RE = /^(\d{5})\.(\d{1,5})$/;
const LONG_ID_RE = /^([A-Za-z0-9][\w.+-]{0,200}), version (\d{1,5}(?:\.\d{1,5}){3})(?:, arch (\w{1,10}))?$/;
const MATCHING_RE =
  /Matching Component = ([A-Za-z0-9][\w.+-]{0,200}), version (\d{1,5}(?:\.\d{1,5}){3})(?:, arch (\w{1,10}))?[^{}]{0,80}?pkt \{l:8 b:([0-9a-f]{16})\}/i;
const MAX_TARGETS = 100;

/** Builds that share one servicing branch (component versions) answer to one another. */
const FAMILIES = [
  [19041, 19042, 19043, 19044, 19045],
  [22621, 22631],
  [26100, 26200],
];

function family(build: number): number[] {
  return FAMILIES.find((f) => f.includes(build)) ?? [build];
}

/** ASCII text safe in a PowerShell line comment or a single-quoted string (no control characters). */
/** A rejected value shown defanged: only characters that cannot form code or paths survive. */
function defang(s: string): string {
  return plain(s.replace(/[^A-Za-z0-9._~-]/g, '?'), 80);
}

/** A file name from a bundle, for comments: path characters only. */
export function fileName(name: string): string {
  return plain(name.replace(/[^A-Za-z0-9._\-/\\ ]/g, '?'), 80);
}

function ref(e: Evidence): string {
  return `${fileName(e.file)}:${e.line}`;
}

function originOf(f: Finding): Origin {
  const refs = f.evidence.slice(0, 4).map(ref);
  if (f.evidence.length > 4) refs.push(`+${f.evidence.length - 4} more`);
  return {
    id: plain(f.id, 12),
    rule: plain(f.rule, 60),
    code: f.code && /^0x[0-9a-f]{8}$/.test(f.code) ? f.code : null,
    refs,
  };
}

/** An origin for a header line: `f3 cbs-not-found (0x800f081f): CBS.log:12`. */
export function originText(o: Origin): string {
  return `${o.id} ${o.rule}${o.code ? ` (${o.code})` : ''}: ${o.refs.join(', ') || 'no evidence lines'}`;
}

/** `Microsoft-Windows-WorkstationService-NetApi` → `microsoft-windows-w..ationservice-netapi` as in keys. */
function keyName(name: string): string {
  const n = name.toLowerCase();
  return n.length > 40 ? `${n.slice(0, 19)}..${n.slice(-19)}` : n;
}

/** A component folder name or pattern from a fact: a key, or a long identity `Name, version V, arch A`. */
function componentName(
  text: string,
  token?: string,
): { name: string; version: string; pattern: boolean } | null {
  if (KEY_RE.test(text))
    return { name: text, version: componentKeys(text)[0]?.version ?? '', pattern: false };
  const m = LONG_ID_RE.exec(text);
  if (!m) return null;
  const arch = m[3] ? m[3].toLowerCase() : '*';
  if (!/^(?:amd64|x86|wow64|msil|arm64|arm|ia64|\*)$/.test(arch)) return null;
  // The trailing hash (and the culture and token when not given) are not in the log: the pattern is
  // resolved on the machine and must match exactly one folder.
  const name = `${arch}_${keyName(m[1]!)}_${token ?? '*'}_${m[2]!}_*_*`;
  return /^[a-z0-9*][a-z0-9._+*-]*$/.test(name) ? { name, version: m[2]!, pattern: true } : null;
}

function validSub(file: string): string | null {
  const segs = file.split('\\');
  if (segs.length > 3) return null;
  for (const s of segs) {
    if (!FILE_SEGMENT_RE.test(s) || /[. ]$/.test(s) || s === '.' || s === '..') return null;
  }
  return segs.join('\\');
}

function hashOf(v: string | undefined): string {
  return v && HASH_RE.test(v) ? v.toLowerCase() : '';
}

class Planner {
  readonly targets: StoreTarget[] = [];
  readonly skipped: Skipped[] = [];
  private readonly seen = new Set<string>();

  skip(origin: Origin, what: string, value: string, why: string): void {
    this.skipped.push({ origin, what, shown: defang(value), why });
  }

  add(t: Omit<StoreTarget, 'id'>): void {
    const key = `${t.parent}\\${t.name}\\${t.sub}`.toLowerCase();
    if (this.seen.has(key)) return;
    if (this.targets.length >= MAX_TARGETS) {
      this.skip(t.origin, 'store item', t.name, `more than ${MAX_TARGETS} items; the rest are left out`);
      return;
    }
    this.seen.add(key);
    this.targets.push({ ...t, id: `t${this.targets.length + 1}` });
  }

  manifest(o: Origin, component: string, expected: string, actual: string): void {
    if (!KEY_RE.test(component)) {
      this.skip(o, 'component', component, 'not a component key');
      return;
    }
    const version = componentKeys(component)[0]?.version ?? '';
    this.add({
      origin: o,
      kind: 'manifest',
      parent: 'WinSxS\\Manifests',
      name: `${component}.manifest`,
      sub: '',
      folder: false,
      version,
      expected,
      actual,
      facts: [
        `component = ${component}`,
        ...(version ? [`version = ${version}`] : []),
        ...(expected ? [`expectedHash = ${expected}`] : []),
        ...(actual ? [`actualHash = ${actual}`] : []),
      ],
    });
  }

  component(
    o: Origin,
    text: string,
    sub: string,
    f: Finding | null,
    token?: string,
    extra: string[] = [],
  ): void {
    const c = componentName(text, token);
    if (!c) {
      this.skip(o, 'component', text, 'neither a component key nor a `Name, version V, arch A` identity');
      return;
    }
    let file = '';
    if (sub) {
      const s = validSub(sub);
      if (!s) {
        this.skip(o, 'file', sub, 'not a plain file name inside a component folder');
        return;
      }
      file = s;
    }
    const expected = f && file ? hashOf(f.facts.expectedHash) : '';
    const actual = f && file ? hashOf(f.facts.actualHash) : '';
    this.add({
      origin: o,
      kind: file ? 'component-file' : 'component',
      parent: 'WinSxS',
      name: c.name,
      sub: file,
      folder: !file,
      version: c.version,
      expected,
      actual,
      facts: [
        `component = ${c.pattern ? `${plain(text)} (folder pattern ${c.name})` : c.name}`,
        ...(file ? [`file = ${file}`] : []),
        ...(c.version ? [`version = ${c.version}`] : []),
        ...(expected ? [`expectedHash = ${expected}`] : []),
        ...(actual ? [`actualHash = ${actual}`] : []),
        ...extra,
      ],
    });
  }

  packageFiles(o: Origin, pkg: string): void {
    if (!PACKAGE_RE.test(pkg) || pkg.length > 200) {
      this.skip(o, 'package', pkg, 'not a package identity');
      return;
    }
    for (const ext of ['mum', 'cat'] as const) {
      this.add({
        origin: o,
        kind: ext === 'mum' ? 'package-mum' : 'package-cat',
        parent: 'servicing\\Packages',
        name: `${pkg}.${ext}`,
        sub: '',
        folder: false,
        version: '',
        expected: '',
        actual: '',
        facts: [`package = ${pkg}`],
      });
    }
  }

  /** Drops a file target whose whole component folder is replaced anyway. */
  done(): StoreTarget[] {
    const folders = new Set(
      this.targets.filter((t) => t.folder).map((t) => `${t.parent}\\${t.name}`.toLowerCase()),
    );
    const kept = this.targets.filter((t) => t.folder || !folders.has(`${t.parent}\\${t.name}`.toLowerCase()));
    return kept.map((t, i) => ({ ...t, id: `t${i + 1}` }));
  }
}

const isError = (f: Finding): boolean => f.severity === 'error';

function planStore(d: Diagnosis): { targets: StoreTarget[]; skipped: Skipped[] } {
  const p = new Planner();
  for (const f of d.findings) {
    const o = originOf(f);
    const x = f.facts;
    switch (f.rule) {
      case 'cbs-manifest-corrupt':
        if (!isError(f)) break;
        if (x.component) p.manifest(o, x.component, hashOf(x.expectedHash), hashOf(x.actualHash));
        else p.skip(o, 'component', '', 'the log names no component');
        break;
      case 'cbs-file-hash-mismatch':
        if (!isError(f)) break;
        if (!x.component) p.skip(o, 'component', x.file ?? '', 'the log names no component for this file');
        else if (!x.file) p.skip(o, 'file', x.component, 'the log names no file');
        else p.component(o, x.component, x.file, f);
        break;
      case 'cbs-delta-hydration-failed': {
        if (!isError(f)) break;
        // The delta is applied to the base version ("Matching Component"): that folder is the corrupt one.
        const base = x.baseComponent
          ? { text: x.baseComponent, token: undefined }
          : matchingComponent(f.evidence);
        // Context for the header only, and only values that pass their checks.
        const file = x.file ? validSub(x.file) : null;
        const target = x.component && LONG_ID_RE.test(x.component) ? x.component : null;
        const extra = [
          `base of the ${x.deltaType === 'reverse' ? 'reverse' : 'forward'} delta that failed${
            file ? ` on ${file}` : ''
          }${target ? ` for ${target}` : ''}`,
        ];
        if (base) p.component(o, base.text, '', null, base.token, extra);
        else p.skip(o, 'component', x.component ?? '', 'the log does not name the base (Matching Component)');
        break;
      }
      case 'cbs-readiness-report':
        if (f.messageId !== 'corruption') break;
        for (const line of (x.items ?? '').split('\n').filter(Boolean)) {
          const [category = '', target = ''] = line.split('\t');
          readinessItem(p, o, category, target);
        }
        break;
      case 'cbs-package-manifest-unreadable':
      case 'cbs-store-mum-missing': {
        if (!isError(f)) break;
        const pkg = x.package ?? (x.path ? (x.path.split('\\').pop() ?? '').replace(/\.mum$/i, '') : '');
        if (pkg) p.packageFiles(o, pkg);
        else p.skip(o, 'package', '', 'the log names no package');
        break;
      }
    }
  }
  return { targets: p.done(), skipped: p.skipped };
}

function matchingComponent(ev: Evidence[]): { text: string; token: string } | null {
  for (const e of ev) {
    const m = MATCHING_RE.exec(e.text);
    if (m)
      return { text: `${m[1]}, version ${m[2]}${m[3] ? `, arch ${m[3]}` : ''}`, token: m[4]!.toLowerCase() };
  }
  return null;
}

function readinessItem(p: Planner, o: Origin, category: string, target: string): void {
  if (target.includes('~')) {
    p.packageFiles(o, target);
    return;
  }
  const [key = '', ...rest] = target.split('\\');
  if (!KEY_RE.test(key)) {
    p.skip(o, 'DISM report item', target, 'not a component key or package identity');
    return;
  }
  if (rest.length > 0) p.component(o, key, rest.join('\\'), null);
  else if (/manifest/i.test(category)) p.manifest(o, key, '', '');
  else p.component(o, key, '', null);
}

const RESET_RULES = new Set(['cbs-not-found', 'cbs-source-missing', 'cbs-store-corrupt']);

function planReset(d: Diagnosis): Origin[] {
  return d.findings
    .filter((f) => (RESET_RULES.has(f.rule) || (f.rule.startsWith('wu-') && f.root)) && isError(f))
    .map(originOf);
}

function kbList(text: string | undefined): string[] {
  return (text ?? '')
    .split(/[\s,;]+/)
    .filter((k) => KB_RE.test(k))
    .map((k) => k.toUpperCase());
}

function planUpdates(
  d: Diagnosis,
): Pick<ScriptFacts, 'updates' | 'updateOrigins' | 'updateNotes' | 'targetBuild'> {
  const targets: { kb: string; origin: Origin }[] = [];
  const prereqs: { kb: string; origin: Origin; why: string }[] = [];
  const origins: Origin[] = [];
  const notes: string[] = [];
  let targetBuild: string | null = null;
  for (const f of d.findings) {
    const x = f.facts;
    const wanted =
      f.rule === 'x-update-gap' ||
      (f.rule === 'cbs-servicing-stack-required' && isError(f)) ||
      (f.rule === 'cbs-not-found' && isError(f) && x.kb);
    if (!wanted) continue;
    const o = originOf(f);
    origins.push(o);
    const kb = kbList(x.kb)[0];
    if (kb) targets.push({ kb, origin: o });
    for (const pre of kbList(x.prerequisites)) prereqs.push({ kb: pre, origin: o, why: 'prerequisite' });
    if (x.targetBuild && BUILD_RE.test(x.targetBuild)) targetBuild = x.targetBuild;
    const shipped = kbList(x.shippedBy)[0];
    if (
      f.rule === 'cbs-not-found' &&
      shipped &&
      kb &&
      shipped !== kb &&
      x.version &&
      VERSION_RE.test(x.version)
    ) {
      notes.push(
        `If ${kb} fails again the same way: the missing component version ${x.version} (${o.id}) ships with ${shipped}; install that update first, then the later ones.`,
      );
    }
    if (f.rule === 'cbs-servicing-stack-required' && x.requiredStack && VERSION_RE.test(x.requiredStack)) {
      notes.push(
        `${o.id} needs servicing stack ${x.requiredStack} or later (the machine has ${
          x.currentStack && VERSION_RE.test(x.currentStack) ? x.currentStack : 'an older one'
        }).`,
      );
    }
  }
  for (const t of targets) {
    const u = updateByKb(t.kb);
    if (!u) continue;
    for (const pre of u.prerequisites)
      prereqs.push({ kb: pre, origin: t.origin, why: `prerequisite of ${u.kb}` });
    if (u.build && !targetBuild) targetBuild = u.build;
    const needsSsu = t.origin.rule === 'cbs-servicing-stack-required' && u.prerequisites.length === 0;
    const ssu = needsSsu && u.date ? latestSsuBefore(u.date, u.osBuild) : null;
    if (ssu) {
      prereqs.push({ kb: ssu.kb, origin: t.origin, why: `newest SSU before ${u.kb} (inferred)` });
    } else if (needsSsu) {
      notes.push(
        `No servicing stack update for ${u.kb} is on record: find the SSU the update page names and install it first.`,
      );
    }
  }
  const steps: UpdateStep[] = [];
  const push = (kb: string, origin: Origin, role: string): void => {
    if (!KB_RE.test(kb) || steps.some((s) => s.kb === kb)) return;
    steps.push({ kb, kind: updateByKb(kb)?.kind ?? 'unknown', role, origin });
  };
  const targetKbs = new Set(targets.map((t) => t.kb));
  // Servicing stack updates first, then the other prerequisites, then the updates themselves.
  for (const p of prereqs)
    if (!targetKbs.has(p.kb) && updateByKb(p.kb)?.kind === 'SSU')
      push(p.kb, p.origin, `servicing stack update (${p.why})`);
  for (const p of prereqs) if (!targetKbs.has(p.kb)) push(p.kb, p.origin, p.why);
  for (const t of targets) push(t.kb, t.origin, 'update');
  return { updates: steps, updateOrigins: origins, updateNotes: notes, targetBuild };
}

/** OS build and UBR in a version, a rollup package identity or `17763.1234`, if any. */
export function osBuildIn(text: string): { build: number; ubr: number } | null {
  const m = OS_VERSION_RE.exec(text) ?? ROLLUP_RE.exec(text) ?? BUILD_RE.exec(text);
  if (!m) return null;
  const build = Number(m[1]);
  return build >= 10240 && build <= 39999 ? { build, ubr: Number(m[2]) } : null;
}

function buildSeen(d: Diagnosis): BuildSeen {
  const machine = d.machine.osBuild ? osBuildIn(d.machine.osBuild) : null;
  if (machine) {
    return {
      builds: family(machine.build),
      ubr: machine.ubr,
      seenIn: plain(`OS build ${machine.build}.${machine.ubr} from ${d.machine.osBuildSource ?? 'the logs'}`),
    };
  }
  // No installed build on record: vote by OS component versions, cumulative update packages and the stack.
  const votes = new Map<number, string[]>();
  const vote = (text: string | null | undefined, label: string): void => {
    const b = text ? osBuildIn(text) : null;
    if (!b) return;
    const key = family(b.build)[0]!;
    votes.set(key, [...(votes.get(key) ?? []), `${label} ${plain(text!, 90)}`]);
  };
  for (const f of d.findings) {
    vote(f.facts.version, 'component version');
    vote(f.facts.targetBuild, 'target build');
  }
  for (const a of d.attempts) vote(a.package, 'package');
  vote(d.machine.servicingStack, 'servicing stack');
  let best: [number, string[]] | null = null;
  for (const v of votes) if (!best || v[1].length > best[1].length) best = v;
  if (!best) return { builds: [], ubr: null, seenIn: 'the logs name no OS build' };
  return { builds: family(best[0]), ubr: null, seenIn: best[1].slice(0, 2).join('; ') };
}

/** What the scripts of a diagnosis would do: store items, cache-reset origins, updates, build. */
export function scriptFacts(d: Diagnosis): ScriptFacts {
  return { ...planStore(d), reset: planReset(d), ...planUpdates(d), build: buildSeen(d) };
}
