// Renders what the knowledge tables say about a code: name, facility, meaning, cause, remedy, source.

import type { CodeInfo } from '../knowledge/codes.js';
import type { Lang } from '../model/types.js';
import { safeText } from './terminal.js';

const L = {
  meaning: { en: 'Meaning', zh: '含义' },
  cause: { en: 'Typical cause', zh: '常见原因' },
  remedy: { en: 'Remediation', zh: '处理建议' },
  source: { en: 'Source', zh: '来源' },
  related: { en: 'Related', zh: '相关' },
  facility: { en: 'Facility', zh: '设施' },
  unknown: { en: 'No meaning on record.', zh: '暂无释义。' },
  notFound: { en: 'Nothing known about', zh: '未找到' },
  uncurated: {
    en: '(name and value from public headers only; not reviewed)',
    zh: '（仅来自公开头文件的名称与数值，未经审核）',
  },
} as const;

/** Text for `patchdx explain <code>`. */
export function renderCodes(query: string, infos: CodeInfo[], lang: Lang): string {
  const t = (k: keyof typeof L): string => L[k][lang];
  if (infos.length === 0) return `${t('notFound')}: ${safeText(query)}\n`;
  const out: string[] = [];
  for (const i of infos) {
    out.push(`${i.code}  ${i.name ?? '?'}`);
    if (i.facility) out.push(`  ${t('facility')}: ${i.facility}`);
    const meaning =
      (lang === 'zh' ? (i.meaning.zh ?? i.meaning.en) : (i.meaning.en ?? i.meaning.zh)) ?? t('unknown');
    out.push(`  ${t('meaning')}: ${meaning}${i.curated ? '' : ' ' + t('uncurated')}`);
    if (i.cause) out.push(`  ${t('cause')}: ${i.cause[lang]}`);
    if (i.remedy) out.push(`  ${t('remedy')}: ${i.remedy[lang]}`);
    if (i.related.length > 0) out.push(`  ${t('related')}: ${i.related.join(', ')}`);
    out.push(`  ${t('source')}: ${i.source}`);
    out.push('');
  }
  return out.join('\n');
}
