// The answer for one input: verdict first, the plans with their steps and commands (copy buttons), the
// findings with their causal chains and evidence lines (each a link into the log viewer), the timeline,
// the update history, downloads, the error-lines table and the similar past cases.

import type { Diagnosis, Evidence, Lang } from '../../model/types.js';
import { html, qs, type SafeHtml } from '../html.js';
import { t } from '../i18n.js';
import { timelineSvg } from '../timeline.js';
import { layout, csrfField, type PageContext } from './layout.js';
import { verdictWord } from './home.js';

/** Something the web app shows a diagnosis of: an upload, or a round of a case. */
export interface Subject {
  /** URL prefix of its pages (`/u/<id>`, `/cases/<n>/m/<machine>/r/<seq>`). */
  base: string;
  diagnosis: Diagnosis;
  /** The stored input to read lines from, null when it was not kept. */
  path: string | null;
  /** The name the analysis gave the stored file (a kept round's file is named by its hash). */
  rootName?: string;
  title: string;
}

/** A past case like this one, as the optional similarity search gives it. */
export interface SimilarCase {
  number: string;
  score?: number;
  summary?: string;
  /** The past case's page; null for one that has no page here (an imported thread). */
  url?: string | null;
}

export type SimilarFn = (d: Diagnosis, lang: Lang) => Promise<SimilarCase[]>;

/** Every evidence line of the findings, in order, each once: the viewer's previous/next. */
export function evidenceList(d: Diagnosis): Evidence[] {
  const seen = new Set<string>();
  const out: Evidence[] = [];
  const add = (e: Evidence): void => {
    const k = `${e.file}\n${e.line}`;
    if (seen.has(k)) return;
    seen.add(k);
    out.push(e);
  };
  for (const f of d.findings) {
    f.evidence.forEach(add);
    for (const c of f.chain) c.evidence.forEach(add);
  }
  return out;
}

export function viewUrl(base: string, e: { file: string; line: number }): string {
  return `${base}/view${qs({ file: e.file, line: e.line })}`;
}

function evidenceLines(s: Subject, ev: Evidence[]): SafeHtml {
  if (!ev.length) return html``;
  return html`<ul class="evidence">
    ${ev.map(
      (e) =>
        html`<li>
          <a class="ev" href="${viewUrl(s.base, e)}"
            ><span class="loc">${e.file}:${e.line}</span> <code>${e.text}</code></a
          >
        </li>`,
    )}
  </ul>`;
}

function verdictClass(v: Diagnosis['verdict']): string {
  return v === 'failed'
    ? 'v-failed'
    : v === 'healthy'
      ? 'v-healthy'
      : v === 'repaired'
        ? 'v-repaired'
        : 'v-unreadable';
}

let copyIds = 0;

/** A block of text with a copy button. */
export function copyBlock(text: string, lang: Lang, cls = 'cmd'): SafeHtml {
  const id = `copy-${++copyIds}`;
  return html`<div class="copyable">
    <pre class="${cls}" id="${id}">${text}</pre>
    <button type="button" class="copy" data-copy="${id}" data-done="${t(lang, 'copied')}">
      ${t(lang, 'copy')}
    </button>
  </div>`;
}

export async function similarSection(
  lang: Lang,
  d: Diagnosis,
  similar: SimilarFn | undefined,
): Promise<SafeHtml> {
  let body: SafeHtml;
  if (!similar) body = html`<p class="muted" id="similar-na">${t(lang, 'notAvailable')}</p>`;
  else {
    try {
      const found = await similar(d, lang);
      body = found.length
        ? html`<ul>
            ${found.map(
              (c) =>
                html`<li>
                  ${
                    c.url === null
                      ? html`<b>${c.number}</b>`
                      : html`<a href="${c.url ?? `/cases/${encodeURIComponent(c.number)}`}">${c.number}</a>`
                  }${c.score !== undefined ? html` <span class="muted">${c.score.toFixed(2)}</span>` : ''}
                  ${c.summary ?? ''}
                </li>`,
            )}
          </ul>`
        : html`<p class="muted">${t(lang, 'similarNone')}</p>`;
    } catch (err) {
      body = html`<p class="error">${t(lang, 'notAvailable')} ${(err as Error).message}</p>`;
    }
  }
  return html`<section class="similar" id="similar">
    <h2>${t(lang, 'similar')}</h2>
    ${body}
  </section>`;
}

export interface DiagnosisExtras {
  /** Forms to create a case from this upload or add it to one (uploads only). */
  caseForms?: SafeHtml;
  similar?: SafeHtml;
}

export function diagnosisBody(ctx: PageContext, s: Subject, extras: DiagnosisExtras): SafeHtml {
  const L = ctx.lang;
  const d = s.diagnosis;
  const plans = d.plans ?? [];
  const m = d.machine;
  return html`<section class="verdict ${verdictClass(d.verdict)}" id="verdict">
      <h1>${t(L, 'verdict')}: ${verdictWord(L, d.verdict)}</h1>
      <p class="muted">
        ${d.input.name}${d.input.computer ? ` · ${d.input.computer}` : ''}${m.osBuild ? ` · ${m.osBuild}` : ''}${m.servicingStack ? ` · SSU ${m.servicingStack}` : ''}
      </p>
      <ul class="summary">
        ${d.summary.map((x) => html`<li>${x[L]}</li>`)}
      </ul>
    </section>
    <section id="plans">
      <h2>${t(L, 'plans')}</h2>
      ${plans.length === 0 ? html`<p class="muted">${t(L, 'noPlans')}</p>` : ''}
      ${plans.map(
        (p) =>
          html`<article class="plan">
            <h3>${p.title[L]}</h3>
            <ol class="steps">
              ${p.steps.map(
                (st) =>
                  html`<li class="step">
                    <h4>
                      ${st.title[L]}${st.lastResort ? html` <span class="badge">${t(L, 'lastResort')}</span>` : ''}
                    </h4>
                    <p><b>${t(L, 'why')}:</b> ${st.why[L]}</p>
                    <p><b>${t(L, 'how')}:</b> ${st.how[L]}</p>
                    ${st.commands.length ? copyBlock(st.commands.map((c) => c.line).join('\n'), L) : ''}
                    <p><b>${t(L, 'verify')}:</b> ${st.verify[L]}</p>
                    ${st.scripts.length ? html`<p>${t(L, 'scripts')}: ${st.scripts.map((n) => html`<a href="${s.base}/scripts/${encodeURIComponent(n)}">${n}</a> `)}</p>` : ''}
                  </li>`,
              )}
            </ol>
            <p class="collect"><b>${t(L, 'collectAgain')}:</b> ${p.collectAgain[L]}</p>
          </article>`,
      )}
    </section>
    <section id="findings">
      <h2>${t(L, 'findings')}</h2>
      ${d.findings.map(
        (f) =>
          html`<article class="finding sev-${f.severity}" id="${f.id}">
            <h3>
              ${f.title[L]}${f.root ? html` <span class="badge">${t(L, 'root')}</span>` : ''}${f.code ? html` <code>${f.code}</code>` : ''}${f.codeName ? html` <span class="muted">${f.codeName}</span>` : ''}
            </h3>
            <p>${f.message[L]}</p>
            ${evidenceLines(s, f.evidence)}
            ${
              f.chain.length
                ? html`<details open>
                    <summary>${t(L, 'chain')}</summary>
                    <ol class="chain">
                      ${f.chain.map((c) => html`<li>${c.text[L]}${c.code ? html` <code>${c.code}</code>` : ''}${evidenceLines(s, c.evidence)}</li>`)}
                    </ol>
                  </details>`
                : ''
            }
          </article>`,
      )}
    </section>
    <section id="timeline">
      <h2>${t(L, 'timeline')}</h2>
      <div class="timeline-wrap">${timelineSvg(d, L)}</div>
    </section>
    <section id="updates">
      <h2>${t(L, 'updates')}</h2>
      ${
        (d.updates ?? []).length
          ? html`<table class="grid">
              <thead>
                <tr>
                  <th>${t(L, 'update')}</th>
                  <th>${t(L, 'tries')}</th>
                  <th>${t(L, 'failures')}</th>
                  <th>${t(L, 'first')}</th>
                  <th>${t(L, 'last')}</th>
                  <th>${t(L, 'lastOutcome')}</th>
                  <th>${t(L, 'codes')}</th>
                </tr>
              </thead>
              <tbody>
                ${(d.updates ?? []).map(
                  (u) =>
                    html`<tr>
                      <td>
                        ${u.update}${u.title && u.title !== u.update ? html`<br /><span class="muted">${u.title}</span>` : ''}
                      </td>
                      <td>${u.occurrences.length}</td>
                      <td>${u.failures}</td>
                      <td>${u.first ?? ''}</td>
                      <td>${u.last ?? ''}</td>
                      <td>${u.lastOutcome}</td>
                      <td>${[...new Set(u.occurrences.flatMap((o) => o.codes))].join(' ')}</td>
                    </tr>`,
                )}
              </tbody>
            </table>`
          : html`<p class="muted">–</p>`
      }
    </section>
    <section id="errors-link">
      <h2>${t(L, 'errorLines')}</h2>
      ${s.path ? html`<p><a href="${s.base}/errors">${t(L, 'errorLinesHint')}</a></p>` : html`<p class="muted">${t(L, 'inputGone')}</p>`}
    </section>
    <section id="downloads">
      <h2>${t(L, 'downloads')}</h2>
      <p>
        <a href="${s.base}/report.md${qs({ lang: L })}" download>${t(L, 'reportMd')}</a> ·
        <a href="${s.base}/report.html${qs({ lang: L })}" download>${t(L, 'reportHtml')}</a> ·
        <a href="${s.base}/report.json" download>${t(L, 'reportJson')}</a>
      </p>
      ${(d.scripts ?? []).length ? html`<p>${t(L, 'scripts')}: ${(d.scripts ?? []).map((x) => html`<a href="${s.base}/scripts/${encodeURIComponent(x.name)}" download>${x.name}</a> <span class="muted">(${x.purpose[L]})</span> `)}</p>` : ''}
    </section>
    ${
      d.diagnostics.length
        ? html`<section id="diagnostics">
            <h2>${t(L, 'diagnostics')}</h2>
            <ul>
              ${d.diagnostics.slice(0, 200).map((x) => html`<li>${x.level}: ${x.file}${x.line ? `:${x.line}` : ''} — ${x.message}</li>`)}
            </ul>
          </section>`
        : ''
    }
    ${extras.caseForms ?? ''} ${extras.similar ?? ''}`;
}

export function diagnosisPage(ctx: PageContext, s: Subject, extras: DiagnosisExtras): string {
  return layout(ctx, s.title, diagnosisBody(ctx, s, extras));
}

/** The forms under an upload's diagnosis: a new case from it, or add it to a case as a round. */
export function caseForms(
  ctx: PageContext,
  jobId: string,
  openCases: string[],
  machine: string | null,
): SafeHtml {
  const L = ctx.lang;
  return html`<section id="case-forms" class="forms">
    <h2>${t(L, 'cases')}</h2>
    <form method="post" action="/cases" class="inline-form" id="new-case-form">
      ${csrfField(ctx)}<input type="hidden" name="upload" value="${jobId}" />
      <fieldset>
        <legend>${t(L, 'createCase')}</legend>
        <label>${t(L, 'number')} <input name="number" required pattern="[A-Za-z0-9._\\-]{1,64}" /></label>
        <label>${t(L, 'customer')} <input name="customer" /></label>
        <label>${t(L, 'org')} <input name="org" /></label>
        <label>${t(L, 'engineer')} <input name="engineer" /></label>
        <label>${t(L, 'machine')} <input name="machine" value="${machine ?? ''}" /></label>
        <label>${t(L, 'problem')} <input name="problem" /></label>
        <button type="submit">${t(L, 'create')}</button>
      </fieldset>
    </form>
    ${
      openCases.length
        ? html`<form method="post" action="/cases/round" class="inline-form" id="add-round-form">
            ${csrfField(ctx)}<input type="hidden" name="upload" value="${jobId}" />
            <fieldset>
              <legend>${t(L, 'addToCase')}</legend>
              <label
                >${t(L, 'number')}
                <select name="number">
                  ${openCases.map((n) => html`<option>${n}</option>`)}
                </select></label
              >
              <label>${t(L, 'machine')} <input name="machine" value="${machine ?? ''}" /></label>
              <button type="submit">${t(L, 'add')}</button>
            </fieldset>
          </form>`
        : ''
    }
  </section>`;
}
