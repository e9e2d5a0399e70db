// What a plan builder knows about a finding and the machine (`Ctx`, made by `contextOf`), the facts helpers
// the plans share (architecture, builds, healthy sources, prerequisites, WinSxS names) and the compositions
// of shared steps several plans use (hardware checks first, RestoreHealth, offline installs, replacements).

import type { Attempt, Diagnosis, Facts, Finding, I18nText } from '../../model/types.js';
import { parseBuild, updateByKb, updateShippingVersion, updatesForBuild } from '../../knowledge/builds.js';
import { componentKeys, packageIdentities } from '../../parse/identity.js';
import {
  type HealthySource,
  type Step,
  type UpdateToInstall,
  hardwareChecksStep,
  inPlaceUpgradeStep,
  installUpdatesStep,
  joinText,
  readinessToolSourceStep,
  readinessToolStep,
  scanHealthStep,
  replaceFromHealthyStep,
  restoreHealthFromSourceStep,
  restoreHealthStep,
  t,
} from '../steps.js';

/** What a plan builder knows about the finding and the machine. */
export interface Ctx {
  f: Finding;
  d: Diagnosis;
  facts: Facts;
  /** The failed operation this finding explains, if any. */
  attempt: Attempt | null;
  /** KB of the update to retry, when known. */
  targetKb: string | null;
  /** "retry KB5003171 (Package_for_RollupFix~…)" in both languages. */
  retry: I18nText;
  /** The same, as plain text for verify lines. */
  targetText: string | null;
  /** OS build number (17763), from the machine facts or the identities in the finding. */
  osBuild: number | null;
  /** Full machine build (17763.774), when the logs establish it. */
  machineBuild: string | null;
  /** Package architecture for the Update Catalog (x64, x86, arm64). */
  arch: string;
  /** Cab-name prefix for releases before Windows 10 (`Windows8.1`, `Windows6.1`), else null. */
  cabPrefix: string | null;
  /** Corruption moves between scans: hardware checks come first. */
  moving: boolean;
  /** The build-gap finding of the same failed operation. */
  gap: Finding | null;
  /**
   * Windows 7 / Server 2008 R2 (or older): no DISM /ScanHealth or /RestoreHealth there; the System Update
   * Readiness Tool (KB947821) takes their place.
   */
  legacyOs: boolean;
}

export const ARCH: Record<string, string> = { amd64: 'x64', x86: 'x86', arm64: 'arm64', wow64: 'x64' };

export function archOf(texts: (string | null | undefined)[]): string {
  for (const s of texts) {
    if (!s) continue;
    const p = packageIdentities(s)[0]?.arch ?? componentKeys(s)[0]?.arch ?? /\barch (\w+)/.exec(s)?.[1];
    if (p && ARCH[p.toLowerCase()]) return ARCH[p.toLowerCase()]!;
  }
  return 'x64';
}

/** Releases before Windows 10 name their cabs differently; their identities carry 6.x or the old builds. */
export function legacyPrefix(texts: (string | null | undefined)[]): string | null {
  const all = texts.filter(Boolean).join('\n');
  if (/~6\.3\.|~9600\./.test(all)) return 'Windows8.1';
  if (/~6\.2\.|~9200\./.test(all)) return 'Windows8-RT';
  if (/~6\.1\.|~7601\./.test(all)) return 'Windows6.1';
  return null;
}

export function osBuildOf(texts: (string | null | undefined)[]): number | null {
  for (const s of texts) {
    const b = s ? parseBuild(s) : null;
    if (b) return b.osBuild;
  }
  return null;
}

/** `10.0.17763.1697` → `17763.1697`; null for versions that are not OS builds (.NET 4.0.15713.866). */
export function buildOfVersion(version: string | null | undefined): string | null {
  const b = version ? parseBuild(version) : null;
  return b ? `${b.osBuild}.${b.ubr}` : null;
}

/** Where a healthy copy of a version comes from: the update that shipped it, else the owning package's KB. */
export function sourceFor(version: string | null | undefined, kb: string | null | undefined): HealthySource {
  const s = version ? updateShippingVersion(version) : null;
  if (s) {
    return {
      build: buildOfVersion(version) ?? s.update.build,
      kb: s.update.kb,
      ships: true,
      confidence: s.update.confidence,
    };
  }
  return { build: buildOfVersion(version), kb: kb ?? null, ships: false };
}

export function toInstall(kb: string): UpdateToInstall {
  const u = updateByKb(kb);
  return { kb: u?.kb ?? kb, build: u?.build ?? null, confidence: u?.confidence };
}

/** The servicing stack updates to install before `kb`: the table's prerequisites (1809: KB5005112). */
export function prerequisitesOf(kb: string | null, osBuild: number | null): UpdateToInstall[] {
  const u = kb ? updateByKb(kb) : null;
  if (u) return u.prerequisites.map(toInstall);
  // For 1809 every cumulative update since August 2021 lists the last standalone SSU (docs/domain.md §5).
  return osBuild === 17763 ? [toInstall('KB5005112')] : [];
}

/** The newest cumulative update the table knows for an OS build, or null. */
export function newestCu(osBuild: number | null): UpdateToInstall | null {
  if (!osBuild) return null;
  let best: { kb: string; build: string; ubr: number } | null = null;
  for (const u of updatesForBuild(osBuild)) {
    const b = u.kind === 'CU' && u.build ? parseBuild(u.build) : null;
    if (b && (!best || b.ubr > best.ubr)) best = { kb: u.kb, build: u.build!, ubr: b.ubr };
  }
  return best ? toInstall(best.kb) : null;
}

/** `Microsoft-Windows-Foo, version 10.0.1.2, arch amd64` or `Name 10.0.1.2` → its parts. */
export function longParts(component: string): { name: string; version: string; arch: string | null } | null {
  const m = /^([\w.\-+]+),? (?:version )?(\d+\.\d+\.\d+\.\d+)(?:, arch (\w+))?/.exec(component);
  return m ? { name: m[1]!, version: m[2]!, arch: m[3] ?? null } : null;
}

/**
 * A WinSxS folder-name wildcard for a long identity: lower case, and a name longer than 40 characters
 * matched by its first and last 19 characters (CSI shortens such names with `..` in folder names).
 */
export function folderPattern(name: string, version: string, arch: string): string {
  const n = name.toLowerCase();
  const short = n.length > 40 ? `${n.slice(0, 19)}*${n.slice(-19)}` : n;
  return `${arch}_${short}_*_${version}_*`;
}

/** `\winsxs\manifests\x.manifest` → `C:\Windows\WinSxS\Manifests\x.manifest`. */
export function manifestPath(path: string | undefined, component: string | undefined): string | null {
  const name = path?.split('\\').pop() ?? (component ? `${component}.manifest` : null);
  return name ? `C:\\Windows\\WinSxS\\Manifests\\${name}` : null;
}

export function driveOf(path: string | null | undefined): string {
  const m = path ? /^([A-Za-z]:)/.exec(path) : null;
  return m ? m[1]!.toUpperCase() : 'C:';
}

/** Readiness reports or SFC runs that list different items: corruption that moves between scans. */
export function corruptionMoves(d: Diagnosis): boolean {
  const reports = new Set<string>();
  const sfc = new Set<string>();
  for (const f of d.findings) {
    if (f.rule === 'cbs-readiness-report' && f.facts.items && f.messageId !== 'reverseDeltaOnly')
      reports.add(f.facts.items.split('\n').sort().join('\n'));
    if (f.rule === 'cbs-sfc-results' && f.facts.files) sfc.add(f.facts.files.split('; ').sort().join('; '));
  }
  return reports.size >= 2 || sfc.size >= 2;
}

/** Windows 7 / Server 2008 R2 or older: 6.0/6.1 versions or builds 6000-7601 anywhere the logs name them. */
export function isLegacyOs(d: Diagnosis): boolean {
  const texts: string[] = [d.machine.osBuild ?? '', d.machine.servicingStack ?? ''];
  for (const a of d.attempts) texts.push(a.package ?? '');
  for (const f of d.findings)
    for (const k of ['version', 'osVersion', 'package', 'component'] as const) texts.push(f.facts[k] ?? '');
  return texts.some(
    (s) =>
      /^6\.[01]\.\d/.test(s) ||
      /~6\.[01]\.\d|_6\.[01]\.\d{4}\.|\b760[01]\.\d/.test(s) ||
      /^760[01]\b/.test(s),
  );
}

export function contextOf(f: Finding, d: Diagnosis): Ctx {
  const facts = f.facts;
  const attempt =
    d.attempts.find((a) => f.attempts.includes(a.id) && a.outcome === 'failed') ??
    d.attempts.find((a) => f.attempts.includes(a.id)) ??
    null;
  const ownKb = ['cbs-not-found', 'cbs-servicing-stack-required', 'x-update-gap', 'unexplained-failure'];
  const targetKb = attempt?.kb ?? (ownKb.includes(f.rule) ? (facts.kb ?? null) : null);
  const what = attempt
    ? [
        attempt.kb,
        // A package identity says which package; an update's English title (event logs) says nothing more.
        attempt.package && attempt.package !== attempt.kb && (attempt.package.includes('~') || !attempt.kb)
          ? attempt.package
          : null,
      ]
        .filter(Boolean)
        .join(' — ')
    : targetKb;
  const targetText = what || null;
  const retry = targetText
    ? t(`retry ${targetText}`, `重新安装 ${targetText}`)
    : t('retry the update that failed', '重新安装失败的补丁');
  const texts = [
    d.machine.osBuild,
    d.machine.servicingStack,
    attempt?.package,
    facts.version,
    facts.component,
    facts.package,
  ];
  const gap =
    f.rule === 'x-update-gap'
      ? f
      : (d.findings.find(
          (g) => g.rule === 'x-update-gap' && g.attempts.some((a) => f.attempts.includes(a)),
        ) ?? null);
  return {
    f,
    d,
    facts,
    attempt,
    targetKb,
    retry,
    targetText,
    osBuild: osBuildOf(texts),
    machineBuild: d.machine.osBuild,
    arch: archOf([attempt?.package, facts.package, facts.component]),
    cabPrefix: legacyPrefix([attempt?.package, facts.package]),
    moving: corruptionMoves(d),
    gap,
    legacyOs: isLegacyOs(d) || legacyPrefix([attempt?.package, facts.package]) === 'Windows6.1',
  };
}

export function hardwareFirst(c: Ctx): Step[] {
  if (!c.moving) return [];
  return [
    hardwareChecksStep({
      memory: true,
      drive: 'C:',
      why: t(
        'Several scans in these logs report different corrupt items: corruption that moves between scans points to failing memory or disk, which would undo any repair. Check the hardware before repairing anything.',
        '日志中多次扫描报告的损坏项各不相同：损坏位置不断变化，通常说明内存或磁盘有故障，任何修复都无法持久。请在修复之前先检查硬件。',
      ),
    }),
  ];
}

/** RestoreHealth then SFC; on Windows 7 / Server 2008 R2 the System Update Readiness Tool instead. */
export function restoreHealth(c: Ctx, why: I18nText): Step {
  if (c.legacyOs) return readinessToolStep({ why, retry: c.retry });
  return restoreHealthStep({ why, retry: c.retry });
}

/** The read-only store check: DISM ScanHealth, or on Windows 7 / Server 2008 R2 the readiness tool. */
export function scanHealth(c: Ctx, why: I18nText): Step {
  if (c.legacyOs) return readinessToolStep({ why, retry: c.retry });
  return scanHealthStep({ why });
}

/** One update (and the servicing stacks it needs, if any) downloaded and added offline on this machine. */
export function installKb(
  c: Ctx,
  o: Pick<
    Parameters<typeof installUpdatesStep>[0],
    'id' | 'title' | 'why' | 'note' | 'expectBuild' | 'byScript'
  > & {
    kb: string;
    ssus?: Parameters<typeof installUpdatesStep>[0]['ssus'];
  },
): Step {
  return installUpdatesStep({
    ...o,
    ssus: o.ssus ?? [],
    updates: [toInstall(o.kb)],
    arch: c.arch,
    osBuild: c.osBuild,
    cabPrefix: c.cabPrefix,
    retryTarget: c.targetText,
  });
}

export function restoreFromSource(c: Ctx, version: string | null): Step {
  if (c.legacyOs)
    return readinessToolSourceStep({
      why: t(
        'When the readiness tool has no good copy of an item, it lists it under "Unavailable repair files" and needs it supplied.',
        '当系统更新准备工具找不到某个文件的正常副本时，会在“Unavailable repair files”中列出，需要手动提供该文件。',
      ),
      retry: c.retry,
    });
  return restoreHealthFromSourceStep({
    why: t(
      'When DISM cannot get the content from Windows Update or WSUS (0x800f081f, 0x800f0906, 0x800f0954), it needs a source of the same build.',
      '当 DISM 无法从 Windows 更新或 WSUS 获取内容（0x800f081f、0x800f0906、0x800f0954）时，需要指定相同内部版本的修复源。',
    ),
    osBuild: c.osBuild,
    machineBuild: c.machineBuild,
    version: buildOfVersion(version) ? version : null,
    retry: c.retry,
  });
}

export function inPlace(c: Ctx): Step {
  return inPlaceUpgradeStep({ osBuild: c.osBuild, machineBuild: c.machineBuild, legacy: c.legacyOs });
}

/** The note on cumulative updates and the build gap, for install steps. */
export function cumulativeNote(c: Ctx, target: UpdateToInstall | null): I18nText | null {
  const parts: I18nText[] = [];
  if (c.gap && c.gap !== c.f) parts.push(c.gap.message);
  if (target) {
    parts.push(
      t(
        `Cumulative updates contain every earlier one: with its prerequisites in place, this one install brings the machine to ${target.build ?? 'its build'} — installing the missing months one by one is not needed.`,
        `累积更新包含之前所有月份的更新：满足前置条件后，只需安装这一个更新即可升级到 ${target.build ?? '对应版本'}，无需逐月安装。`,
      ),
    );
    const newest = newestCu(c.osBuild);
    if (newest && newest.kb !== target.kb && newest.build)
      parts.push(
        t(
          `A later cumulative update works the same way (the newest in the update table: ${newest.kb}, ${newest.build}) if your patch policy allows it.`,
          `如补丁策略允许，也可直接安装更新的累积更新（补丁知识库中最新的是 ${newest.kb}，${newest.build}），效果相同。`,
        ),
      );
  }
  return parts.length > 0 ? joinText(parts) : null;
}

/** Servicing stack first, then the target update, offline. */
export function installTarget(c: Ctx, why: I18nText, kb: string | null = c.targetKb): Step | null {
  if (!kb) return null;
  const target = toInstall(kb);
  const ssus = prerequisitesOf(kb, c.osBuild);
  return installUpdatesStep({
    id: 'install-ssu-then-update',
    byScript: true,
    title:
      ssus.length > 0
        ? t(
            `Install the servicing stack (${ssus.map((u) => u.kb).join(', ')}) first, then ${target.kb} offline`,
            `先安装服务堆栈更新（${ssus.map((u) => u.kb).join('、')}），再离线安装 ${target.kb}`,
          )
        : t(`Install ${target.kb} offline`, `离线安装 ${target.kb}`),
    why,
    ssus,
    updates: [target],
    arch: c.arch,
    osBuild: c.osBuild,
    cabPrefix: c.cabPrefix,
    note: cumulativeNote(c, target),
    retryTarget: null,
  });
}

/** Replace step for a payload file named by component key or long identity. */
export function replaceFile(
  c: Ctx,
  file: string,
  component: string,
  why: I18nText,
  extra?: Partial<Facts>,
): Step | null {
  const key = componentKeys(component)[0];
  const base =
    file.includes('\\') && key
      ? file.slice(file.toLowerCase().indexOf(key.key.toLowerCase()) + key.key.length + 1)
      : file;
  const source = sourceFor(key?.version ?? longParts(component)?.version, c.facts.kb);
  if (key) {
    return replaceFromHealthyStep({
      kind: 'file',
      path: `C:\\Windows\\WinSxS\\${key.key}\\${base}`,
      fileInFolder: base,
      identity: key.key,
      expectedHash: extra?.expectedHash,
      actualHash: extra?.actualHash,
      source,
      retry: c.retry,
      why,
    });
  }
  const parts = longParts(component);
  if (!parts) return null;
  const arch = parts.arch ?? (c.arch === 'x64' ? 'amd64' : c.arch);
  return replaceFromHealthyStep({
    kind: 'file',
    folderPattern: folderPattern(parts.name, parts.version, arch),
    fileInFolder: base,
    version: parts.version,
    identity: `${parts.name} ${parts.version}`,
    expectedHash: extra?.expectedHash,
    actualHash: extra?.actualHash,
    source,
    retry: c.retry,
    why,
  });
}

/** The base a delta is applied to: `Matching Component = Name, version X, arch Y` in the evidence. */
export function matchingComponent(f: Finding): { name: string; version: string; arch: string | null } | null {
  for (const e of f.evidence) {
    const m = /Matching Component = ([\w.\-+]+), version (\d+\.\d+\.\d+\.\d+)(?:, arch (\w+))?/.exec(e.text);
    if (m) return { name: m[1]!, version: m[2]!, arch: m[3] ?? null };
  }
  return null;
}
