// The log viewer: the lines around one line of one source inside the uploaded input, that line
// highlighted, with links to the previous and next evidence line of the diagnosis; and the error-lines
// table: every error and warning line of all sources grouped by signature, searchable and filtered.

import { html } from '../html.js';
import { t } from '../i18n.js';
import type { ErrorIndex, Slice } from '../scan.js';
import { evidenceList, viewUrl, type Subject } from './diagnosis.js';
import { layout, type PageContext } from './layout.js';

export function viewerPage(ctx: PageContext, s: Subject, slice: Slice, line: number): string {
  const L = ctx.lang;
  const ev = evidenceList(s.diagnosis);
  const at = ev.findIndex((e) => e.file === slice.file && e.line === line);
  // Off the list: the next evidence is the first one after this place in the same file, else the first.
  let next = at >= 0 ? ev[at + 1] : ev.find((e) => e.file === slice.file && e.line > line);
  let prev = at >= 0 ? ev[at - 1] : [...ev].reverse().find((e) => e.file === slice.file && e.line < line);
  if (at < 0 && !next) next = ev[0];
  if (at < 0 && !prev) prev = undefined;
  const evLines = new Set(ev.filter((e) => e.file === slice.file).map((e) => e.line));
  return layout(
    ctx,
    `${slice.file}:${line}`,
    html`<h1>${t(L, 'viewer')}</h1>
      <p class="viewer-file">
        <span class="loc" id="viewer-loc">${slice.file}:${line}</span
        >${slice.total !== null ? html` <span class="muted">(${slice.total} ${t(L, 'lines')})</span>` : ''}
      </p>
      <nav class="viewer-nav">
        ${prev ? html`<a id="prev-ev" href="${viewUrl(s.base, prev)}">← ${t(L, 'prevEvidence')}</a>` : ''}
        <a href="${s.base}">${t(L, 'backToDiagnosis')}</a>
        ${next ? html`<a id="next-ev" href="${viewUrl(s.base, next)}">${t(L, 'nextEvidence')} →</a>` : ''}
        ${at >= 0 ? html`<span class="muted">${at + 1} / ${ev.length}</span>` : ''}
      </nav>
      <table class="log">
        <tbody>
          ${slice.lines.map(
            (l) =>
              html`<tr
                class="${l.line === line ? 'hit' : evLines.has(l.line) ? 'ev-line' : ''}"
                id="${l.line === line ? 'hit' : `l${l.line}`}"
              >
                <td class="ln">
                  <a href="${viewUrl(s.base, { file: slice.file, line: l.line })}">${l.line}</a>
                </td>
                <td class="lt"><pre>${l.text}</pre></td>
              </tr>`,
          )}
        </tbody>
      </table>`,
  );
}

export interface ErrorFilter {
  q: string;
  level: '' | 'error' | 'warning';
  source: string;
}

const PAGE = 500;

export function errorsPage(ctx: PageContext, s: Subject, idx: ErrorIndex, f: ErrorFilter): string {
  const L = ctx.lang;
  const q = f.q.toLowerCase();
  const rows = idx.groups.filter(
    (g) =>
      (!f.level || g.level === f.level) &&
      (!f.source || g.sources.includes(f.source)) &&
      (!q || g.sample.toLowerCase().includes(q) || g.signature.toLowerCase().includes(q)),
  );
  const opt = (v: string, label: string, cur: string) =>
    html`<option value="${v}" ${v === cur ? 'selected' : ''}>${label}</option>`;
  return layout(
    ctx,
    t(L, 'errorLines'),
    html`<h1>${t(L, 'errorLines')}</h1>
      <p class="muted">${t(L, 'errorLinesHint')}</p>
      <p><a href="${s.base}">${t(L, 'backToDiagnosis')}</a></p>
      <form method="get" action="${s.base}/errors" class="filters" id="error-filters">
        <label>${t(L, 'text')} <input type="search" name="q" value="${f.q}" /></label>
        <label
          >${t(L, 'level')}
          <select name="level">
            ${opt('', t(L, 'all'), f.level)}${opt('error', t(L, 'error'), f.level)}${opt('warning', t(L, 'warning'), f.level)}
          </select></label
        >
        <label
          >${t(L, 'source')}
          <select name="source">
            ${opt('', t(L, 'all'), f.source)}${idx.sources.map((x) => opt(x, x, f.source))}
          </select></label
        >
        <button type="submit">${t(L, 'filter')}</button>
      </form>
      <p class="muted" id="error-count">
        ${Math.min(rows.length, PAGE)} ${t(L, 'shown')} ${t(L, 'of')} ${rows.length} · ${idx.lines}
        ${t(L, 'line')}
      </p>
      ${idx.ungrouped ? html`<p class="muted">${t(L, 'truncatedGroups')} ${idx.ungrouped}</p>` : ''}
      <table class="grid errors">
        <thead>
          <tr>
            <th>${t(L, 'level')}</th>
            <th>${t(L, 'count')}</th>
            <th>${t(L, 'first')}</th>
            <th>${t(L, 'last')}</th>
            <th>${t(L, 'source')}</th>
            <th>${t(L, 'text')}</th>
          </tr>
        </thead>
        <tbody>
          ${rows.slice(0, PAGE).map(
            (g) =>
              html`<tr class="lvl-${g.level}">
                <td>${t(L, g.level)}</td>
                <td class="num">${g.count}</td>
                <td>${g.first ?? ''}</td>
                <td>${g.last ?? ''}</td>
                <td>${g.sources.slice(0, 3).join(', ')}${g.sources.length > 3 ? ' …' : ''}</td>
                <td>
                  <a class="err-row" href="${viewUrl(s.base, g.at[0]!)}"><code>${g.sample}</code></a>
                </td>
              </tr>`,
          )}
        </tbody>
      </table>`,
  );
}

export function messagePage(ctx: PageContext, title: string, message: string): string {
  return layout(
    ctx,
    title,
    html`<h1>${title}</h1>
      <p class="message">${message}</p>
      <p><a href="/">patchdx</a></p>`,
  );
}
