// Renders `patchdx explain` results: codes (name, facility, meaning, cause, remedy, source), updates (date,
// build, kind, prerequisites), builds (which update, what is missing since), component and package
// identities taken apart — each fact with its confidence and source.

import type { CodeInfo } from '../knowledge/codes.js';
import type { UpdateInfo } from '../knowledge/builds.js';
import type { Explained } from '../knowledge/explain.js';
import type { PackageHash } from '../knowledge/packages.js';
import type { Lang } from '../model/types.js';
import { safeText } from './safe-text.js';

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
  released: { en: 'Released', zh: '发布日期' },
  build: { en: 'OS build', zh: '系统版本' },
  kind: { en: 'Kind', zh: '类型' },
  prerequisites: { en: 'Prerequisites', zh: '前置补丁' },
  none: { en: 'none on record', zh: '无记录' },
  confidence: { en: 'Confidence', zh: '置信度' },
  missing: {
    en: 'Cumulative updates released since (not installed on a machine at this build)',
    zh: '此后发布的累积更新（该版本的机器均未安装）',
  },
  brought: { en: 'Update that brings this build', zh: '对应此版本的更新' },
  notInTable: { en: 'not in the update table', zh: '不在更新表中' },
  parts: { en: 'Identity', zh: '标识组成' },
  shortened: {
    en: 'name shortened with ".." by CSI: match by architecture, token, version and hash',
    zh: '名称被 CSI 以 “..” 缩写：请按架构、公钥标记、版本和哈希匹配',
  },
  shippedBy: { en: 'Version shipped by', zh: '该版本随以下更新发布' },
  firstAtOrAfter: {
    en: 'first cumulative update at or after this version',
    zh: '不早于该版本的第一个累积更新',
  },
  exact: { en: 'exact build', zh: '版本完全一致' },
  copyFrom: {
    en: 'A replacement must come from a machine at this build or later, or from this update.',
    zh: '替换文件须取自该版本或更高版本的机器，或取自该更新。',
  },
  package: { en: 'Package', zh: '补丁包' },
  published: { en: 'Published package digests', zh: '已公布的补丁包哈希' },
  genuine: {
    en: 'This digest is the published one of',
    zh: '该哈希与以下已公布的补丁包一致',
  },
  more: { en: 'more', zh: '项未列出' },
} as const;

const KIND = {
  CU: { en: 'cumulative update (monthly, security)', zh: '累积更新（每月安全更新）' },
  preview: { en: 'cumulative update preview (non-security)', zh: '累积更新预览（非安全）' },
  OOB: { en: 'out-of-band update', zh: '带外更新' },
  SSU: { en: 'servicing stack update', zh: '服务堆栈更新' },
  NET: { en: '.NET Framework rollup', zh: '.NET Framework 汇总更新' },
  other: { en: 'other', zh: '其他' },
} as const;

type T = (k: keyof typeof L) => string;

function updateLines(u: UpdateInfo, lang: Lang, t: T, indent = '  '): string[] {
  return [
    `${indent}${u.title}`,
    `${indent}${t('kind')}: ${KIND[u.kind][lang]}`,
    `${indent}${t('released')}: ${u.date ?? '?'}   ${t('build')}: ${u.build ?? '?'}`,
    `${indent}${t('confidence')}: ${u.confidence}   ${t('source')}: ${u.evidence}`,
  ];
}

function codeLines(i: CodeInfo, lang: Lang, t: T): string[] {
  const out = [`${i.code}  ${i.name ?? '?'}`];
  if (i.facility) out.push(`  ${t('facility')}: ${i.facility}`);
  const meaning =
    (lang === 'zh' ? (i.meaning.zh ?? i.meaning.en) : (i.meaning.en ?? i.meaning.zh)) ?? t('unknown');
  out.push(`  ${t('meaning')}: ${meaning}${i.curated ? '' : ' ' + t('uncurated')}`);
  if (i.cause) out.push(`  ${t('cause')}: ${i.cause[lang]}`);
  if (i.remedy) out.push(`  ${t('remedy')}: ${i.remedy[lang]}`);
  if (i.related.length > 0) out.push(`  ${t('related')}: ${i.related.join(', ')}`);
  out.push(`  ${t('source')}: ${i.source}`, '');
  return out;
}

/** Text for `patchdx explain <query>`. */
/** One package digest with its confidence and source. */
function packageLine(p: PackageHash, t: T): string {
  return `${p.file}  ${p.algorithm} ${p.hash}  (${t('confidence')}: ${p.confidence}; ${t('source')}: ${p.evidence})`;
}

/** `explain` as text for a person, every piece of it escaped. */
export function renderExplained(x: Explained, lang: Lang): string {
  const t: T = (k) => L[k][lang];
  const out: string[] = [];
  switch (x.kind) {
    case 'codes':
      for (const c of x.codes) out.push(...codeLines(c, lang, t));
      break;
    case 'update': {
      if (x.matchedPackage) out.push(`${t('genuine')}: ${packageLine(x.matchedPackage, t)}`, '');
      out.push(x.update.kb, ...updateLines(x.update, lang, t));
      const pre = x.prerequisites.map((p) => ('title' in p ? `${p.kb} (${p.title})` : p.kb));
      out.push(`  ${t('prerequisites')}: ${pre.length > 0 ? pre.join('; ') : t('none')}`);
      if (x.packages?.length) {
        out.push(`  ${t('published')}:`);
        for (const p of x.packages) out.push(`    ${packageLine(p, t)}`);
      }
      out.push('');
      break;
    }
    case 'build': {
      out.push(`${x.build}`);
      if (x.update) out.push(`  ${t('brought')}: ${x.update.kb}`, ...updateLines(x.update, lang, t, '    '));
      else out.push(`  ${t('brought')}: ${t('notInTable')}`);
      if (x.missing.length > 0) {
        out.push(`  ${t('missing')}: ${x.missing.length}`);
        const show = x.missing.slice(0, 12);
        for (const u of show) out.push(`    ${u.kb}  ${u.date ?? '?'}  ${u.build ?? '?'}`);
        if (x.missing.length > show.length)
          out.push(
            `    … ${x.missing.length - show.length} ${t('more')} (${x.missing[x.missing.length - 1]!.kb} ${x.missing[x.missing.length - 1]!.date ?? ''})`,
          );
      }
      out.push('');
      break;
    }
    case 'component': {
      const p = x.parts;
      out.push(
        p.key,
        `  ${t('parts')}: arch ${p.arch}, name ${p.name}, publicKeyToken ${p.publicKeyToken}, version ${p.version}, culture ${p.culture}, hash ${p.hash}`,
      );
      if (p.shortened) out.push(`  ${t('shortened')}`);
      if (x.shippedBy) {
        const how = x.shippedBy.exact ? t('exact') : t('firstAtOrAfter');
        out.push(
          `  ${t('shippedBy')}: ${x.shippedBy.update.kb} (${how})`,
          ...updateLines(x.shippedBy.update, lang, t, '    '),
          `  ${t('copyFrom')}`,
        );
      }
      out.push('');
      break;
    }
    case 'package': {
      const p = x.parts;
      out.push(
        p.id,
        `  ${t('parts')}: name ${p.name}, publicKeyToken ${p.publicKeyToken}, arch ${p.arch}, language ${p.language || 'neutral'}, version ${p.version}${p.kb ? `, ${p.kb}` : ''}`,
      );
      if (x.update) out.push(`  ${t('package')}: ${x.update.kb}`, ...updateLines(x.update, lang, t, '    '));
      out.push('');
      break;
    }
    case 'unknown':
      out.push(`${t('notFound')}: ${safeText(x.query)}`, '');
      break;
  }
  return out.join('\n');
}
