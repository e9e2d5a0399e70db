// Self-contained HTML report: pure (diagnosis, {lang}) => string, no external assets, no script. Every
// piece of text that can come from a log (messages, facts, evidence, paths, script bodies) goes through
// escapeHtml, so hostile log text (`<script>`, quotes) shows as text and its control characters (ESC,
// C1, bidi overrides) as visible escapes (safeText), in text nodes and attributes alike.

import type { Diagnosis, Finding, Lang, RemediationPlan } from '../model/types.js';
import { attemptText, clockText, factKeys, historiesToShow, historyText, label } from './labels.js';
import { familyName } from '../consolidate/machines.js';
import { cl, groupNumbers, itemsText, roleOf, shownGroups, spanText, verdictLines } from './consolidated.js';
import { safeText } from './safe-text.js';
import { joinChunks } from './stream.js';

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
  // Root causes in full; informational findings (listed as observations) with their message and one line.
  const full = f.root || f.severity !== 'info';
  const facts = (full ? factKeys(f.facts) : [])
    .map((k) => `<tr><th>${e(k)}</th><td><code>${e(f.facts[k]!)}</code></td></tr>`)
    .join('');
  const chain = f.chain
    .slice(0, full ? DETAIL_CHAIN : 0)
    .map((l) => {
      const at = l.evidence[0]
        ? ` <span class="meta">${e(l.evidence[0].file)}:${l.evidence[0].line}</span>`
        : '';
      const text = l.text[lang].length > 240 ? l.text[lang].slice(0, 239) + '…' : l.text[lang];
      return `<li><code>${e(text)}</code>${at}</li>`;
    })
    .join('')
    .concat(f.chain.length > DETAIL_CHAIN ? `<li class="meta">… ${f.chain.length - DETAIL_CHAIN}</li>` : '');
  const evidence = f.evidence
    .slice(0, full ? DETAIL_EVIDENCE : 1)
    .map((x) => `<span class="ln">${e(x.file)}:${x.line}</span>  ${e(clipLine(x.text))}`)
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

/**
 * A per-cause plan in the details: its title and its steps' titles (their text and commands are in the
 * machine's one plan above; the JSON keeps every plan whole).
 */
function plan(p: RemediationPlan, lang: Lang): string {
  const steps = p.steps
    .map((s) => {
      const last = s.lastResort ? ` <span class="last">(${e(label('lastResort', lang))})</span>` : '';
      return `<li>${e(s.title[lang])}${last}</li>`;
    })
    .join('');
  return `<h3>${e(p.title[lang])} <a class="meta" href="#${e(p.findingId)}">${e(p.findingId)}</a></h3><ol>${steps}</ol>`;
}

/** A log line cut for the page (the JSON keeps it whole). */
function clipLine(s: string): string {
  return s.length > 320 ? s.slice(0, 319) + '…' : s;
}

/** Evidence lines per finding in the details section (the JSON keeps all). */
const DETAIL_EVIDENCE = 3;
/** Chain links per finding in the details. */
const DETAIL_CHAIN = 4;
/**
 * Script text embedded up to this many characters in all: past it the scripts are listed by name and purpose
 * and their text is left to the Markdown report and the JSON (`scripts[]`), so the page stays readable.
 */
const EMBEDDED_SCRIPTS = 48 * 1024;

/** The consolidated view of one diagnosis: verdict, grouped findings, observations, the machine's one plan. */
function consolidated(d: Diagnosis, lang: Lang, h: 'h2' | 'h3', idPrefix: string, top = false): string {
  const lines = verdictLines(d, lang)
    .map((s) => `<li>${e(s)}</li>`)
    .join('');
  const groups = shownGroups(d);
  const gs = groups
    .map((g, i) => {
      const codes = g.codes.length > 0 ? ` <code>${e(g.codes.join(', '))}</code>` : '';
      const count = g.findings.length > 1 ? ` × ${g.findings.length}` : '';
      const items =
        g.items.length > 1
          ? `<p class="meta">${e(cl('items', lang))} (${g.items.length}): <code>${e(itemsText(g.items, 8, lang))}</code></p>`
          : '';
      const ev = g.evidence
        .slice(0, 2)
        .map((x) => `<span class="ln">${e(x.file)}:${x.line}</span>  ${e(clipLine(x.text))}`)
        .join('\n');
      const links = g.findings
        .slice(0, 30)
        .map((id) => `<a href="#${e(id)}">${e(id)}</a>`)
        .join(' ');
      return `<section class="finding${g.root ? ' root' : ''}" id="${e(idPrefix + g.id)}">
<h4>${i + 1}. ${e(g.title[lang])}${codes}${count}</h4>
<p>${e(g.message[lang])}</p>
<p class="meta">${e(label(roleOf(g), lang))} · ${e(g.rule)}${spanText(g) ? ` · ${e(spanText(g))}` : ''} · ${links}${g.findings.length > 30 ? ' …' : ''}</p>
${items}${ev ? `<pre>${ev}</pre>` : ''}
</section>`;
    })
    .join('\n');
  const obs = (d.observations ?? [])
    .map((o) => {
      const ev = o.evidence[0]
        ? ` <span class="meta">${e(o.evidence[0].file)}:${o.evidence[0].line}</span>`
        : '';
      return `<li>${e(o.text[lang])}${ev}</li>`;
    })
    .join('');
  const p = d.machinePlan;
  const plan = p
    ? `<${h}>${e(cl('machinePlan', lang))}: ${e(p.title[lang])}</${h}><ol>${p.steps
        .map((s) => {
          const nums = groupNumbers(groups, s.groups);
          const serves = nums.length
            ? ` <span class="meta">${e(cl('serves', lang))} ${nums
                .map((n) => `<a href="#${e(idPrefix + groups[n - 1]!.id)}">${n}</a>`)
                .join(', ')}</span>`
            : '';
          const cmds =
            s.commands.length > 0 ? `<pre>${e(s.commands.map((c) => c.line).join('\n'))}</pre>` : '';
          const last = s.lastResort ? ` <span class="last">(${e(label('lastResort', lang))})</span>` : '';
          return `<li><strong>${e(s.title[lang])}</strong>${last}${serves}<p>${e(s.how[lang])}</p>${cmds}<p class="meta">${e(label('verify', lang))}: ${e(s.verify[lang])}</p></li>`;
        })
        .join('')}</ol><p>${e(label('collectAgain', lang))}: ${e(p.collectAgain[lang])}</p>`
    : '';
  const m = d.machine;
  const build = m.osBuild
    ? `<p>${e(label('osBuild', lang))}: <code>${e(m.osBuild)}</code>${m.lastUpdate ? ` (${e(m.lastUpdate.kb)}, ${e(m.lastUpdate.date ?? '?')})` : ''}</p>`
    : '';
  return `<p>${e(label('verdict', lang))}: <span class="verdict v-${e(d.verdict)}"${top ? ' id="verdict"' : ''}>${e(label(d.verdict, lang))}</span></p>
${lines ? `<ul class="summary"${top ? ' id="summary"' : ''}>${lines}</ul>` : ''}
${build}
${gs ? `<${h}>${e(label('findings', lang))}</${h}>${gs}` : ''}
${obs ? `<${h}>${e(cl('observations', lang))}</${h}><ul class="observations">${obs}</ul>` : ''}
${plan}`;
}

/** The whole HTML document: the consolidated view, every detail in a collapsed section. */
export function renderHtml(d: Diagnosis, opts: { lang: Lang; extra?: string }): string {
  return joinChunks(htmlChunks(d, opts));
}

/**
 * The HTML document section by section (joined: `renderHtml`), for writing as it is made. `extra` is
 * HTML placed at the end of the body (the similar past cases).
 */
export function* htmlChunks(d: Diagnosis, opts: { lang: Lang; extra?: string }): Generator<string> {
  const { lang } = opts;
  yield `<!doctype html>
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
`;
  if (d.machines && d.machines.length > 1) {
    yield `<p>${e(label('verdict', lang))}: <span class="verdict v-${e(d.verdict)}" id="verdict">${e(label(d.verdict, lang))}</span></p>
<ul id="summary">${verdictLines(d, lang)
      .map((s) => `<li>${e(s)}</li>`)
      .join('')}</ul><p><strong>${e(cl('mixed', lang))}</strong></p>
`;
    for (const [i, m] of d.machines.entries()) {
      const name = [m.computer, m.build ? familyName(m.build) : null].filter((x) => x).join(', ') || '?';
      yield `${i > 0 ? '\n' : ''}<h2>${e(cl('machineOf', lang))} ${e(m.id)}: ${e(name)}</h2><p class="meta">${e(m.files.join(', '))}</p>${consolidated(m.diagnosis, lang, 'h3', m.id + '-')}`;
    }
  } else yield consolidated(d, lang, 'h2', '', true);
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
  yield `
<details id="details"><summary>${e(cl('details', lang))}</summary>
${summary ? `<ul>${summary}</ul>` : ''}
${machine ? `<h2>${e(label('machine', lang))}</h2><table>${machine}</table>` : ''}
`;
  if (d.attempts.length > 0) {
    yield `<h2>${e(label('operations', lang))}</h2><table><tr><th>${e(label('time', lang))}</th><th>${e(label('what', lang))}</th><th>${e(label('client', lang))}</th></tr>`;
    for (const a of d.attempts)
      yield `<tr><td>${e(a.start ?? '?')}</td><td><code>${e(attemptText(a, lang))}</code></td><td>${e(a.client ?? '')}</td></tr>`;
    yield '</table>';
  }
  yield '\n';
  if (d.findings.length > 0) {
    yield `<h2>${e(label('findings', lang))}</h2>`;
    for (const [i, f] of d.findings.entries()) yield (i > 0 ? '\n' : '') + finding(f, i + 1, lang);
  }
  yield '\n';
  const plans = d.plans ?? [];
  if (plans.length > 0) {
    yield `<h2>${e(label('plan', lang))}</h2>`;
    for (const [i, p] of plans.entries()) yield (i > 0 ? '\n' : '') + plan(p, lang);
  }
  yield '\n';
  const scripts = d.scripts ?? [];
  if (scripts.length > 0) {
    const embed = scripts.reduce((n, s) => n + s.content.length, 0) <= EMBEDDED_SCRIPTS;
    const scriptsNote = embed
      ? label('review', lang)
      : lang === 'zh'
        ? '脚本较大，未嵌入本页：完整内容见 Markdown 报告（--format md）或 JSON（scripts[]）。运行前请审阅。'
        : 'The scripts are too large to embed here: their text is in the Markdown report (--format md) and the JSON (scripts[]). Review before running.';
    yield `<h2>${e(label('scripts', lang))}</h2><p>${e(scriptsNote)}</p>`;
    for (const [i, s] of scripts.entries()) {
      const head = `<code>${e(s.name)}</code> — ${e(s.purpose[lang])} (${e(label(s.runsOn === 'broken' ? 'runsOnBroken' : 'runsOnHealthy', lang))})`;
      yield (
        (i > 0 ? '\n' : '') +
        (embed
          ? `<details><summary>${head}</summary><pre>${e(s.content)}</pre></details>`
          : `<p>${head}, ${Math.ceil(s.content.length / 1024)} KB</p>`)
      );
    }
  }
  const histories = historiesToShow(d.updates)
    .map((h) => `<li>${e(historyText(h, lang))}</li>`)
    .join('');
  yield `
${histories ? `<h2>${e(label('updates', lang))}</h2><ul>${histories}</ul>` : ''}
<h2>${e(label('sources', lang))}</h2><ul>`;
  for (const s of d.sources) {
    const clock = clockText(s, lang);
    yield `<li><code>${e(s.file)}</code> — ${e(s.kind)}, ${s.lines} lines, ${e(s.encoding)}${clock ? `; ${e(label('clock', lang))}: ${e(clock)}` : ''}</li>`;
  }
  yield '</ul>\n';
  if (d.diagnostics.length > 0) {
    yield `<h2>${e(label('diagnostics', lang))}</h2><ul>`;
    for (const x of d.diagnostics)
      yield `<li>${e(x.level)}: <code>${e(x.file)}${x.line ? ':' + x.line : ''}</code> ${e(x.message)}</li>`;
    yield '</ul>';
  }
  yield `
</details>
<p class="meta">${e(label('generated', lang))} ${e(d.tool.version)}</p>
${opts.extra ?? ''}</body>
</html>
`;
}
