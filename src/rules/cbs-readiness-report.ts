// The DISM /ScanHealth, /RestoreHealth report ("Checking System Update Readiness"): each corrupt item,
// the Summary counts and the operation result — the machine-readable verdict on the component store.

import type { LogEntry } from '../model/types.js';
import { canonicalize, isFailureCode } from '../parse/error-codes.js';
import { componentKeys } from '../parse/identity.js';
import type { Repair } from './cbs-sfc-results.js';
import { defineRule } from './define-rule.js';
import { opt } from './rule-helpers.js';

interface Item {
  tag: string;
  category: string;
  flag: string;
  fixed: boolean;
  target: string;
  line: number;
  text: string;
}

// `(p)<TAB>CSI Payload Corrupt<TAB>(n)<TAB>…<TAB>target`; the Windows 8.1/2016 layout has no `(n)` flag.
const ITEM_RE = /^\((p|f|fix|w)\)\s+(.+?)\s+(?:\((n|w|b)\)\s+)?(?:\(Fixed\)\s+)?(\S+)\s*$/;

/** Parses the report entry's message lines into items and summary values. */
export function parseReport(e: LogEntry): { items: Item[]; summary: Map<string, string> } {
  const items: Item[] = [];
  const summary = new Map<string, string>();
  const lines = e.message.split('\n');
  lines.forEach((raw, i) => {
    const l = raw.replace(/^\s+/, '');
    const m = ITEM_RE.exec(l);
    if (m) {
      items.push({
        tag: m[1]!,
        category: m[2]!.trim(),
        flag: m[3] ?? '',
        fixed: /\(Fixed\)/.test(l),
        target: m[4]!,
        line: e.line + i,
        text: e.lines[i] ?? raw,
      });
      return;
    }
    const kv = /^([A-Za-z][A-Za-z ]+?):\s*((?:.*\S)?)\s*$/.exec(l);
    if (kv && !summary.has(kv[1]!)) summary.set(kv[1]!, kv[2]!);
  });
  return { items, summary };
}

const REPORT = /Checking System Update Readiness/;
const DETECTION_START = /^Starting corruption detection/;
const PROCESSING_COMPLETE = /^Exec: Processing complete, session\(/;

/** The report's totals: what it set out to do, what it found and repaired, and its result code. */
function totals(summary: Map<string, string>, items: Item[]) {
  return {
    operation: summary.get('Operation') ?? 'scan',
    result: canonicalize(summary.get('Operation result') ?? '') ?? null,
    detected: Number(summary.get('Total Detected Corruption') ?? items.length),
    repaired: Number(summary.get('Total Repaired Corruption') ?? items.filter((i) => i.fixed).length),
  };
}

/** Detection starts, health reports and session ends of a run, in order: computed once per run. */
const marksCache = new WeakMap<readonly LogEntry[], { at: number; kind: 'start' | 'report' | 'done' }[]>();

function marksOf(entries: readonly LogEntry[]): { at: number; kind: 'start' | 'report' | 'done' }[] {
  let marks = marksCache.get(entries);
  if (marks) return marks;
  marks = [];
  for (let at = 0; at < entries.length; at++) {
    const m = entries[at]!.message;
    if (DETECTION_START.test(m)) marks.push({ at, kind: 'start' });
    else if (REPORT.test(m)) marks.push({ at, kind: 'report' });
    else if (PROCESSING_COMPLETE.test(m)) marks.push({ at, kind: 'done' });
  }
  marksCache.set(entries, marks);
  return marks;
}

/**
 * The health-report line that says the problem at `entries[i]` was repaired: the problem lies in a
 * corruption detection pass whose report repairs everything it detected (`Detect and Repair`, detected =
 * repaired > 0, a result that is not a failure) and whose session then completes without a failure code.
 * The line is the report's item for file `base` when it lists one, else its `Total Repaired Corruption`.
 */
export function restoreHealthRepairOf(entries: readonly LogEntry[], i: number, base: string): Repair | null {
  const marks = marksOf(entries);
  // The problem lies between a detection start and the report that follows it, with nothing between.
  const next = marks.findIndex((m) => m.at > i && m.kind !== 'done');
  const before = marks.filter((m) => m.at < i && m.kind !== 'done').pop();
  if (next < 0 || before?.kind !== 'start' || marks[next]!.kind !== 'report') return null;
  const k = marks[next]!.at;
  const report = entries[k]!;
  const { items, summary } = parseReport(report);
  const t = totals(summary, items);
  if (!/repair/i.test(t.operation) || t.detected === 0 || t.repaired !== t.detected) return null;
  if (isFailureCode(t.result)) return null;
  const done = marks.find((m) => m.at > k && m.kind === 'done');
  if (done && entries[done.at]!.codes.some(isFailureCode)) return null;
  const b = base.toLowerCase();
  const item = b ? items.find((x) => x.target.toLowerCase().endsWith(`\\${b}`)) : undefined;
  const totalLine = report.lines.findIndex((l) => /Total Repaired Corruption:/.test(l));
  const at = item
    ? { line: item.line, text: item.text }
    : { line: report.line + Math.max(0, totalLine), text: report.lines[Math.max(0, totalLine)] ?? '' };
  return {
    evidence: { file: report.file, ...at },
    where: `${report.file}:${at.line}`,
    by: 'DISM /RestoreHealth',
  };
}

export default defineRule({
  id: 'cbs-readiness-report',
  meta: {
    severity: 'error',
    confidence: 'high',
    codes: ['0x80073712'],
    folds: ['cbs-file-hash-mismatch', 'cbs-delta-hydration-failed'],
    explains: ['scan', 'repair'],
    summary: { en: 'DISM component store health report', zh: 'DISM 组件存储健康报告' },
    falsePositives: [
      '`r\\` (reverse delta) payload items are often harmless leftovers after component cleanup.',
    ],
    references: ['docs/domain.md §2.2', 'corpus cbs01 lines 8985-9015'],
  },
  triggers: { text: ['Checking System Update Readiness'] },
  messages: {
    corruption: {
      en: 'DISM ({{operation}}) found {{detected}} corruption(s) in the component store and repaired {{repaired}}: {{items}}.',
      zh: 'DISM（{{operation}}）在组件存储中发现 {{detected}} 处损坏，已修复 {{repaired}} 处：{{items}}。',
    },
    aborted: {
      en: 'DISM ({{operation}}) did not complete its check: result {{result}}.',
      zh: 'DISM（{{operation}}）未能完成检查：结果 {{result}}。',
    },
    repaired: {
      en: 'DISM ({{operation}}) found {{detected}} corruption(s) and repaired all of them ({{repairedAt}}): {{items}}.',
      zh: 'DISM（{{operation}}）发现 {{detected}} 处损坏，已全部修复（{{repairedAt}}）：{{items}}。',
    },
    reverseDeltaOnly: {
      en: 'DISM ({{operation}}) lists {{detected}} reverse-delta payload(s) (`\\r\\` files) as corrupt; these are usually harmless leftovers of component cleanup.',
      zh: 'DISM（{{operation}}）将 {{detected}} 个反向增量文件（`\\r\\` 目录下）列为损坏；这通常是组件清理后的无害残留。',
    },
    clean: {
      en: 'DISM ({{operation}}) found no component store corruption.',
      zh: 'DISM（{{operation}}）未发现组件存储损坏。',
    },
  },
  create(ctx) {
    return {
      entry(e) {
        if (!REPORT.test(e.message)) return;
        const { items, summary } = parseReport(e);
        const { operation, result, detected, repaired } = totals(summary, items);
        const summaryLines = e.lines
          .map((text, i) => ({ file: e.file, line: e.line + i, text }))
          .filter((x) =>
            /Operation result:|Total Detected Corruption:|Total Repaired Corruption:/.test(x.text),
          );
        const head = { file: e.file, line: e.line, text: e.lines[0] ?? '' };
        const itemEvidence = items.slice(0, 12).map((i) => ({ file: e.file, line: i.line, text: i.text }));
        // The first six items, `; … N more` after them.
        const listed = (fmt: (i: Item) => string): string =>
          items.slice(0, 6).map(fmt).join('; ') + (items.length > 6 ? `; … ${items.length - 6} more` : '');
        const list = listed((i) => `${i.category} ${i.target}`);
        const first = items[0];
        const key = first ? componentKeys(first.target)[0] : undefined;
        const facts = {
          operation,
          result: opt(result),
          detected: String(detected),
          repaired: String(repaired),
          category: opt(first?.category),
          component: opt(key?.key ?? (first && !first.target.includes('\\') ? first.target : undefined)),
          file: opt(
            first && first.target.includes('\\') ? first.target.split('\\').slice(1).join('\\') : undefined,
          ),
          items: items.map((i) => `${i.category}\t${i.target}`).join('\n') || undefined,
        };
        const evidence = [head, ...itemEvidence, ...summaryLines];
        const time = e.time;
        // Reverse-delta (`…\r\file`) payloads are often leftovers of component cleanup: alone, and with a
        // check that did not fail, they are a warning, not a root cause.
        const reverseOnly = items.length > 0 && items.every((i) => /\\r\\[^\\]+$/.test(i.target));
        if (reverseOnly && detected === items.length && !isFailureCode(result)) {
          ctx.report({
            messageId: 'reverseDeltaOnly',
            data: { operation, detected: String(detected) },
            facts,
            code: null,
            severity: 'warning',
            root: false,
            confidence: 'medium',
            evidence,
            time,
          });
        } else if (detected > 0 && repaired < detected) {
          ctx.report({
            messageId: 'corruption',
            data: {
              operation,
              detected: String(detected),
              repaired: String(repaired),
              items: list || 'items not listed',
            },
            facts,
            code: isFailureCode(result) ? result : '0x80073712',
            evidence,
            time,
          });
        } else if (isFailureCode(result)) {
          ctx.report({
            messageId: 'aborted',
            data: { operation, result: result! },
            facts,
            code: result,
            evidence,
            time,
          });
        } else if (detected > 0) {
          const total = summaryLines.find((x) => /Total Repaired Corruption:/.test(x.text)) ?? head;
          ctx.report({
            messageId: 'repaired',
            data: {
              operation,
              detected: String(detected),
              repairedAt: `${e.file}:${total.line}`,
              items: listed((i) => `${i.category} ${i.target} (${e.file}:${i.line})`) || 'items not listed',
            },
            facts,
            code: null,
            severity: 'info',
            root: false,
            evidence,
          });
        } else {
          ctx.report({
            messageId: 'clean',
            data: { operation },
            facts,
            code: null,
            severity: 'info',
            root: false,
            evidence,
          });
        }
      },
    };
  },
  cases: {
    valid: [
      {
        name: 'a clean scan is informational',
        log: `2023-05-17 09:02:10, Info                  CBS    Checking System Update Readiness.
2023-05-17 09:02:10, Info                  CBS    Summary:
2023-05-17 09:02:10, Info                  CBS    Operation: Detect only 
2023-05-17 09:02:10, Info                  CBS    Operation result: 0x0
2023-05-17 09:02:10, Info                  CBS    Total Detected Corruption:	0
2023-05-17 09:02:10, Info                  CBS    Total Repaired Corruption:	0
2023-05-17 09:02:10, Info                  CBS    Total Operation Time: 40 seconds.`,
      },
      {
        name: 'RestoreHealth repaired everything it found (informational)',
        log: `2019-07-29 22:39:18, Info                  CBS    Checking System Update Readiness.
2019-07-29 22:39:18, Info                  CBS    (p)	CSI Payload Corrupt	(w)	(Fixed)	amd64_windows-defender-management-powershell_31bf3856ad364e35_10.0.18362.1_none_b620cb061e8a941c\\MSFT_MpComputerStatus.cdxml
2019-07-29 22:39:18, Info                  CBS    Summary:
2019-07-29 22:39:18, Info                  CBS    Operation: Detect and Repair 
2019-07-29 22:39:18, Info                  CBS    Operation result: 0x0
2019-07-29 22:39:18, Info                  CBS    Total Detected Corruption:	1
2019-07-29 22:39:18, Info                  CBS    Total Repaired Corruption:	1
2019-07-29 22:39:18, Info                  CBS    Total Operation Time: 280 seconds.`,
      },

      {
        name: 'only reverse-delta leftovers: a warning, not a failure',
        log: `2023-05-17 09:02:10, Info                  CBS    Checking System Update Readiness.
2023-05-17 09:02:10, Info                  CBS    (p)\tCSI Payload Corrupt\t(n)\t\t\tamd64_microsoft-windows-systemreset_31bf3856ad364e35_10.0.22621.1635_none_cae32a1ff7a3e633\\r\\ResetEngine.exe
2023-05-17 09:02:10, Info                  CBS    Summary:
2023-05-17 09:02:10, Info                  CBS    Operation: Detect only 
2023-05-17 09:02:10, Info                  CBS    Operation result: 0x0
2023-05-17 09:02:10, Info                  CBS    Total Detected Corruption:\t1
2023-05-17 09:02:10, Info                  CBS    Total Repaired Corruption:\t0
2023-05-17 09:02:10, Info                  CBS    Total Operation Time: 40 seconds.`,
      },
    ],
    invalid: [
      {
        name: 'RestoreHealth detected two corruptions and repaired both (fixtures/repaired): informational',
        log: `> 2024-03-14 14:03:41, Info                  CBS    Checking System Update Readiness.
> 2024-03-14 14:03:41, Info                  CBS    (p)\tCSI Payload Corrupt\t(w)\t(Fixed)\tamd64_microsoft-windows-explorerframe_31bf3856ad364e35_10.0.19041.3636_none_5b6f8d2ee0a1c4a2\\ExplorerFrame.dll
> 2024-03-14 14:03:41, Info                  CBS    (p)\tCSI Payload Corrupt\t(w)\t(Fixed)\tamd64_microsoft-windows-directwrite-fontcache_31bf3856ad364e35_10.0.19041.3636_none_793ba71fc6a77a11\\FntCache.dll
2024-03-14 14:03:41, Info                  CBS    Summary:
2024-03-14 14:03:41, Info                  CBS    Operation: Detect and Repair 
> 2024-03-14 14:03:41, Info                  CBS    Operation result: 0x0
> 2024-03-14 14:03:41, Info                  CBS    Total Detected Corruption:\t2
> 2024-03-14 14:03:41, Info                  CBS    Total Repaired Corruption:\t2
2024-03-14 14:03:41, Info                  CBS    Total Operation Time: 95 seconds.`,
        findings: [
          {
            messageId: 'repaired',
            facts: {
              operation: 'Detect and Repair',
              detected: '2',
              repaired: '2',
              file: 'ExplorerFrame.dll',
            },
            code: null,
          },
        ],
      },
      {
        name: 'corpus cbs01: ScanHealth finds payload corruption (timestamped report lines)',
        log: `2023-05-17 08:56:21, Info                  CBS    =================================
> 2023-05-17 08:56:21, Info                  CBS    Checking System Update Readiness.
2023-05-17 08:56:21, Info                  CBS    
> 2023-05-17 08:56:21, Info                  CBS    (p)\tCSI Payload Corrupt\t(n)\t\t\tamd64_microsoft-windows-f..uetype-yugothicbold_31bf3856ad364e35_10.0.22621.1_none_10eeed168993f23b\\YuGothB.ttc
> 2023-05-17 08:56:21, Info                  CBS    (p)\tCSI Payload Corrupt\t(b)\t\t\tamd64_microsoft-windows-dns-client-minwin_31bf3856ad364e35_10.0.22621.1485_none_757900759eb5b9e6\\dnsapi.dll
2023-05-17 08:56:21, Info                  CBS    
2023-05-17 08:56:21, Info                  CBS    Summary:
2023-05-17 08:56:21, Info                  CBS    Operation: Detect only 
> 2023-05-17 08:56:21, Info                  CBS    Operation result: 0x0
2023-05-17 08:56:21, Info                  CBS    Last Successful Step: Stage package detection completes.
> 2023-05-17 08:56:21, Info                  CBS    Total Detected Corruption:\t2
2023-05-17 08:56:21, Info                  CBS    \tCSI Payload Corruption:\t2
> 2023-05-17 08:56:21, Info                  CBS    Total Repaired Corruption:\t0
2023-05-17 08:56:21, Info                  CBS    Total Operation Time: 71 seconds.`,
        findings: [
          {
            messageId: 'corruption',
            facts: {
              operation: 'Detect only',
              detected: '2',
              repaired: '0',
              category: 'CSI Payload Corrupt',
              component:
                'amd64_microsoft-windows-f..uetype-yugothicbold_31bf3856ad364e35_10.0.22621.1_none_10eeed168993f23b',
              file: 'YuGothB.ttc',
            },
            code: '0x80073712',
          },
        ],
      },
      {
        name: 'old layout without timestamps, RestoreHealth cannot find a source',
        log: `> 2021-06-01 10:00:00, Info                  CBS    Checking System Update Readiness.
> (p)\tCSI Payload Corrupt\t\t\t(n)\t\tamd64_microsoft-windows-a..modernappmanagement_31bf3856ad364e35_10.0.19041.3636_none_23b3b3ece690d77b\\EnterpriseModernAppMgmtCSP.dll
Repair failed: Missing replacement payload.

Summary:
Operation: Detect and Repair 
> Operation result: 0x800f081f
Last Successful Step: Remove staged packages completes.
> Total Detected Corruption:\t1
\tCSI Payload Corruption:\t1
> Total Repaired Corruption:\t0
Total Operation Time: 39 seconds.`,
        findings: [
          {
            messageId: 'corruption',
            facts: {
              operation: 'Detect and Repair',
              result: '0x800f081f',
              file: 'EnterpriseModernAppMgmtCSP.dll',
            },
            code: '0x800f081f',
          },
        ],
      },
      {
        name: 'corpus cbs02: the check aborts on a pending reboot',
        log: `> 2023-05-23 10:17:36, Info                  CBS    Checking System Update Readiness.
2023-05-23 10:17:36, Info                  CBS    Summary:
2023-05-23 10:17:36, Info                  CBS    Operation: Detect and Repair 
> 2023-05-23 10:17:36, Info                  CBS    Operation result: 0x80070bc9
> 2023-05-23 10:17:36, Info                  CBS    Total Detected Corruption:	0
> 2023-05-23 10:17:36, Info                  CBS    Total Repaired Corruption:	0
2023-05-23 10:17:36, Info                  CBS    Total Operation Time: 40 seconds.`,
        findings: [{ messageId: 'aborted', code: '0x80070bc9' }],
      },
    ],
  },
});
