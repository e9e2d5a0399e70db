// Plain-text views of the case desk for a person, Chinese or English: a round's diff, a case, the case
// list and the follow-ups due. Pure functions of the store's views. Names, notes and log messages come
// from input: their control characters are shown as visible escapes (safeText).

import type { Lang } from '../index.js';
import type { RoundDiff, DiffFinding } from './diff.js';
import type { AddedRound, CaseSummary, CaseView } from './store.js';
import { safeText } from '../report/safe-text.js';

const VERDICT: Record<string, [string, string]> = {
  failed: ['失败', 'failed'],
  healthy: ['正常', 'healthy'],
  repaired: ['已修复', 'repaired'],
  unreadable: ['无法读取', 'unreadable'],
};

function verdict(v: string | null, lang: Lang): string {
  if (v === null) return lang === 'zh' ? '（无）' : '(none)';
  const t = VERDICT[v];
  return t ? t[lang === 'zh' ? 0 : 1] : v;
}

function findingLine(f: DiffFinding, lang: Lang): string {
  return `    - ${f.message[lang]}  [${f.signature}]`;
}

/** A round's diff against the previous round of its machine. */
export function renderDiff(d: RoundDiff, lang: Lang): string {
  const zh = lang === 'zh';
  const out: string[] = [];
  if (d.previous === null) {
    out.push(zh ? '  这台电脑的第一轮日志。' : '  First round of logs for this machine.');
  } else {
    out.push(
      zh
        ? `  与第 ${d.previous} 轮相比：结论 ${verdict(d.verdictBefore, lang)} → ${verdict(d.verdictAfter, lang)}`
        : `  Against round ${d.previous}: verdict ${verdict(d.verdictBefore, lang)} → ${verdict(d.verdictAfter, lang)}`,
    );
  }
  const section = (title: [string, string], items: DiffFinding[]): void => {
    if (items.length === 0) return;
    out.push(`  ${title[zh ? 0 : 1]} (${items.length}):`);
    for (const f of items) out.push(findingLine(f, lang));
  };
  section(['已解决（本轮未再出现）', 'Resolved (not seen this round)'], d.resolved);
  section(d.previous === null ? ['发现的问题', 'Problems found'] : ['新问题', 'New'], d.added);
  section(['仍然存在', 'Persisting'], d.persisting);
  if (d.nowInstalled.length)
    out.push(
      `  ${zh ? '现在可以安装' : 'Now installing'}: ${d.nowInstalled
        .map((u) => (u.failedBefore ? `${u.update} (${zh ? '上一轮失败' : 'failed last round'})` : u.update))
        .join(', ')}`,
    );
  if (d.stillFailing.length)
    out.push(`  ${zh ? '仍然失败的更新' : 'Still failing'}: ${d.stillFailing.join(', ')}`);
  if (d.previous !== null && !d.resolved.length && !d.added.length && !d.nowInstalled.length)
    out.push(zh ? '  与上一轮相比没有变化。' : '  Nothing changed since the previous round.');
  return safeText(out.join('\n') + '\n');
}

/** What `case add` prints: the round, its verdict and the diff. */
export function renderAdded(number: string, a: AddedRound, lang: Lang): string {
  const zh = lang === 'zh';
  const head = zh
    ? `${number} · ${a.machine} · 第 ${a.seq} 轮 · 结论：${verdict(a.diff.verdictAfter, lang)}`
    : `${number} · ${a.machine} · round ${a.seq} · verdict: ${verdict(a.diff.verdictAfter, lang)}`;
  const kept = a.kept
    ? zh
      ? '  输入已保存。'
      : '  Input kept.'
    : `  ${zh ? '输入未保存' : 'Input'} ${a.notKept ?? ''}`;
  return safeText(`${head}\n${renderDiff(a.diff, lang)}${kept}\n`);
}

/** `case show`: the case, each machine (healthy again or still failing) with its latest diff, the contact log. */
export function renderCase(v: CaseView, lang: Lang, secret: string | null = null): string {
  const zh = lang === 'zh';
  const c = v.record;
  const L = (zhText: string, en: string): string => (zh ? zhText : en);
  const out: string[] = [`${c.number}  [${c.status}]${c.priority ? `  ${c.priority}` : ''}`];
  const field = (label: string, value: string | null): void => {
    if (value) out.push(`  ${label}: ${value}`);
  };
  field(L('客户', 'Customer'), [c.customer, c.org].filter(Boolean).join(' · ') || null);
  field(
    L('联系人', 'Contact'),
    [c.contactName, c.contactPhone, c.contactEmail].filter(Boolean).join(' · ') || null,
  );
  field(L('工程师', 'Engineer'), c.engineer);
  field(L('产品/版本', 'Product/build'), c.product);
  field(L('问题', 'Problem'), c.problem);
  field(L('开案', 'Opened'), c.openedAt);
  field(L('上次联系', 'Last contact'), c.lastContactAt);
  field(
    L('下次联系', 'Next contact'),
    c.status === 'closed'
      ? null
      : c.status === 'waiting'
        ? L('（等待客户）', '(waiting on the customer)')
        : c.nextContact,
  );
  if (c.status === 'closed') {
    field(L('关闭', 'Closed'), c.closedAt);
    field(L('原因', 'Cause'), c.cause);
    field(L('解决方法', 'Resolution'), c.resolution);
  }
  for (const s of v.secrets)
    out.push(
      `  ${L('保密字段', 'Secret')} ${s}: ${secret !== null ? secret : L('（用 --show-secret 显示）', '(shown with --show-secret)')}`,
    );
  out.push('');
  if (v.machines.length === 0) out.push(L('还没有日志。', 'No logs yet.'));
  for (const m of v.machines) {
    const state = m.healthy ? L('已恢复正常', 'healthy again') : L('仍然失败', 'still failing');
    out.push(`${L('电脑', 'Machine')} ${m.name}: ${m.rounds.length} ${L('轮', 'round(s)')}, ${state}`);
    for (const r of m.rounds)
      out.push(
        `  #${r.seq} ${r.addedAt.slice(0, 16).replace('T', ' ')}  ${verdict(r.verdict, lang)}  ${r.inputName}${r.inputKept ? '' : L('（未保存）', ' (not kept)')}`,
      );
    if (m.latest) for (const s of m.latest.summary.slice(0, 3)) out.push(`  · ${s[lang]}`);
    if (m.diff) out.push(renderDiff(m.diff, lang).trimEnd());
    out.push('');
  }
  if (v.contacts.length) {
    out.push(L('联系记录：', 'Contact log:'));
    for (const x of v.contacts)
      out.push(
        `  ${x.at.slice(0, 16).replace('T', ' ')}  ${x.kind.padEnd(9)} ${x.engineer ?? ''}  ${x.text}`,
      );
  }
  return safeText(out.join('\n') + '\n');
}

/** `case list`: one line per case. */
export function renderList(rows: CaseSummary[], lang: Lang): string {
  const zh = lang === 'zh';
  if (rows.length === 0) return zh ? '没有符合条件的案例。\n' : 'No cases match.\n';
  const out = rows.map((r) => {
    const due =
      r.overdueDays === null
        ? (r.nextContact ?? '-')
        : r.overdueDays === 0
          ? `${r.nextContact} ${zh ? '今天' : 'today'}`
          : `${r.nextContact} ${zh ? `逾期 ${r.overdueDays} 个工作日` : `overdue ${r.overdueDays} working day(s)`}`;
    return [
      r.number,
      r.status,
      r.priority ?? '-',
      r.engineer ?? '-',
      `${r.machines}/${r.rounds}`,
      due,
      [r.customer, r.org].filter(Boolean).join(' · '),
    ].join('\t');
  });
  const head = zh
    ? '案例号\t状态\t优先级\t工程师\t电脑/轮次\t下次联系\t客户'
    : 'case\tstatus\tprio\tengineer\tmachines/rounds\tnext contact\tcustomer';
  return safeText([head, ...out].join('\n') + '\n');
}
