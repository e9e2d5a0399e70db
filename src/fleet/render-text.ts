// The fleet report for a terminal: totals, the clusters ranked by machines with their builds, updates and
// time span, an example machine's evidence and the plan's steps once, then the unreadable bundles with
// their reason. Every piece of input text goes through safeLine (no control character reaches the terminal).

import type { Lang } from '../model/types.js';
import { safeLine } from '../report/safe-text.js';
import type { FleetReport } from './cluster.js';

function pad(s: string, n: number): string {
  return s.length >= n ? s.slice(0, n) : s + ' '.repeat(n - s.length);
}

function top(items: { key: string; n: number }[], k = 3): string {
  const shown = items.slice(0, k).map((x) => `${x.key} (${x.n})`);
  return items.length > k ? `${shown.join(', ')}, +${items.length - k}` : shown.join(', ');
}

/** The report as terminal text. */
export function renderFleetText(r: FleetReport, opts: { lang: Lang; examples?: boolean }): string {
  const zh = opts.lang === 'zh';
  const t = r.totals;
  const out: string[] = [];
  out.push(
    zh
      ? `patchdx 批量分析：${t.bundles} 台机器 — 失败 ${t.failed}（${t.clusters} 类），正常 ${t.healthy}，无法读取 ${t.unreadable}${t.pending ? `，未完成 ${t.pending}` : ''}`
      : `patchdx fleet: ${t.bundles} machines — ${t.failed} failed in ${t.clusters} clusters, ${t.healthy} healthy, ${t.unreadable} unreadable${t.pending ? `, ${t.pending} not analysed yet` : ''}`,
  );
  out.push('');
  if (r.clusters.length > 0) {
    out.push(
      `${pad('#', 4)}${pad(zh ? '机器' : 'machines', 9)}${pad(zh ? '问题' : 'problem', 48)}${pad(zh ? '版本' : 'builds', 26)}${pad('KB', 26)}${zh ? '时间' : 'first … last'}`,
    );
    for (const c of r.clusters) {
      const title = safeLine(zh ? c.title.zh : c.title.en);
      out.push(
        `${pad(String(c.rank), 4)}${pad(String(c.machines), 9)}${pad(title, 47)} ${pad(safeLine(top(c.builds.map((b) => ({ key: b.build, n: b.machines })))), 25)} ${pad(safeLine(top(c.kbs.map((k) => ({ key: k.kb, n: k.machines })))), 25)} ${safeLine(c.first ?? '?')} … ${safeLine(c.last ?? '?')}`,
      );
      out.push(`    ${safeLine(c.signature)}`);
    }
    out.push('');
  }
  if (opts.examples !== false)
    for (const c of r.clusters) {
      out.push(
        `${c.rank}. ${safeLine(zh ? c.title.zh : c.title.en)} — ${c.machines} ${zh ? '台' : c.machines === 1 ? 'machine' : 'machines'}`,
      );
      const ex = c.examples[0];
      if (ex) {
        out.push(
          `   ${zh ? '例' : 'e.g.'} ${safeLine(ex.machine)}${ex.build ? ` (${safeLine(ex.build)})` : ''}:`,
        );
        for (const e of ex.evidence.slice(0, 3))
          out.push(`     ${safeLine(e.file)}:${e.line}: ${safeLine(e.text)}`);
      }
      for (const p of c.plans.slice(0, 1))
        p.steps.forEach((s, i) =>
          out.push(`   ${zh ? '步骤' : 'step'} ${i + 1}: ${safeLine(zh ? s.title.zh : s.title.en)}`),
        );
      const names = c.machineList.slice(0, 10).map((m) => safeLine(m.machine));
      out.push(
        `   ${names.join(', ')}${c.machineList.length > 10 ? ` … +${c.machineList.length - 10}` : ''}`,
      );
      out.push('');
    }
  if (r.unreadable.length > 0) {
    out.push(zh ? '无法读取：' : 'Unreadable:');
    for (const u of r.unreadable) out.push(`  ${safeLine(u.machine)}: ${safeLine(u.reason)}`);
    out.push('');
  }
  if (r.pending.length > 0) {
    out.push(zh ? '尚未分析：' : 'Not analysed yet:');
    out.push(
      `  ${r.pending
        .slice(0, 20)
        .map((p) => safeLine(p.machine))
        .join(', ')}${r.pending.length > 20 ? ' …' : ''}`,
    );
    out.push('');
  }
  return out.join('\n');
}
