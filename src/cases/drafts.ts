// Customer e-mails filled from a case: the public `draft` with the case's fields, its latest rounds and, for
// the closure, the case's whole history in 问题分析 (what each round of logs showed) and the stored cause
// and resolution. Credentials and phone numbers in the case's free text are scrubbed.

import { draft, withAdvice, type Diagnosis, type Draft, type DraftKind, type Lang } from '../index.js';
import { CaseStoreError } from './errors.js';
import { scrubNullable, scrubText } from './privacy.js';
import type { CaseStore } from './store.js';

/** The engineer's own signature details, which the case does not store. */
export interface DraftExtras {
  /** The engineer's contact for the signature (their own phone or e-mail: not scrubbed). */
  contact?: string;
}

function mainFinding(d: Diagnosis, lang: Lang): string {
  const root = d.findings.find((f) => f.root && f.severity === 'error') ?? d.findings.find((f) => f.root);
  if (root) return root.message[lang];
  if (d.summary[0]) return d.summary[0][lang];
  return lang === 'zh' ? '日志中未发现失败' : 'the logs show no failure';
}

/** One line per round of the case: when, which machine, what it showed. */
export function historyLines(
  rounds: { machine: string; seq: number; addedAt: string; diagnosis: Diagnosis }[],
  lang: Lang,
): string[] {
  const multi = new Set(rounds.map((r) => r.machine)).size > 1;
  return rounds.map((r) => {
    const where = multi ? (lang === 'zh' ? `${r.machine} ` : `${r.machine} `) : '';
    const day = r.addedAt.slice(0, 10);
    return lang === 'zh'
      ? `${where}第 ${r.seq} 轮日志（${day}）：${mainFinding(r.diagnosis, lang)}`
      : `${where}Round ${r.seq} of logs (${day}): ${mainFinding(r.diagnosis, lang)}`;
  });
}

/** An e-mail draft of `kind` filled from the case `number`. */
export async function caseDraft(
  store: CaseStore,
  number: string,
  kind: DraftKind,
  lang: Lang,
  extras: DraftExtras = {},
): Promise<Draft> {
  const view = await store.show(number);
  const c = view.record;
  const rounds = await store.history(number);
  const failing = [...rounds].reverse().find((r) => r.diagnosis.verdict === 'failed');
  const latest = rounds[rounds.length - 1];
  const params = {
    caseNo: c.number,
    customer: c.customer ?? undefined,
    org: c.org ?? undefined,
    priority: c.priority ?? undefined,
    engineer: c.engineer ?? undefined,
    contact: extras.contact,
    problem: scrubNullable(c.problem) ?? undefined,
    resolution: scrubNullable(c.resolution) ?? undefined,
  };
  if (kind === 'initial' || kind === 'followup') return draft(kind, failing?.diagnosis ?? null, params, lang);
  if (kind === 'analysis') {
    const d = failing ?? latest;
    if (!d)
      throw new CaseStoreError(
        'invalid',
        `case ${number} has no logs yet: \`patchdx case add ${number} <logs>\` first`,
      );
    return draft('analysis', withAdvice(d.diagnosis), params, lang);
  }
  const d = failing ?? latest;
  if (!d)
    throw new CaseStoreError('invalid', `case ${number} has no logs yet; a closure needs at least one round`);
  const out = draft('closure', d.diagnosis, params, lang);
  // The case's analysis: the stored cause, then what each round of logs showed.
  const zh = lang === 'zh';
  const extra: string[] = [];
  if (c.cause) extra.push(zh ? `结论：${scrubText(c.cause)}` : `Conclusion: ${scrubText(c.cause)}`);
  if (rounds.length > 1)
    extra.push(
      zh ? `经过 ${rounds.length} 轮日志分析：` : `Over ${rounds.length} rounds of logs:`,
      ...historyLines(rounds, lang),
    );
  const healthy = view.machines.filter((m) => m.healthy).map((m) => m.name);
  if (healthy.length)
    extra.push(
      zh
        ? `最新日志显示已恢复正常的电脑：${healthy.join('、')}。`
        : `Healthy again in the latest logs: ${healthy.join(', ')}.`,
    );
  const marker = zh ? '\n\n问题总结：' : '\n\nSummary:';
  const at = out.body.indexOf(marker);
  const body =
    at < 0 || extra.length === 0
      ? out.body
      : `${out.body.slice(0, at)}\n${extra.join('\n')}${out.body.slice(at)}`;
  return { subject: out.subject, body };
}
