// One update that failed to install or download, told the same way whatever log told it (WindowsUpdate.log,
// ReportingEvents.log, the event log): how often, first and last, the code and its meaning, retried or
// not, a Microsoft Store app or not. The stories supply the facts; the rule's file words the finding.

import type { Evidence, Facts, Finding, I18nText } from '../model/types.js';
import { phraseIf, report, type StoryRule } from '../rules/define-story-rule.js';
import { codeInfo } from '../knowledge/codes.js';

/** A code's name and meaning in both languages, or placeholders. */
export function codeMeaning(code: string | null): { name: string; en: string; zh: string } {
  const info = code ? codeInfo(code) : null;
  return {
    name: info?.name ?? '',
    en: info?.meaning.en ?? 'no meaning on record',
    zh: info?.meaning.zh ?? info?.meaning.en ?? '暂无释义',
  };
}

/** Microsoft Store app updates are titled with a 12-character product id (`9WZDNCRFJBMP-Microsoft.WindowsStore`). */
export function isStoreApp(title: string | null): boolean {
  return title !== null && /^[0-9A-Z]{12}-[\w.]+$/i.test(title.trim());
}

export interface UpdateFailure {
  id: string;
  /** The rule whose finding this is: its messages word it, its phrases `installRetried`/`downloadRetried`
   * and `store` add the notes. */
  rule: StoryRule;
  messageId: string;
  /** The update as the user knows it (KB or title). */
  what: string;
  phase: 'install' | 'download';
  code: string;
  count: number;
  first: string;
  last: string;
  /** True when the times are UTC (said after them). */
  utc?: boolean;
  /** Every failing try was followed by one that went through. */
  retried: boolean;
  store: boolean;
  /** Sentences after the meaning (inner and handler codes). */
  extra?: I18nText;
  facts: Facts;
  evidence: Evidence[];
  attempts: string[];
}

/** The finding: an error root cause unless every try was retried or it is a Store app (then information). */
export function updateFailureFinding(u: UpdateFailure): Finding {
  const n = u.count;
  const notes = [
    u.extra ?? { en: '', zh: '' },
    phraseIf(u.rule, `${u.phase}Retried`, u.retried),
    phraseIf(u.rule, 'store', u.store),
  ];
  return report(
    u.rule,
    u.messageId,
    {
      what: u.what,
      times: n === 1 ? 'once' : `${n} times`,
      timesZh: String(n),
      span: `${u.first}${n > 1 ? ` … ${u.last}` : ''}`,
      spanZh: `${u.first}${n > 1 ? ` 至 ${u.last}` : ''}`,
      utc: u.utc ? ' UTC' : '',
      utcZh: u.utc ? 'UTC ' : '',
      note: notes.map((x) => x.en).join(''),
      noteZh: notes.map((x) => x.zh).join(''),
    },
    {
      id: u.id,
      severity: u.retried || u.store ? 'info' : 'error',
      code: u.code,
      root: !u.retried && !u.store,
      facts: u.facts,
      evidence: u.evidence,
      attempts: u.attempts,
      time: u.first || null,
    },
  );
}

/** One failure of an update a story does not tell one by one (past its cap of updates). */
export interface LeftFailure {
  code: string;
  time: string;
}

/** Evidence lines a finding for the updates past a story's cap quotes. */
export const LEFT_EVIDENCE = 12;

/**
 * The finding that stands for the updates past a story's cap (see `boundKeys`): how many updates, how many
 * failures with which codes, when, and the first lines. A root cause unless no failure is left.
 */
export function leftUpdatesFinding(o: {
  id: string;
  rule: StoryRule;
  messageId: string;
  phase: 'install' | 'download';
  updates: number;
  failures: LeftFailure[];
  /** The first failures' lines (at most {@link LEFT_EVIDENCE}). */
  evidence: Evidence[];
  utc?: boolean;
}): Finding | null {
  const fails = o.failures;
  if (fails.length === 0) return null;
  const tally = new Map<string, number>();
  for (const f of fails) tally.set(f.code, (tally.get(f.code) ?? 0) + 1);
  const ranked = [...tally].sort((a, b) => b[1] - a[1]);
  const codes = ranked
    .slice(0, 8)
    .map(([c, n]) => `${c} × ${n.toLocaleString('en-US')}`)
    .join(', ');
  const times = fails.map((f) => f.time).sort();
  const first = times[0]!;
  const last = times[times.length - 1]!;
  const n = o.updates.toLocaleString('en-US');
  const count = fails.length.toLocaleString('en-US');
  const f = updateFailureFinding({
    id: o.id,
    rule: o.rule,
    messageId: o.messageId,
    what: `${n} more updates`,
    phase: o.phase,
    code: ranked[0]![0],
    count: fails.length,
    first,
    last,
    utc: o.utc,
    retried: false,
    store: false,
    facts: { folded: String(o.updates), failures: String(fails.length), codes, first, last },
    evidence: o.evidence.slice(0, LEFT_EVIDENCE),
    attempts: [],
  });
  const verb = o.phase === 'download' ? { en: 'download', zh: '下载' } : { en: 'install', zh: '安装' };
  f.message = {
    en: `${n} more updates, not listed one by one, failed to ${verb.en} ${count} times (${first} … ${last}): ${codes}`,
    zh: `另有 ${n} 个更新（未逐一列出）${verb.zh}失败 ${count} 次（${first} 至 ${last}）：${codes}`,
  };
  return f;
}
