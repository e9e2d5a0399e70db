// Self-contained HTML report: pure (diagnosis, {lang}) => string, no external assets, no script. Every
// piece of text that can come from a log (messages, facts, evidence, paths, script bodies) goes through
// escapeHtml, so hostile log text (`<script>`, quotes) shows as text and its control characters (ESC,
// C1, bidi overrides) as visible escapes (safeText), in text nodes and attributes alike.

import type { Diagnosis, Finding, Lang, RemediationPlan } from '../model/types.js';
import { attemptText, clockText, factKeys, historiesToShow, historyText, label } from './labels.js';
import { safeText } from './safe-text.js';

/** Escapes text for HTML element content and attribute values; control characters become visible escapes. */
export function escapeHtml(s: string): string {
  return safeText(s).replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`);
}

const e = escapeHtml;

const CSS = `
body{font:14px/1.5 system-ui,-apple-system,"Segoe UI","Microsoft YaHei",sans-serif;margin:2rem auto;max-width:1100px;color:#1b1f24;padding:0 1rem}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #d0d7de}h3{font-size:1.05rem}
.verdict{display:inline-block;padding:.2rem .7rem;border-radius:4px;font-weight:600}
.v-failed{background:#ffebe9;color:#a40e26}.v-healthy,.v-repaired{background:#dafbe1;color:#116329}.v-unreadable{background:#fff8c5}
table{border-collapse:collapse;width:100%;margin:.5rem 0}td,th{border:1px solid #d0d7de;padding:.25rem .5rem;text-align:left;vertical-align:top}
code,pre{font:12px/1.45 ui-monospace,Consolas,"Courier New",monospace}pre{background:#f6f8fa;padding:.6rem;overflow-x:auto;white-space:pre-wrap;word-break:break-all}
.finding{border-left:4px solid #d0d7de;padding:.2rem 0 .2rem 1rem;margin:1rem 0}.root{border-color:#cf222e}.meta{color:#57606a;font-size:12px}
.ln{color:#57606a;user-select:none}ol.chain li{margin:.2rem 0}.last{color:#9a6700}
`;

function finding(f: Finding, n: number, lang: Lang): string {
  const role = f.root
    ? label('root', lang)
    : f.severity === 'error'
      ? label('consequence', lang)
      : label('info', lang);
  const codeText = f.code ? ` <code>${e(f.code)}${f.codeName ? ' ' + e(f.codeName) : ''}</code>` : '';
  const facts = factKeys(f.facts)
    .map((k) => `<tr><th>${e(k)}</th><td><code>${e(f.facts[k]!)}</code></td></tr>`)
    .join('');
  const chain = f.chain
    .map((l) => {
      const at = l.evidence[0]
        ? ` <span class="meta">${e(l.evidence[0].file)}:${l.evidence[0].line}</span>`
        : '';
      return `<li><code>${e(l.text[lang])}</code>${at}</li>`;
    })
    .join('');
  const evidence = f.evidence
    .slice(0, 40)
    .map((x) => `<span class="ln">${e(x.file)}:${x.line}</span>  ${e(x.text)}`)
    .join('\n');
  return `<section class="finding${f.root ? ' root' : ''}" id="${e(f.id)}">
<h3>${n}. ${e(f.title[lang])}${codeText}</h3>
<p>${e(f.message[lang])}</p>
<p class="meta">${e(role)} · ${e(f.rule)} · ${e(label('confidence', lang))}: ${e(f.confidence)}</p>
${facts ? `<table>${facts}</table>` : ''}
${chain ? `<h4>${e(label('chain', lang))}</h4><ol class="chain">${chain}</ol>` : ''}
${evidence ? `<h4>${e(label('evidence', lang))}</h4><pre>${evidence}</pre>` : ''}
</section>`;
}

function plan(p: RemediationPlan, lang: Lang): string {
  const steps = p.steps
    .map((s) => {
      const cmds = s.commands.length > 0 ? `<pre>${e(s.commands.map((c) => c.line).join('\n'))}</pre>` : '';
      const last = s.lastResort ? ` <span class="last">(${e(label('lastResort', lang))})</span>` : '';
      return `<li><strong>${e(s.title[lang])}</strong>${last}<p>${e(s.how[lang])}</p><p class="meta">${e(label('why', lang))}: ${e(s.why[lang])}</p>${cmds}<p class="meta">${e(label('verify', lang))}: ${e(s.verify[lang])}</p></li>`;
    })
    .join('');
  return `<h3>${e(p.title[lang])}</h3><ol>${steps}</ol><p>${e(label('collectAgain', lang))}: ${e(p.collectAgain[lang])}</p>`;
}

/** The whole HTML document. */
export function renderHtml(d: Diagnosis, opts: { lang: Lang }): string {
  const { lang } = opts;
  const summary = d.summary.map((s) => `<li>${e(s[lang])}</li>`).join('');
  const m = d.machine;
  const machine = [
    m.osBuild
      ? `<tr><th>${e(label('osBuild', lang))}</th><td><code>${e(m.osBuild)}</code>${m.lastUpdate ? ` (${e(m.lastUpdate.kb)}, ${e(m.lastUpdate.date ?? '?')})` : ''}</td></tr>`
      : '',
    m.servicingStack
      ? `<tr><th>${e(label('stack', lang))}</th><td><code>${e(m.servicingStack)}</code></td></tr>`
      : '',
  ].join('');
  const ops = d.attempts
    .map(
      (a) =>
        `<tr><td>${e(a.start ?? '?')}</td><td><code>${e(attemptText(a, lang))}</code></td><td>${e(a.client ?? '')}</td></tr>`,
    )
    .join('');
  const findings = d.findings.map((f, i) => finding(f, i + 1, lang)).join('\n');
  const plans = (d.plans ?? []).map((p) => plan(p, lang)).join('\n');
  const scripts = (d.scripts ?? [])
    .map(
      (s) =>
        `<details><summary><code>${e(s.name)}</code> — ${e(s.purpose[lang])} (${e(label(s.runsOn === 'broken' ? 'runsOnBroken' : 'runsOnHealthy', lang))})</summary><pre>${e(s.content)}</pre></details>`,
    )
    .join('\n');
  const sources = d.sources
    .map((s) => {
      const clock = clockText(s, lang);
      return `<li><code>${e(s.file)}</code> — ${e(s.kind)}, ${s.lines} lines, ${e(s.encoding)}${clock ? `; ${e(label('clock', lang))}: ${e(clock)}` : ''}</li>`;
    })
    .join('');
  const histories = historiesToShow(d.updates)
    .map((h) => `<li>${e(historyText(h, lang))}</li>`)
    .join('');
  const diags = d.diagnostics
    .map(
      (x) => `<li>${e(x.level)}: <code>${e(x.file)}${x.line ? ':' + x.line : ''}</code> ${e(x.message)}</li>`,
    )
    .join('');
  return `<!doctype html>
<html lang="${lang === 'zh' ? 'zh-CN' : 'en'}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(label('title', lang))}</title>
<style>${CSS}</style>
</head>
<body>
<h1>${e(label('title', lang))}</h1>
<p>${e(label('verdict', lang))}: <span class="verdict v-${e(d.verdict)}" id="verdict">${e(label(d.verdict, lang))}</span></p>
${summary ? `<ul id="summary">${summary}</ul>` : ''}
${machine ? `<h2>${e(label('machine', lang))}</h2><table>${machine}</table>` : ''}
${ops ? `<h2>${e(label('operations', lang))}</h2><table><tr><th>${e(label('time', lang))}</th><th>${e(label('what', lang))}</th><th>${e(label('client', lang))}</th></tr>${ops}</table>` : ''}
${findings ? `<h2>${e(label('findings', lang))}</h2>${findings}` : ''}
${plans ? `<h2>${e(label('plan', lang))}</h2>${plans}` : ''}
${scripts ? `<h2>${e(label('scripts', lang))}</h2><p>${e(label('review', lang))}</p>${scripts}` : ''}
${histories ? `<h2>${e(label('updates', lang))}</h2><ul>${histories}</ul>` : ''}
<h2>${e(label('sources', lang))}</h2><ul>${sources}</ul>
${diags ? `<h2>${e(label('diagnostics', lang))}</h2><ul>${diags}</ul>` : ''}
<p class="meta">${e(label('generated', lang))} ${e(d.tool.version)}</p>
</body>
</html>
`;
}
