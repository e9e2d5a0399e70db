// What the command outputs an engineer or a collector captured say: DISM /CheckHealth, /ScanHealth,
// /RestoreHealth and sfc results as findings (with the line of the verdict), and the machine facts the
// version captures and package lists give (build and UBR, pending packages). The CBS log, when present,
// names the files; these outputs are what the user saw, often the only evidence sent in the first mail.

import type { Evidence, Finding } from '../model/types.js';
import type { DismRun } from '../parse/dism-console.js';
import type { SfcRun } from '../parse/sfc-console.js';
import type { OsVersion } from '../parse/os-version.js';
import type { PackageEntry } from '../parse/package-list.js';
import { isFailureCode } from '../parse/error-codes.js';
import { LCU_PACKAGE } from './cbs-attempts.js';
import { both, phrase, phraseIf, report } from '../rules/define-story-rule.js';
import dismOutputFailed from '../rules/dism-output-failed.js';
import dismOutputHealth from '../rules/dism-output-health.js';
import packagesPending from '../rules/packages-pending.js';
import sfcOutput from '../rules/sfc-output.js';

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
    const operation = both('operation', op);
    // `Error: 0` is DISM reporting success in its own words: no failure.
    if (r.error && r.error.code && isFailureCode(r.error.code)) {
      const code = r.error.code;
      const imageFile = !!r.source && !/^(wim|esd):/i.test(r.source) && /\.(wim|esd)\b/i.test(r.source);
      const say = (name: string, when: unknown, data: Record<string, string>): Record<string, string> =>
        both(name, phraseIf(dismOutputFailed, name, when, data));
      out.push(
        report(
          dismOutputFailed,
          'error',
          {
            ...operation,
            written: r.error.written,
            ...say('canonical', code !== r.error.written, { code }),
            ...say('said', r.error.message, { text: r.error.message ?? '' }),
            ...say('sourceNote', imageFile, { source: r.source ?? '' }),
          },
          {
            id: nextFinding(),
            code,
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
          },
        ),
      );
      continue;
    }
    if (r.health) {
      out.push(
        report(dismOutputHealth, r.health.state, operation, {
          id: nextFinding(),
          facts: { operation: r.operation ?? undefined, health: r.health.state, image: r.image?.version },
          evidence: [cmd, at(file, r.health.line, lines)],
        }),
      );
      continue;
    }
    if (r.stalledAt !== null && r.progress) {
      out.push(
        report(
          dismOutputHealth,
          'stalled',
          { ...operation, percent: String(r.stalledAt) },
          {
            id: nextFinding(),
            facts: { operation: r.operation ?? undefined, percent: String(r.stalledAt) },
            evidence: [cmd, at(file, r.progress.line, lines)],
          },
        ),
      );
    }
  }
  return out;
}

/** The message of each sfc outcome (its wording, severity and root are the rule's: rules/sfc-output.ts). */
const SFC_MESSAGE: Record<string, string> = {
  noViolations: 'clean',
  repaired: 'repaired',
  unrepairable: 'unrepairable',
  violationsFound: 'violations',
  couldNotPerform: 'couldNotPerform',
  repairPending: 'pending',
  serviceNotStarted: 'service',
  notAdmin: 'notAdmin',
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
    const messageId = r.outcome ? SFC_MESSAGE[r.outcome] : undefined;
    const where = r.outcomeLine ?? r.progress?.line ?? r.line;
    if (!messageId && r.stalledAt === null) continue;
    out.push(
      report(
        sfcOutput,
        messageId ?? 'stalled',
        { percent: String(r.stalledAt) },
        {
          id: nextFinding(),
          facts: { outcome: r.outcome ?? undefined, mode: r.mode ?? undefined },
          evidence: [
            ...(r.command && r.command.line !== where ? [at(file, r.command.line, lines)] : []),
            at(file, where, lines),
          ],
        },
      ),
    );
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
    report(
      packagesPending,
      'pending',
      {
        count: String(pending.length),
        ...both('waiting', phrase(packagesPending, pending.length === 1 ? 'onePackage' : 'packages')),
        names: names.join(', '),
        namesZh: names.join('、'),
        ...both('more', phraseIf(packagesPending, 'more', pending.length > 5)),
      },
      {
        id: nextFinding(),
        facts: { packages: pending.map((p) => p.identity).join('; ') },
        evidence: pending.slice(0, 5).map((p) => at(file, p.line, lines)),
      },
    ),
  ];
}
