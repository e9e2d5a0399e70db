// "Similar past cases": what the case store found like this diagnosis — outcome, the step that fixed it, days
// to closure, why it is similar — and how often each plan step fixed the problem before, as lines for the
// terminal, Markdown and HTML reports. Shown only when the caller passes the results. Every piece of stored
// text is escaped for the format.

import type { Diagnosis, Lang } from '../model/types.js';
import type { SimilarReport, StepFeedback } from '../cases/similar/similar.js';
import { escapeHtml } from './html.js';
import { safeLine } from './safe-text.js';

const OUTCOME: Record<string, { en: string; zh: string }> = {
  fixed: { en: 'fixed', zh: '已解决' },
  reinstalled: { en: 'reinstalled', zh: '重装系统' },
  reset: { en: 'reset', zh: '重置电脑' },
  'no-response': { en: 'no response', zh: '客户无回应' },
  closed: { en: 'closed', zh: '已关闭' },
  open: { en: 'open', zh: '未结案' },
};

const KIND: Record<string, { en: string; zh: string }> = {
  signature: { en: 'same finding', zh: '相同问题签名' },
  rule: { en: 'rule', zh: '规则' },
  code: { en: 'code', zh: '错误代码' },
  logcode: { en: 'code in logs', zh: '日志中的错误代码' },
  component: { en: 'component', zh: '组件' },
  file: { en: 'file', zh: '文件' },
  package: { en: 'package', zh: '包' },
  kb: { en: 'KB', zh: 'KB' },
  kbfamily: { en: 'update kind', zh: '更新类型' },
  build: { en: 'build', zh: '版本' },
  text: { en: 'text', zh: '文本相似' },
};

function feedbackLine(f: StepFeedback, lang: Lang): string {
  const zh = lang === 'zh';
  const only = f.proposed
    ? zh
      ? `（另 ${f.proposed} 次仅建议，无结果）`
      : ` (${f.proposed} more only proposed, no result)`
    : '';
  if (f.tried === 0)
    return zh
      ? `${f.step}：${f.proposed} 次仅建议，无结果`
      : `${f.step}: only proposed (${f.proposed}), no result reported`;
  return zh
    ? `${f.step}：${f.tried} 次中 ${f.fixed} 次解决${only}`
    : `${f.step}: fixed ${f.fixed} of ${f.tried}${only}`;
}

/** The section's lines as plain text (terminal and, with `md`, Markdown list items). */
export function similarLines(r: SimilarReport, d: Diagnosis | null, lang: Lang): string[] {
  const zh = lang === 'zh';
  if (r.none || r.results.length === 0)
    return [
      zh
        ? `没有相似的历史案例（已比对 ${r.pastCases} 个）。`
        : `No similar past case (${r.pastCases} compared).`,
    ];
  const out: string[] = [];
  for (const c of r.results) {
    const o = OUTCOME[c.outcome] ?? { en: c.outcome, zh: c.outcome };
    const fix = c.fixedBy ? (zh ? `，解决步骤 ${c.fixedBy}` : `, fixed by ${c.fixedBy}`) : '';
    const days = c.days !== null ? (zh ? `，${c.days} 天结案` : `, ${c.days} days to closure`) : '';
    out.push(
      `${c.caseNumber ?? c.id} (${c.source}) ${c.title ?? ''} — ${zh ? o.zh : o.en}${fix}${days}; score ${c.score}`,
    );
    const why = c.why
      .slice(0, 6)
      .map((m) => `${zh ? KIND[m.kind]!.zh : KIND[m.kind]!.en} ${m.value}`)
      .join(', ');
    out.push(`  ${zh ? '相似之处' : 'why'}: ${why}`);
  }
  if (r.feedback.length > 0) {
    out.push(zh ? '历史上各步骤的效果：' : 'What the steps did in these cases:');
    const planned = new Set((d?.plans ?? []).flatMap((p) => p.steps.map((s) => s.id)));
    for (const f of r.feedback)
      out.push(
        `  ${feedbackLine(f, lang)}${planned.has(f.step) ? (zh ? '（本计划中的步骤）' : ' (a step of this plan)') : ''}`,
      );
  }
  return out.map(safeLine);
}

/** The section for the terminal report. */
export function similarText(r: SimilarReport, d: Diagnosis | null, lang: Lang): string {
  return `\n${lang === 'zh' ? '相似的历史案例' : 'Similar past cases'}\n${similarLines(r, d, lang).join('\n')}\n`;
}

/** The section for the Markdown report. */
export function similarMarkdown(r: SimilarReport, d: Diagnosis | null, lang: Lang): string {
  const lines = similarLines(r, d, lang).map((l) => {
    const esc = l.replace(/[\\`*_[\]<>|#]/g, (c) => `\\${c}`);
    return l.startsWith('  ') ? `  - ${esc.trim()}` : `- ${esc}`;
  });
  return `\n## ${lang === 'zh' ? '相似的历史案例' : 'Similar past cases'}\n\n${lines.join('\n')}\n`;
}

/** The section for the HTML report (inserted before `</body>`). */
export function similarHtml(r: SimilarReport, d: Diagnosis | null, lang: Lang): string {
  const items = similarLines(r, d, lang)
    .map((l) => `<li${l.startsWith('  ') ? ' class="sub"' : ''}>${escapeHtml(l.trim())}</li>`)
    .join('\n');
  return `<section id="similar"><h2>${lang === 'zh' ? '相似的历史案例' : 'Similar past cases'}</h2>\n<ul>\n${items}\n</ul></section>\n`;
}
