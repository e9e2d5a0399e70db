// The consolidated view every report shows first: the verdict in at most five lines (the same line for
// several tries of one update folded into one, with the count and the first and last time), the findings
// grouped by mechanism, the observations apart, and the machine's one plan with links to the groups.

import type { Diagnosis, FindingGroup, I18nText, Lang } from '../model/types.js';
import { groupFindings } from '../consolidate/groups.js';
import { isObservation } from '../consolidate/observations.js';

/** Lines of the verdict at most (the last may say how many more there are). */
export const VERDICT_LINES = 5;

const STAMP = /^(\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(?:\.\d+)?Z?|\?) ([\s\S]+)$/;

/** The summary folded: lines equal but for their time become one, with the count and time span. */
export function verdictLines(d: Pick<Diagnosis, 'summary'>, lang: Lang, max = VERDICT_LINES): string[] {
  const folded = new Map<string, { times: string[]; text: string; plain: string | null }>();
  for (const s of d.summary) {
    const line = s[lang];
    const m = STAMP.exec(line);
    const key = m ? m[2]! : line;
    const f = folded.get(key) ?? { times: [], text: key, plain: m ? null : line };
    if (m && m[1] !== '?') f.times.push(m[1]!);
    folded.set(key, f);
  }
  const lines = [...folded.values()].map((f) => {
    if (f.plain !== null) return f.plain;
    const n = f.times.length;
    if (n <= 1) return `${f.times[0] ?? '?'} ${f.text}`;
    const first = f.times[0]!;
    const last = f.times[n - 1]!;
    return lang === 'zh'
      ? `${f.text}（${n} 次，${first} 至 ${last}）`
      : `${f.text} (${n} × between ${first} and ${last})`;
  });
  if (lines.length <= max) return lines;
  const more = lines.length - (max - 1);
  return [
    ...lines.slice(0, max - 1),
    lang === 'zh' ? `……另有 ${more} 条（见下方诊断发现）` : `… ${more} more (see the findings below)`,
  ];
}

/** The groups the findings section shows (informational ones are observations), numbered for links. */
export function shownGroups(d: Pick<Diagnosis, 'groups' | 'findings'>): FindingGroup[] {
  const groups = d.groups ?? groupFindings(d.findings);
  return groups.filter((g) => !isObservation(g));
}

/** The group numbers (1-based, as shown) a plan step serves, from its group ids. */
export function groupNumbers(shown: FindingGroup[], ids: readonly string[]): number[] {
  return ids
    .map((id) => shown.findIndex((g) => g.id === id) + 1)
    .filter((n) => n > 0)
    .sort((a, b) => a - b);
}

/** A group's role in words. */
export function roleOf(g: Pick<FindingGroup, 'root' | 'severity'>): 'root' | 'consequence' | 'info' {
  return g.root ? 'root' : g.severity === 'error' ? 'consequence' : 'info';
}

/** "first … last" of a group, or one time. */
export function spanText(g: Pick<FindingGroup, 'first' | 'last'>): string {
  if (!g.first) return '';
  return g.last && g.last !== g.first ? `${g.first} … ${g.last}` : g.first;
}

/** Items of a group listed up to `max`, with how many more. */
export function itemsText(items: readonly string[], max: number, lang: Lang): string {
  const shown = items.slice(0, max).join('; ');
  const more = items.length - max;
  return more > 0 ? `${shown}; … ${lang === 'zh' ? `另 ${more} 项` : `+${more} more`}` : shown;
}

export const CONSOLIDATED_LABELS = {
  observations: { en: 'Observations', zh: '观察（无需处理）' },
  machinePlan: { en: 'What to do', zh: '处理方案' },
  serves: { en: 'for findings', zh: '对应发现' },
  items: { en: 'items', zh: '涉及' },
  details: { en: 'Details', zh: '详细信息' },
  machineOf: { en: 'Machine', zh: '机器' },
  mixed: {
    en: 'The input mixes logs of several machines or builds: each is diagnosed on its own.',
    zh: '输入中混有多台机器或不同版本的日志：已分别诊断。',
  },
  groupsOf: { en: 'groups of', zh: '组，共' },
  findingsWord: { en: 'findings', zh: '条发现' },
  verbose: {
    en: 'Every finding, operation and per-cause plan: --verbose, --json, or the HTML report.',
    zh: '全部发现、操作记录与逐个根因的方案：使用 --verbose、--json 或 HTML 报告。',
  },
  moreCommands: { en: 'more commands', zh: '条命令未显示' },
  operationsCount: { en: 'Operations', zh: '操作记录' },
} as const satisfies Record<string, I18nText>;

export function cl(k: keyof typeof CONSOLIDATED_LABELS, lang: Lang): string {
  return CONSOLIDATED_LABELS[k][lang];
}
