// What the command outputs an engineer or a collector captured say: DISM /CheckHealth, /ScanHealth,
// /RestoreHealth and sfc results as findings (with the line of the verdict), and the machine facts the
// version captures and package lists give (build and UBR, pending packages). The CBS log, when present,
// names the files; these outputs are what the user saw, often the only evidence sent in the first mail.

import type { Evidence, Finding } from '../model/types.js';
import type { DismRun } from '../parse/dism-console.js';
import type { SfcRun } from '../parse/sfc-console.js';
import type { OsVersion } from '../parse/os-version.js';
import type { PackageEntry } from '../parse/package-list.js';
import { codeInfo } from '../knowledge/codes.js';
import { isFailureCode } from '../parse/error-codes.js';
import { LCU_PACKAGE } from './cbs-attempts.js';

/** A build the captures report, with where it was read. */
export interface ReportedBuild {
  build: string;
  source: string;
}

function at(file: string, line: number, lines: string[]): Evidence {
  return { file, line, text: (lines[line - 1] ?? '').trim() };
}

const OPERATION: Record<string, { en: string; zh: string }> = {
  check: { en: 'DISM /CheckHealth', zh: 'DISM /CheckHealth' },
  scan: { en: 'DISM /ScanHealth', zh: 'DISM /ScanHealth' },
  restore: { en: 'DISM /RestoreHealth', zh: 'DISM /RestoreHealth' },
  other: { en: 'DISM', zh: 'DISM' },
};

const HEALTH = {
  noCorruption: { severity: 'info', en: 'found no component store corruption', zh: '未检测到组件存储损坏' },
  repaired: { severity: 'info', en: 'repaired the component store', zh: '已修复组件存储' },
  repairable: {
    severity: 'warning',
    en: 'found component store corruption that can be repaired: run DISM /Online /Cleanup-Image /RestoreHealth',
    zh: '检测到组件存储损坏，可以修复：请运行 DISM /Online /Cleanup-Image /RestoreHealth',
  },
  notRepairable: {
    severity: 'error',
    en: 'found component store corruption it cannot repair',
    zh: '检测到无法修复的组件存储损坏',
  },
} as const;

/** One finding per DISM run that ended with an error, a health verdict, or stopped half-way. */
export function dismConsoleFindings(
  file: string,
  text: string,
  runs: DismRun[],
  nextFinding: () => string,
): Finding[] {
  const lines = text.split(/\r?\n/);
  const out: Finding[] = [];
  for (const r of runs) {
    const op = OPERATION[r.operation ?? 'other']!;
    const cmd = r.command ? at(file, r.command.line, lines) : at(file, r.headerLine, lines);
    const base = {
      confidence: 'high' as const,
      chain: [],
      attempts: [],
      time: null,
      title: { en: 'Captured DISM output', zh: '捕获的 DISM 输出' },
    };
    // `Error: 0` is DISM reporting success in its own words: no failure.
    if (r.error && r.error.code && isFailureCode(r.error.code)) {
      const code = r.error.code;
      const info = code ? codeInfo(code) : null;
      const said = r.error.message ? ` (“${r.error.message}”)` : '';
      const source = r.source
        ? /^(wim|esd):/i.test(r.source) || !/\.(wim|esd)\b/i.test(r.source)
          ? ''
          : ` The /Source ${r.source} is an image file without the WIM:/ESD: prefix and index: DISM cannot use it.`
        : '';
      out.push({
        ...base,
        id: nextFinding(),
        rule: 'dism-output-failed',
        messageId: 'error',
        severity: 'error',
        code,
        codeName: info?.name ?? null,
        root: true,
        message: {
          en: `${op.en} ended with error ${r.error.written}${code && code !== r.error.written ? ` (${code})` : ''} ${info?.name ?? ''}${said}: ${info?.meaning.en ?? 'no meaning on record'}.${source}`,
          zh: `${op.zh} 以错误 ${r.error.written}${code && code !== r.error.written ? `（${code}）` : ''} ${info?.name ?? ''} 结束${said}：${info?.meaning.zh ?? info?.meaning.en ?? '暂无释义'}。${source ? ` /Source ${r.source} 是映像文件但缺少 WIM:/ESD: 前缀和索引，DISM 无法使用。` : ''}`,
        },
        facts: {
          operation: r.operation ?? undefined,
          source: r.source ?? undefined,
          image: r.image?.version,
          written: r.error.written,
        },
        evidence: [
          cmd,
          at(file, r.error.line, lines),
          ...(r.error.messageLine ? [at(file, r.error.messageLine, lines)] : []),
        ],
      });
      continue;
    }
    if (r.health) {
      const h = HEALTH[r.health.state];
      out.push({
        ...base,
        id: nextFinding(),
        rule: 'dism-output-health',
        messageId: r.health.state,
        severity: h.severity,
        code: null,
        codeName: null,
        root: h.severity === 'error',
        message: { en: `${op.en} ${h.en}.`, zh: `${op.zh} ${h.zh}。` },
        facts: { operation: r.operation ?? undefined, health: r.health.state, image: r.image?.version },
        evidence: [cmd, at(file, r.health.line, lines)],
      });
      continue;
    }
    if (r.stalledAt !== null && r.progress) {
      out.push({
        ...base,
        id: nextFinding(),
        rule: 'dism-output-health',
        messageId: 'stalled',
        severity: 'warning',
        code: null,
        codeName: null,
        root: false,
        message: {
          en: `${op.en} stopped at ${r.stalledAt}% without a result: it was interrupted, or still running when the output was captured. Let it finish (it can sit at 20% or 62% for a long time) and capture the output again.`,
          zh: `${op.zh} 停在 ${r.stalledAt}%，没有结果：被中断，或捕获输出时仍在运行。请等待其完成（可能在 20% 或 62% 停留很久）后重新捕获输出。`,
        },
        facts: { operation: r.operation ?? undefined, percent: String(r.stalledAt) },
        evidence: [cmd, at(file, r.progress.line, lines)],
      });
    }
  }
  return out;
}

const SFC: Record<
  string,
  { severity: Finding['severity']; root: boolean; en: string; zh: string; messageId: string }
> = {
  noViolations: {
    severity: 'info',
    root: false,
    messageId: 'clean',
    en: 'sfc found no integrity violations',
    zh: 'sfc 未发现完整性冲突',
  },
  repaired: {
    severity: 'info',
    root: false,
    messageId: 'repaired',
    en: 'sfc found corrupt files and repaired them',
    zh: 'sfc 发现损坏文件并已修复',
  },
  unrepairable: {
    severity: 'error',
    root: true,
    messageId: 'unrepairable',
    en: 'sfc found corrupt files it could not repair: the store copies are damaged too. Repair the store first (DISM /RestoreHealth with a matching source), then run sfc again; CBS.log names the files',
    zh: 'sfc 发现无法修复的损坏文件：组件存储中的副本同样损坏。请先修复组件存储（使用匹配版本源的 DISM /RestoreHealth），再运行 sfc；具体文件见 CBS.log',
  },
  violationsFound: {
    severity: 'warning',
    root: false,
    messageId: 'violations',
    en: 'sfc /verifyonly found integrity violations (nothing was repaired)',
    zh: 'sfc /verifyonly 发现完整性冲突（未做修复）',
  },
  couldNotPerform: {
    severity: 'error',
    root: true,
    messageId: 'couldNotPerform',
    en: 'sfc could not perform the requested operation: usually a pending repair or a damaged store; reboot, then run DISM /RestoreHealth before sfc',
    zh: 'sfc 无法执行请求的操作：通常是有待完成的修复或组件存储损坏；请重启，再先运行 DISM /RestoreHealth 后运行 sfc',
  },
  repairPending: {
    severity: 'warning',
    root: false,
    messageId: 'pending',
    en: 'sfc refused: a system repair is pending and needs a reboot to complete',
    zh: 'sfc 拒绝运行：有待完成的系统修复，需要重启',
  },
  serviceNotStarted: {
    severity: 'error',
    root: true,
    messageId: 'service',
    en: 'sfc could not start the repair service (Windows Modules Installer / TrustedInstaller)',
    zh: 'sfc 无法启动修复服务（Windows Modules Installer / TrustedInstaller）',
  },
  notAdmin: {
    severity: 'info',
    root: false,
    messageId: 'notAdmin',
    en: 'sfc was run without administrator rights: it did nothing',
    zh: 'sfc 未以管理员身份运行：未执行任何操作',
  },
};

/** One finding per sfc run with a verdict, or that stopped without one. */
export function sfcConsoleFindings(
  file: string,
  text: string,
  runs: SfcRun[],
  nextFinding: () => string,
): Finding[] {
  const lines = text.split(/\r?\n/);
  const out: Finding[] = [];
  for (const r of runs) {
    const s = r.outcome ? SFC[r.outcome] : null;
    const where = r.outcomeLine ?? r.progress?.line ?? r.line;
    if (!s && r.stalledAt === null) continue;
    out.push({
      id: nextFinding(),
      rule: 'sfc-output',
      messageId: s?.messageId ?? 'stalled',
      severity: s?.severity ?? 'warning',
      confidence: 'high',
      code: null,
      codeName: null,
      root: s?.root ?? false,
      message: s
        ? { en: `${s.en}.`, zh: `${s.zh}。` }
        : {
            en: `sfc stopped at ${r.stalledAt}% without a result (interrupted, or the output was captured too early).`,
            zh: `sfc 停在 ${r.stalledAt}%，没有结果（被中断，或过早捕获了输出）。`,
          },
      title: { en: 'Captured sfc output', zh: '捕获的 sfc 输出' },
      facts: { outcome: r.outcome ?? undefined, mode: r.mode ?? undefined },
      evidence: [
        ...(r.command && r.command.line !== where ? [at(file, r.command.line, lines)] : []),
        at(file, where, lines),
      ],
      chain: [],
      attempts: [],
      time: null,
    });
  }
  return out;
}

/** Build and UBR from version captures and DISM's image version. */
export function buildsFromCaptures(
  file: string,
  versions: OsVersion[],
  dism: DismRun[],
  packages: PackageEntry[],
): ReportedBuild[] {
  const out: ReportedBuild[] = [];
  for (const v of versions) {
    if (v.build && v.ubr !== null)
      out.push({ build: `${v.build}.${v.ubr}`, source: `${v.source} (${file}:${v.line})` });
  }
  for (const r of dism) {
    if (r.image && r.image.ubr > 0)
      out.push({
        build: `${r.image.build}.${r.image.ubr}`,
        source: `DISM image version (${file}:${r.image.line})`,
      });
  }
  for (const p of packages) {
    const m = p.state === 'Installed' ? LCU_PACKAGE.exec(p.identity) : null;
    if (m)
      out.push({
        build: `${m[1]}.${m[2]}`,
        source: `package list: ${p.identity} installed (${file}:${p.line})`,
      });
  }
  return out;
}

/** Packages a package list shows waiting for a reboot (a pending install blocks the next update). */
export function pendingPackages(
  file: string,
  text: string,
  packages: PackageEntry[],
  nextFinding: () => string,
): Finding[] {
  const pending = packages.filter((p) => p.state === 'InstallPending' || p.state === 'UninstallPending');
  if (pending.length === 0) return [];
  const lines = text.split(/\r?\n/);
  const names = pending.slice(0, 5).map((p) => p.kb ?? p.identity);
  return [
    {
      id: nextFinding(),
      rule: 'packages-pending',
      messageId: 'pending',
      severity: 'warning',
      confidence: 'high',
      code: null,
      codeName: null,
      root: false,
      message: {
        en: `${pending.length} ${pending.length === 1 ? 'package waits' : 'packages wait'} for a reboot (${names.join(', ')}${pending.length > 5 ? ', …' : ''}): restart before installing anything else, or servicing refuses the next operation (0x80070bc9 ERROR_FAIL_REBOOT_REQUIRED).`,
        zh: `有 ${pending.length} 个程序包等待重启（${names.join('、')}${pending.length > 5 ? '等' : ''}）：请先重启再安装其它更新，否则后续服务操作会被拒绝（0x80070bc9 ERROR_FAIL_REBOOT_REQUIRED）。`,
      },
      title: { en: 'Packages pending a reboot', zh: '程序包等待重启' },
      facts: { packages: pending.map((p) => p.identity).join('; ') },
      evidence: pending.slice(0, 5).map((p) => at(file, p.line, lines)),
      chain: [],
      attempts: [],
      time: null,
    },
  ];
}
