// The case desk in the browser, over the CaseStore: the dashboard of open cases with the follow-ups due
// today and overdue, and a case page with its machines, rounds and the diff between rounds, the contact
// log, the drafts (Chinese or English, with a copy button), closure, and the similar past cases.

import type { CaseSummary, CaseView, Draft, DraftKind, Lang, RoundDiff } from '../../index.js';
import { html, qs, type SafeHtml } from '../html.js';
import { t } from '../i18n.js';
import { copyBlock } from './diagnosis.js';
import { verdictWord } from './home.js';
import { csrfField, layout, type PageContext } from './layout.js';

export function caseUrl(n: string): string {
  return `/cases/${encodeURIComponent(n)}`;
}

export function roundUrl(n: string, machine: string, seq: number): string {
  return `${caseUrl(n)}/m/${encodeURIComponent(machine)}/r/${seq}`;
}

function dueText(L: Lang, c: CaseSummary): string {
  if (c.overdueDays === null) return c.nextContact ?? '';
  return c.overdueDays === 0 ? t(L, 'dueTodayWord') : `${c.overdueDays} ${t(L, 'overdue')}`;
}

function caseTable(L: Lang, rows: CaseSummary[], id: string): SafeHtml {
  return html`<table class="grid" id="${id}">
    <thead>
      <tr>
        <th>${t(L, 'number')}</th>
        <th>${t(L, 'customer')}</th>
        <th>${t(L, 'org')}</th>
        <th>${t(L, 'engineer')}</th>
        <th>${t(L, 'status')}</th>
        <th>${t(L, 'nextContact')}</th>
        <th>${t(L, 'machines')}</th>
        <th>${t(L, 'rounds')}</th>
      </tr>
    </thead>
    <tbody>
      ${rows.map(
        (c) =>
          html`<tr class="${c.overdueDays !== null && c.overdueDays > 0 ? 'overdue' : ''}">
            <td><a href="${caseUrl(c.number)}">${c.number}</a></td>
            <td>${c.customer ?? ''}</td>
            <td>${c.org ?? ''}</td>
            <td>${c.engineer ?? ''}</td>
            <td>${c.status}</td>
            <td>${dueText(L, c)}</td>
            <td class="num">${c.machines}</td>
            <td class="num">${c.rounds}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

export function dashboardPage(ctx: PageContext, due: CaseSummary[], open: CaseSummary[]): string {
  const L = ctx.lang;
  return layout(
    ctx,
    t(L, 'cases'),
    html`<h1>${t(L, 'cases')}</h1>
      <section id="due">
        <h2>${t(L, 'dueToday')}</h2>
        ${due.length ? caseTable(L, due, 'due-table') : html`<p class="muted">${t(L, 'noneDue')}</p>`}
      </section>
      <section id="open">
        <h2>${t(L, 'openCases')}</h2>
        ${caseTable(L, open, 'open-table')}
      </section>
      <section id="new-case">
        <h2>${t(L, 'newCase')}</h2>
        <form method="post" action="/cases" class="inline-form">
          ${csrfField(ctx)}
          <label>${t(L, 'number')} <input name="number" required pattern="[A-Za-z0-9._\\-]{1,64}" /></label>
          <label>${t(L, 'customer')} <input name="customer" /></label>
          <label>${t(L, 'org')} <input name="org" /></label>
          <label>${t(L, 'engineer')} <input name="engineer" /></label>
          <label>${t(L, 'problem')} <input name="problem" /></label>
          <button type="submit">${t(L, 'create')}</button>
        </form>
        <p class="muted">${t(L, 'addRoundHint')}</p>
      </section>`,
  );
}

function diffBlock(L: Lang, d: RoundDiff | null): SafeHtml {
  if (!d) return html``;
  if (d.previous === null) return html`<p class="muted">${t(L, 'firstRound')}</p>`;
  const list = (key: 'resolved' | 'added' | 'persisting') =>
    d[key].length
      ? html`<li class="diff-${key}">
          <b>${t(L, key)}:</b>
          ${d[key].map((f) => html`<span class="diff-item">${f.title[L]}${f.code ? ` (${f.code})` : ''}</span> `)}
        </li>`
      : '';
  return html`<div class="diff">
    <h4>
      ${t(L, 'diff')} (${t(L, 'round')} ${d.previous}): ${verdictWord(L, d.verdictBefore ?? 'unreadable')} →
      ${verdictWord(L, d.verdictAfter)}
    </h4>
    <ul>
      ${list('resolved')}${list('added')}${list('persisting')}
      ${d.nowInstalled.length ? html`<li><b>${t(L, 'nowInstalled')}:</b> ${d.nowInstalled.map((u) => u.update).join(', ')}</li>` : ''}
      ${d.stillFailing.length ? html`<li><b>${t(L, 'stillFailing')}:</b> ${d.stillFailing.join(', ')}</li>` : ''}
    </ul>
  </div>`;
}

const KINDS: DraftKind[] = ['initial', 'analysis', 'followup', 'closure'];
const CONTACT_KINDS = ['email', 'call', 'no-answer', 'handover', 'note'];

export interface CasePageData {
  view: CaseView;
  draftKind: DraftKind;
  draftLang: Lang;
  draft: Draft | null;
  draftError: string | null;
  similar: SafeHtml;
  error?: string;
}

export function casePage(ctx: PageContext, p: CasePageData): string {
  const L = ctx.lang;
  const c = p.view.record;
  const n = c.number;
  return layout(
    ctx,
    n,
    html`<h1 id="case-title">${n} <span class="badge status-${c.status}">${c.status}</span></h1>
      ${p.error ? html`<p class="error" role="alert">${p.error}</p>` : ''}
      <dl class="facts">
        <dt>${t(L, 'customer')}</dt>
        <dd>${c.customer ?? ''}</dd>
        <dt>${t(L, 'org')}</dt>
        <dd>${c.org ?? ''}</dd>
        <dt>${t(L, 'engineer')}</dt>
        <dd>${c.engineer ?? ''}</dd>
        <dt>${t(L, 'problem')}</dt>
        <dd>${c.problem ?? ''}</dd>
        <dt>${t(L, 'nextContact')}</dt>
        <dd>${c.nextContact ?? ''}</dd>
        ${
          c.closedAt
            ? html`<dt>${t(L, 'closedAt')}</dt>
                <dd>${c.closedAt.slice(0, 10)}</dd>
                <dt>${t(L, 'cause')}</dt>
                <dd>${c.cause ?? ''}</dd>
                <dt>${t(L, 'resolution')}</dt>
                <dd>${c.resolution ?? ''}</dd>`
            : ''
        }
      </dl>
      <section id="machines">
        <h2>${t(L, 'machines')}</h2>
        ${p.view.machines.map(
          (m) =>
            html`<article class="machine">
              <h3>
                ${m.name}
                ${m.latest ? html`<span class="muted">${verdictWord(L, m.latest.verdict)}</span>` : ''}
              </h3>
              <ol class="rounds">
                ${m.rounds.map((r) => html`<li><a href="${roundUrl(n, m.name, r.seq)}">${t(L, 'round')} ${r.seq}</a> · ${r.addedAt.slice(0, 16).replace('T', ' ')} · ${r.inputName} · ${verdictWord(L, r.verdict)}</li>`)}
              </ol>
              ${diffBlock(L, m.diff)}
            </article>`,
        )}
        <p class="muted">${t(L, 'addRoundHint')}</p>
      </section>
      <section id="contacts">
        <h2>${t(L, 'contacts')}</h2>
        <ul class="contacts">
          ${p.view.contacts.map((x) => html`<li><span class="muted">${x.at.slice(0, 16).replace('T', ' ')} · ${x.kind}${x.engineer ? ` · ${x.engineer}` : ''}</span> ${x.text}</li>`)}
        </ul>
        ${
          c.status !== 'closed'
            ? html`<form method="post" action="${caseUrl(n)}/notes" class="inline-form" id="note-form">
                ${csrfField(ctx)}
                <fieldset>
                  <legend>${t(L, 'addNote')}</legend>
                  <label
                    >${t(L, 'kind')}
                    <select name="kind">
                      ${CONTACT_KINDS.map((k) => html`<option>${k}</option>`)}
                    </select></label
                  >
                  <label class="wide"><input name="text" required /></label
                  ><label><input type="checkbox" name="waiting" value="1" /> ${t(L, 'waiting')}</label
                  ><button type="submit">${t(L, 'save')}</button>
                </fieldset>
              </form>`
            : ''
        }
      </section>
      <section id="drafts">
        <h2>${t(L, 'drafts')}</h2>
        <nav class="tabs">
          ${KINDS.map((k) => html`<a class="${k === p.draftKind ? 'on' : ''}" href="${caseUrl(n)}${qs({ draft: k, dlang: p.draftLang })}#drafts">${k}</a> `)}
          <span class="sep">|</span>
          <a
            id="draft-zh"
            class="${p.draftLang === 'zh' ? 'on' : ''}"
            href="${caseUrl(n)}${qs({ draft: p.draftKind, dlang: 'zh' })}#drafts"
            >中文</a
          >
          <a
            id="draft-en"
            class="${p.draftLang === 'en' ? 'on' : ''}"
            href="${caseUrl(n)}${qs({ draft: p.draftKind, dlang: 'en' })}#drafts"
            >English</a
          >
        </nav>
        ${
          p.draft
            ? html`<p><b id="draft-subject">${p.draft.subject}</b></p>
                ${copyBlock(`${p.draft.subject}\n\n${p.draft.body}`, L, 'draft')}`
            : html`<p class="muted">${p.draftError ?? ''}</p>`
        }
      </section>
      ${
        c.status !== 'closed'
          ? html`<section id="close">
              <h2>${t(L, 'closeCase')}</h2>
              <form method="post" action="${caseUrl(n)}/close" class="inline-form" id="close-form">
                ${csrfField(ctx)} <label class="wide">${t(L, 'cause')} <input name="cause" required /></label
                ><label class="wide">${t(L, 'resolution')} <input name="resolution" required /></label
                ><button type="submit">${t(L, 'closeCase')}</button>
              </form>
            </section>`
          : ''
      }
      ${p.similar}`,
  );
}
