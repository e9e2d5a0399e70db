// Remediation plans: for each root-cause finding, the shared steps of steps.ts composed per rule with the
// finding's facts (paths, component identities, KBs, hashes, builds), least invasive first, last resorts
// last, and the point at which to stop and collect the logs again.

import { SCRIPT_NAMES } from './script-names.js';
import type {
  Attempt,
  Diagnosis,
  Facts,
  Finding,
  I18nText,
  PlanStep,
  RemediationPlan,
} from '../model/types.js';
import { parseBuild, updateByKb, updateShippingVersion, updatesForBuild } from '../knowledge/builds.js';
import { componentKeys, packageIdentities } from '../parse/identity.js';
import {
  checkPendingStep,
  chkdskFixStep,
  clearWuCacheStep,
  collectAgainText,
  collectLogsStep,
  hardwareChecksStep,
  inPlaceUpgradeStep,
  installerChecksStep,
  installUpdatesStep,
  joinText,
  readCbsLinesStep,
  rebootStep,
  removeDriverOperationsStep,
  repairSourcePolicyStep,
  replaceFromHealthyStep,
  replaceMumStep,
  resetOrReinstallStep,
  restoreHealthFromSourceStep,
  restoreHealthStep,
  scanHealthStep,
  t,
  wsusChecksStep,
  type HealthySource,
  type UpdateToInstall,
} from './steps.js';

/** What a plan builder knows about the finding and the machine. */
interface Ctx {
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
}

interface Draft {
  title: I18nText;
  steps: PlanStep[];
  /** What to collect besides the standard logs. */
  collect?: I18nText | null;
  confidence?: RemediationPlan['confidence'];
}

type Builder = (c: Ctx) => Draft | null;

// ---------------------------------------------------------------------------------------------------------
// Facts helpers

const ARCH: Record<string, string> = { amd64: 'x64', x86: 'x86', arm64: 'arm64', wow64: 'x64' };

function archOf(texts: (string | null | undefined)[]): string {
  for (const s of texts) {
    if (!s) continue;
    const p = packageIdentities(s)[0]?.arch ?? componentKeys(s)[0]?.arch ?? /\barch (\w+)/.exec(s)?.[1];
    if (p && ARCH[p.toLowerCase()]) return ARCH[p.toLowerCase()]!;
  }
  return 'x64';
}

/** Releases before Windows 10 name their cabs differently; their identities carry 6.x or the old builds. */
function legacyPrefix(texts: (string | null | undefined)[]): string | null {
  const all = texts.filter(Boolean).join('\n');
  if (/~6\.3\.|~9600\./.test(all)) return 'Windows8.1';
  if (/~6\.2\.|~9200\./.test(all)) return 'Windows8-RT';
  if (/~6\.1\.|~7601\./.test(all)) return 'Windows6.1';
  return null;
}

function osBuildOf(texts: (string | null | undefined)[]): number | null {
  for (const s of texts) {
    const b = s ? parseBuild(s) : null;
    if (b) return b.osBuild;
  }
  return null;
}

/** `10.0.17763.1697` → `17763.1697`; null for versions that are not OS builds (.NET 4.0.15713.866). */
function buildOfVersion(version: string | null | undefined): string | null {
  const b = version ? parseBuild(version) : null;
  return b ? `${b.osBuild}.${b.ubr}` : null;
}

/** Where a healthy copy of a version comes from: the update that shipped it, else the owning package's KB. */
function sourceFor(version: string | null | undefined, kb: string | null | undefined): HealthySource {
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

function toInstall(kb: string): UpdateToInstall {
  const u = updateByKb(kb);
  return { kb: u?.kb ?? kb, build: u?.build ?? null, confidence: u?.confidence };
}

/** The servicing stack updates to install before `kb`: the table's prerequisites (1809: KB5005112). */
function prerequisitesOf(kb: string | null, osBuild: number | null): UpdateToInstall[] {
  const u = kb ? updateByKb(kb) : null;
  if (u) return u.prerequisites.map(toInstall);
  // For 1809 every cumulative update since August 2021 lists the last standalone SSU (docs/domain.md §5).
  return osBuild === 17763 ? [toInstall('KB5005112')] : [];
}

/** The newest cumulative update the table knows for an OS build, or null. */
function newestCu(osBuild: number | null): UpdateToInstall | null {
  if (!osBuild) return null;
  let best: { kb: string; build: string; ubr: number } | null = null;
  for (const u of updatesForBuild(osBuild)) {
    const b = u.kind === 'CU' && u.build ? parseBuild(u.build) : null;
    if (b && (!best || b.ubr > best.ubr)) best = { kb: u.kb, build: u.build!, ubr: b.ubr };
  }
  return best ? toInstall(best.kb) : null;
}

/** `Microsoft-Windows-Foo, version 10.0.1.2, arch amd64` or `Name 10.0.1.2` → its parts. */
function longParts(component: string): { name: string; version: string; arch: string | null } | null {
  const m = /^([\w.\-+]+),? (?:version )?(\d+\.\d+\.\d+\.\d+)(?:, arch (\w+))?/.exec(component);
  return m ? { name: m[1]!, version: m[2]!, arch: m[3] ?? null } : null;
}

/**
 * A WinSxS folder-name wildcard for a long identity: lower case, and a name longer than 40 characters
 * matched by its first and last 19 characters (CSI shortens such names with `..` in folder names).
 */
function folderPattern(name: string, version: string, arch: string): string {
  const n = name.toLowerCase();
  const short = n.length > 40 ? `${n.slice(0, 19)}*${n.slice(-19)}` : n;
  return `${arch}_${short}_*_${version}_*`;
}

/** `\winsxs\manifests\x.manifest` → `C:\Windows\WinSxS\Manifests\x.manifest`. */
function manifestPath(path: string | undefined, component: string | undefined): string | null {
  const name = path?.split('\\').pop() ?? (component ? `${component}.manifest` : null);
  return name ? `C:\\Windows\\WinSxS\\Manifests\\${name}` : null;
}

function driveOf(path: string | null | undefined): string {
  const m = path ? /^([A-Za-z]:)/.exec(path) : null;
  return m ? m[1]!.toUpperCase() : 'C:';
}

/** Readiness reports or SFC runs that list different items: corruption that moves between scans. */
function corruptionMoves(d: Diagnosis): boolean {
  const reports = new Set<string>();
  const sfc = new Set<string>();
  for (const f of d.findings) {
    if (f.rule === 'cbs-readiness-report' && f.facts.items && f.messageId !== 'reverseDeltaOnly')
      reports.add(f.facts.items.split('\n').sort().join('\n'));
    if (f.rule === 'cbs-sfc-results' && f.facts.files) sfc.add(f.facts.files.split('; ').sort().join('; '));
  }
  return reports.size >= 2 || sfc.size >= 2;
}

function contextOf(f: Finding, d: Diagnosis): Ctx {
  const facts = f.facts;
  const attempt =
    d.attempts.find((a) => f.attempts.includes(a.id) && a.outcome === 'failed') ??
    d.attempts.find((a) => f.attempts.includes(a.id)) ??
    null;
  const ownKb = ['cbs-not-found', 'cbs-servicing-stack-required', 'x-update-gap', 'unexplained-failure'];
  const targetKb = attempt?.kb ?? (ownKb.includes(f.rule) ? (facts.kb ?? null) : null);
  const what = attempt
    ? [attempt.kb, attempt.package && attempt.package !== attempt.kb ? attempt.package : null]
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
  };
}

// ---------------------------------------------------------------------------------------------------------
// Shared compositions

function hardwareFirst(c: Ctx): PlanStep[] {
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

function restoreHealth(c: Ctx, why: I18nText): PlanStep {
  return restoreHealthStep({ why, retry: c.retry });
}

/** One update (and the servicing stacks it needs, if any) downloaded and added offline on this machine. */
function installKb(
  c: Ctx,
  o: Pick<Parameters<typeof installUpdatesStep>[0], 'id' | 'title' | 'why' | 'note' | 'expectBuild'> & {
    kb: string;
    ssus?: Parameters<typeof installUpdatesStep>[0]['ssus'];
  },
): PlanStep {
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

function restoreFromSource(c: Ctx, version: string | null): PlanStep {
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

function inPlace(c: Ctx): PlanStep {
  return inPlaceUpgradeStep({ osBuild: c.osBuild, machineBuild: c.machineBuild });
}

/** The note on cumulative updates and the build gap, for install steps. */
function cumulativeNote(c: Ctx, target: UpdateToInstall | null): I18nText | null {
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
          `A later cumulative update works the same way (the newest in patchdx's table: ${newest.kb}, ${newest.build}) if your patch policy allows it.`,
          `如补丁策略允许，也可直接安装更新的累积更新（patchdx 知识库中最新的是 ${newest.kb}，${newest.build}），效果相同。`,
        ),
      );
  }
  return parts.length > 0 ? joinText(parts) : null;
}

/** Servicing stack first, then the target update, offline. */
function installTarget(c: Ctx, why: I18nText, kb: string | null = c.targetKb): PlanStep | null {
  if (!kb) return null;
  const target = toInstall(kb);
  const ssus = prerequisitesOf(kb, c.osBuild);
  return installUpdatesStep({
    id: 'install-ssu-then-update',
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

// ---------------------------------------------------------------------------------------------------------
// Store corruption: manifests, payload files, deltas, health reports, SFC

function manifestCorrupt(c: Ctx): Draft {
  const { facts } = c;
  const component = facts.component ?? 'the component';
  const path = manifestPath(facts.path, facts.component);
  const source = sourceFor(facts.version, facts.kb);
  const steps: PlanStep[] = [
    ...hardwareFirst(c),
    restoreHealth(
      c,
      t(
        `CSI marked the store corrupt (CorruptManifest) on the manifest of ${component}; DISM can fetch a good copy of it.`,
        `CSI 因组件 ${component} 的清单文件损坏（CorruptManifest）将组件存储标记为损坏；DISM 可以获取该文件的正常副本。`,
      ),
    ),
    restoreFromSource(c, facts.version ?? null),
  ];
  if (path)
    steps.push(
      replaceFromHealthyStep({
        kind: 'manifest',
        path,
        identity: component,
        expectedHash: facts.expectedHash,
        actualHash: facts.actualHash,
        source,
        retry: c.retry,
        why: joinText([
          t(
            `When DISM cannot repair it, the exact-version manifest (${component}) from a healthy machine replaces the corrupt one`,
            `如 DISM 无法修复，可用正常电脑上完全相同版本的清单文件（${component}）替换损坏的文件`,
          ),
          facts.expectedHash
            ? t(
                `; the log gives the hash it must have (${facts.expectedHash}), so the copy can be checked before it is used.`,
                `；日志给出了该文件应有的哈希值（${facts.expectedHash}），复制前可以先校验。`,
              )
            : t('.', '。'),
          facts.shippedBy
            ? t(`This version came with ${facts.shippedBy}.`, `该版本随 ${facts.shippedBy} 发布。`)
            : null,
        ]),
      }),
    );
  steps.push(inPlace(c));
  return {
    title: t(`Repair the corrupt manifest of ${component}`, `修复组件 ${component} 的损坏清单文件`),
    steps,
    collect: t(
      'the output of the Get-FileHash lines and the DISM output',
      'Get-FileHash 命令的输出和 DISM 的输出',
    ),
  };
}

/** Replace step for a payload file named by component key or long identity. */
function replaceFile(
  c: Ctx,
  file: string,
  component: string,
  why: I18nText,
  extra?: Partial<Facts>,
): PlanStep | null {
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

function fileHashMismatch(c: Ctx): Draft {
  const { facts } = c;
  // Windows 8.1 logs give the whole store path; the text names the file.
  const file = (facts.file ?? 'the file').split('\\').pop()!;
  const steps: PlanStep[] = [
    ...hardwareFirst(c),
    restoreHealth(
      c,
      t(
        `${file} in the component store does not have the hash its manifest expects; DISM replaces store files that fail their hash.`,
        `组件存储中的 ${file} 与其清单中的哈希值不符；DISM 会替换哈希校验失败的存储文件。`,
      ),
    ),
    restoreFromSource(c, facts.version ?? null),
  ];
  const replace = facts.component
    ? replaceFile(
        c,
        facts.file ?? file,
        facts.component,
        t(
          `When DISM cannot repair it, the exact-version ${file} of ${facts.component} from a healthy machine, checked against the expected hash ${facts.expectedHash ?? ''}, replaces it.`,
          `如 DISM 无法修复，可用正常电脑上 ${facts.component} 的同版本 ${file} 替换，并先用期望哈希值 ${facts.expectedHash ?? ''} 校验。`,
        ),
        facts,
      )
    : null;
  if (replace) steps.push(replace);
  steps.push(inPlace(c));
  return {
    title: t(`Repair ${file} in the component store`, `修复组件存储中的 ${file}`),
    steps,
    collect: t(
      'the output of the Get-FileHash lines and the DISM output',
      'Get-FileHash 命令的输出和 DISM 的输出',
    ),
  };
}

/** The base a delta is applied to: `Matching Component = Name, version X, arch Y` in the evidence. */
function matchingComponent(f: Finding): { name: string; version: string; arch: string | null } | null {
  for (const e of f.evidence) {
    const m = /Matching Component = ([\w.\-+]+), version (\d+\.\d+\.\d+\.\d+)(?:, arch (\w+))?/.exec(e.text);
    if (m) return { name: m[1]!, version: m[2]!, arch: m[3] ?? null };
  }
  return null;
}

function deltaHydration(c: Ctx): Draft {
  const { facts, f } = c;
  const file = facts.file ?? 'a file';
  const reverse = facts.deltaType === 'reverse';
  const own = facts.component ? longParts(facts.component) : null;
  // A forward delta is applied to the installed (matching) version; a reverse delta lives in the component itself.
  const base = (!reverse ? matchingComponent(f) : null) ?? own;
  const baseSource = base ? sourceFor(base.version, null) : null;
  const steps: PlanStep[] = [
    ...hardwareFirst(c),
    restoreHealth(
      c,
      t(
        `The ${reverse ? 'reverse' : 'forward'} delta for ${file} could not be applied because the base copy in WinSxS${base ? ` (${base.name} ${base.version})` : ''} is corrupt or not the expected version; DISM repairs store files.`,
        `${file} 的${reverse ? '反向' : '正向'}增量无法应用，因为 WinSxS 中的基础文件${base ? `（${base.name} ${base.version}）` : ''}已损坏或版本不符；DISM 可以修复存储中的文件。`,
      ),
    ),
  ];
  const install = installTarget(
    c,
    t(
      'Installing the full package offline instead of the express download rules out a bad download. It applies the same deltas to the same base, so it may fail the same way if the base file is bad: then go on.',
      '离线安装完整补丁包（而不是快速下载）可以排除下载损坏的可能。但它同样会对相同的基础文件应用增量，如基础文件本身损坏，仍可能以同样方式失败：此时请继续下一步。',
    ),
  );
  if (install) steps.push(install);
  steps.push(restoreFromSource(c, base?.version ?? facts.version ?? null));
  if (base) {
    const arch = base.arch ?? own?.arch ?? (c.arch === 'x64' ? 'amd64' : c.arch);
    steps.push(
      replaceFromHealthyStep({
        kind: 'folder',
        folderPattern: folderPattern(base.name, base.version, arch),
        version: base.version,
        identity: `${base.name} ${base.version}`,
        source: baseSource ?? { build: null, kb: null, ships: false },
        retry: c.retry,
        why: joinText([
          t(
            `The delta is applied to ${base.name} ${base.version}; its WinSxS folder (the full file with its f\\ and r\\ deltas) from a healthy machine gives the update a good base.`,
            `增量是基于 ${base.name} ${base.version} 应用的；用正常电脑上该组件的 WinSxS 文件夹（包含完整文件及其 f\\ 和 r\\ 增量）替换，可为更新提供正常的基础文件。`,
          ),
          baseSource?.kb
            ? t(
                `That version came with ${baseSource.kb} (${baseSource.build ?? '?'}).`,
                `该版本随 ${baseSource.kb}（${baseSource.build ?? '?'}）发布。`,
              )
            : null,
        ]),
      }),
    );
  }
  steps.push(inPlace(c));
  return {
    title: t(
      `Repair the base of ${file} so the update's delta applies`,
      `修复 ${file} 的基础文件，使更新增量可以应用`,
    ),
    steps,
    collect: t('the DISM output', 'DISM 的输出'),
  };
}

function readinessReport(c: Ctx): Draft | null {
  const { facts, f } = c;
  if (f.messageId === 'aborted') {
    if (f.code === '0x80070bc9') {
      return {
        title: t(
          'Finish the pending reboot, then check the store again',
          '先完成挂起的重启，再重新检查组件存储',
        ),
        steps: [
          rebootStep({
            twice: true,
            why: t(
              'DISM stopped because a reboot is pending (0x80070bc9).',
              'DISM 因存在挂起的重启而中止（0x80070bc9）。',
            ),
          }),
          checkPendingStep({
            why: t('The check only runs once nothing is pending.', '只有在没有挂起操作时检查才能运行。'),
          }),
          restoreHealth(
            c,
            t('Then the interrupted check and repair can run.', '之后即可重新运行被中断的检查和修复。'),
          ),
        ],
      };
    }
    return {
      title: t(`DISM could not finish its check (${f.code ?? '?'})`, `DISM 未能完成检查（${f.code ?? '?'}）`),
      steps: [
        ...hardwareFirst(c),
        scanHealthStep({
          why: t(
            'Run the check again to see whether it fails the same way.',
            '重新运行检查，确认是否以同样方式失败。',
          ),
        }),
        restoreHealth(
          c,
          t(
            'The repair runs the same check and fixes what it finds.',
            '修复过程会执行相同的检查并修复发现的问题。',
          ),
        ),
      ],
    };
  }
  if (f.messageId !== 'corruption') return null;
  const items = (facts.items ?? '').split('\n').filter(Boolean);
  const sourceMissing =
    facts.result === '0x800f081f' || facts.result === '0x800f0906' || facts.result === '0x800f0954';
  const repairRan = /repair/i.test(facts.operation ?? '');
  const steps: PlanStep[] = [...hardwareFirst(c)];
  if (!(repairRan && sourceMissing))
    steps.push(
      restoreHealth(
        c,
        t(
          `DISM (${facts.operation ?? 'scan'}) found ${facts.detected ?? '?'} corruption(s) and repaired ${facts.repaired ?? '0'}; RestoreHealth repairs them.`,
          `DISM（${facts.operation ?? '扫描'}）发现 ${facts.detected ?? '?'} 处损坏，已修复 ${facts.repaired ?? '0'} 处；RestoreHealth 可修复这些损坏。`,
        ),
      ),
    );
  steps.push(
    restoreFromSource(c, facts.component ? (componentKeys(facts.component)[0]?.version ?? null) : null),
  );
  // By hand only for a few items: beyond that the in-place upgrade is the practical route.
  const first = items[0]?.split('\t');
  if (items.length <= 3 && first) {
    const [category = '', target = ''] = first;
    const key = componentKeys(target)[0];
    const why = t(
      `DISM lists "${category}" for ${target}; when DISM cannot repair it, an exact-version copy from a healthy machine can.`,
      `DISM 报告 ${target} 为“${category}”；如 DISM 无法修复，可从正常电脑复制完全相同版本的副本。`,
    );
    if (/manifest/i.test(category) && key) {
      steps.push(
        replaceFromHealthyStep({
          kind: 'manifest',
          path: `C:\\Windows\\WinSxS\\Manifests\\${key.key}.manifest`,
          identity: key.key,
          source: sourceFor(key.version, null),
          retry: c.retry,
          why,
        }),
      );
    } else if (key && target.includes('\\')) {
      const s = replaceFile(c, target, key.key, why);
      if (s) steps.push(s);
    } else if (/MUM/i.test(category) && packageIdentities(target)[0]) {
      const pkg = packageIdentities(target)[0]!;
      steps.push(
        replaceMumStep({
          mumPath: `C:\\Windows\\servicing\\Packages\\${pkg.id}.mum`,
          exists: !/missing/i.test(category),
          package: pkg.id,
          source: { build: c.machineBuild, kb: pkg.kb, ships: false },
          why,
          retry: c.retry,
        }),
      );
    }
  }
  steps.push(inPlace(c));
  return {
    title: t(
      `Repair the ${facts.detected ?? ''} corruption(s) DISM found in the component store`.replace('  ', ' '),
      `修复 DISM 在组件存储中发现的 ${facts.detected ?? ''} 处损坏`,
    ),
    steps,
    collect: t('the DISM output', 'DISM 的输出'),
  };
}

function sfcResults(c: Ctx): Draft | null {
  const { facts, f } = c;
  if (f.messageId !== 'cannotRepair') return null;
  const count = Number(facts.count ?? '1');
  const steps: PlanStep[] = [
    ...hardwareFirst(c),
    restoreHealth(
      c,
      joinText([
        t(
          `SFC repairs system files from the component store, but the store copies of ${facts.files ?? facts.file ?? 'these files'} are bad too: repair the store first, then SFC can repair the files.`,
          `SFC 是用组件存储中的副本修复系统文件的，但 ${facts.files ?? facts.file ?? '这些文件'} 在存储中的副本也已损坏：需先修复组件存储，SFC 才能修复这些文件。`,
        ),
        facts.misleadingTrailer === 'true'
          ? t(
              'SFC\'s closing line says all files were repaired; the "Cannot repair member file" lines show it did not.',
              'SFC 最后一行虽显示“已成功修复”，但“Cannot repair member file”行表明并未修复。',
            )
          : null,
      ]),
    ),
    restoreFromSource(c, facts.component ? (longParts(facts.component)?.version ?? null) : null),
  ];
  if (count <= 3 && facts.file && facts.component && facts.component !== 'store copy also corrupt') {
    const s = replaceFile(
      c,
      facts.file,
      facts.component,
      t(
        `When DISM cannot repair it, the exact-version ${facts.file} of ${facts.component} from a healthy machine replaces the store copy; SFC then restores the system copy from it.`,
        `如 DISM 无法修复，可用正常电脑上 ${facts.component} 的同版本 ${facts.file} 替换存储中的副本，之后 SFC 会据此修复系统中的文件。`,
      ),
    );
    if (s) steps.push(s);
  }
  steps.push(inPlace(c));
  return {
    title: t(
      `Repair the store copies SFC could not use (${facts.count ?? '?'} file(s))`,
      `修复 SFC 无法使用的存储副本（${facts.count ?? '?'} 个文件）`,
    ),
    steps,
    collect: t('the DISM and SFC output', 'DISM 和 SFC 的输出'),
  };
}

function storeCorrupt(c: Ctx): Draft {
  const { facts } = c;
  const where = facts.origin ?? 'the component store';
  return {
    title: t('Repair the corrupt component store (WinSxS)', '修复损坏的组件存储（WinSxS）'),
    steps: [
      ...hardwareFirst(c),
      restoreHealth(
        c,
        t(
          `CBS found the component store corrupt (${c.f.code ?? '0x80073712'}; failure in ${where}) with no single manifest named; DISM RestoreHealth is the supported repair. Resetting the Windows Update components does not touch WinSxS and cannot fix this.`,
          `CBS 发现组件存储已损坏（${c.f.code ?? '0x80073712'}，错误源自 ${where}），且未指明具体的清单文件；DISM RestoreHealth 是受支持的修复方法。重置 Windows 更新组件不会涉及 WinSxS，无法解决此问题。`,
        ),
      ),
      restoreFromSource(c, facts.version ?? null),
      inPlace(c),
      resetOrReinstallStep({
        why: t(
          'Only if the in-place upgrade fails: a new installation replaces the store.',
          '仅在就地升级也失败时使用：重新安装会替换整个组件存储。',
        ),
        diskSuspect: c.moving,
        storeSuspect: true,
      }),
    ],
    collect: t('the DISM output (and its error code)', 'DISM 的输出（及错误码）'),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Package manifests (.mum)

function packageManifestUnreadable(c: Ctx): Draft {
  const { facts, f } = c;
  const path = facts.path ?? `C:\\Windows\\servicing\\Packages\\${facts.package ?? 'package'}.mum`;
  const kb = facts.kb ?? null;
  const pkg =
    facts.package ??
    path
      .split('\\')
      .pop()!
      .replace(/\.mum$/i, '');
  const ntfs = f.code === '0x8007025d' || f.code === '0x80070570';
  const steps: PlanStep[] = [];
  if (ntfs) {
    steps.push(
      hardwareChecksStep({
        memory: c.moving,
        drive: driveOf(path),
        why: t(
          `${f.code} ${f.codeName ?? ''} on ${path}: the file system cannot decompress or read this file (NTFS compression data is damaged); that is a disk or file-system problem first, a servicing problem second.`,
          `${path} 出现 ${f.code} ${f.codeName ?? ''}：文件系统无法解压或读取该文件（NTFS 压缩数据已损坏）；这首先是磁盘/文件系统问题，其次才是补丁问题。`,
        ),
      }),
      chkdskFixStep({
        drive: driveOf(path),
        path: null,
        retry: t('go on with the next step', '继续下一步'),
        why: t(
          'chkdsk repairs the file-system damage that makes the .mum unreadable; replacing the file on a damaged file system does not hold.',
          'chkdsk 可修复导致 .mum 无法读取的文件系统损坏；在已损坏的文件系统上替换文件无法持久。',
        ),
      }),
    );
  }
  steps.push(
    restoreHealth(
      c,
      t(
        `DISM RestoreHealth also checks package manifests ("CBS MUM Corrupt") and can replace ${pkg}.mum.`,
        `DISM RestoreHealth 也会检查补丁包清单（“CBS MUM Corrupt”），可以替换 ${pkg}.mum。`,
      ),
    ),
  );
  if (kb) {
    const reinstall = installKb(c, {
      kb,
      id: 'reinstall-kb',
      expectBuild: false,
      title: t(`Reinstall ${kb} offline`, `离线重新安装 ${kb}`),
      why: t(
        `The unreadable .mum belongs to ${kb}${c.targetKb && c.targetKb !== kb ? `, not to ${c.targetKb} that is being installed` : ''}; adding ${kb}'s package again rewrites its manifests.`,
        `无法读取的 .mum 属于 ${kb}${c.targetKb && c.targetKb !== kb ? `，而不是正在安装的 ${c.targetKb}` : ''}；重新添加 ${kb} 的补丁包会重新写入其清单文件。`,
      ),
      note: t(
        `If DISM answers that the package is already installed or not applicable (a later cumulative update supersedes ${kb}), it does not rewrite the file: use the next step.`,
        `如 DISM 提示该补丁包已安装或不适用（${kb} 已被更新的累积更新取代），则不会重写该文件：请使用下一步。`,
      ),
    });
    steps.push(reinstall);
  }
  steps.push(
    replaceMumStep({
      mumPath: path,
      exists: true,
      package: pkg,
      source: { build: c.machineBuild, kb, ships: false },
      retry: c.retry,
      why: t(
        `A good copy of ${pkg}.mum and its .cat from a machine of the same build replaces the unreadable pair.`,
        `可用相同内部版本电脑上 ${pkg}.mum 及其 .cat 的正常副本替换无法读取的文件。`,
      ),
    }),
  );
  steps.push(inPlace(c));
  return {
    title: t(
      `Repair the unreadable package manifest of ${kb ?? pkg}`,
      `修复 ${kb ?? pkg} 无法读取的补丁包清单`,
    ),
    steps,
    collect: ntfs
      ? t(
          'the chkdsk result (Wininit event 1001) and the disk-health output',
          'chkdsk 结果（Wininit 事件 1001）和磁盘健康检查的输出',
        )
      : null,
  };
}

function storeMumMissing(c: Ctx): Draft {
  const { facts, f } = c;
  if (f.messageId === 'unnamed' || !facts.package) {
    return {
      title: t('Find and restore the missing package manifest', '查找并恢复缺失的补丁包清单'),
      steps: [
        scanHealthStep({
          why: t(
            'CBS reports store corruption (0x800f0831) without naming the package; the DISM report lists it as "CBS MUM Missing".',
            'CBS 报告存储损坏（0x800f0831）但未指明补丁包；DISM 报告会以“CBS MUM Missing”列出该项。',
          ),
        }),
        restoreHealth(
          c,
          t(
            'RestoreHealth can restore missing package manifests.',
            'RestoreHealth 可以恢复缺失的补丁包清单。',
          ),
        ),
        inPlace(c),
      ],
      collect: t('the DISM output', 'DISM 的输出'),
    };
  }
  const kb = facts.kb ?? null;
  const steps: PlanStep[] = [];
  if (kb)
    steps.push(
      installKb(c, {
        kb,
        id: 'reinstall-kb',
        expectBuild: false,
        title: t(`Reinstall ${kb} offline`, `离线重新安装 ${kb}`),
        why: t(
          `CBS records ${facts.package} as installed but its .mum is gone (0x800f0831); reinstalling ${kb} puts its manifests back (Microsoft's fix for this error).`,
          `CBS 记录 ${facts.package} 为已安装，但其 .mum 已缺失（0x800f0831）；重新安装 ${kb} 会恢复其清单文件（这是微软针对该错误给出的处理方法）。`,
        ),
        note: null,
      }),
    );
  steps.push(
    restoreHealth(
      c,
      t('RestoreHealth can restore missing package manifests.', 'RestoreHealth 可以恢复缺失的补丁包清单。'),
    ),
  );
  steps.push(
    replaceMumStep({
      mumPath: facts.path ?? `C:\\Windows\\servicing\\Packages\\${facts.package}.mum`,
      exists: false,
      package: facts.package,
      source: { build: c.machineBuild, kb, ships: false },
      retry: c.retry,
      why: t(
        'The .mum/.cat pair of the same package from a machine of the same build restores what CBS expects.',
        '从相同内部版本的电脑复制同一补丁包的 .mum/.cat 文件，可恢复 CBS 所需的内容。',
      ),
    }),
  );
  steps.push(inPlace(c));
  return {
    title: t(
      `Restore the missing manifest of ${kb ?? facts.package}`,
      `恢复 ${kb ?? facts.package} 缺失的清单文件`,
    ),
    steps,
  };
}

// ---------------------------------------------------------------------------------------------------------
// File system, missing content, reboots, installers, servicing stack

function fileCorrupt(c: Ctx): Draft {
  const { facts, f } = c;
  const path = facts.path ?? null;
  const drive = driveOf(path);
  const pkg = f.messageId === 'packageCorrupt';
  const steps: PlanStep[] = [];
  if (pkg)
    steps.push(
      clearWuCacheStep({
        why: t(
          `Package ${facts.package ?? ''} cannot be opened because its files are corrupt; a corrupt download is replaced by downloading again.`,
          `补丁包 ${facts.package ?? ''} 因文件损坏无法打开；如是下载损坏，重新下载即可替换。`,
        ),
      }),
    );
  steps.push(
    hardwareChecksStep({
      memory: c.moving,
      drive,
      why: t(
        `The file system itself reports ${path ?? 'a file'} as corrupt (${f.code ?? '0x80070570'}): this is NTFS-level damage, not a servicing mismatch. Check the disk first; copying files or folders from another machine does not repair a damaged file system.`,
        `文件系统本身报告 ${path ?? '该文件'} 已损坏（${f.code ?? '0x80070570'}）：这是 NTFS 层面的损坏，而不是补丁版本不一致。请先检查磁盘；从其他电脑复制文件或文件夹无法修复已损坏的文件系统。`,
      ),
    }),
    chkdskFixStep({
      drive,
      path: facts.kind === 'directory' || facts.kind === 'file' ? path : null,
      retry: c.retry,
      why: t(
        `chkdsk /f repairs the damaged file-system records of ${path ?? 'the file'} so Windows can open it again.`,
        `chkdsk /f 可修复 ${path ?? '该文件'} 损坏的文件系统记录，使 Windows 能够重新打开它。`,
      ),
    }),
    restoreHealth(
      c,
      t(
        `chkdsk may have removed unreadable files of ${path ?? 'the component'}; if they belong to Windows components, DISM and SFC put them back. Whether this also restores a whole folder such as ${path ?? 'this one'} is not established: the retry tells.`,
        `chkdsk 可能删除了 ${path ?? '该组件'} 中无法读取的文件；如这些文件属于 Windows 组件，DISM 和 SFC 可以恢复。是否能恢复 ${path ?? '该文件夹'} 这样的整个文件夹尚无定论：以重试结果为准。`,
      ),
    ),
    inPlaceUpgradeStep({
      osBuild: c.osBuild,
      machineBuild: c.machineBuild,
      why: t(
        `If ${path ?? 'the item'} is still unreadable after chkdsk and the disk is healthy, setup recreates the Windows files while keeping apps and data.`,
        `如 chkdsk 后 ${path ?? '该项'} 仍无法读取且磁盘健康，安装程序可在保留应用和数据的前提下重建 Windows 文件。`,
      ),
    }),
    resetOrReinstallStep({
      why: t(
        `If ${path ?? 'the item'} stays unreadable — or the disk shows errors — the data must be saved before Windows is reset or reinstalled.`,
        `如 ${path ?? '该项'} 仍无法读取，或磁盘检查发现错误，必须先备份数据，再重置或重新安装系统。`,
      ),
      diskSuspect: true,
      storeSuspect: false,
    }),
  );
  return {
    title: t(`Repair the file-system damage on ${path ?? drive}`, `修复 ${path ?? drive} 的文件系统损坏`),
    steps,
    collect: t(
      `the chkdsk result (Wininit event 1001), the disk-health output and whether ${path ?? 'the item'} opens`,
      `chkdsk 结果（Wininit 事件 1001）、磁盘健康检查输出，以及 ${path ?? '该项'} 能否打开`,
    ),
  };
}

function notFound(c: Ctx): Draft {
  const { facts, f } = c;
  if (f.messageId === 'driverOperations') {
    const seq = [
      ...new Set(
        f.evidence.flatMap((e) =>
          [...e.text.matchAll(/driver operation sequenceID (\d+)/gi)].map((m) => m[1]!),
        ),
      ),
    ];
    return {
      title: t(
        'Clear the stale driver operation that blocks servicing',
        '清除阻止服务操作的失效驱动操作记录',
      ),
      steps: [
        rebootStep({
          why: t(
            'A driver operation left pending by an earlier install can complete at a restart.',
            '之前安装遗留的挂起驱动操作可能会在重启时完成。',
          ),
        }),
        removeDriverOperationsStep({
          sequenceIds: seq,
          retry: c.retry,
          why: t(
            `CBS cannot load its driver operations queue (0x80070490): an entry under ${'DriverOperations'} refers to something that no longer exists.`,
            'CBS 无法加载驱动操作队列（0x80070490）：DriverOperations 下的某条记录指向已不存在的内容。',
          ),
        }),
      ],
      collect: t(
        'the output of reg query on the DriverOperations key',
        'DriverOperations 注册表项的 reg query 输出',
      ),
    };
  }
  const version = facts.version ?? null;
  const shipped = version ? updateShippingVersion(version) : null;
  const component = facts.component ?? facts.package ?? 'a component';
  const steps: PlanStep[] = [
    clearWuCacheStep({
      why: t(
        `The operation cannot find ${component} (0x80070490). A partial or stale download in the cache is the most common cause: clear it so the package is fetched again.`,
        `操作找不到 ${component}（0x80070490）。最常见的原因是缓存中的下载不完整或已过期：清除缓存以便重新获取补丁包。`,
      ),
    }),
  ];
  const install = installTarget(
    c,
    t(
      'Installing the full package offline, with its servicing stack first, avoids the partial download and gives CBS every component of the update.',
      '先安装服务堆栈更新，再离线安装完整补丁包，可以避免下载不完整，并为 CBS 提供该更新的全部组件。',
    ),
  );
  if (install) steps.push(install);
  if (shipped && shipped.update.kb !== c.targetKb) {
    // The servicing stack of the step before stays installed; without that step it comes first here.
    const ssus = install ? [] : prerequisitesOf(c.targetKb, c.osBuild);
    const carrier = toInstall(shipped.update.kb);
    steps.push(
      installUpdatesStep({
        id: 'install-version-carrier',
        title: t(
          `If the same component is still missing: install ${carrier.kb} (${carrier.build ?? '?'}), which carries version ${version}, then ${c.targetKb ?? 'the update'} again`,
          `如仍提示缺少同一组件：先安装带有 ${version} 版本的 ${carrier.kb}（${carrier.build ?? '?'}），再重新安装 ${c.targetKb ?? '该更新'}`,
        ),
        why: t(
          `The missing component's version ${version} came with ${facts.shippedBy ?? carrier.kb}; the machine${c.machineBuild ? ` is at ${c.machineBuild} and` : ''} never got it. Installing that update first puts the component in the store as a base for ${c.targetKb ?? 'the update'}. Copying the component folder by hand does not register it with CBS, so it is not offered here.`,
          `缺失组件的版本 ${version} 随 ${facts.shippedBy ?? carrier.kb} 发布；本机${c.machineBuild ? `当前为 ${c.machineBuild}，` : ''}从未安装过该版本。先安装该更新可将此组件放入组件存储，作为 ${c.targetKb ?? '该更新'} 的基础。手动复制组件文件夹并不会在 CBS 中注册该组件，因此这里不建议这样做。`,
        ),
        ssus,
        updates: [carrier, ...(c.targetKb ? [toInstall(c.targetKb)] : [])],
        arch: c.arch,
        osBuild: c.osBuild,
        cabPrefix: c.cabPrefix,
        note: t(
          `This is a fallback for when the direct install fails on the same component: one intermediate update, not every month in between.`,
          `这是直接安装仍在同一组件处失败时的备用方案：只需安装一个中间更新，无需补装中间的每个月。`,
        ),
      }),
    );
  }
  steps.push(
    restoreHealth(
      c,
      t(
        'If the component is still not found, the store itself may be inconsistent; DISM checks and repairs it.',
        '如仍找不到该组件，可能是组件存储本身不一致；DISM 会检查并修复。',
      ),
    ),
    inPlace(c),
  );
  return {
    title: t(
      `Get ${component} back so ${c.targetKb ?? 'the update'} can install`,
      `恢复 ${component}，使 ${c.targetKb ?? '该更新'} 能够安装`,
    ),
    steps,
    collect: t(
      'C:\\Windows\\SoftwareDistribution\\ReportingEvents.log and the output of dism /online /get-packages /format:table',
      'C:\\Windows\\SoftwareDistribution\\ReportingEvents.log 以及 dism /online /get-packages /format:table 的输出',
    ),
  };
}

function sourceMissing(c: Ctx): Draft {
  const { facts, f } = c;
  const feature = facts.operation === 'feature';
  return {
    title: feature
      ? t('Give the feature install its source', '为功能安装指定源文件')
      : t('Give the store repair its source', '为组件存储修复指定源文件'),
    steps: [
      repairSourcePolicyStep({
        feature,
        why: t(
          `The content was not found (${f.code ?? ''} ${f.codeName ?? ''})${facts.downloadResult ? `; the download itself failed with ${facts.downloadResult}` : ''}. On WSUS-managed machines the policy decides whether Windows Update may be used for repair content.`,
          `未找到所需内容（${f.code ?? ''} ${f.codeName ?? ''}）${facts.downloadResult ? `；下载本身失败，错误码 ${facts.downloadResult}` : ''}。由 WSUS 管理的电脑能否从 Windows 更新获取修复内容，由该组策略决定。`,
        ),
      }),
      // A feature takes its source in its own command (the policy step says how), not from RestoreHealth.
      ...(feature ? [] : [restoreFromSource(c, facts.version ?? null)]),
    ],
    collect: t(
      'the DISM output and gpresult /h gpresult.html',
      'DISM 的输出以及 gpresult /h gpresult.html 的结果',
    ),
  };
}

/** DISM was given a source it cannot use: say how to write it, then repair from it. */
function dismSourceInvalid(c: Ctx): Draft {
  const { facts } = c;
  const source = facts.source ?? '';
  const prefix = facts.prefix;
  const fixed = prefix
    ? `/Source:${prefix}:${source}:<index>`
    : source.includes(' ')
      ? `/Source:"${source}"`
      : null;
  const step = restoreFromSource(c, facts.version ?? null);
  const why = prefix
    ? t(
        `A .${prefix.toLowerCase()} image is a source only with its prefix and the index of the edition: ${fixed}. As written (${source}) CBS cannot add it, and with /LimitAccess no other source remains.`,
        `.${prefix.toLowerCase()} 映像必须加前缀并指定版本索引才能作为修复源：${fixed}。按原写法（${source}）CBS 无法添加该源，而加了 /LimitAccess 后就没有其他源可用。`,
      )
    : source.includes(' ')
      ? t(`A path with a space must be quoted: ${fixed}.`, `含空格的路径必须加引号：${fixed}。`)
      : t(
          `The source ${source} cannot be added: check that it exists and holds the Windows folder or image of the same build.`,
          `无法添加修复源 ${source}：请确认该路径存在，且包含相同内部版本的 Windows 目录或映像。`,
        );
  return {
    title: t('Give DISM a source it can use', '为 DISM 指定可用的修复源'),
    steps: [{ ...step, why }],
    collect: t('the DISM output and dism.log', 'DISM 的输出和 dism.log'),
  };
}

function rebootPending(c: Ctx): Draft {
  const { facts } = c;
  const repair = facts.pending === 'repair-transaction';
  return {
    title: t('Finish the pending work, then retry', '先完成挂起的操作，再重试'),
    steps: [
      rebootStep({
        twice: true,
        why: repair
          ? t(
              'A repair staged earlier (for example by sfc /scannow) waits for a restart; until then CBS refuses new work (0x80070bc9).',
              '之前（例如 sfc /scannow）暂存的修复正在等待重启；在此之前 CBS 会拒绝新的操作（0x80070bc9）。',
            )
          : t(
              'Pending servicing work waits for a restart; until then CBS refuses new work (0x80070bc9).',
              '挂起的服务操作正在等待重启；在此之前 CBS 会拒绝新的操作（0x80070bc9）。',
            ),
      }),
      checkPendingStep({
        why: t(
          'pending.xml and the RebootPending key show whether the restart completed the pending work.',
          '通过 pending.xml 和 RebootPending 注册表项可判断重启是否已完成挂起的操作。',
        ),
      }),
    ],
    collect: t(
      'C:\\Windows\\WinSxS\\pending.xml (a copy) and the output of the reg query lines',
      'C:\\Windows\\WinSxS\\pending.xml 的副本以及 reg query 命令的输出',
    ),
  };
}

function installersFailed(c: Ctx): Draft {
  const { facts } = c;
  const installer = facts.installer ?? null;
  const steps: PlanStep[] = [
    readCbsLinesStep({
      why: t(
        `An advanced installer${installer ? ` ("${installer}", ${facts.binary ?? 'binary not named'}, error ${facts.installerError ?? '?'})` : ''} failed late and the whole update was rolled back (0x800f0922); the lines before the rollback say why.`,
        `某个高级安装程序${installer ? `（“${installer}”，${facts.binary ?? '未记录二进制文件'}，错误 ${facts.installerError ?? '?'}）` : ''}在安装后期失败，整个更新被回滚（0x800f0922）；回滚前的日志行会说明原因。`,
      ),
      patterns: ['Installer:', 'AdvancedInstallersFailed', 'Error Summary', '0x800f0922'],
      lines: c.f.evidence.map((e) => e.text),
    }),
    installerChecksStep({
      installer,
      binary: facts.binary ?? null,
      why: t(
        'Advanced installers fail on a full System Reserved / EFI partition, disabled services, or application-control and security software that blocks them.',
        '系统保留/EFI 分区空间不足、服务被禁用，或应用程序控制策略与安全软件拦截，都会导致高级安装程序失败。',
      ),
    }),
  ];
  const retry = installTarget(
    c,
    t('With the cause removed, install the update again, offline.', '排除原因后，离线重新安装该更新。'),
  );
  if (retry) steps.push(retry);
  return {
    title: installer
      ? t(
          `Remove what makes the "${installer}" installer fail, then retry`,
          `排除导致“${installer}”安装程序失败的原因后重试`,
        )
      : t(
          'Find and remove what makes the advanced installer fail, then retry',
          '查找并排除导致高级安装程序失败的原因后重试',
        ),
    steps,
    collect: t('the output of the Get-Volume and Get-Service lines', 'Get-Volume 和 Get-Service 命令的输出'),
  };
}

function startupFailed(c: Ctx): Draft {
  return {
    title: t('Let the pending operations complete at startup', '让挂起的操作在启动时完成'),
    steps: [
      rebootStep({
        why: t(
          `Startup processing of pending operations failed (${c.f.code ?? '?'}); CBS retries it at the next boot.`,
          `启动时处理挂起操作失败（${c.f.code ?? '?'}）；CBS 会在下次启动时重试。`,
        ),
      }),
      checkPendingStep({
        why: t(
          'If pending.xml is gone after the restart, the pending work completed.',
          '如重启后 pending.xml 已消失，说明挂起的操作已完成。',
        ),
      }),
      restoreHealth(
        c,
        t(
          'If it keeps failing, a store file the pending work needs may be bad; DISM checks and repairs the store.',
          '如持续失败，可能是挂起操作所需的存储文件已损坏；DISM 会检查并修复组件存储。',
        ),
      ),
    ],
    collect: t('a copy of C:\\Windows\\WinSxS\\pending.xml', 'C:\\Windows\\WinSxS\\pending.xml 的副本'),
  };
}

function servicingStackRequired(c: Ctx): Draft {
  const { facts } = c;
  const kb = c.targetKb;
  const ssus = prerequisitesOf(kb, c.osBuild);
  const why = t(
    `${facts.package ?? 'The update'} needs servicing stack ${facts.requiredStack ?? 'a newer version'}${facts.currentStack ? `; the machine has ${facts.currentStack}` : ''} (0x800f0823). The servicing stack update installs first, then the update.`,
    `${facts.package ?? '该更新'} 需要服务堆栈 ${facts.requiredStack ?? '更新的版本'}${facts.currentStack ? `，而本机为 ${facts.currentStack}` : ''}（0x800f0823）。需先安装服务堆栈更新，再安装该更新。`,
  );
  const steps: PlanStep[] = [];
  if (kb) {
    steps.push(
      installKb(c, {
        kb,
        id: 'install-ssu-then-update',
        title:
          ssus.length > 0
            ? t(
                `Install the servicing stack (${ssus.map((u) => u.kb).join(', ')}) first, then ${kb}`,
                `先安装服务堆栈更新（${ssus.map((u) => u.kb).join('、')}），再安装 ${kb}`,
              )
            : t(`Install the servicing stack update first, then ${kb}`, `先安装服务堆栈更新，再安装 ${kb}`),
        why,
        ssus,
        note:
          ssus.length > 0
            ? null
            : t(
                `patchdx's table does not name the servicing stack update ${kb} requires: take it from the "Prerequisite" section of ${kb}'s KB article and install it first the same way.`,
                `patchdx 知识库中没有 ${kb} 所需服务堆栈更新的记录：请查看 ${kb} KB 文章中的“先决条件”部分，并按同样方法先安装该服务堆栈更新。`,
              ),
      }),
    );
  } else {
    steps.push(
      installUpdatesStep({
        id: 'install-ssu-then-update',
        title: t('Install the servicing stack update first', '先安装服务堆栈更新'),
        why,
        ssus,
        updates: [],
        arch: c.arch,
        osBuild: c.osBuild,
        cabPrefix: c.cabPrefix,
        note: t(
          'The log does not name the update; take the servicing stack update from the "Prerequisite" section of its KB article.',
          '日志中未记录具体的更新；请从该更新 KB 文章的“先决条件”部分找到所需的服务堆栈更新。',
        ),
      }),
    );
  }
  return {
    title: t('Install the servicing stack update first', '先安装服务堆栈更新'),
    steps,
  };
}

function updateGap(c: Ctx): Draft | null {
  const { facts, f } = c;
  const kb = facts.kb ?? null;
  if (!kb) return null;
  const step = installTarget(c, f.message, kb);
  if (!step) return null;
  return {
    title: facts.installedBuild
      ? t(
          `Bring the machine from ${facts.installedBuild} to ${facts.targetBuild ?? kb}: servicing stack first, then ${kb}`,
          `将本机从 ${facts.installedBuild} 升级到 ${facts.targetBuild ?? kb}：先安装服务堆栈更新，再安装 ${kb}`,
        )
      : t(`Install ${kb} with its prerequisites`, `安装 ${kb} 及其前置补丁`),
    steps: [step],
    confidence: f.confidence,
  };
}

function unexplained(c: Ctx): Draft {
  const { f } = c;
  return {
    title: t(
      'No known signature: gather what is needed to find the cause',
      '未匹配已知特征：收集定位原因所需的信息',
    ),
    steps: [
      collectLogsStep({
        why: t(
          'patchdx did not recognise this failure, so it proposes no repair: the logs below let the cause be found.',
          'patchdx 未能识别此失败，因此不建议任何修复操作：以下日志用于查找原因。',
        ),
      }),
      scanHealthStep({
        why: t(
          'A read-only check of the component store tells whether store corruption is involved.',
          '对组件存储做只读检查，可以判断是否与组件存储损坏有关。',
        ),
      }),
      readCbsLinesStep({
        why: t(
          `The decisive lines are the first (F) or Error records before the final ${f.code ?? 'failure'}; they name the component, file or package involved.`,
          `关键行是最终 ${f.code ?? '失败'} 之前的第一条 (F) 或 Error 记录，其中会指出相关的组件、文件或补丁包。`,
        ),
        patterns: [f.code ?? 'Failed', '(F)'],
        lines: f.evidence.map((e) => e.text),
      }),
    ],
    collect: t('the folder C:\\patchdx-logs', 'C:\\patchdx-logs 文件夹'),
    confidence: 'low',
  };
}

/** DISM lost its servicing worker: find out why it stopped, test the hardware, then run the command again. */
function dismWorkerStopped(c: Ctx): Draft {
  return {
    title: t('Find out why the servicing worker stopped', '查明服务进程中断的原因'),
    steps: [
      hardwareChecksStep({
        memory: true,
        drive: 'C:',
        why: t(
          `TiWorker.exe stopped in the middle of a DISM command (${c.f.code ?? ''}): a process that crashes while reading the store points to memory or disk faults first.`,
          `TiWorker.exe 在 DISM 命令执行过程中中断（${c.f.code ?? ''}）：读取组件存储时进程崩溃，首先应怀疑内存或磁盘故障。`,
        ),
      }),
      rebootStep({
        why: t(
          'A restart gives DISM a fresh TrustedInstaller service and completes any pending work.',
          '重启可让 DISM 使用全新的 TrustedInstaller 服务，并完成挂起的操作。',
        ),
      }),
      restoreHealth(
        c,
        t('Once the hardware checks pass, run the repair again.', '硬件检测通过后，重新运行修复。'),
      ),
    ],
    collect: t(
      'the Application event log (TiWorker.exe crashes, event 1000) and C:\\ProgramData\\Microsoft\\Windows\\WER\\ReportArchive',
      '应用程序事件日志（TiWorker.exe 崩溃，事件 1000）以及 C:\\ProgramData\\Microsoft\\Windows\\WER\\ReportArchive',
    ),
  };
}

/** A download failed, then the install of the same update failed from the partial cache. */
function downloadThenInstall(c: Ctx): Draft {
  const kb = c.facts.kb ?? null;
  const steps: PlanStep[] = [
    clearWuCacheStep({
      why: t(
        `${kb ?? 'The update'} failed to download (${c.facts.downloadCode ?? ''}) and the install that followed failed (${c.facts.installCode ?? ''}): the install read an incomplete download. Clearing the cache makes Windows Update fetch it again from the start.`,
        `${kb ?? '该更新'} 下载失败（${c.facts.downloadCode ?? ''}），随后的安装也失败（${c.facts.installCode ?? ''}）：安装读取的是不完整的下载内容。清除缓存后 Windows 更新会从头重新下载。`,
      ),
    }),
  ];
  if (kb)
    steps.push(
      installKb(c, {
        kb,
        id: 'install-kb-offline',
        title: t(`If the download fails again, install ${kb} offline`, `如再次下载失败，离线安装 ${kb}`),
        why: t(
          'The standalone package does not depend on the Windows Update download: a second download failure is no longer in the way.',
          '独立安装包不依赖 Windows 更新的下载过程：即使再次下载失败也不影响安装。',
        ),
        note: null,
      }),
    );
  return {
    title: t('Fetch the update again, then install it', '重新获取更新，再安装'),
    steps,
    collect: t(
      'the Windows Update log (Get-WindowsUpdateLog) and C:\\Windows\\Logs\\CBS\\ of the new attempt',
      '新一次尝试的 Windows 更新日志（Get-WindowsUpdateLog）和 C:\\Windows\\Logs\\CBS\\',
    ),
  };
}

/** WSUS policy with download or detection failures: the server first, then the cache. */
function wsusDownload(c: Ctx): Draft {
  const server = c.facts.wuServer ?? '';
  return {
    title: t('Get the update through WSUS', '通过 WSUS 获取更新'),
    steps: [
      wsusChecksStep({
        server,
        why: t(
          `Windows Update asks ${server} only${c.facts.noInternetFallback === 'true' ? ' (the policy forbids Microsoft Update as a fallback)' : ''}, and the failures are download or detection errors (${c.facts.codes ?? ''}).`,
          `Windows 更新只向 ${server} 请求更新${c.facts.noInternetFallback === 'true' ? '（策略禁止回退到 Microsoft Update）' : ''}，而失败均为下载或检测错误（${c.facts.codes ?? ''}）。`,
        ),
      }),
      clearWuCacheStep({
        why: t(
          'Once the server is reachable and the update approved, a clean cache makes the client download it again.',
          '在服务器可以访问且更新已审批后，清除缓存可让客户端重新下载。',
        ),
      }),
    ],
    collect: t(
      'the Windows Update log (Get-WindowsUpdateLog), ReportingEvents.log and the output of the check commands',
      'Windows 更新日志（Get-WindowsUpdateLog）、ReportingEvents.log 以及检查命令的输出',
    ),
  };
}

/** A captured DISM error: the plan of the CBS rule that gives the same code. */
function dismOutput(c: Ctx): Draft | null {
  const code = c.f.code ?? '';
  const source = c.facts.source ?? '';
  const image = /\.(wim|esd)\b/i.exec(source);
  if (image && !/^(wim|esd):/i.test(source))
    return dismSourceInvalid({ ...c, facts: { ...c.facts, prefix: image[1]!.toUpperCase() } });
  if (['0x800f081f', '0x800f0906', '0x800f0907', '0x800f0950', '0x800f0954'].includes(code))
    return sourceMissing(c);
  if (code === '0x80070bc9') return rebootPending(c);
  return {
    title: t('Repair the component store', '修复组件存储'),
    steps: [
      restoreHealth(
        c,
        t(`DISM ended with ${code} ${c.f.codeName ?? ''}.`, `DISM 以 ${code} ${c.f.codeName ?? ''} 结束。`),
      ),
      restoreFromSource(c, null),
    ],
    collect: t(
      'C:\\Windows\\Logs\\CBS\\ and C:\\Windows\\Logs\\DISM\\dism.log',
      'C:\\Windows\\Logs\\CBS\\ 和 C:\\Windows\\Logs\\DISM\\dism.log',
    ),
  };
}

/** A captured sfc verdict: repair the store, then run sfc again. */
function sfcOutput(c: Ctx): Draft {
  const steps: PlanStep[] = [];
  if (c.f.messageId === 'couldNotPerform' || c.f.messageId === 'service')
    steps.push(
      rebootStep({
        why: t(
          'sfc could not run: a pending repair or a stopped Windows Modules Installer is the usual reason; a restart clears both.',
          'sfc 无法运行：常见原因是有待完成的修复或 Windows Modules Installer 服务未运行；重启可同时解决这两种情况。',
        ),
      }),
    );
  steps.push(
    restoreHealth(
      c,
      t(
        'sfc takes its good copies from the component store: repair the store first.',
        'sfc 从组件存储获取正常副本：需先修复组件存储。',
      ),
    ),
    restoreFromSource(c, null),
  );
  return {
    title: t('Repair the store, then run sfc again', '先修复组件存储，再运行 sfc'),
    steps,
    collect: t(
      'C:\\Windows\\Logs\\CBS\\CBS.log (it names the files sfc could not repair)',
      'C:\\Windows\\Logs\\CBS\\CBS.log（其中列出 sfc 无法修复的文件）',
    ),
  };
}

const BUILDERS: Record<string, Builder> = {
  'cbs-delta-hydration-failed': deltaHydration,
  'cbs-file-corrupt': fileCorrupt,
  'cbs-file-hash-mismatch': fileHashMismatch,
  'cbs-installers-failed': installersFailed,
  'cbs-manifest-corrupt': manifestCorrupt,
  'cbs-not-found': notFound,
  'cbs-package-manifest-unreadable': packageManifestUnreadable,
  'cbs-readiness-report': readinessReport,
  'cbs-reboot-pending': rebootPending,
  'cbs-servicing-stack-required': servicingStackRequired,
  'cbs-sfc-results': sfcResults,
  'cbs-source-missing': sourceMissing,
  'cbs-startup-failed': startupFailed,
  'cbs-store-corrupt': storeCorrupt,
  'cbs-store-mum-missing': storeMumMissing,
  'dism-source-invalid': dismSourceInvalid,
  'dism-worker-stopped': dismWorkerStopped,
  'unexplained-failure': unexplained,
  'x-update-gap': updateGap,
  'x-download-then-install-failed': downloadThenInstall,
  'x-wsus-download-failed': wsusDownload,
  'dism-output-failed': dismOutput,
  'sfc-output': sfcOutput,
};

/** Rules that have a plan builder (the others, such as cbs-not-applicable, are informational). */
export const PLANNED_RULES: readonly string[] = Object.keys(BUILDERS);

/** Orders steps least invasive first, last resorts after everything else; the order within a level is kept. */
function ordered(steps: PlanStep[]): PlanStep[] {
  const seen = new Set<string>();
  const unique = steps.filter((s) => !seen.has(s.id) && seen.add(s.id));
  return unique
    .map((s, i) => ({ s, i }))
    .sort(
      (a, b) =>
        Number(a.s.lastResort) - Number(b.s.lastResort) || a.s.invasiveness - b.s.invasiveness || a.i - b.i,
    )
    .map((x) => x.s);
}

/** The remediation plan for one finding, or null when its rule or message has none. */
export function planFor(finding: Finding, d: Diagnosis): RemediationPlan | null {
  const build = BUILDERS[finding.rule];
  if (!build) return null;
  const draft = build(contextOf(finding, d));
  if (!draft || draft.steps.length === 0) return null;
  const steps = ordered(draft.steps);
  const stopAfter = [...steps].reverse().find((s) => !s.lastResort);
  return {
    findingId: finding.id,
    rule: finding.rule,
    title: draft.title,
    steps,
    collectAgain: collectAgainText(stopAfter, draft.collect ?? null),
    confidence: draft.confidence ?? finding.confidence,
  };
}

/**
 * One plan per root-cause finding that has one, in the findings' order, plus the build-gap plan of a failed
 * cumulative update unless another plan for the same operation already installs that update.
 */
/** Plans are for people: past this many root causes, more plans add noise, not help. */
const MAX_PLANS = 25;

export function plansFor(d: Diagnosis): RemediationPlan[] {
  const plans: RemediationPlan[] = [];
  const gaps: Finding[] = [];
  const planned = new Set<string>();
  for (const f of d.findings) {
    if (f.rule === 'x-update-gap') {
      gaps.push(f);
      continue;
    }
    if (!f.root || plans.length >= MAX_PLANS) continue;
    // The same cause found again (another SFC run, another scan) needs no second plan.
    const key = [f.rule, f.messageId, f.facts.component, f.facts.file, f.facts.path, f.facts.package].join(
      '|',
    );
    if (planned.has(key)) continue;
    planned.add(key);
    const p = planFor(f, d);
    if (p) plans.push(p);
  }
  const byId = new Map(d.findings.map((f) => [f.id, f]));
  const installs = (p: RemediationPlan, kb: string): boolean =>
    p.steps.some(
      (s) =>
        s.id.startsWith('install-') && s.commands.some((c) => c.line.toUpperCase().includes(`\\${kb}.MSU`)),
    );
  for (const g of gaps) {
    const kb = g.facts.kb;
    const covered = plans.some((p) => {
      const owner = byId.get(p.findingId);
      return !!kb && !!owner && owner.attempts.some((a) => g.attempts.includes(a)) && installs(p, kb);
    });
    if (covered) continue;
    const p = planFor(g, d);
    if (p) plans.splice(plansIndex(d, plans, g), 0, p);
  }
  return plans;
}

/** Where a gap plan goes so the plans stay in the findings' order. */
function plansIndex(d: Diagnosis, plans: RemediationPlan[], g: Finding): number {
  const pos = new Map(d.findings.map((f, i) => [f.id, i]));
  const at = pos.get(g.id) ?? d.findings.length;
  const i = plans.findIndex((p) => (pos.get(p.findingId) ?? 0) > at);
  return i === -1 ? plans.length : i;
}

/** Which generated scripts carry out which kind of step (by step id). */
const STEP_SCRIPTS: Record<string, string[]> = {
  'clear-wu-cache': [SCRIPT_NAMES.resetCache, SCRIPT_NAMES.resetCacheCmd],
  'replace-manifest': [
    SCRIPT_NAMES.testStoreFiles,
    SCRIPT_NAMES.newSourcePack,
    SCRIPT_NAMES.repairFromSourcePack,
  ],
  'replace-mum': [SCRIPT_NAMES.newSourcePack, SCRIPT_NAMES.repairFromSourcePack],
  'replace-folder': [
    SCRIPT_NAMES.testStoreFiles,
    SCRIPT_NAMES.newSourcePack,
    SCRIPT_NAMES.repairFromSourcePack,
  ],
  'replace-file': [
    SCRIPT_NAMES.testStoreFiles,
    SCRIPT_NAMES.newSourcePack,
    SCRIPT_NAMES.repairFromSourcePack,
  ],
  'install-ssu-then-update': [SCRIPT_NAMES.installUpdates],
  'install-version-carrier': [SCRIPT_NAMES.installUpdates],
  'reinstall-kb': [SCRIPT_NAMES.installUpdates],
};

/** Fills each plan step's `scripts` with the generated scripts that carry it out (when they were generated). */
export function linkScripts(d: Diagnosis): void {
  const have = new Set((d.scripts ?? []).map((s) => s.name));
  for (const p of d.plans ?? []) {
    for (const step of p.steps) {
      step.scripts = (STEP_SCRIPTS[step.id] ?? []).filter((n) => have.has(n));
    }
  }
}
