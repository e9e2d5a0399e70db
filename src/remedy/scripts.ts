// Reviewable remediation scripts generated from a Diagnosis: PowerShell for the broken machine (verify store
// hashes, reset the Windows Update cache, install updates in order, replace store files from a source pack)
// and for a healthy machine of the same build (collect that source pack), plus a cmd fallback for the cache
// reset. Every script documents where it comes from, supports -WhatIf, logs to %TEMP%, refuses to run on a
// build other than the one the logs show, backs up what it replaces and can undo it.
//
// Facts come from untrusted logs: each value is checked against a strict pattern (a component key, a
// package identity, a file name, a 64-hex hash, a KB number) and embedded only as a single-quoted
// PowerShell string or a number; a value that fails its check is left out with a comment that shows it
// defanged. The cmd script embeds no value from the logs at all. All output is ASCII (PowerShell 5.1 reads
// a BOM-less script in the ANSI code page).

import type { Diagnosis, Evidence, Finding, GeneratedScript, I18nText } from '../model/types.js';
import { updateByKb, latestSsuBefore } from '../knowledge/builds.js';
import { componentKeys } from '../parse/identity.js';

/** File names of the generated scripts (plans refer to them by these names). */
export const SCRIPT_NAMES = {
  testStoreFiles: 'Test-StoreFiles.ps1',
  resetCache: 'Reset-WindowsUpdateCache.ps1',
  resetCacheCmd: 'reset-wu-cache.cmd',
  installUpdates: 'Install-Updates.ps1',
  newSourcePack: 'New-SourcePack.ps1',
  repairFromSourcePack: 'Repair-FromSourcePack.ps1',
} as const;

/**
 * `s` as a PowerShell single-quoted string literal. PowerShell treats ' and the typographic quotes
 * U+2018-U+201B alike inside such a string, so each is doubled; nothing else is special there.
 */
export function psQuote(s: string): string {
  return `'${s.replace(/['\u2018\u2019\u201a\u201b]/g, (q) => q + q)}'`;
}

// ---- what the diagnosis asks for -------------------------------------------------------------------

/** A finding a script comes from, with its evidence as `file:line` (defanged for comments). */
interface Origin {
  id: string;
  rule: string;
  code: string | null;
  refs: string[];
}

/** One store item to verify or replace, relative to %windir%: `Parent\Name[\Sub]`. */
interface StoreTarget {
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

interface Skipped {
  origin: Origin;
  what: string;
  shown: string;
  why: string;
}

interface UpdateStep {
  kb: string;
  kind: string;
  role: string;
  origin: Origin;
}

interface BuildSeen {
  /** OS builds of the servicing family the logs show; empty when they show none. */
  builds: number[];
  ubr: number | null;
  /** Where the logs show it, for messages. */
  seenIn: string;
}

interface Plan {
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
function plain(s: string, max = 200): string {
  const t = s.replace(/[^\x20-\x7e]/g, '?');
  return t.length > max ? `${t.slice(0, max - 3)}...` : t;
}

/** A rejected value shown defanged: only characters that cannot form code or paths survive. */
function defang(s: string): string {
  return plain(s.replace(/[^A-Za-z0-9._~-]/g, '?'), 80);
}

/** A file name from a bundle, for comments: path characters only. */
function fileName(name: string): string {
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

function originText(o: Origin): string {
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

function planUpdates(d: Diagnosis): Pick<Plan, 'updates' | 'updateOrigins' | 'updateNotes' | 'targetBuild'> {
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

function osBuildIn(text: string): { build: number; ubr: number } | null {
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

function planFor(d: Diagnosis): Plan {
  return { ...planStore(d), reset: planReset(d), ...planUpdates(d), build: buildSeen(d) };
}

// ---- PowerShell text ------------------------------------------------------------------------------

const ps = String.raw;

interface HelpSpec {
  name: string;
  synopsis: string;
  description: string[];
  params: [string, string][];
  examples: string[];
  origins: Origin[];
  facts: string[];
  skipped: Skipped[];
  notes?: string[];
}

function help(d: Diagnosis, plan: Plan, h: HelpSpec): string {
  const sources =
    d.sources
      .map((s) => fileName(s.file))
      .slice(0, 4)
      .join(', ') || 'no readable source';
  const lines = [
    '.SYNOPSIS',
    `${h.name}: ${h.synopsis}`,
    `Generated by patchdx ${plain(d.tool.version, 20)} from the logs ${sources}.`,
    'REVIEW IT BEFORE RUNNING IT: it was written by a program from log text, and it is not signed.',
    '',
    '.DESCRIPTION',
    ...h.description,
    '',
    'Safety: -WhatIf shows every change without making it. The script logs to',
    `%TEMP%\\patchdx-${h.name.replace(/\.ps1$/, '')}-<timestamp>.log and refuses to run on another OS build`,
    `than the logs show (${plan.build.builds.length ? plan.build.builds.join('/') : 'none shown'}${
      plan.build.ubr !== null ? `, UBR ${plan.build.ubr}` : ''
    }: ${plan.build.seenIn}).`,
    'Values from the logs are data: each was checked against a strict pattern and is written below as a',
    'single-quoted string; nothing from the logs is executed.',
    ...h.params.flatMap(([p, text]) => ['', `.PARAMETER ${p}`, text]),
    ...h.examples.flatMap((e) => ['', '.EXAMPLE', e]),
    '',
    '.NOTES',
    'From the findings (evidence file:line):',
    ...h.origins.map((o) => `  ${originText(o)}`),
    ...(h.facts.length ? ['Facts used:', ...h.facts.map((f) => `  ${f}`)] : []),
    ...(h.skipped.length
      ? [
          'Left out (a value that fails its check is never embedded; shown defanged):',
          ...h.skipped.map((s) => `  ${s.origin.id} ${s.what} '${s.shown}': ${s.why}`),
        ]
      : []),
    ...(h.notes ?? []),
  ];
  return lines.map((l) => (l ? `# ${plain(l, 400)}` : '#')).join('\n');
}

function prelude(name: string, params: string[]): string {
  return ps`#Requires -Version 5.1
[CmdletBinding(SupportsShouldProcess)]
${params.length ? `param(\n${params.map((p) => `    ${p}`).join(',\n')}\n)` : 'param()'}

$ErrorActionPreference = 'Stop'
$ScriptName = ${psQuote(name)}
$Stamp = Get-Date -Format 'yyyyMMdd-HHmmss'
$LogPath = Join-Path $env:TEMP ('patchdx-' + $ScriptName + '-' + $Stamp + '.log')
`;
}

function buildData(plan: Plan): string {
  const b = plan.build;
  return ps`# The OS build the logs show (builds of one servicing family share component versions).
$ExpectedBuilds = @(${b.builds.join(', ')})
$ExpectedUbr = ${b.ubr === null ? '$null' : String(b.ubr)}
$BuildSeenIn = ${psQuote(b.seenIn)}
`;
}

const COMMON = ps`function Write-Step([string]$Text) {
    Write-Host ('[patchdx] ' + $Text)
}

function Test-IsAdmin {
    $principal = New-Object Security.Principal.WindowsPrincipal ([Security.Principal.WindowsIdentity]::GetCurrent())
    return $principal.IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator)
}

function Get-OsBuild {
    $build = [Environment]::OSVersion.Version.Build
    $ubr = $null
    try {
        $ubr = [int](Get-ItemProperty -LiteralPath 'HKLM:\SOFTWARE\Microsoft\Windows NT\CurrentVersion' -Name 'UBR' -ErrorAction Stop).UBR
    } catch {
        $ubr = $null
    }
    return [pscustomobject]@{ Build = [int]$build; Ubr = $ubr }
}

function Get-Sha256([string]$Path) {
    return (Get-FileHash -LiteralPath $Path -Algorithm SHA256).Hash.ToLowerInvariant()
}

function Write-Utf8File([string]$Path, [string]$Text) {
    [IO.File]::WriteAllText($Path, $Text, (New-Object Text.UTF8Encoding $false))
}
`;

function assertBuild(plan: Plan): string {
  if (plan.build.builds.length === 0) {
    return ps`function Assert-Build([bool]$IgnoreUbr = $false) {
    # The logs name no OS build: the operator has to confirm it (-ConfirmBuild) before anything runs.
    $os = Get-OsBuild
    if ($ConfirmBuild -ne $os.Build) {
        throw ('The logs name no OS build, so this script cannot check that it runs on the machine they came from. Check that it does, then run it again with -ConfirmBuild and this machine''s build number (winver).')
    }
    Write-Step ('OS build ' + [string]$os.Build + '.' + [string]$os.Ubr + ' confirmed by the operator.')
    return $os
}
`;
  }
  return ps`function Assert-Build([bool]$IgnoreUbr = $false) {
    # Refuses to go on unless this is the build (and UBR) the diagnosis saw.
    $os = Get-OsBuild
    $here = [string]$os.Build + '.' + [string]$os.Ubr
    if ($ExpectedBuilds -notcontains $os.Build) {
        throw ('This machine is build ' + $here + ', but the logs show build ' + ($ExpectedBuilds -join '/') + ' (' + $BuildSeenIn + '). Refusing: collect this machine''s logs and diagnose them.')
    }
    if (-not $IgnoreUbr -and $null -ne $ExpectedUbr -and $os.Ubr -ne $ExpectedUbr) {
        throw ('This machine is at ' + $here + ', but the logs show UBR ' + [string]$ExpectedUbr + ' (' + $BuildSeenIn + '). Refusing: the machine changed since the logs were collected; diagnose it again.')
    }
    Write-Step ('OS build ' + $here + ' matches the logs (' + $BuildSeenIn + ').')
    return $os
}
`;
}

const NATIVE = ps`function Invoke-Native {
    # Runs a program, copies its output into the log, and throws unless the exit code is an accepted one.
    param([string]$FilePath, [string[]]$Arguments, [int[]]$OkExitCodes = @(0))
    $ErrorActionPreference = 'Continue'
    Write-Step ('> ' + $FilePath + ' ' + ($Arguments -join ' '))
    $output = & $FilePath @Arguments 2>&1 | ForEach-Object { $_.ToString() }
    $code = $LASTEXITCODE
    foreach ($line in $output) {
        if ($line.Trim()) { Write-Host ('    ' + $line) }
    }
    if ($OkExitCodes -notcontains $code) {
        throw ($FilePath + ' failed with exit code ' + [string]$code + '.')
    }
    return $code
}
`;

function runBlock(call: string): string {
  return ps`$ExitCode = 0
try {
    Start-Transcript -Path $LogPath -WhatIf:$false | Out-Null
} catch {
    Write-Warning ('No log file: ' + $_.Exception.Message)
}
try {
    if (-not (Test-IsAdmin)) {
        throw 'This script needs an elevated PowerShell: right-click Windows PowerShell, Run as administrator.'
    }
${call}
} catch {
    Write-Host ('patchdx: ' + $_.Exception.Message) -ForegroundColor Red
    $ExitCode = 2
} finally {
    try { Stop-Transcript | Out-Null } catch { }
}
Write-Host ('Log: ' + $LogPath)
exit $ExitCode
`;
}

function targetData(targets: StoreTarget[]): string {
  const rows = targets.map(
    (t) =>
      `    @{ Id = ${psQuote(t.id)}; Finding = ${psQuote(t.origin.id)}; Kind = ${psQuote(t.kind)}; Parent = ${psQuote(
        t.parent,
      )}; Name = ${psQuote(t.name)}; Sub = ${psQuote(t.sub)}; Folder = ${t.folder ? '$true' : '$false'}; Version = ${psQuote(
        t.version,
      )}; Expected = ${psQuote(t.expected)}; Actual = ${psQuote(t.actual)} }`,
  );
  return ps`# Store items named by the diagnosis, relative to %windir%. Data only. A * in Name stands for the parts
# of a component key the log did not give; it is resolved on the machine and must match exactly one folder.
$Targets = @(
${rows.join('\n')}
)
`;
}

function skippedComments(skipped: Skipped[]): string {
  return skipped.map((s) => `# skipped (${s.origin.id}): ${s.what} '${s.shown}' - ${s.why}`).join('\n');
}

const RESOLVE = ps`function Get-TargetText($Target) {
    $text = $Target.Parent + '\' + $Target.Name
    if ($Target.Sub) { $text = $text + '\' + $Target.Sub }
    return $text
}

function Resolve-Target($Target) {
    # The paths (relative to %windir%) on this machine that a target names.
    $parent = Join-Path $env:windir $Target.Parent
    $names = @($Target.Name)
    if ($Target.Name.IndexOf('*') -ge 0) {
        $names = @(Get-ChildItem -LiteralPath $parent -Force -Filter $Target.Name -ErrorAction SilentlyContinue |
            Where-Object { $_.Name -like $Target.Name } | ForEach-Object { $_.Name })
    }
    foreach ($n in $names) {
        $rel = $Target.Parent + '\' + $n
        if ($Target.Sub) { $rel = $rel + '\' + $Target.Sub }
        $rel
    }
}
`;

function testStoreFiles(d: Diagnosis, plan: Plan): string {
  const name = SCRIPT_NAMES.testStoreFiles;
  const h = help(d, plan, {
    name,
    synopsis: 'checks the store files the diagnosis names against the hashes in the log. Changes nothing.',
    description: [
      'For each component manifest, component file, component folder and package .mum/.cat the findings',
      'name, it reports whether it exists and its SHA-256, and compares it with the Expected (good) and',
      'Actual (bad) hashes CSI logged: "ok" = expected, "corrupt" = still the bad file the log saw (which',
      'also shows that the log hash is the plain SHA-256 of the file), "differs" = neither, "unreadable" =',
      'the file cannot be read. The results also go to a .json file next to the log.',
      'Exit code: 0 = every item ok or present, 1 = something missing, corrupt, differing or unreadable,',
      '2 = refused or failed.',
    ],
    params: buildParams(plan),
    examples: ['.\\Test-StoreFiles.ps1'],
    origins: uniqueOrigins(plan.targets.map((t) => t.origin)),
    facts: targetFacts(plan.targets),
    skipped: plan.skipped,
  });
  return [
    h,
    '',
    prelude('Test-StoreFiles', buildParamDecl(plan)),
    buildData(plan),
    targetData(plan.targets),
    skippedComments(plan.skipped),
    '',
    COMMON,
    assertBuild(plan),
    RESOLVE,
    ps`function New-Result($Target, [string]$Rel, [string]$Status, [string]$Sha256, [string]$Note) {
    return [pscustomobject]@{ Id = $Target.Id; Finding = $Target.Finding; Path = $Rel; Status = $Status; Sha256 = $Sha256; Expected = $Target.Expected; Actual = $Target.Actual; Note = $Note }
}

function Test-OneFile($Target, [string]$Rel) {
    $full = Join-Path $env:windir $Rel
    try {
        $hash = Get-Sha256 $full
    } catch {
        return New-Result $Target $Rel 'unreadable' '' $_.Exception.Message
    }
    if ($Target.Expected -and $hash -eq $Target.Expected) {
        return New-Result $Target $Rel 'ok' $hash 'matches the expected hash from the log'
    } elseif ($Target.Actual -and $hash -eq $Target.Actual) {
        return New-Result $Target $Rel 'corrupt' $hash 'still the bad file the log saw (so the log hash is the plain file SHA-256)'
    } elseif ($Target.Expected) {
        return New-Result $Target $Rel 'differs' $hash 'matches neither log hash: changed since the log, or the log hash is not over the file bytes'
    }
    return New-Result $Target $Rel 'present' $hash 'no hash in the log to compare with'
}

function Invoke-Check {
    [CmdletBinding(SupportsShouldProcess)]
    param()
    $os = Assert-Build
    $results = New-Object System.Collections.ArrayList
    foreach ($t in $Targets) {
        $rels = @(Resolve-Target $t)
        if ($rels.Count -eq 0) {
            [void]$results.Add((New-Result $t (Get-TargetText $t) 'missing' '' 'no match on this machine'))
            continue
        }
        foreach ($rel in $rels) {
            $full = Join-Path $env:windir $rel
            if (-not (Test-Path -LiteralPath $full)) {
                [void]$results.Add((New-Result $t $rel 'missing' '' 'not on this machine'))
            } elseif ($t.Folder) {
                $files = @(Get-ChildItem -LiteralPath $full -Recurse -Force -File)
                if ($files.Count -eq 0) { [void]$results.Add((New-Result $t $rel 'missing' '' 'the folder is empty')) }
                foreach ($f in $files) { [void]$results.Add((Test-OneFile $t ($rel + $f.FullName.Substring($full.Length)))) }
            } else {
                [void]$results.Add((Test-OneFile $t $rel))
            }
        }
    }
    $results | Format-List Id, Finding, Status, Path, Sha256, Expected, Actual, Note | Out-String -Width 400 | Write-Host
    $bad = @($results | Where-Object { $_.Status -ne 'ok' -and $_.Status -ne 'present' })
    Write-Step ([string]$results.Count + ' item(s) checked, ' + [string]$bad.Count + ' not as they should be.')
    $jsonPath = [IO.Path]::ChangeExtension($LogPath, '.json')
    if ($PSCmdlet.ShouldProcess($jsonPath, 'Write the results')) {
        $payload = [ordered]@{ schema = 'patchdx.storecheck/1'; computer = $env:COMPUTERNAME; osBuild = $os.Build; ubr = $os.Ubr; results = $results }
        Write-Utf8File $jsonPath (ConvertTo-Json -InputObject $payload -Depth 5)
        Write-Step ('Results: ' + $jsonPath)
    }
    if ($bad.Count -gt 0) { $script:ExitCode = 1 }
}
`,
    runBlock('    Invoke-Check'),
  ].join('\n');
}

function buildParams(plan: Plan): [string, string][] {
  return plan.build.builds.length
    ? []
    : [
        [
          'ConfirmBuild',
          'The OS build number of this machine (winver), typed by the operator: the logs name none.',
        ],
      ];
}

function buildParamDecl(plan: Plan): string[] {
  return plan.build.builds.length ? [] : ['[int]$ConfirmBuild = 0'];
}

function uniqueOrigins(list: Origin[]): Origin[] {
  const seen = new Set<string>();
  return list.filter((o) => !seen.has(o.id) && Boolean(seen.add(o.id)));
}

function targetFacts(targets: StoreTarget[]): string[] {
  return targets.flatMap((t) => [
    `${t.id} from ${t.origin.id}: ${t.parent}\\${t.name}${t.sub ? `\\${t.sub}` : ''}${t.folder ? ' (folder)' : ''}`,
    ...t.facts.map((f) => `    ${f}`),
  ]);
}

function newSourcePack(d: Diagnosis, plan: Plan): string {
  const name = SCRIPT_NAMES.newSourcePack;
  // The healthy machine must be at least at the newest OS component revision the pack holds.
  const revisions = plan.targets.map((t) => {
    const b = /^10\.0\./.test(t.version) ? osBuildIn(t.version) : null;
    return b && plan.build.builds.includes(b.build) ? b.ubr : 0;
  });
  const minUbr = Math.max(0, ...revisions);
  const h = help(d, plan, {
    name,
    synopsis:
      'RUN ON A HEALTHY MACHINE OF THE SAME BUILD. Collects the store items the broken machine needs into a zip.',
    description: [
      'Copies exactly the component folders, manifests and package .mum/.cat files the findings name from',
      'C:\\Windows\\WinSxS and C:\\Windows\\servicing\\Packages of this (healthy) machine into',
      'patchdx-sourcepack-<computer>-<build>-<timestamp>.zip with manifest.json (what, from where, sizes,',
      'SHA-256) and SHA256SUMS. Changes nothing on this machine. Refuses when this machine is another OS',
      `build, is older than the component versions needed (UBR below ${minUbr}), does not hold an item, or`,
      "holds a copy whose SHA-256 differs from the log's expected hash (see -SkipLogHashCheck).",
      'Give the zip and its printed SHA-256 to the broken machine and run Repair-FromSourcePack.ps1 there.',
    ],
    params: [
      ['OutputDirectory', 'Where the zip goes (default: the Desktop).'],
      [
        'SkipLogHashCheck',
        "Pack a file even when its SHA-256 differs from the log's expected hash; only when Test-StoreFiles.ps1 showed the log hashes are not plain file SHA-256.",
      ],
      ...buildParams(plan),
    ],
    examples: ['.\\New-SourcePack.ps1 -WhatIf', '.\\New-SourcePack.ps1 -OutputDirectory D:\\'],
    origins: uniqueOrigins(plan.targets.map((t) => t.origin)),
    facts: targetFacts(plan.targets),
    skipped: plan.skipped,
  });
  const assertHealthy =
    plan.build.builds.length === 0
      ? ps`function Assert-HealthyBuild {
    $os = Get-OsBuild
    if ($ConfirmBuild -ne $os.Build) {
        throw ('The logs name no OS build. Check that this healthy machine has the same build as the broken one, then run again with -ConfirmBuild and its build number.')
    }
    return $os
}
`
      : ps`function Assert-HealthyBuild {
    # A source pack must come from the same build, at or above the component versions it has to hold.
    $os = Get-OsBuild
    $here = [string]$os.Build + '.' + [string]$os.Ubr
    if ($ExpectedBuilds -notcontains $os.Build) {
        throw ('This machine is build ' + $here + ', the broken one build ' + ($ExpectedBuilds -join '/') + ' (' + $BuildSeenIn + '). Refusing: a source pack must come from the same build.')
    }
    if ($null -eq $os.Ubr -or $os.Ubr -lt $MinUbr) {
        throw ('This machine is at ' + $here + ', older than the component versions the pack must hold (revision ' + [string]$MinUbr + '). Refusing: use a healthy machine that has installed them.')
    }
    if ($null -ne $ExpectedUbr -and $os.Ubr -ne $ExpectedUbr) {
        Write-Warning ('This machine is at ' + $here + ', the broken one at UBR ' + [string]$ExpectedUbr + '. Each item is still checked for its exact version.')
    }
    Write-Step ('OS build ' + $here + ' is usable for a source pack.')
    return $os
}
`;
  return [
    h,
    '',
    prelude('New-SourcePack', [
      "[string]$OutputDirectory = [Environment]::GetFolderPath('Desktop')",
      '[switch]$SkipLogHashCheck',
      ...buildParamDecl(plan),
    ]),
    buildData(plan),
    `$MinUbr = ${minUbr}`,
    `$Generator = ${psQuote(`patchdx ${plain(d.tool.version, 20)} ${name}`)}`,
    '',
    targetData(plan.targets),
    skippedComments(plan.skipped),
    '',
    COMMON,
    assertHealthy,
    RESOLVE,
    ps`function Invoke-Pack {
    [CmdletBinding(SupportsShouldProcess)]
    param()
    $os = Assert-HealthyBuild
    $plan = New-Object System.Collections.ArrayList
    foreach ($t in $Targets) {
        $rels = @(Resolve-Target $t)
        if ($rels.Count -ne 1) {
            throw ('Expected exactly one match for ' + (Get-TargetText $t) + ' (' + $t.Id + ', finding ' + $t.Finding + ') on this machine, found ' + [string]$rels.Count + ': ' + ($rels -join ', ') + '. Refusing.')
        }
        $rel = $rels[0]
        $full = Join-Path $env:windir $rel
        if (-not (Test-Path -LiteralPath $full)) {
            throw ('This machine does not hold ' + $rel + ' (' + $t.Id + '). Refusing: use a healthy machine that has it.')
        }
        if ($t.Version -and $t.Kind -ne 'package-mum' -and $t.Kind -ne 'package-cat' -and $rel.IndexOf('_' + $t.Version + '_') -lt 0) {
            throw ($rel + ' is not version ' + $t.Version + '. Refusing.')
        }
        $files = @($rel)
        if ($t.Folder) {
            $files = @(Get-ChildItem -LiteralPath $full -Recurse -Force -File | ForEach-Object { $rel + $_.FullName.Substring($full.Length) })
            if ($files.Count -eq 0) { throw ('The folder ' + $rel + ' is empty here. Refusing.') }
        }
        $matchesLog = $null
        if (-not $t.Folder -and $t.Expected) {
            $hash = Get-Sha256 $full
            $matchesLog = ($hash -eq $t.Expected)
            if (-not $matchesLog) {
                $why = 'The SHA-256 of ' + $rel + ' here is ' + $hash + ', not the expected ' + $t.Expected + ' from the log.'
                if (-not $SkipLogHashCheck) {
                    throw ($why + ' Refusing: this copy may be bad too (or the log hash is not over the file bytes: see -SkipLogHashCheck).')
                }
                Write-Warning ($why + ' Packed anyway (-SkipLogHashCheck).')
            }
        }
        [void]$plan.Add([pscustomobject]@{ Target = $t; Rel = $rel; Files = $files; MatchesLog = $matchesLog })
        Write-Step ('Will pack ' + $rel + ' (' + [string]$files.Count + ' file(s)) for ' + $t.Id)
    }
    $name = 'patchdx-sourcepack-' + $env:COMPUTERNAME + '-' + [string]$os.Build + '.' + [string]$os.Ubr + '-' + $Stamp
    $zip = Join-Path $OutputDirectory ($name + '.zip')
    if (-not $PSCmdlet.ShouldProcess($zip, 'Create the source pack')) { return }
    $stage = Join-Path $env:TEMP $name
    $entries = New-Object System.Collections.ArrayList
    $sums = New-Object System.Text.StringBuilder
    foreach ($p in $plan) {
        foreach ($rel in $p.Files) {
            $packPath = 'files/' + ($rel -replace '\\', '/')
            $dst = Join-Path $stage ('files\' + $rel)
            New-Item -ItemType Directory -Path (Split-Path -Path $dst -Parent) -Force -Confirm:$false | Out-Null
            Copy-Item -LiteralPath (Join-Path $env:windir $rel) -Destination $dst -Force -Confirm:$false
            $hash = Get-Sha256 $dst
            [void]$entries.Add([ordered]@{ path = $packPath; bytes = (Get-Item -LiteralPath $dst).Length; sha256 = $hash })
            [void]$sums.Append($hash).Append('  ').Append($packPath).Append([char]10)
        }
    }
    $items = New-Object System.Collections.ArrayList
    foreach ($p in $plan) {
        [void]$items.Add([ordered]@{ id = $p.Target.Id; finding = $p.Target.Finding; target = (Get-TargetText $p.Target); resolved = $p.Rel; folder = [bool]$p.Target.Folder; matchesLogExpectedHash = $p.MatchesLog })
    }
    $manifest = [ordered]@{
        schema = 'patchdx.sourcepack/1'
        generator = $Generator
        created = (Get-Date).ToUniversalTime().ToString('o')
        computer = $env:COMPUTERNAME
        osBuild = $os.Build
        ubr = $os.Ubr
        items = $items
        files = $entries
    }
    Write-Utf8File (Join-Path $stage 'manifest.json') (ConvertTo-Json -InputObject $manifest -Depth 6)
    Write-Utf8File (Join-Path $stage 'SHA256SUMS') $sums.ToString()
    Add-Type -AssemblyName System.IO.Compression.FileSystem
    [IO.Compression.ZipFile]::CreateFromDirectory($stage, $zip)
    Remove-Item -LiteralPath $stage -Recurse -Force -Confirm:$false
    Write-Step ('Source pack: ' + $zip)
    Write-Step ('SHA-256 of the pack: ' + (Get-Sha256 $zip) + ' (send it along so the broken machine can check the copy).')
}
`,
    runBlock('    Invoke-Pack'),
  ].join('\n');
}

const SAFE_REL = ps`'^(WinSxS|WinSxS\\Manifests|servicing\\Packages)\\[A-Za-z0-9][A-Za-z0-9_.~+-]*(\\[^\\/:*?"<>|\[\]\x00-\x1f]+)*$'`;

const SECURITY = ps`function Assert-SafeRel([string]$Rel) {
    # Only store paths of the expected shape, with no . or .. segment, are ever written to.
    if ($Rel -notmatch $SafeRel) { throw ('Not a store path this script may write: ' + $Rel) }
    foreach ($seg in $Rel.Split('\')) {
        if ($seg -eq '.' -or $seg -eq '..') { throw ('Not a store path this script may write: ' + $Rel) }
    }
}

function Grant-AdminAccess([string]$Path, [bool]$Folder) {
    # takeown + icacls on the item itself (and each item in a folder): never on WinSxS or Manifests as a whole.
    $items = New-Object System.Collections.ArrayList
    [void]$items.Add($Path)
    if ($Folder) {
        foreach ($i in @(Get-ChildItem -LiteralPath $Path -Recurse -Force)) { [void]$items.Add($i.FullName) }
    }
    foreach ($i in $items) {
        $null = Invoke-Native -FilePath 'takeown.exe' -Arguments @('/f', $i, '/a')
        $null = Invoke-Native -FilePath 'icacls.exe' -Arguments @($i, '/grant', '*S-1-5-32-544:F', '/c')
    }
}

function Set-TrustedInstallerOwner([string]$Path, [bool]$Folder) {
    $arguments = @($Path, '/setowner', 'NT SERVICE\TrustedInstaller', '/c')
    if ($Folder) { $arguments += '/t' }
    $null = Invoke-Native -FilePath 'icacls.exe' -Arguments $arguments
}

function Restore-Security([string]$Path, [string]$AclFile, [bool]$Folder) {
    # icacls /save stores the DACL only, with names relative to the parent: restore it there, then the owner.
    if ($AclFile -and (Test-Path -LiteralPath $AclFile)) {
        $null = Invoke-Native -FilePath 'icacls.exe' -Arguments @((Split-Path -Path $Path -Parent), '/restore', $AclFile, '/c')
    }
    Set-TrustedInstallerOwner -Path $Path -Folder $Folder
}

function Sync-Item([string]$From, [string]$To, [bool]$Folder, [string[]]$Files, [bool]$Existing, [string[]]$Keep = @()) {
    # Makes $To hold exactly $Files (relative to $From; '' = $From is the file itself), and $Keep untouched.
    if ($Folder -and $Existing) {
        $keep = @{}
        foreach ($f in @($Files) + @($Keep)) { if ($f) { $keep[(Join-Path $To $f).ToLowerInvariant()] = $true } }
        foreach ($e in @(Get-ChildItem -LiteralPath $To -Recurse -Force -File)) {
            if (-not $keep.ContainsKey($e.FullName.ToLowerInvariant())) {
                Write-Step ('Removing ' + $e.FullName + ' (not in the copy being restored; the backup keeps it)')
                Remove-Item -LiteralPath $e.FullName -Force -Confirm:$false
            }
        }
    }
    foreach ($f in $Files) {
        $src = $From
        $dst = $To
        if ($f) {
            $src = Join-Path $From $f
            $dst = Join-Path $To $f
        }
        if ($Existing) {
            $dir = Split-Path -Path $dst -Parent
            if (-not (Test-Path -LiteralPath $dir)) { New-Item -ItemType Directory -Path $dir -Force -Confirm:$false | Out-Null }
            Copy-Item -LiteralPath $src -Destination $dst -Force -Confirm:$false
        } else {
            # A new item in a TrustedInstaller-only folder: robocopy /B writes it with the backup privilege, so
            # the ACL of WinSxS, Manifests or Packages itself is never touched.
            $null = Invoke-Native -FilePath 'robocopy.exe' -Arguments @((Split-Path -Path $src -Parent), (Split-Path -Path $dst -Parent), (Split-Path -Path $src -Leaf), '/B', '/COPY:DAT', '/R:0', '/W:0', '/NP', '/NJH', '/NJS') -OkExitCodes @(0, 1, 2, 3, 4, 5, 6, 7)
        }
    }
}

function Confirm-Hashes([string]$To, $Files) {
    foreach ($f in $Files) {
        $dst = $To
        if ($f.Rel) { $dst = Join-Path $To $f.Rel }
        $hash = Get-Sha256 $dst
        if ($hash -ne $f.Sha256) { throw ('After copying, ' + $dst + ' has SHA-256 ' + $hash + ', not ' + $f.Sha256 + '. Stopped: undo with -Undo.') }
    }
}

function Find-Backup([string]$StateFile) {
    $dir = $BackupPath
    if (-not $dir) {
        $last = Get-ChildItem -LiteralPath $BackupRoot -Directory -Filter ($ScriptName + '-*') -ErrorAction SilentlyContinue | Sort-Object Name | Select-Object -Last 1
        if (-not $last) { throw ('No backup of ' + $ScriptName + ' under ' + $BackupRoot + ': give -BackupPath.') }
        $dir = $last.FullName
    }
    if (-not (Test-Path -LiteralPath (Join-Path $dir $StateFile))) { throw ('No ' + $StateFile + ' in ' + $dir + '.') }
    Write-Step ('Undoing from ' + $dir)
    return $dir
}
`;

function repairFromSourcePack(d: Diagnosis, plan: Plan): string {
  const name = SCRIPT_NAMES.repairFromSourcePack;
  const h = help(d, plan, {
    name,
    synopsis:
      'replaces the corrupt or missing store items the diagnosis names with copies from a source pack.',
    description: [
      'Takes the source pack made by New-SourcePack.ps1 on a healthy machine of the same build. Before',
      "anything changes it checks every replacement: its SHA-256 against the pack's manifest.json and",
      "SHA256SUMS, its component version, and for files the log gave hashes for, against the log's",
      'Expected hash. Then, item by item: back up the item and its ACL (icacls /save) into',
      '<BackupRoot>\\Repair-FromSourcePack-<timestamp>, take ownership (takeown /a, icacls /grant',
      'Administrators), copy the replacement, check its SHA-256, restore the saved ACL (icacls /restore)',
      'and give ownership back to NT SERVICE\\TrustedInstaller. Items that already match are skipped; a',
      'missing item is written with robocopy /B so no folder ACL is widened. Afterwards run',
      'DISM /Online /Cleanup-Image /RestoreHealth and sfc /scannow, restart, and retry the update.',
      'A file that is in use (loaded) cannot be replaced: run from WinPE or after a restart.',
    ],
    params: [
      ['SourcePack', 'The source pack zip (or its extracted folder) from New-SourcePack.ps1.'],
      ['Undo', 'Put back what a previous run replaced, with its ACL and owner, from its backup.'],
      ['BackupPath', 'The backup folder to undo from (default: the newest one under BackupRoot).'],
      ['BackupRoot', 'Where backups go (default: C:\\patchdx-backup).'],
      [
        'SkipLogHashCheck',
        "Accept a replacement whose SHA-256 differs from the log's expected hash; only when Test-StoreFiles.ps1 showed the log hashes are not plain file SHA-256.",
      ],
      ...buildParams(plan),
    ],
    examples: [
      '.\\Repair-FromSourcePack.ps1 -SourcePack D:\\patchdx-sourcepack-HOST-17763.1935-20240101-120000.zip -WhatIf',
      '.\\Repair-FromSourcePack.ps1 -SourcePack D:\\patchdx-sourcepack-HOST-17763.1935-20240101-120000.zip',
      '.\\Repair-FromSourcePack.ps1 -Undo',
    ],
    origins: uniqueOrigins(plan.targets.map((t) => t.origin)),
    facts: targetFacts(plan.targets),
    skipped: plan.skipped,
  });
  return [
    h,
    '',
    prelude('Repair-FromSourcePack', [
      '[string]$SourcePack',
      '[switch]$Undo',
      '[string]$BackupPath',
      "[string]$BackupRoot = (Join-Path $env:SystemDrive 'patchdx-backup')",
      '[switch]$SkipLogHashCheck',
      ...buildParamDecl(plan),
    ]),
    buildData(plan),
    targetData(plan.targets),
    skippedComments(plan.skipped),
    `$SafeRel = ${SAFE_REL}`,
    '',
    COMMON,
    assertBuild(plan),
    NATIVE,
    SECURITY,
    ps`function Get-TargetText($Target) {
    $text = $Target.Parent + '\' + $Target.Name
    if ($Target.Sub) { $text = $text + '\' + $Target.Sub }
    return $text
}

function Open-SourcePack([string]$Path) {
    if (Test-Path -LiteralPath $Path -PathType Container) { return (Resolve-Path -LiteralPath $Path).ProviderPath }
    if (-not (Test-Path -LiteralPath $Path -PathType Leaf)) { throw ('Source pack not found: ' + $Path) }
    Add-Type -AssemblyName System.IO.Compression.FileSystem
    $dir = Join-Path $env:TEMP ('patchdx-pack-' + $Stamp)
    [IO.Compression.ZipFile]::ExtractToDirectory((Resolve-Path -LiteralPath $Path).ProviderPath, $dir)
    $script:ExtractedPack = $dir
    return $dir
}

function Read-Pack([string]$Root) {
    $manifestPath = Join-Path $Root 'manifest.json'
    $sumsPath = Join-Path $Root 'SHA256SUMS'
    if (-not (Test-Path -LiteralPath $manifestPath) -or -not (Test-Path -LiteralPath $sumsPath)) {
        throw 'Not a patchdx source pack: manifest.json or SHA256SUMS is missing.'
    }
    $manifest = Get-Content -LiteralPath $manifestPath -Raw -Encoding UTF8 | ConvertFrom-Json
    if ($manifest.schema -ne 'patchdx.sourcepack/1') { throw ('Unknown source pack format: ' + [string]$manifest.schema) }
    $sums = @{}
    foreach ($line in @(Get-Content -LiteralPath $sumsPath -Encoding UTF8)) {
        if ($line -match '^([0-9a-fA-F]{64}) [ *](.+)$') { $sums[$Matches[2]] = $Matches[1].ToLowerInvariant() }
    }
    return [pscustomobject]@{ Manifest = $manifest; Sums = $sums }
}

function Get-PlanEntry($Target, $Pack, [string]$Root) {
    # Checks one replacement completely before anything changes; $null when the item is already right.
    $text = Get-TargetText $Target
    $item = @($Pack.Manifest.items | Where-Object { $_.target -eq $text })
    if ($item.Count -ne 1) { throw ('The source pack has no item for ' + $text + ' (' + $Target.Id + '). Refusing.') }
    $rel = [string]$item[0].resolved
    Assert-SafeRel $rel
    if (-not ($rel -like $text)) { throw ('The source pack gives ' + $rel + ' for ' + $text + '. Refusing.') }
    if ($Target.Version -and $Target.Kind -ne 'package-mum' -and $Target.Kind -ne 'package-cat' -and $rel.IndexOf('_' + $Target.Version + '_') -lt 0) {
        throw ('The source pack holds ' + $rel + ', not version ' + $Target.Version + ' the logs name. Refusing.')
    }
    $prefix = 'files/' + ($rel -replace '\\', '/')
    $files = New-Object System.Collections.ArrayList
    foreach ($f in @($Pack.Manifest.files | Where-Object { $_.path -eq $prefix -or $_.path -like ($prefix + '/*') })) {
        $packPath = [string]$f.path
        Assert-SafeRel (($packPath.Substring(6)) -replace '/', '\')
        $src = Join-Path $Root ($packPath -replace '/', '\')
        if (-not (Test-Path -LiteralPath $src -PathType Leaf)) { throw ('The source pack lacks ' + $packPath + '. Refusing.') }
        $hash = Get-Sha256 $src
        if ($hash -ne ([string]$f.sha256).ToLowerInvariant()) { throw ($packPath + ' does not match the SHA-256 in manifest.json. Refusing: the pack is damaged.') }
        if ($Pack.Sums[$packPath] -ne $hash) { throw ($packPath + ' does not match SHA256SUMS. Refusing: the pack is damaged.') }
        [void]$files.Add([pscustomobject]@{ Rel = ($packPath.Substring($prefix.Length).TrimStart('/') -replace '/', '\'); Sha256 = $hash })
    }
    if ($files.Count -eq 0 -or (-not $Target.Folder -and $files.Count -ne 1)) { throw ('The source pack holds no usable copy of ' + $rel + '. Refusing.') }
    $dest = Join-Path $env:windir $rel
    $existed = Test-Path -LiteralPath $dest
    if (-not $Target.Folder -and $Target.Expected) {
        if ($files[0].Sha256 -ne $Target.Expected) {
            $why = 'The replacement for ' + $rel + ' has SHA-256 ' + $files[0].Sha256 + ', the log expects ' + $Target.Expected + '.'
            if (-not $SkipLogHashCheck) { throw ($why + ' Refusing (see -SkipLogHashCheck).') }
            Write-Warning ($why + ' Going on (-SkipLogHashCheck).')
        }
    }
    if ($existed -and -not $Target.Folder) {
        $current = ''
        try { $current = Get-Sha256 $dest } catch { Write-Step ($rel + ' cannot be read (' + $_.Exception.Message + '): it will be replaced.') }
        if ($current -eq $files[0].Sha256) {
            Write-Step ($rel + ' already matches the replacement; skipping it.')
            return $null
        }
    }
    return [pscustomobject]@{ Target = $Target; Rel = $rel; Dest = $dest; Folder = [bool]$Target.Folder; Existed = $existed; Files = $files; From = (Join-Path $Root ('files\' + $rel)); AclFile = '' }
}

function Backup-Items($Plan, [string]$Dir) {
    New-Item -ItemType Directory -Path $Dir -Force -Confirm:$false | Out-Null
    $state = New-Object System.Collections.ArrayList
    $n = 0
    foreach ($p in $Plan) {
        $n++
        $hashes = New-Object System.Collections.ArrayList
        $unreadable = New-Object System.Collections.ArrayList
        if ($p.Existed) {
            $copy = Join-Path $Dir ('files\' + $p.Rel)
            $sources = @(Get-Item -LiteralPath $p.Dest -Force)
            if ($p.Folder) { $sources = @(Get-ChildItem -LiteralPath $p.Dest -Recurse -Force -File) }
            foreach ($src in $sources) {
                $rel = $src.FullName.Substring($p.Dest.Length).TrimStart('\')
                $dst = $copy
                if ($rel) { $dst = Join-Path $copy $rel }
                New-Item -ItemType Directory -Path (Split-Path -Path $dst -Parent) -Force -Confirm:$false | Out-Null
                try {
                    Copy-Item -LiteralPath $src.FullName -Destination $dst -Force -Confirm:$false
                    [void]$hashes.Add([ordered]@{ rel = $rel; sha256 = (Get-Sha256 $dst) })
                } catch {
                    # A file that cannot be read is the corruption itself: replacing it cannot make it worse.
                    Write-Warning ('Cannot back up ' + $src.FullName + ': ' + $_.Exception.Message + ' -Undo will leave its replacement in place.')
                    [void]$unreadable.Add($rel)
                }
            }
            $p.AclFile = Join-Path $Dir ('acl-' + [string]$n + '.txt')
            $arguments = @($p.Dest, '/save', $p.AclFile, '/c')
            if ($p.Folder) { $arguments += '/t' }
            $null = Invoke-Native -FilePath 'icacls.exe' -Arguments $arguments
        }
        $acl = ''
        if ($p.AclFile) { $acl = Split-Path -Path $p.AclFile -Leaf }
        [void]$state.Add([ordered]@{ id = $p.Target.Id; finding = $p.Target.Finding; rel = $p.Rel; folder = $p.Folder; existed = $p.Existed; acl = $acl; files = $hashes; unreadable = $unreadable })
    }
    $undo = [ordered]@{ schema = 'patchdx.undo/1'; script = $ScriptName; created = (Get-Date).ToUniversalTime().ToString('o'); items = $state }
    Write-Utf8File (Join-Path $Dir 'undo.json') (ConvertTo-Json -InputObject $undo -Depth 6)
    Write-Step ('Backup: ' + $Dir)
}

function Invoke-Apply {
    [CmdletBinding(SupportsShouldProcess)]
    param()
    $os = Assert-Build
    if (-not $SourcePack) { throw 'Give the source pack: -SourcePack <zip or folder> made by New-SourcePack.ps1 on a healthy machine of the same build.' }
    $root = Open-SourcePack $SourcePack
    $pack = Read-Pack $root
    $packBuild = [int]$pack.Manifest.osBuild
    if ($ExpectedBuilds.Count -gt 0 -and $ExpectedBuilds -notcontains $packBuild) {
        throw ('The source pack comes from build ' + [string]$packBuild + ', this machine is build ' + [string]$os.Build + '. Refusing.')
    }
    Write-Step ('Source pack from ' + [string]$pack.Manifest.computer + ', build ' + [string]$packBuild + '.' + [string]$pack.Manifest.ubr + ', made ' + [string]$pack.Manifest.created)
    $plan = New-Object System.Collections.ArrayList
    foreach ($t in $Targets) {
        $entry = Get-PlanEntry $t $pack $root
        if ($null -ne $entry) { [void]$plan.Add($entry) }
    }
    if ($plan.Count -eq 0) {
        Write-Step 'Nothing to replace: every item already matches its replacement.'
        return
    }
    $backupDir = Join-Path $BackupRoot ($ScriptName + '-' + $Stamp)
    $backedUp = $false
    if ($PSCmdlet.ShouldProcess($backupDir, 'Back up ' + [string]$plan.Count + ' item(s) with their ACLs')) {
        Backup-Items $plan $backupDir
        $backedUp = $true
    }
    foreach ($p in $plan) {
        if (-not $PSCmdlet.ShouldProcess($p.Dest, 'Take ownership, replace from the source pack, restore the saved ACL and the TrustedInstaller owner')) { continue }
        if (-not $backedUp) { throw 'Refusing to replace anything without a backup.' }
        Write-Step ('Replacing ' + $p.Rel + ' (' + $p.Target.Id + ', finding ' + $p.Target.Finding + ')')
        $rels = @($p.Files | ForEach-Object { $_.Rel })
        if ($p.Existed) {
            Grant-AdminAccess -Path $p.Dest -Folder $p.Folder
            Sync-Item -From $p.From -To $p.Dest -Folder $p.Folder -Files $rels -Existing $true
            Restore-Security -Path $p.Dest -AclFile $p.AclFile -Folder $p.Folder
        } else {
            Sync-Item -From $p.From -To $p.Dest -Folder $p.Folder -Files $rels -Existing $false
            Set-TrustedInstallerOwner -Path $p.Dest -Folder $p.Folder
        }
        Confirm-Hashes -To $p.Dest -Files $p.Files
    }
    if ($backedUp) {
        Write-Step ('Done. To undo: .\' + $ScriptName + '.ps1 -Undo -BackupPath ''' + $backupDir + '''')
        Write-Step 'Next: DISM /Online /Cleanup-Image /RestoreHealth, then sfc /scannow, restart, and retry the update.'
    }
    if ($script:ExtractedPack) { Remove-Item -LiteralPath $script:ExtractedPack -Recurse -Force -Confirm:$false -WhatIf:$false }
}

function Invoke-Undo {
    [CmdletBinding(SupportsShouldProcess)]
    param()
    $os = Assert-Build
    $dir = Find-Backup 'undo.json'
    $state = Get-Content -LiteralPath (Join-Path $dir 'undo.json') -Raw -Encoding UTF8 | ConvertFrom-Json
    if ($state.script -ne $ScriptName) { throw ('undo.json in ' + $dir + ' belongs to ' + [string]$state.script + '.') }
    $items = @($state.items)
    for ($i = $items.Count - 1; $i -ge 0; $i--) {
        $u = $items[$i]
        $rel = [string]$u.rel
        Assert-SafeRel $rel
        $dest = Join-Path $env:windir $rel
        $folder = [bool]$u.folder
        if (-not $PSCmdlet.ShouldProcess($dest, 'Restore the backup, its ACL and the TrustedInstaller owner')) { continue }
        if ($u.existed) {
            $files = @($u.files | ForEach-Object { [pscustomobject]@{ Rel = [string]$_.rel; Sha256 = [string]$_.sha256 } })
            $rels = @($files | ForEach-Object { $_.Rel })
            $from = Join-Path $dir ('files\' + $rel)
            $keep = @($u.unreadable | ForEach-Object { [string]$_ })
            foreach ($k in $keep) { Write-Warning ('Unreadable before the repair, so its replacement stays: ' + $rel + ' ' + $k) }
            if ($files.Count -eq 0) {
                Write-Step ('Nothing of ' + $rel + ' could be backed up; only its ACL and owner are restored.')
            } elseif (Test-Path -LiteralPath $dest) {
                Grant-AdminAccess -Path $dest -Folder $folder
                Sync-Item -From $from -To $dest -Folder $folder -Files $rels -Existing $true -Keep $keep
            } else {
                Sync-Item -From $from -To $dest -Folder $folder -Files $rels -Existing $false
            }
            Restore-Security -Path $dest -AclFile (Join-Path $dir ([string]$u.acl)) -Folder $folder
            Confirm-Hashes -To $dest -Files $files
        } elseif (Test-Path -LiteralPath $dest) {
            Grant-AdminAccess -Path $dest -Folder $folder
            Remove-Item -LiteralPath $dest -Recurse -Force -Confirm:$false
        }
        Write-Step ('Restored ' + $rel)
    }
}
`,
    runBlock(ps`    if ($Undo) { Invoke-Undo } else { Invoke-Apply }`),
  ].join('\n');
}

const SERVICES = ps`# Stopped in this order (UsoSvc restarts wuauserv, CryptSvc holds catroot2) and started in reverse.
$Services = @('usosvc', 'wuauserv', 'bits', 'cryptsvc')
$Folders = @('SoftwareDistribution\Download', 'SoftwareDistribution\DataStore', 'System32\catroot2')

function Stop-UpdateServices {
    [CmdletBinding(SupportsShouldProcess)]
    param()
    foreach ($name in $Services) {
        $svc = Get-Service -Name $name -ErrorAction SilentlyContinue
        if (-not $svc) { Write-Step ($name + ' does not exist on this machine.'); continue }
        if ($svc.Status -eq 'Stopped') { continue }
        if ($PSCmdlet.ShouldProcess($name, 'Stop service')) {
            try {
                Stop-Service -Name $name -Force -Confirm:$false -ErrorAction Stop
                $svc.WaitForStatus('Stopped', [TimeSpan]::FromSeconds(60))
                Write-Step ('Stopped ' + $name)
            } catch {
                Write-Warning ('Could not stop ' + $name + ': ' + $_.Exception.Message)
            }
        }
    }
}

function Start-UpdateServices {
    [CmdletBinding(SupportsShouldProcess)]
    param()
    for ($i = $Services.Count - 1; $i -ge 0; $i--) {
        $name = $Services[$i]
        if (-not (Get-Service -Name $name -ErrorAction SilentlyContinue)) { continue }
        if ($PSCmdlet.ShouldProcess($name, 'Start service')) {
            try {
                Start-Service -Name $name -Confirm:$false -ErrorAction Stop
                Write-Step ('Started ' + $name)
            } catch {
                Write-Warning ('Could not start ' + $name + ' (it may start on demand): ' + $_.Exception.Message)
            }
        }
    }
}

function Rename-WithRetry([string]$Path, [string]$NewName) {
    # Windows Update can restart on its own and lock the folder again: stop it and retry a few times.
    for ($try = 1; $try -le 5; $try++) {
        try {
            Rename-Item -LiteralPath $Path -NewName $NewName -Confirm:$false -ErrorAction Stop
            Write-Step ('Renamed ' + $Path + ' to ' + $NewName)
            return
        } catch {
            if ($try -eq 5) { throw ('Could not rename ' + $Path + ': ' + $_.Exception.Message) }
            Stop-Service -Name 'wuauserv' -Force -Confirm:$false -ErrorAction SilentlyContinue
            Stop-Service -Name 'usosvc' -Force -Confirm:$false -ErrorAction SilentlyContinue
            Start-Sleep -Seconds 3
        }
    }
}
`;

function resetCache(d: Diagnosis, plan: Plan): string {
  const name = SCRIPT_NAMES.resetCache;
  const h = help(d, plan, {
    name,
    synopsis: 'resets the Windows Update cache (download cache, DataStore, catroot2) by renaming it.',
    description: [
      'Stops UsoSvc, wuauserv, BITS and CryptSvc; renames %windir%\\SoftwareDistribution\\Download,',
      '%windir%\\SoftwareDistribution\\DataStore and %windir%\\System32\\catroot2 to',
      '<name>.patchdx-<timestamp> (nothing is deleted); starts the services again. Windows rebuilds the',
      'folders: updates download again, and the update history shown in Settings starts empty.',
      '-Undo renames the saved folders back (the rebuilt ones are kept as <name>.patchdx-replaced-<timestamp>).',
      'Where PowerShell scripts may not run, reset-wu-cache.cmd does the same.',
    ],
    params: [
      ['Undo', 'Rename the folders saved by a previous run back.'],
      ['Suffix', 'With -Undo: the suffix of the run to undo (patchdx-<timestamp>; default: the newest).'],
      ...buildParams(plan),
    ],
    examples: [
      '.\\Reset-WindowsUpdateCache.ps1 -WhatIf',
      '.\\Reset-WindowsUpdateCache.ps1',
      '.\\Reset-WindowsUpdateCache.ps1 -Undo',
    ],
    origins: plan.reset,
    facts: plan.reset.map(
      (o) => `${o.id}: ${o.rule}${o.code ? ` ${o.code}` : ''} (no value from the log is used)`,
    ),
    skipped: [],
  });
  return [
    h,
    '',
    prelude('Reset-WindowsUpdateCache', ['[switch]$Undo', '[string]$Suffix', ...buildParamDecl(plan)]),
    buildData(plan),
    COMMON,
    assertBuild(plan),
    SERVICES,
    ps`function Invoke-Apply {
    [CmdletBinding(SupportsShouldProcess)]
    param()
    $os = Assert-Build
    $suffix = 'patchdx-' + $Stamp
    Stop-UpdateServices
    try {
        foreach ($f in $Folders) {
            $path = Join-Path $env:windir $f
            if (-not (Test-Path -LiteralPath $path)) { Write-Step ($path + ' does not exist.'); continue }
            $newName = (Split-Path -Path $path -Leaf) + '.' + $suffix
            if ($PSCmdlet.ShouldProcess($path, 'Rename to ' + $newName)) { Rename-WithRetry $path $newName }
        }
    } finally {
        Start-UpdateServices
    }
    Write-Step ('To undo: .\' + $ScriptName + '.ps1 -Undo -Suffix ' + $suffix)
}

function Invoke-Undo {
    [CmdletBinding(SupportsShouldProcess)]
    param()
    $os = Assert-Build
    $suffix = $Suffix
    if (-not $suffix) {
        $last = Get-ChildItem -LiteralPath (Join-Path $env:windir 'SoftwareDistribution') -Directory -Filter 'Download.patchdx-*' -ErrorAction SilentlyContinue |
            Where-Object { $_.Name -notlike '*.patchdx-replaced-*' } | Sort-Object Name | Select-Object -Last 1
        if (-not $last) { throw 'No folder saved by this script was found: give -Suffix.' }
        $suffix = $last.Name.Substring('Download.'.Length)
    }
    if ($suffix -notmatch '^patchdx-[0-9]{8}-[0-9]{6}$') { throw ('Not a suffix this script makes: ' + $suffix) }
    Write-Step ('Undoing the reset ' + $suffix)
    Stop-UpdateServices
    try {
        foreach ($f in $Folders) {
            $path = Join-Path $env:windir $f
            $leaf = Split-Path -Path $path -Leaf
            $saved = $path + '.' + $suffix
            if (-not (Test-Path -LiteralPath $saved)) { Write-Step ('No saved ' + $saved); continue }
            if (-not $PSCmdlet.ShouldProcess($saved, 'Rename back to ' + $leaf)) { continue }
            if (Test-Path -LiteralPath $path) { Rename-WithRetry $path ($leaf + '.patchdx-replaced-' + $Stamp) }
            Rename-WithRetry $saved $leaf
        }
    } finally {
        Start-UpdateServices
    }
}
`,
    runBlock(ps`    if ($Undo) { Invoke-Undo } else { Invoke-Apply }`),
  ].join('\n');
}

function installUpdates(d: Diagnosis, plan: Plan): string {
  const name = SCRIPT_NAMES.installUpdates;
  const order = plan.updates.map((u) => u.kb).join(', ');
  const h = help(d, plan, {
    name,
    synopsis: `installs ${order} in this order (servicing stack first) from downloaded .msu/.cab files.`,
    description: [
      'Download the files from the Microsoft Update Catalog (the x64 .msu, or the .cab inside it) into one',
      'folder and give it as -UpdatePath. The script picks the file for each KB by its name, refuses a file',
      'whose Microsoft signature does not verify, logs its SHA-256, skips an update Windows lists as',
      'installed (Get-HotFix), and installs the rest in order: .msu with wusa /quiet /norestart, .cab with',
      'dism /online /add-package /quiet /norestart. It stops after an update that needs a restart: restart',
      `and run it again.${plan.targetBuild ? ` It refuses to run on a machine already at ${plan.targetBuild} or later.` : ''}`,
      '-Undo uninstalls, newest first, what a previous run installed (wusa /uninstall); a servicing stack',
      'update cannot be removed.',
    ],
    params: [
      ['UpdatePath', 'Folders holding the downloaded files, or the .msu/.cab files themselves.'],
      ['Undo', 'Uninstall what a previous run installed.'],
      ['BackupPath', 'With -Undo: the record folder of the run to undo (default: the newest).'],
      ['BackupRoot', 'Where the record of installed updates goes (default: C:\\patchdx-backup).'],
      ...buildParams(plan),
    ],
    examples: [
      '.\\Install-Updates.ps1 -UpdatePath D:\\updates -WhatIf',
      '.\\Install-Updates.ps1 -UpdatePath D:\\updates',
    ],
    origins: plan.updateOrigins,
    facts: [
      ...plan.updates.map((u) => `${u.kb} (${u.kind}): ${u.role}, from ${u.origin.id}`),
      ...(plan.targetBuild ? [`target build = ${plan.targetBuild}`] : []),
    ],
    skipped: [],
    notes: plan.updateNotes,
  });
  const rows = plan.updates.map(
    (u) =>
      `    @{ Kb = ${psQuote(u.kb)}; Kind = ${psQuote(u.kind)}; Role = ${psQuote(plain(u.role, 80))}; Finding = ${psQuote(
        u.origin.id,
      )} }`,
  );
  return [
    h,
    '',
    prelude('Install-Updates', [
      '[string[]]$UpdatePath',
      '[switch]$Undo',
      '[string]$BackupPath',
      "[string]$BackupRoot = (Join-Path $env:SystemDrive 'patchdx-backup')",
      ...buildParamDecl(plan),
    ]),
    buildData(plan),
    ps`# The updates to install, in order. Data only.
$Updates = @(
${rows.join('\n')}
)
$TargetBuild = ${psQuote(plan.targetBuild ?? '')}
`,
    COMMON,
    assertBuild(plan),
    ps`function Get-System32 {
    # A 32-bit PowerShell on 64-bit Windows must reach the 64-bit wusa and dism through Sysnative.
    if ([Environment]::Is64BitOperatingSystem -and -not [Environment]::Is64BitProcess) { return (Join-Path $env:windir 'Sysnative') }
    return (Join-Path $env:windir 'System32')
}

function Format-Code([int]$Code) {
    return '0x' + ('{0:x8}' -f $Code)
}

function Find-UpdateFile($Update, $Files, [string]$Arch) {
    $number = $Update.Kb.Substring(2)
    $found = @($Files | Where-Object { $_.Name -match ('(?i)kb' + $number + '(?![0-9])') })
    if ($found.Count -gt 1) {
        $byArch = @($found | Where-Object { $_.Name -match ('(?i)[-_.]' + $Arch + '[-_.]') })
        if ($byArch.Count -ge 1) { $found = $byArch }
    }
    if ($found.Count -gt 1) {
        $msu = @($found | Where-Object { $_.Extension -eq '.msu' })
        if ($msu.Count -ge 1) { $found = $msu }
    }
    if ($found.Count -eq 0) { throw ('No .msu or .cab file for ' + $Update.Kb + ' in -UpdatePath. Download it from the Microsoft Update Catalog.') }
    if ($found.Count -gt 1) { throw ('More than one file for ' + $Update.Kb + ': ' + (($found | ForEach-Object { $_.Name }) -join ', ') + '. Keep one.') }
    return $found[0]
}

function Install-UpdateFile($File) {
    $sys = Get-System32
    if ($File.Extension -eq '.msu') {
        $exe = Join-Path $sys 'wusa.exe'
        $arguments = @('"' + $File.FullName + '"', '/quiet', '/norestart')
    } else {
        $exe = Join-Path $sys 'dism.exe'
        $arguments = @('/online', '/add-package', ('/packagepath:"' + $File.FullName + '"'), '/quiet', '/norestart')
    }
    Write-Step ('> ' + $exe + ' ' + ($arguments -join ' '))
    $proc = Start-Process -FilePath $exe -ArgumentList $arguments -Wait -PassThru -NoNewWindow
    return [int]$proc.ExitCode
}

function Save-State([string]$Dir, $State) {
    if (-not (Test-Path -LiteralPath $Dir)) { New-Item -ItemType Directory -Path $Dir -Force -Confirm:$false | Out-Null }
    $record = [ordered]@{ schema = 'patchdx.installed/1'; script = $ScriptName; updates = $State }
    Write-Utf8File (Join-Path $Dir 'installed.json') (ConvertTo-Json -InputObject $record -Depth 5)
}

function Invoke-Apply {
    [CmdletBinding(SupportsShouldProcess)]
    param()
    $os = Assert-Build
    if ($TargetBuild) {
        $targetUbr = [int]($TargetBuild.Split('.')[1])
        if ($null -ne $os.Ubr -and $os.Ubr -ge $targetUbr) {
            throw ('This machine is already at ' + [string]$os.Build + '.' + [string]$os.Ubr + ', at or above ' + $TargetBuild + '. Refusing: nothing to install.')
        }
    }
    if (-not $UpdatePath) {
        throw ('Give the downloaded files: -UpdatePath <folder or files>. Needed, in this order: ' + (($Updates | ForEach-Object { $_.Kb }) -join ', ') + '.')
    }
    $files = New-Object System.Collections.ArrayList
    foreach ($p in $UpdatePath) {
        if (Test-Path -LiteralPath $p -PathType Container) {
            foreach ($f in @(Get-ChildItem -LiteralPath $p -File | Where-Object { $_.Extension -eq '.msu' -or $_.Extension -eq '.cab' })) { [void]$files.Add($f) }
        } elseif (Test-Path -LiteralPath $p -PathType Leaf) {
            [void]$files.Add((Get-Item -LiteralPath $p))
        } else {
            throw ('Not found: ' + $p)
        }
    }
    $arch = 'x86'
    if ($env:PROCESSOR_ARCHITECTURE -eq 'AMD64' -or $env:PROCESSOR_ARCHITEW6432 -eq 'AMD64') { $arch = 'x64' }
    if ($env:PROCESSOR_ARCHITECTURE -eq 'ARM64') { $arch = 'arm64' }
    $steps = New-Object System.Collections.ArrayList
    foreach ($u in $Updates) {
        $file = Find-UpdateFile $u $files $arch
        $sig = Get-AuthenticodeSignature -LiteralPath $file.FullName
        $subject = ''
        if ($sig.SignerCertificate) { $subject = $sig.SignerCertificate.Subject }
        if ($sig.Status -ne 'Valid' -or $subject -notmatch 'O=Microsoft Corporation') {
            throw ($file.Name + ': signature ' + [string]$sig.Status + ' by ' + $subject + '. Refusing to install a file Microsoft''s signature does not vouch for.')
        }
        $hash = Get-Sha256 $file.FullName
        Write-Step ($u.Kb + ' (' + $u.Role + '): ' + $file.FullName + ', SHA-256 ' + $hash)
        [void]$steps.Add([pscustomobject]@{ Update = $u; File = $file; Sha256 = $hash })
    }
    $dir = Join-Path $BackupRoot ($ScriptName + '-' + $Stamp)
    $state = New-Object System.Collections.ArrayList
    for ($i = 0; $i -lt $steps.Count; $i++) {
        $s = $steps[$i]
        $kb = $s.Update.Kb
        if (Get-HotFix -Id $kb -ErrorAction SilentlyContinue) { Write-Step ($kb + ' is already installed; skipping it.'); continue }
        if (-not $PSCmdlet.ShouldProcess($kb + ' (' + $s.File.Name + ')', 'Install')) { continue }
        $code = Install-UpdateFile $s.File
        $result = 'failed'
        if ($code -eq 0) { $result = 'installed' }
        if ($code -eq 3010 -or $code -eq 1641) { $result = 'installed, restart needed' }
        if ($code -eq 2359302) { $result = 'already installed' }
        [void]$state.Add([ordered]@{ kb = $kb; kind = $s.Update.Kind; file = $s.File.FullName; sha256 = $s.Sha256; exitCode = (Format-Code $code); result = $result; installed = ($result -like 'installed*'); time = (Get-Date).ToString('o') })
        Save-State $dir $state
        Write-Step ($kb + ': ' + $result + ' (exit code ' + (Format-Code $code) + ')')
        if ($result -eq 'failed') {
            $hint = ''
            if ($code -eq -2145124329 -or $code -eq -2146498530) { $hint = ' Not applicable: a prerequisite is missing, or the file is for another build or architecture.' }
            throw ($kb + ' did not install (exit code ' + (Format-Code $code) + ').' + $hint + ' See C:\Windows\Logs\CBS\CBS.log.')
        }
        if ($result -eq 'installed, restart needed' -and $i -lt $steps.Count - 1) {
            Write-Step 'Restart Windows, then run this script again with the same -UpdatePath: installed updates are skipped.'
            return
        }
    }
    Write-Step ('Done. Record: ' + $dir + '. Restart Windows to finish.')
}

function Invoke-Undo {
    [CmdletBinding(SupportsShouldProcess)]
    param()
    $os = Assert-Build $true
    $dir = $BackupPath
    if (-not $dir) {
        $last = Get-ChildItem -LiteralPath $BackupRoot -Directory -Filter ($ScriptName + '-*') -ErrorAction SilentlyContinue | Sort-Object Name | Select-Object -Last 1
        if (-not $last) { throw ('No record of ' + $ScriptName + ' under ' + $BackupRoot + ': give -BackupPath.') }
        $dir = $last.FullName
    }
    $record = Get-Content -LiteralPath (Join-Path $dir 'installed.json') -Raw -Encoding UTF8 | ConvertFrom-Json
    $done = @($record.updates)
    for ($i = $done.Count - 1; $i -ge 0; $i--) {
        $e = $done[$i]
        if (-not $e.installed) { continue }
        $kb = [string]$e.kb
        if ($kb -notmatch '^KB[0-9]{6,8}$') { throw ('Not a KB number: ' + $kb) }
        if ($e.kind -eq 'SSU') { Write-Warning ($kb + ' is a servicing stack update: Windows cannot remove it.'); continue }
        if (-not $PSCmdlet.ShouldProcess($kb, 'Uninstall')) { continue }
        $exe = Join-Path (Get-System32) 'wusa.exe'
        $arguments = @('/uninstall', ('/kb:' + $kb.Substring(2)), '/quiet', '/norestart')
        Write-Step ('> ' + $exe + ' ' + ($arguments -join ' '))
        $code = [int](Start-Process -FilePath $exe -ArgumentList $arguments -Wait -PassThru -NoNewWindow).ExitCode
        if ($code -eq 0 -or $code -eq 3010 -or $code -eq 1641) {
            Write-Step ($kb + ' removed (exit code ' + (Format-Code $code) + '); restart to finish.')
        } else {
            Write-Warning ('wusa could not remove ' + $kb + ' (exit code ' + (Format-Code $code) + '). A combined SSU+LCU package can only be removed with DISM: dism /online /get-packages /format:table, then dism /online /remove-package /packagename:<the package of ' + $kb + '>.')
        }
    }
}
`,
    runBlock(ps`    if ($Undo) { Invoke-Undo } else { Invoke-Apply }`),
  ].join('\n');
}

// ---- cmd fallback -----------------------------------------------------------------------------------

/** Text safe after REM or echo in a batch file: no % ^ & | < > " characters. */
function cmdText(s: string): string {
  return plain(s).replace(/[%^&|<>"()!]/g, '?');
}

function resetCacheCmd(d: Diagnosis, plan: Plan): string {
  const b = plan.build;
  const header = [
    `reset-wu-cache.cmd - generated by patchdx ${cmdText(d.tool.version)}. REVIEW IT BEFORE RUNNING IT.`,
    'Resets the Windows Update cache where PowerShell scripts may not run: stops UsoSvc, wuauserv, BITS and',
    'CryptSvc, renames %windir%\\SoftwareDistribution\\Download, ...\\DataStore and %windir%\\System32\\catroot2',
    'to NAME.patchdx-TIMESTAMP - nothing is deleted - and starts the services again.',
    'Usage, from an elevated Command Prompt:',
    '  reset-wu-cache.cmd /whatif              show what would be done',
    '  reset-wu-cache.cmd                      reset',
    '  reset-wu-cache.cmd /undo /suffix:patchdx-TIMESTAMP   rename the saved folders back',
    ...(b.builds.length
      ? []
      : ['  add /confirmbuild:BUILD - the logs name no OS build, so the operator confirms it']),
    'Log: %TEMP%\\patchdx-reset-wu-cache-TIMESTAMP.log. Refuses to run on another OS build than the logs show',
    `  (${b.builds.length ? b.builds.join('/') : 'none shown: run it only on the machine the logs came from'}${
      b.ubr !== null ? `, UBR ${b.ubr}` : ''
    }: ${cmdText(b.seenIn)}).`,
    'From the findings (evidence file:line); no value from the logs is used:',
    ...plan.reset.map((o) => `  ${cmdText(originText(o))}`),
  ].map((l) => `REM ${l}`.trimEnd());
  const buildCheck = b.builds.length
    ? [
        'set "BUILD_OK="',
        `for %%B in (${b.builds.join(' ')}) do if "%%B"=="%BUILD%" set "BUILD_OK=1"`,
        'if not defined BUILD_OK (',
        `  call :log REFUSED: this machine is build %BUILD%.%UBR%, the logs show build ${b.builds.join('/')}. Collect and diagnose this machine's logs.`,
        '  exit /b 2',
        ')',
        ...(b.ubr !== null
          ? [
              `if not "%UBR%"=="${b.ubr}" (`,
              `  call :log REFUSED: this machine is at %BUILD%.%UBR%, the logs show UBR ${b.ubr}. Diagnose it again.`,
              '  exit /b 2',
              ')',
            ]
          : []),
      ]
    : [
        'if not "%CONFIRM_BUILD%"=="%BUILD%" (',
        '  call :log REFUSED: the logs name no OS build. Check this is the machine they came from, then add /confirmbuild:%BUILD%',
        '  exit /b 2',
        ')',
      ];
  const lines = [
    '@echo off',
    ...header,
    'setlocal EnableExtensions DisableDelayedExpansion',
    '',
    'set "MODE=apply"',
    'set "WHATIF="',
    'set "SUFFIX="',
    'set "CONFIRM_BUILD="',
    ':args',
    'if "%~1"=="" goto argsdone',
    'set "ARG=%~1"',
    'shift',
    'if /i "%ARG%"=="/whatif" set "WHATIF=1" & goto args',
    'if /i "%ARG%"=="/undo" set "MODE=undo" & goto args',
    'if /i "%ARG:~0,8%"=="/suffix:" set "SUFFIX=%ARG:~8%" & goto args',
    'if /i "%ARG:~0,14%"=="/confirmbuild:" set "CONFIRM_BUILD=%ARG:~14%" & goto args',
    'echo Unknown argument. Use /whatif, /undo /suffix:patchdx-TIMESTAMP',
    'exit /b 2',
    ':argsdone',
    '',
    'rem A sortable time stamp from WMI where it exists, else from the locale-dependent DATE and TIME.',
    'set "LDT="',
    'for /f "tokens=2 delims==" %%I in (\'wmic os get localdatetime /value 2^>nul ^| find "="\') do set "LDT=%%I"',
    'if defined LDT (set "STAMP=%LDT:~0,8%-%LDT:~8,6%") else (set "STAMP=%DATE%-%TIME%")',
    'set "STAMP=%STAMP:/=%"',
    'set "STAMP=%STAMP::=%"',
    'set "STAMP=%STAMP:.=%"',
    'set "STAMP=%STAMP:,=%"',
    'set "STAMP=%STAMP: =0%"',
    'set "LOG=%TEMP%\\patchdx-reset-wu-cache-%STAMP%.log"',
    'call :log patchdx reset-wu-cache.cmd, mode %MODE%, log %LOG%',
    '',
    'fltmc >nul 2>&1',
    'if errorlevel 1 (',
    '  call :log This script needs an elevated Command Prompt: right-click it, Run as administrator.',
    '  exit /b 2',
    ')',
    '',
    'set "BUILD="',
    'set "UBR="',
    'for /f "tokens=3" %%A in (\'reg query "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion" /v CurrentBuildNumber 2^>nul ^| find /i "CurrentBuildNumber"\') do set "BUILD=%%A"',
    'for /f "tokens=3" %%A in (\'reg query "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion" /v UBR 2^>nul ^| find /i "UBR"\') do set /a "UBR=%%A"',
    ...buildCheck,
    'call :log OS build %BUILD%.%UBR% matches the logs.',
    '',
    'if "%MODE%"=="undo" goto undo',
    '',
    'set "SUFFIX=patchdx-%STAMP%"',
    'call :stopservices',
    'call :saverename "%windir%\\SoftwareDistribution\\Download" "Download.%SUFFIX%"',
    'call :saverename "%windir%\\SoftwareDistribution\\DataStore" "DataStore.%SUFFIX%"',
    'call :saverename "%windir%\\System32\\catroot2" "catroot2.%SUFFIX%"',
    'call :startservices',
    'call :log To undo: reset-wu-cache.cmd /undo /suffix:%SUFFIX%',
    'call :log Log: %LOG%',
    'exit /b %FAILED%',
    '',
    ':undo',
    'if not defined SUFFIX (',
    '  call :log Give the run to undo with /suffix:NAME. Saved folders:',
    '  dir /b /ad "%windir%\\SoftwareDistribution\\Download.patchdx-*" 2>nul',
    '  exit /b 2',
    ')',
    'if not exist "%windir%\\SoftwareDistribution\\Download.%SUFFIX%\\" if not exist "%windir%\\SoftwareDistribution\\DataStore.%SUFFIX%\\" if not exist "%windir%\\System32\\catroot2.%SUFFIX%\\" (',
    '  call :log Nothing saved with the suffix %SUFFIX%.',
    '  exit /b 2',
    ')',
    'call :stopservices',
    'call :restore "%windir%\\SoftwareDistribution" Download',
    'call :restore "%windir%\\SoftwareDistribution" DataStore',
    'call :restore "%windir%\\System32" catroot2',
    'call :startservices',
    'call :log Log: %LOG%',
    'exit /b %FAILED%',
    '',
    ':stopservices',
    'set "FAILED=0"',
    'for %%S in (usosvc wuauserv bits cryptsvc) do call :run net stop %%S /y',
    'exit /b 0',
    '',
    ':startservices',
    'for %%S in (cryptsvc bits wuauserv usosvc) do call :run net start %%S',
    'exit /b 0',
    '',
    'rem :saverename FOLDER NEWNAME - rename, retrying while Windows Update holds the folder.',
    ':saverename',
    'if not exist "%~1\\" (',
    '  call :log %~1 does not exist.',
    '  exit /b 0',
    ')',
    'set "TRIES=0"',
    ':saverename_again',
    'call :run ren "%~1" "%~2"',
    'if not errorlevel 1 exit /b 0',
    'set /a "TRIES+=1"',
    'if %TRIES% geq 5 (',
    '  call :log FAILED: could not rename %~1.',
    '  set "FAILED=1"',
    '  exit /b 1',
    ')',
    'net stop wuauserv /y >nul 2>&1',
    'net stop usosvc /y >nul 2>&1',
    'ping -n 4 127.0.0.1 >nul',
    'goto saverename_again',
    '',
    'rem :restore PARENT NAME - keep the rebuilt folder aside, rename the saved one back.',
    ':restore',
    'if not exist "%~1\\%~2.%SUFFIX%\\" (',
    '  call :log No saved %~1\\%~2.%SUFFIX%',
    '  exit /b 0',
    ')',
    'if exist "%~1\\%~2\\" call :saverename "%~1\\%~2" "%~2.patchdx-replaced-%STAMP%"',
    'call :saverename "%~1\\%~2.%SUFFIX%" "%~2"',
    'exit /b 0',
    '',
    'rem :run COMMAND - logs the command and runs it, or only logs it with /whatif.',
    ':run',
    'if defined WHATIF (',
    '  call :log What if: %*',
    '  exit /b 0',
    ')',
    'call :log run: %*',
    '%* >>"%LOG%" 2>&1',
    'exit /b %errorlevel%',
    '',
    ':log',
    'echo(%*',
    '>>"%LOG%" echo(%*',
    'exit /b 0',
    '',
  ];
  return lines.join('\r\n');
}

// ---- entry ----------------------------------------------------------------------------------------

const PURPOSE: Record<string, I18nText> = {
  [SCRIPT_NAMES.testStoreFiles]: {
    en: 'Check the named store files against the hashes in the log (changes nothing)',
    zh: '按日志中的哈希值校验相关组件存储文件（不做任何修改）',
  },
  [SCRIPT_NAMES.resetCache]: {
    en: 'Reset the Windows Update cache (rename Download, DataStore, catroot2), with undo',
    zh: '重置 Windows 更新缓存（重命名 Download、DataStore、catroot2），可撤销',
  },
  [SCRIPT_NAMES.resetCacheCmd]: {
    en: 'The same cache reset as a .cmd, where PowerShell scripts may not run',
    zh: '同样的缓存重置（.cmd 版本），用于无法运行 PowerShell 脚本的机器',
  },
  [SCRIPT_NAMES.installUpdates]: {
    en: 'Install the prerequisites, then the update, in order (servicing stack first)',
    zh: '按顺序安装前置补丁和更新（先安装服务堆栈更新）',
  },
  [SCRIPT_NAMES.newSourcePack]: {
    en: 'On a healthy machine of the same build: pack the store files the broken machine needs',
    zh: '在相同版本的正常机器上运行：打包问题机器所需的组件存储文件',
  },
  [SCRIPT_NAMES.repairFromSourcePack]: {
    en: 'Replace the corrupt store files from the source pack (backup, ownership, ACL, undo)',
    zh: '用源文件包替换损坏的组件存储文件（备份、所有权、ACL、可撤销）',
  },
};

function script(
  name: string,
  shell: 'powershell' | 'cmd',
  runsOn: 'broken' | 'healthy',
  content: string,
): GeneratedScript {
  return {
    name,
    shell,
    runsOn,
    purpose: PURPOSE[name]!,
    // Blank-line runs come from empty optional parts; one blank line is enough.
    content: shell === 'powershell' ? `${content.replace(/\n{3,}/g, '\n\n').trimEnd()}\n` : content,
  };
}

/**
 * The scripts a diagnosis calls for, least invasive first: store checks and replacement for corrupt or
 * missing manifests, files, component folders and package .mum/.cat; the update cache reset for
 * not-found, source and download failures; ordered installs for update gaps, servicing stack and missing
 * package failures. A diagnosis that needs none of them (a pending reboot, a healthy log) gives [].
 */
export function scriptsFor(d: Diagnosis): GeneratedScript[] {
  const plan = planFor(d);
  const out: GeneratedScript[] = [];
  if (plan.targets.length > 0) {
    out.push(script(SCRIPT_NAMES.testStoreFiles, 'powershell', 'broken', testStoreFiles(d, plan)));
  }
  if (plan.reset.length > 0) {
    out.push(script(SCRIPT_NAMES.resetCache, 'powershell', 'broken', resetCache(d, plan)));
    out.push(script(SCRIPT_NAMES.resetCacheCmd, 'cmd', 'broken', resetCacheCmd(d, plan)));
  }
  if (plan.updates.length > 0) {
    out.push(script(SCRIPT_NAMES.installUpdates, 'powershell', 'broken', installUpdates(d, plan)));
  }
  if (plan.targets.length > 0) {
    out.push(script(SCRIPT_NAMES.newSourcePack, 'powershell', 'healthy', newSourcePack(d, plan)));
    out.push(
      script(SCRIPT_NAMES.repairFromSourcePack, 'powershell', 'broken', repairFromSourcePack(d, plan)),
    );
  }
  return out;
}
