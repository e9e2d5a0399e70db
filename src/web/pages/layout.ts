// The page frame: header with navigation, the explain search box and the language toggle, the CSRF token
// for the client script, and the local stylesheet and script (no inline script, nothing from the Internet).

import type { Lang } from '../../model/types.js';
import { html, qs, type SafeHtml } from '../html.js';
import { t } from '../i18n.js';

/** What every page needs of the request. */
export interface PageContext {
  lang: Lang;
  csrf: string;
  /** The path and query of this page (for the language toggle to come back to). */
  here: string;
}

export function layout(ctx: PageContext, title: string, body: SafeHtml): string {
  const other = ctx.lang === 'zh' ? 'en' : 'zh';
  return `<!doctype html>\n${
    html`<html lang="${ctx.lang === 'zh' ? 'zh-CN' : 'en'}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="csrf-token" content="${ctx.csrf}" />
        <title>${title} · patchdx</title>
        <link rel="stylesheet" href="/static/app.css" />
        <script src="/static/app.js" defer></script>
      </head>
      <body>
        <header class="top">
          <a class="brand" href="/">patchdx</a>
          <nav><a href="/">${t(ctx.lang, 'home')}</a> <a href="/cases">${t(ctx.lang, 'cases')}</a></nav>
          <form class="explain-box" method="get" action="/explain">
            <input
              type="search"
              name="q"
              placeholder="${t(ctx.lang, 'explainHint')}"
              aria-label="${t(ctx.lang, 'explain')}"
            /><button type="submit">${t(ctx.lang, 'search')}</button>
          </form>
          <a class="lang" id="lang-toggle" href="/lang${qs({ to: other, back: ctx.here })}"
            >${t(ctx.lang, 'language')}</a
          >
        </header>
        <main>${body}</main>
      </body>
    </html>`.value
  }\n`;
}

/** A hidden CSRF field for a form. */
export function csrfField(ctx: PageContext): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${ctx.csrf}" />`;
}
