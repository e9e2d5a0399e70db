// One update that failed to install or download, told the same way whatever log told it (WindowsUpdate.log,
// ReportingEvents.log, the event log): how often, first and last, the code and its meaning, retried or
// not, a Microsoft Store app or not. The stories supply the facts; this file words the finding.

import type { Evidence, Facts, Finding, I18nText } from '../model/types.js';
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
  rule: string;
  messageId: string;
  title: I18nText;
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

const VERB = {
  install: { en: 'install', zh: '安装' },
  download: { en: 'download', zh: '下载' },
};

const RETRIED = {
  install: { en: ' A later attempt installed it: transient.', zh: '之后的重试已安装成功，属于暂时性错误。' },
  download: {
    en: ' A later download of it went through: transient.',
    zh: '之后的下载已成功，属于暂时性错误。',
  },
};

const STORE = {
  en: ' A Microsoft Store app, not Windows servicing: the Store retries it by itself.',
  zh: '这是 Microsoft Store 应用，不属于 Windows 服务更新：Store 会自行重试。',
};

/** The finding: an error root cause unless every try was retried or it is a Store app (then information). */
export function updateFailureFinding(u: UpdateFailure): Finding {
  const m = codeMeaning(u.code);
  const n = u.count;
  const span = {
    en: `${u.first}${n > 1 ? ` … ${u.last}` : ''}`,
    zh: `${u.first}${n > 1 ? ` 至 ${u.last}` : ''}`,
  };
  const tail = (lang: 'en' | 'zh'): string =>
    (u.extra?.[lang] ?? '') + (u.retried ? RETRIED[u.phase][lang] : '') + (u.store ? STORE[lang] : '');
  return {
    id: u.id,
    rule: u.rule,
    messageId: u.messageId,
    severity: u.retried || u.store ? 'info' : 'error',
    confidence: 'high',
    code: u.code,
    codeName: m.name || null,
    root: !u.retried && !u.store,
    message: {
      en:
        `${u.what} failed to ${VERB[u.phase].en} ${n === 1 ? 'once' : `${n} times`} (${span.en}${u.utc ? ' UTC' : ''}) ` +
        `with ${u.code} ${m.name}: ${m.en}.` +
        tail('en'),
      zh:
        `${u.what} ${VERB[u.phase].zh}失败 ${n} 次（${u.utc ? 'UTC ' : ''}${span.zh}），错误 ${u.code} ${m.name}：${m.zh}。` +
        tail('zh'),
    },
    title: u.title,
    facts: u.facts,
    evidence: u.evidence,
    chain: [],
    attempts: u.attempts,
    time: u.first || null,
  };
}
