// The fleet report as one self-contained HTML page: totals, two charts drawn here as inline SVG (clusters by
// machines; failed machines by build, split by cluster), the cluster table, each cluster's examples with
// their evidence, plan and machine list, then the unreadable and healthy machines. No asset or script from
// anywhere else: the tables sort with a few lines of inline script allowed by its hash in the page's CSP
// (and read fine without it). Every piece of input text goes through escapeHtml.

import { createHash } from 'node:crypto';
import type { Lang } from '../model/types.js';
import { escapeHtml as e } from '../report/html.js';
import type { FleetCluster, FleetMachine, FleetReport } from './cluster.js';

const CSS = `body{font:14px/1.5 system-ui,"Segoe UI","Microsoft YaHei",sans-serif;margin:2rem auto;max-width:1200px;color:#1b1f24;padding:0 1rem}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #d0d7de}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border:1px solid #d0d7de;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa;cursor:pointer;user-select:none}td.n{text-align:right}code,pre{font:12px/1.4 ui-monospace,Consolas,monospace}
pre{background:#f6f8fa;padding:.5rem;overflow-x:auto;white-space:pre-wrap;word-break:break-all}.sig{color:#57606a;font-size:12px}
.totals span{display:inline-block;margin-right:1.5rem}svg text{font:12px system-ui,sans-serif}details{margin:.5rem 0 1rem}`;

// Sorts a table by a clicked header; numbers by the cell's data-v (or text). Works on every table.sortable.
const SCRIPT = `document.querySelectorAll('table.sortable th').forEach(function(th,i){th.addEventListener('click',function(){var t=th.closest('table'),b=t.tBodies[0],d=th.dataset.d==='1'?-1:1;th.dataset.d=d===1?'1':'0';var rows=Array.prototype.slice.call(b.rows);rows.sort(function(x,y){var a=x.cells[i],c=y.cells[i];var p=a.dataset.v!==undefined?Number(a.dataset.v):a.textContent,q=c.dataset.v!==undefined?Number(c.dataset.v):c.textContent;return (p<q?-1:p>q?1:0)*d});rows.forEach(function(r){b.appendChild(r)})})})`;

const COLORS = ['#cf222e', '#bc4c00', '#9a6700', '#1a7f37', '#0969da', '#8250df', '#bf3989', '#57606a'];

function hash(s: string): string {
  return `'sha256-${createHash('sha256').update(s).digest('base64')}'`;
}

function tr(lang: Lang, en: string, zh: string): string {
  return lang === 'zh' ? zh : en;
}

/** Cuts a label to about `units` character widths (a CJK character counts as two) for the charts. */
function clip(s: string, units: number): string {
  let w = 0;
  let i = 0;
  for (const ch of s) {
    w += /[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]/.test(ch) ? 2 : 1;
    if (w > units - 1) return `${s.slice(0, i)}…`;
    i += ch.length;
  }
  return s;
}

/** Clusters by machines: one horizontal bar each (the first 15). */
function clusterChart(r: FleetReport, lang: Lang): string {
  const cs = r.clusters.slice(0, 15);
  if (cs.length === 0) return '';
  const max = Math.max(...cs.map((c) => c.machines));
  const w = 900;
  const labelW = 420;
  const barW = w - labelW - 60;
  const rowH = 22;
  const h = cs.length * rowH + 10;
  const bars = cs
    .map((c, i) => {
      const y = i * rowH + 5;
      const len = Math.max(2, Math.round((c.machines / max) * barW));
      const title = lang === 'zh' ? c.title.zh : c.title.en;
      return `<text x="${labelW - 6}" y="${y + 15}" text-anchor="end">${e(clip(`${c.rank}. ${title}`, 62))}</text><rect x="${labelW}" y="${y + 3}" width="${len}" height="${rowH - 6}" fill="${COLORS[i % COLORS.length]}"><title>${e(c.signature)}</title></rect><text x="${labelW + len + 4}" y="${y + 15}">${c.machines}</text>`;
    })
    .join('');
  return `<svg role="img" aria-label="${e(tr(lang, 'Clusters by machines', '各类问题的机器数'))}" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}">${bars}</svg>`;
}

/** Failed machines by build, each bar split by cluster (the first 7 clusters, the rest as one). */
function buildChart(r: FleetReport, lang: Lang): string {
  const byBuild = new Map<string, number[]>();
  const k = Math.min(7, r.clusters.length);
  r.clusters.forEach((c, ci) => {
    for (const b of c.builds) {
      const row = byBuild.get(b.build) ?? new Array<number>(k + 1).fill(0);
      row[Math.min(ci, k)]! += b.machines;
      byBuild.set(b.build, row);
    }
  });
  const builds = [...byBuild]
    .map(([build, parts]) => ({ build, parts, total: parts.reduce((a, b) => a + b, 0) }))
    .sort((a, b) => b.total - a.total || a.build.localeCompare(b.build))
    .slice(0, 20);
  if (builds.length === 0) return '';
  const max = Math.max(...builds.map((b) => b.total));
  const w = 900;
  const labelW = 140;
  const barW = w - labelW - 60;
  const rowH = 22;
  const legendH = 22 * Math.ceil((k + (r.clusters.length > k ? 1 : 0)) / 3);
  const h = builds.length * rowH + 10 + legendH;
  const rows = builds
    .map((b, i) => {
      const y = i * rowH + 5;
      let x = labelW;
      const segs = b.parts
        .map((n, ci) => {
          if (n === 0) return '';
          const len = Math.max(1, Math.round((n / max) * barW));
          const name =
            ci < k
              ? `${r.clusters[ci]!.rank}. ${r.clusters[ci]!.signature}`
              : tr(lang, 'other clusters', '其他问题');
          const s = `<rect x="${x}" y="${y + 3}" width="${len}" height="${rowH - 6}" fill="${ci < k ? COLORS[ci % COLORS.length] : '#afb8c1'}"><title>${e(`${b.build}: ${name}: ${n}`)}</title></rect>`;
          x += len;
          return s;
        })
        .join('');
      return `<text x="${labelW - 6}" y="${y + 15}" text-anchor="end">${e(b.build)}</text>${segs}<text x="${x + 4}" y="${y + 15}">${b.total}</text>`;
    })
    .join('');
  const legendItems = r.clusters.slice(0, k).map((c, i) => ({
    color: COLORS[i % COLORS.length]!,
    label: `${c.rank}. ${lang === 'zh' ? c.title.zh : c.title.en}`,
  }));
  if (r.clusters.length > k)
    legendItems.push({ color: '#afb8c1', label: tr(lang, 'other clusters', '其他问题') });
  const top = builds.length * rowH + 10;
  const legend = legendItems
    .map((it, i) => {
      const x = (i % 3) * 300;
      const y = top + Math.floor(i / 3) * 22;
      return `<rect x="${x}" y="${y + 4}" width="12" height="12" fill="${it.color}"/><text x="${x + 16}" y="${y + 15}">${e(clip(it.label, 42))}</text>`;
    })
    .join('');
  return `<svg role="img" aria-label="${e(tr(lang, 'Failed machines by build', '各版本的失败机器'))}" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}">${rows}${legend}</svg>`;
}

function machineRows(ms: readonly FleetMachine[]): string {
  return ms
    .map(
      (m) =>
        `<tr><td>${e(m.machine)}</td><td>${e(m.computer ?? '')}</td><td>${e(m.build ?? '')}</td><td>${e(m.kbs.join(' '))}</td><td>${e(m.first ?? '')}</td><td>${e(m.last ?? '')}</td><td><code>${e(m.path)}</code></td></tr>`,
    )
    .join('');
}

function machineTable(ms: readonly FleetMachine[], lang: Lang): string {
  return `<table class="sortable"><thead><tr><th>${tr(lang, 'Machine', '机器')}</th><th>${tr(lang, 'Computer', '计算机名')}</th><th>${tr(lang, 'Build', '版本')}</th><th>KB</th><th>${tr(lang, 'First', '首次')}</th><th>${tr(lang, 'Last', '最后')}</th><th>${tr(lang, 'Bundle', '日志包')}</th></tr></thead><tbody>${machineRows(ms)}</tbody></table>`;
}

function clusterSection(c: FleetCluster, lang: Lang): string {
  const title = lang === 'zh' ? c.title.zh : c.title.en;
  const examples = c.examples
    .map(
      (x) =>
        `<h4>${e(x.machine)}${x.build ? ` (${e(x.build)})` : ''}</h4><pre>${x.evidence.map((ev) => `${e(ev.file)}:${ev.line}: ${e(ev.text)}`).join('\n')}</pre>`,
    )
    .join('');
  const plans = c.plans
    .map(
      (p) =>
        `<h4>${e(lang === 'zh' ? p.title.zh : p.title.en)}</h4><ol>${p.steps
          .map(
            (s) =>
              `<li>${e(lang === 'zh' ? s.title.zh : s.title.en)}${s.commands.length ? `<pre>${s.commands.map((cmd) => e(cmd.line)).join('\n')}</pre>` : ''}</li>`,
          )
          .join('')}</ol>`,
    )
    .join('');
  return `<section id="c${c.rank}"><h3>${c.rank}. ${e(title)} — ${c.machines} ${tr(lang, 'machines', '台')}</h3>
<p class="sig"><code>${e(c.signature)}</code></p>
<p>${tr(lang, 'Builds', '版本')}: ${e(c.builds.map((b) => `${b.build} (${b.machines})`).join(', '))}<br>KB: ${e(c.kbs.map((k) => `${k.kb} (${k.machines})`).join(', ') || '—')}<br>${tr(lang, 'From', '时间')} ${e(c.first ?? '?')} ${tr(lang, 'to', '至')} ${e(c.last ?? '?')}</p>
<details open><summary>${tr(lang, 'Example machines and evidence', '示例机器与证据')}</summary>${examples}</details>
<details><summary>${tr(lang, 'Plan', '处理方案')}</summary>${plans || `<p>${tr(lang, 'No plan for this cause.', '此原因暂无方案。')}</p>`}</details>
<details><summary>${tr(lang, 'Machines', '机器列表')} (${c.machines})</summary>${machineTable(c.machineList, lang)}</details></section>`;
}

/** The report as a self-contained HTML page. */
export function renderFleetHtml(r: FleetReport, opts: { lang: Lang }): string {
  const lang = opts.lang;
  const t = r.totals;
  const csp = `default-src 'none'; style-src ${hash(CSS)}; script-src ${hash(SCRIPT)}; img-src data:`;
  const clusterRows = r.clusters
    .map(
      (c) =>
        `<tr><td class="n" data-v="${c.rank}">${c.rank}</td><td class="n" data-v="${c.machines}">${c.machines}</td><td><a href="#c${c.rank}">${e(lang === 'zh' ? c.title.zh : c.title.en)}</a><div class="sig">${e(c.signature)}</div></td><td>${e(c.builds.map((b) => b.build).join(', '))}</td><td>${e(c.kbs.map((k) => k.kb).join(', '))}</td><td>${e(c.first ?? '')}</td><td>${e(c.last ?? '')}</td></tr>`,
    )
    .join('');
  const unreadable = r.unreadable
    .map((u) => `<tr><td>${e(u.machine)}</td><td>${e(u.reason)}</td><td><code>${e(u.path)}</code></td></tr>`)
    .join('');
  return `<!doctype html>
<html lang="${lang === 'zh' ? 'zh-CN' : 'en'}"><head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${tr(lang, 'patchdx fleet report', 'patchdx 批量分析报告')}</title>
<style>${CSS}</style></head><body>
<h1>${tr(lang, 'patchdx fleet report', 'patchdx 批量分析报告')}</h1>
<p class="totals"><span>${tr(lang, 'Machines', '机器')}: <b>${t.bundles}</b></span><span>${tr(lang, 'Failed', '失败')}: <b>${t.failed}</b></span><span>${tr(lang, 'Clusters', '问题类别')}: <b>${t.clusters}</b></span><span>${tr(lang, 'Healthy', '正常')}: <b>${t.healthy}</b></span><span>${tr(lang, 'Unreadable', '无法读取')}: <b>${t.unreadable}</b></span>${t.pending ? `<span>${tr(lang, 'Not analysed yet', '尚未分析')}: <b>${t.pending}</b></span>` : ''}</p>
<p class="sig">${e(r.run.source)} · patchdx ${e(r.version)} · ${e(r.run.startedAt)}</p>
<h2>${tr(lang, 'Clusters by machines', '各类问题的机器数')}</h2>
${clusterChart(r, lang) || `<p>${tr(lang, 'No failed machine.', '没有失败的机器。')}</p>`}
<h2>${tr(lang, 'Failed machines by build', '各版本的失败机器')}</h2>
${buildChart(r, lang)}
<h2>${tr(lang, 'Clusters', '问题类别')}</h2>
<table class="sortable" id="clusters"><thead><tr><th>#</th><th>${tr(lang, 'Machines', '机器数')}</th><th>${tr(lang, 'Problem', '问题')}</th><th>${tr(lang, 'Builds', '版本')}</th><th>KB</th><th>${tr(lang, 'First', '首次')}</th><th>${tr(lang, 'Last', '最后')}</th></tr></thead><tbody>${clusterRows}</tbody></table>
${r.clusters.map((c) => clusterSection(c, lang)).join('\n')}
<h2>${tr(lang, 'Unreadable bundles', '无法读取的日志包')} (${r.unreadable.length})</h2>
${unreadable ? `<table class="sortable"><thead><tr><th>${tr(lang, 'Machine', '机器')}</th><th>${tr(lang, 'Reason', '原因')}</th><th>${tr(lang, 'Bundle', '日志包')}</th></tr></thead><tbody>${unreadable}</tbody></table>` : '<p>—</p>'}
<h2>${tr(lang, 'Healthy machines', '正常的机器')} (${r.healthy.length})</h2>
${r.healthy.length ? machineTable(r.healthy, lang) : '<p>—</p>'}
<script>${SCRIPT}</script>
</body></html>
`;
}
