// System File Checker runs (`[SR]` lines): files it cannot repair because the store copy is corrupt or
// missing, files it repaired, clean runs — and the trailer that says "successfully repaired" even when
// it could not repair everything (corpus sfc01, sfc02).

import type { Evidence, LogEntry } from '../model/types.js';
import { csiStrings, longIdentities } from '../parse/identity.js';
import { restoreHealthRepairOf } from './cbs-readiness-report.js';
import { defineRule } from './define-rule.js';
import { SfcSegmenter, isSfcLine } from '../timeline/sfc-runs.js';

interface SfcRun {
  entries: LogEntry[];
  start: LogEntry;
  cannot: Map<string, { entry: LogEntry; file: string; component: string; reason: string }>;
  repaired: Map<string, LogEntry>;
  repairing: LogEntry | null;
  trailer: LogEntry | null;
}

const CANNOT = /^\[SR\] Cannot repair member file (\[[^\]]*\]['"]([^'"]+)['"]) of (.+?) in the store, (.+)$/;
const REPROJECT = /^\[SR\] Could not reproject corrupted file/;
const REPAIRED = /^\[SR\] (?:Repairing (?:corrupted )?file|Repaired file) /;
const REPAIRING_N = /^\[SR\] Repairing (\d+) components/;
const TRAILER = /^\[SR\] Verify and Repair Transaction completed/;
/** A line saying SFC could not fix a file: the file stays broken whatever else the run says of it. */
const UNREPAIRED =
  /^\[SR\] (?:Cannot repair member file|Could not reproject corrupted file|Unable to repair)/;
const CLOSE = /^\[SR\] (?:Repair complete|Verify and Repair Transaction completed)/;

/** Where a problem was repaired: the line that says so, and `file:line` to quote. */
export interface Repair {
  evidence: Evidence;
  where: string;
  /** What repaired it: `SFC` or `DISM /RestoreHealth`. */
  by: string;
}

interface SfcSpan {
  from: number;
  to: number;
  closed: boolean;
  /** Indices of the run's `[SR]` lines. */
  sr: number[];
  /** Their first lines as {@link namesFile} compares them (made once, on first use). */
  srText?: string[];
}

/** SFC runs of a TrustedInstaller run, as index ranges of `entries`, computed once per run. */
const sfcRunsCache = new WeakMap<readonly LogEntry[], SfcSpan[]>();

function sfcRuns(entries: readonly LogEntry[]): SfcSpan[] {
  let runs = sfcRunsCache.get(entries);
  if (runs) return runs;
  const out: SfcSpan[] = [];
  const seg = new SfcSegmenter();
  entries.forEach((e, i) => {
    if (!isSfcLine(e)) return;
    if (seg.feed(e) || out.length === 0) out.push({ from: i, to: i, closed: false, sr: [] });
    const r = out[out.length - 1]!;
    r.to = i;
    r.sr.push(i);
    if (CLOSE.test(e.message)) r.closed = true;
  });
  runs = out;
  sfcRunsCache.set(entries, runs);
  return runs;
}

/** A message's first line. */
function firstLine(message: string): string {
  const nl = message.indexOf('\n');
  return nl === -1 ? message : message.slice(0, nl);
}

/** An `[SR]` line as {@link namesFile} compares it: its first line, doubled backslashes single, lower case. */
function srText(message: string): string {
  return firstLine(message).replace(/\\\\/g, '\\').toLowerCase();
}

/** How an `[SR]` line names the file `base`: `…\\base from store`, `\\base'`, `'base'`, `"base"`, `\\base;`. */
function fileNeedles(base: string): string[] {
  const b = base.toLowerCase();
  return [`\\${b} `, `\\${b}'`, `'${b}'`, `"${b}"`, `\\${b};`];
}

/** Whether an `[SR]` line (as {@link srText} gives it) names the file of `needles` ({@link fileNeedles}). */
function namesFile(text: string, needles: readonly string[]): boolean {
  for (const x of needles) if (text.includes(x)) return true;
  return false;
}

/**
 * The SFC line that repaired file `base` after the problem at `entries[i]`, when the same SFC run repaired
 * it from the store (`[SR] Repairing corrupted file …`, `[SR] Repaired file …`), finished its repair pass,
 * and nowhere said it could not repair that file; otherwise null.
 */
function sfcRepairOf(entries: readonly LogEntry[], i: number, base: string): Repair | null {
  if (!base) return null;
  const run = sfcRuns(entries).find((r) => r.from <= i && i <= r.to);
  if (!run?.closed) return null;
  let repair: LogEntry | null = null;
  run.srText ??= run.sr.map((k) => srText(entries[k]!.message));
  const needles = fileNeedles(base);
  for (const [j, k] of run.sr.entries()) {
    const e = entries[k]!;
    if (!namesFile(run.srText[j]!, needles)) continue;
    if (UNREPAIRED.test(e.message)) return null;
    if (k > i && !repair && REPAIRED.test(e.message)) repair = e;
  }
  if (!repair) return null;
  return {
    evidence: { file: repair.file, line: repair.line, text: repair.lines[0] ?? repair.message },
    where: `${repair.file}:${repair.line}`,
    by: 'SFC',
  };
}

/** Facts and message data of a repaired problem: where it was seen, what repaired it, and where. */
export function repairFacts(
  problem: LogEntry,
  repair: Repair,
): { where: string; repairedBy: string; repairedAt: string } {
  return { where: `${problem.file}:${problem.line}`, repairedBy: repair.by, repairedAt: repair.where };
}

/** A repaired problem is informational: no code, no root cause, hence no plan. */
export const RESOLVED = { code: null, severity: 'info', root: false } as const;

/** Where the problem at `entries[i]` about file `base` was repaired later in the same run (SFC, then DISM). */
export function repairOf(entries: readonly LogEntry[], i: number, base: string): Repair | null {
  return sfcRepairOf(entries, i, base) ?? restoreHealthRepairOf(entries, i, base);
}

export default defineRule({
  id: 'cbs-sfc-results',
  meta: {
    severity: 'error',
    confidence: 'high',
    codes: ['0x800736cc'],
    folds: ['cbs-file-hash-mismatch'],
    explains: ['sfc'],
    summary: { en: 'System File Checker result', zh: '系统文件检查（SFC）结果' },
    falsePositives: [
      'Unprotected static files (wallpapers) that SFC lists but Windows tolerates (MS Learn KB954402).',
    ],
    references: ['MS Learn: analyze SFC log entries', 'corpus sfc01, sfc02'],
  },
  triggers: { text: ['[SR]'] },
  messages: {
    cannotRepair: {
      en: 'SFC could not repair {{count}} file(s) because the store copy is also bad: {{files}}.{{trailerNote}}',
      zh: 'SFC 有 {{count}} 个文件无法修复（组件存储中的副本同样损坏）：{{files}}。{{trailerNoteZh}}',
    },
    repaired: {
      en: 'SFC repaired {{count}} file(s) from the store: {{files}}.',
      zh: 'SFC 已从组件存储修复 {{count}} 个文件：{{files}}。',
    },
    clean: {
      en: 'SFC found no integrity violations.',
      zh: 'SFC 未发现完整性冲突。',
    },
  },
  create(ctx) {
    let run: SfcRun | null = null;
    const segments = new SfcSegmenter();
    const finish = (): void => {
      if (!run) return;
      const r = run;
      run = null;
      if (r.cannot.size > 0) {
        const list = [...r.cannot.values()];
        const files =
          list
            .slice(0, 8)
            .map((c) => `${c.file} (${c.component}, ${c.reason})`)
            .join('; ') + (list.length > 8 ? `; … ${list.length - 8} more` : '');
        ctx.report({
          messageId: 'cannotRepair',
          data: {
            count: String(list.length),
            files,
            trailerNote: r.trailer
              ? ' The closing line nevertheless says all files were successfully repaired: it is wrong.'
              : '',
            trailerNoteZh: r.trailer ? '结尾一行仍显示“所有文件已成功修复”，该提示并不准确。' : '',
          },
          facts: {
            file: list[0]!.file,
            component: list[0]!.component,
            files: list.map((c) => c.file).join('; '),
            count: String(list.length),
            misleadingTrailer: r.trailer ? 'true' : 'false',
          },
          code: '0x800736cc',
          evidence: [...list.slice(0, 10).map((c) => c.entry), ...(r.trailer ? [r.trailer] : [])],
        });
      } else if (r.repaired.size > 0) {
        const files = [...r.repaired.keys()];
        ctx.report({
          messageId: 'repaired',
          data: { count: String(files.length), files: files.slice(0, 8).join('; ') },
          facts: { files: files.join('; '), count: String(files.length) },
          code: null,
          severity: 'info',
          root: false,
          evidence: [...r.repaired.values()].slice(0, 10),
        });
      } else if (r.repairing) {
        ctx.report({
          messageId: 'clean',
          data: {},
          facts: {},
          code: null,
          severity: 'info',
          root: false,
          evidence: [r.repairing],
        });
      }
    };
    return {
      entry(e) {
        if (!e.message.startsWith('[SR]')) return;
        const msg = firstLine(e.message);
        if (segments.feed(e)) finish();
        if (!run) {
          run = {
            entries: [],
            start: e,
            cannot: new Map(),
            repaired: new Map(),
            repairing: null,
            trailer: null,
          };
        }
        run.entries.push(e);
        const c = CANNOT.exec(msg);
        if (c) {
          const id = longIdentities(c[3]!)[0];
          const component = id ? `${id.name} ${id.version}` : c[3]!;
          const key = `${c[2]}|${component}`;
          if (!run.cannot.has(key))
            run.cannot.set(key, { entry: e, file: c[2]!, component, reason: c[4]!.trim() });
        } else if (REPROJECT.test(msg)) {
          const parts = csiStrings(msg);
          const plain = /corrupted file (.+?); source file/
            .exec(msg)?.[1]
            ?.replace(/^\\\?\?\\/, '')
            .replace(/\\\\/g, '\\');
          const file = parts.length >= 2 ? `${parts[0]}\\${parts[1]}` : (parts[0] ?? plain ?? 'unknown file');
          const key = `${file}|reproject`;
          const base = file.split('\\').pop()!;
          if (
            !run.cannot.has(key) &&
            ![...run.cannot.values()].some((x) => x.file.split('\\').pop() === base)
          ) {
            run.cannot.set(key, {
              entry: e,
              file,
              component: 'store copy also corrupt',
              reason: 'could not reproject',
            });
          }
        } else if (REPAIRED.test(msg)) {
          const f =
            /(?:file|Repaired file) (.+?)(?: from store| by copying from backup)/.exec(msg)?.[1] ?? msg;
          const name = f.replace(/\\\\/g, '\\').replace(/\[[^\]]*\]'([^']+)'/, '$1');
          if (!run.repaired.has(name)) run.repaired.set(name, e);
        } else if (REPAIRING_N.test(msg)) {
          run.repairing = e;
        }
        if (TRAILER.test(msg)) run.trailer = e;
      },
      end() {
        finish();
      },
    };
  },
  cases: {
    valid: [
      {
        name: 'a verify pass that is still running',
        log: `2023-05-23 10:15:27, Info                  CSI    00000006 [SR] Verifying 100 components
2023-05-23 10:15:27, Info                  CSI    00000007 [SR] Beginning Verify and Repair transaction
2023-05-23 10:15:27, Info                  CSI    00000008 [SR] Verify complete`,
      },
      {
        name: 'corpus sfc02: a clean run is informational',
        log: `2020-03-02 10:11:14, Info                  CSI    00000310 [SR] Verify complete
2020-03-02 10:11:14, Info                  CSI    00000311 [SR] Repairing 0 components
2020-03-02 10:11:14, Info                  CSI    00000312 [SR] Beginning Verify and Repair transaction
2020-03-02 10:11:14, Info                  CSI    00000314 [SR] Repair complete`,
      },
    ],
    invalid: [
      {
        name: 'cannot repair, with the misleading trailer (corpus sfc01 shape)',
        log: `2023-05-23 01:37:56, Info                  CSI    000002f0 [SR] Repairing 10 components
2023-05-23 01:37:56, Info                  CSI    000002f1 [SR] Beginning Verify and Repair transaction
> 2023-05-23 01:37:56, Info                  CSI    000002f3 [SR] Cannot repair member file [l:12]'edgehtml.dll' of Microsoft-Windows-IE-HTMLRendering, version 11.0.19041.2728, arch amd64, nonSxS, pkt {l:8 b:31bf3856ad364e35} in the store, hash mismatch
> 2023-05-23 01:37:56, Info                  CSI    000002f8 [SR] Cannot repair member file [l:9]'ntdll.dll' of Microsoft-Windows-Ntdll, version 10.0.19041.2788, arch amd64, nonSxS, pkt {l:8 b:31bf3856ad364e35} in the store, file is missing
2023-05-23 01:37:56, Info                  CSI    00000340 [SR] Repair complete
2023-05-23 01:37:56, Info                  CSI    00000341 [SR] Committing transaction
> 2023-05-23 01:37:56, Info                  CSI    00000348 [SR] Verify and Repair Transaction completed. All files and registry keys listed in this transaction  have been successfully repaired`,
        findings: [
          {
            messageId: 'cannotRepair',
            facts: {
              file: 'edgehtml.dll',
              component: 'Microsoft-Windows-IE-HTMLRendering 11.0.19041.2728',
              count: '2',
              misleadingTrailer: 'true',
            },
          },
        ],
      },
      {
        name: 'files repaired from the store',
        log: `2023-05-23 13:48:45, Info                  CSI    00000201 [SR] Repairing 2 components
> 2023-05-23 13:48:45, Info                  CSI    00000203 [SR] Repairing file \\??\\C:\\ProgramData\\Microsoft\\Windows Defender\\Definition Updates\\Default\\\\MpAsBase.vdm from store
> 2023-05-23 13:48:45, Info                  CSI    00000207 [SR] Repairing file \\??\\C:\\ProgramData\\Microsoft\\Windows Defender\\Definition Updates\\Default\\\\MpEngine.dll from store
2023-05-23 13:48:45, Info                  CSI    00000208 [SR] Repair complete`,
        findings: [{ messageId: 'repaired', facts: { count: '2' }, code: null }],
      },
    ],
  },
});
