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
