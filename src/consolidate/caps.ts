// What a diagnosis lists one by one is bounded, whatever the logs hold (issue 17): a WindowsUpdate.log or an
// event export of 75,000 failing updates is one mechanism repeated, not 75,000 things to read. Past the caps
// the rest of a rule's findings fold into one finding that counts them by code and quotes the first lines;
// attempts, update histories and summary lines keep the ones that matter first (those the findings cite,
// then the failures) and say how many more there were. Nothing is dropped silently: each fold is an
// info-level diagnostic with the numbers, and the folded finding carries them in its facts.

import type { Attempt, Diagnostic, Evidence, Finding, I18nText, UpdateHistory } from '../model/types.js';

/** Caps on what one diagnosis lists; generous beside any real machine (the corpus peaks at 33 per rule). */
export interface ListCaps {
  /** Findings of one rule listed one by one; the rest fold into one finding. */
  findingsPerRule: number;
  /** Attempts listed (those the listed findings cite first, then failures, then the rest). */
  attempts: number;
  /** Update histories listed (failing ones first). */
  updates: number;
  /** Summary lines (the timeline of failures). */
  summary: number;
}

export const DEFAULT_LIST_CAPS: ListCaps = {
  findingsPerRule: 100,
  attempts: 2000,
  updates: 1000,
  summary: 200,
};

/** Evidence lines a folded finding quotes: the first line of each of its first findings. */
const FOLDED_EVIDENCE = 12;

const SEVERITY_RANK = { error: 0, warning: 1, info: 2 } as const;

/** How many findings `f` stands for: a story's finding for the updates past its cap counts them all. */
function weight(f: Finding): number {
  const n = Number(f.facts.folded);
  return Number.isInteger(n) && n > 0 ? n : 1;
}

/** `0x800f024b × 19,950, 0x80070643 × 50`: codes by how often they occur. */
function codeTally(findings: readonly Finding[]): string {
  const n = new Map<string, number>();
  for (const f of findings) n.set(f.code ?? 'no code', (n.get(f.code ?? 'no code') ?? 0) + weight(f));
  return [...n]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 8)
    .map(([c, k]) => `${c} × ${k.toLocaleString('en-US')}`)
    .join(', ');
}

/** One finding standing for `rest` (same rule, already ranked): counts, codes, first lines, time span. */
function foldedFinding<T extends Finding>(rest: readonly T[]): T {
  const first = rest[0]!;
  const total = rest.reduce((k, f) => k + weight(f), 0);
  const n = total.toLocaleString('en-US');
  const codes = codeTally(rest);
  const times = rest.map((f) => f.time).filter((t): t is string => t !== null);
  const span = times.length
    ? { first: times.reduce((a, b) => (a < b ? a : b)), last: times.reduce((a, b) => (a > b ? a : b)) }
    : null;
  const evidence: Evidence[] = [];
  for (const f of rest) {
    if (evidence.length >= FOLDED_EVIDENCE) break;
    if (f.evidence[0]) evidence.push(f.evidence[0]);
  }
  const worst = rest.reduce((a, b) => (SEVERITY_RANK[b.severity] < SEVERITY_RANK[a.severity] ? b : a));
  const message: I18nText = {
    en: `${n} more of these, not listed one by one (${codes}); the first: ${first.message.en}`,
    zh: `另有 ${n} 处同类问题未逐一列出（${codes}）；第一处：${first.message.zh}`,
  };
  return {
    ...first,
    severity: worst.severity,
    root: rest.some((f) => f.root),
    message,
    facts: {
      folded: String(total),
      codes,
      ...(span ? { first: span.first, last: span.last } : {}),
    },
    evidence,
    chain: [],
    attempts: [],
    time: span?.first ?? first.time,
  };
}

/**
 * Keeps at most `cap` findings per rule (the first ones in the ranked order) and folds the rest of each rule
 * into one finding placed after that rule's last listed one. Returns the new list and one diagnostic per fold.
 */
export function capFindings<T extends Finding>(
  ranked: readonly T[],
  cap: number,
): { findings: T[]; diagnostics: Diagnostic[] } {
  const perRule = new Map<string, number>();
  for (const f of ranked) perRule.set(f.rule, (perRule.get(f.rule) ?? 0) + 1);
  if ([...perRule.values()].every((n) => n <= cap)) return { findings: [...ranked], diagnostics: [] };
  const seen = new Map<string, number>();
  const rest = new Map<string, T[]>();
  const out: T[] = [];
  const lastListed = new Map<string, number>();
  for (const f of ranked) {
    const k = (seen.get(f.rule) ?? 0) + 1;
    seen.set(f.rule, k);
    if (k <= cap) {
      out.push(f);
      lastListed.set(f.rule, out.length - 1);
    } else {
      const list = rest.get(f.rule) ?? [];
      list.push(f);
      rest.set(f.rule, list);
    }
  }
  const diagnostics: Diagnostic[] = [];
  // Insert each fold after its rule's last listed finding, from the end so the positions stay right.
  const folds = [...rest].map(([rule, list]) => ({ at: lastListed.get(rule)!, rule, list }));
  folds.sort((a, b) => b.at - a.at);
  for (const { at, rule, list } of folds) {
    out.splice(at + 1, 0, foldedFinding(list));
    diagnostics.push({
      level: 'info',
      file: list[0]!.evidence[0]?.file ?? '',
      message: `${(cap + list.length).toLocaleString('en-US')} findings of ${rule}: the first ${cap} are listed, the other ${list.length.toLocaleString('en-US')} are folded into one that stands for ${list.reduce((k, f) => k + weight(f), 0).toLocaleString('en-US')} (at most ${cap} per rule, limit)`,
    });
  }
  return { findings: out, diagnostics };
}

/**
 * The attempts a diagnosis lists: every one a listed finding cites, then failures, then the rest, up to
 * `cap`, in their original order. Findings' attempt lists are trimmed to the ones kept.
 */
export function capAttempts<A extends Attempt>(
  attempts: readonly A[],
  findings: readonly Finding[],
  cap: number,
  failed: (a: A) => boolean,
): { attempts: A[]; diagnostics: Diagnostic[] } {
  if (attempts.length <= cap) return { attempts: [...attempts], diagnostics: [] };
  const cited = new Set<string>();
  for (const f of findings) for (const id of f.attempts) cited.add(id);
  const keep = new Set<string>();
  const take = (pred: (a: A) => boolean): void => {
    for (const a of attempts) {
      if (keep.size >= cap) return;
      if (!keep.has(a.id) && pred(a)) keep.add(a.id);
    }
  };
  take((a) => cited.has(a.id));
  take(failed);
  take(() => true);
  const kept = attempts.filter((a) => keep.has(a.id));
  for (const f of findings)
    if (f.attempts.some((id) => !keep.has(id))) f.attempts = f.attempts.filter((id) => keep.has(id));
  return {
    attempts: kept,
    diagnostics: [
      {
        level: 'info',
        file: '',
        message: `${attempts.length.toLocaleString('en-US')} operations were found: ${cap.toLocaleString('en-US')} are listed (those the findings cite, then the failures), the other ${(attempts.length - cap).toLocaleString('en-US')} are counted only (at most ${cap} listed, limit)`,
      },
    ],
  };
}

/** Update histories listed: failing ones first (then the rest), up to `cap`, in their original order. */
export function capHistories(
  histories: readonly UpdateHistory[],
  cap: number,
): { updates: UpdateHistory[]; diagnostics: Diagnostic[] } {
  if (histories.length <= cap) return { updates: [...histories], diagnostics: [] };
  const failing = histories.filter((h) => h.failures > 0).slice(0, cap);
  const keep = new Set<UpdateHistory>(failing);
  for (const h of histories) {
    if (keep.size >= cap) break;
    keep.add(h);
  }
  return {
    updates: histories.filter((h) => keep.has(h)),
    diagnostics: [
      {
        level: 'info',
        file: '',
        message: `${histories.length.toLocaleString('en-US')} updates have a history: ${cap.toLocaleString('en-US')} are listed (failing ones first), the other ${(histories.length - cap).toLocaleString('en-US')} are not (at most ${cap} listed, limit)`,
      },
    ],
  };
}

/** The summary's first `cap` lines and one line counting the rest. */
export function capSummary(lines: readonly I18nText[], cap: number): I18nText[] {
  if (lines.length <= cap) return [...lines];
  const more = (lines.length - cap).toLocaleString('en-US');
  return [
    ...lines.slice(0, cap),
    {
      en: `… and ${more} more lines like these (the findings count them; the attempts list the first)`,
      zh: `……另有 ${more} 行类似记录（问题发现中有计数；操作列表列出前面的部分）`,
    },
  ];
}
