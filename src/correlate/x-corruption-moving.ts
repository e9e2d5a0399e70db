// Checks across findings of different runs: when back-to-back store scans (DISM health reports, SFC runs)
// list different corrupt files, the corruption is moving — data is damaged in flight or at rest, so the
// hardware (memory, disk) is suspect before any repair (corpus cbs01, cbs02, sfc01).

import type { Finding } from '../model/types.js';
import { both, phraseIf, report } from '../rules/define-story-rule.js';
import type { CrossContext } from './context.js';
import { defineCheck } from './define-check.js';

interface Scan {
  finding: Finding;
  items: Set<string>;
}

const MIN_ITEMS = 3;
const MAX_OVERLAP = 0.5;

/** The corrupt items a scan finding lists, by file name (case-insensitive). */
function itemsOf(f: Finding): Set<string> {
  const raw =
    f.rule === 'cbs-readiness-report'
      ? (f.facts.items ?? '').split('\n').map((l) => l.split('\t').pop() ?? '')
      : (f.facts.files ?? '').split('; ');
  return new Set(raw.map((x) => x.split('\\').pop()!.trim().toLowerCase()).filter((x) => x !== ''));
}

function overlap(a: Set<string>, b: Set<string>): number {
  let common = 0;
  for (const x of a) if (b.has(x)) common++;
  return common / Math.min(a.size, b.size);
}

/** A warning finding when the corrupt set changes between scans of the same kind, else null. */
function movingCorruption(findings: Finding[], nextId: () => string): Finding | null {
  // DISM reports and SFC runs both name the damaged files: a stable corruption shows up in each of them.
  const list: Scan[] = findings
    .filter(
      (f) =>
        (f.rule === 'cbs-readiness-report' && f.messageId === 'corruption') ||
        (f.rule === 'cbs-sfc-results' && f.messageId === 'cannotRepair'),
    )
    .map((f) => ({ finding: f, items: itemsOf(f) }))
    .filter((s) => s.items.size >= MIN_ITEMS)
    .sort((a, b) => (a.finding.time ?? '').localeCompare(b.finding.time ?? ''));
  const pairs: [Scan, Scan, number][] = [];
  for (let i = 1; i < list.length; i++) {
    const o = overlap(list[i - 1]!.items, list[i]!.items);
    if (o <= MAX_OVERLAP) pairs.push([list[i - 1]!, list[i]!, o]);
  }
  if (pairs.length === 0) return null;
  const [a, b, o] = pairs[0]!;
  const pct = Math.round(o * 100);
  const when = (s: Scan): string => s.finding.time ?? '?';
  return report(
    check,
    'moving',
    {
      firstCount: String(a.items.size),
      firstScan: when(a),
      secondCount: String(b.items.size),
      secondScan: when(b),
      pct: String(pct),
      ...both('pairs', phraseIf(check, 'pairs', pairs.length > 1, { n: String(pairs.length) })),
    },
    {
      id: nextId(),
      facts: {
        firstScan: when(a),
        secondScan: when(b),
        overlapPercent: String(pct),
        pairs: String(pairs.length),
      },
      evidence: [...a.finding.evidence.slice(0, 1), ...b.finding.evidence.slice(0, 1)],
      time: a.finding.time,
    },
  );
}

const check = defineCheck({
  id: 'x-corruption-moving',
  meta: {
    severity: 'warning',
    confidence: 'medium',
    root: true,
    summary: {
      en: 'Corruption moves between scans: suspect hardware',
      zh: '损坏位置在扫描间变化：怀疑硬件问题',
    },
    codes: [],
    mechanism:
      'Back-to-back DISM health reports or SFC runs name mostly different corrupt files: data is damaged in flight or at rest, so memory and disk come before any repair.',
    references: ['corpus cbs01, cbs02, sfc01'],
  },
  messages: {
    moving: {
      en: 'The set of corrupt files changes between scans ({{firstCount}} at {{firstScan}}, {{secondCount}} at {{secondScan}}, {{pct}}% in common{{pairs}}): data is being damaged in flight or at rest. Test memory and disk before repairing; a repair on bad hardware will not hold.',
      zh: '多次扫描发现的损坏文件集合不一致（{{firstScan}} 为 {{firstCount}} 个，{{secondScan}} 为 {{secondCount}} 个，重合仅 {{pct}}%{{pairsZh}}）：数据在读写过程中或存储介质上被损坏。请先检测内存和磁盘，再做修复；硬件有问题时修复不会持久。',
    },
  },
  phrases: { pairs: { en: '; {{n}} such pairs', zh: '；共 {{n}} 组' } },
  run: (ctx: CrossContext) => {
    const f = movingCorruption(ctx.findings, ctx.nextId);
    return f ? [f] : [];
  },
  cases: {
    valid: [
      {
        name: 'one clean SFC run',
        files: { 'sfcdetails.txt': { corpus: 'sfc02-emmanuel-sfcdetails-clean/sfcdetails.txt' } },
      },
      {
        name: 'one stable corruption (seed 003)',
        files: { 'CBS.log': { fixture: 'fixtures/seeds/seed-003-manifest-hash.log' } },
      },
    ],
    invalid: [
      {
        name: 'corpus cbs01: ScanHealth finds 8, then 9 mostly different payloads',
        files: { 'CBS.log': { corpus: 'cbs01-appostarsi-w11/CBS.log' } },
        findings: [{ messageId: 'moving' }],
      },
    ],
  },
});

export default check;
