// The home page: the upload zone (zip, folder or single log), the limits, and this run's uploads.

import type { Job } from '../jobs.js';
import { html } from '../html.js';
import { t } from '../i18n.js';
import { layout, type PageContext } from './layout.js';

export interface UploadLimits {
  maxBytes: number;
  maxFiles: number;
}

function mb(n: number): string {
  return `${Math.round(n / 1024 / 1024)} MB`;
}

export function homePage(ctx: PageContext, limits: UploadLimits, jobs: Job[]): string {
  const L = ctx.lang;
  return layout(
    ctx,
    t(L, 'home'),
    html`<h1>${t(L, 'uploadTitle')}</h1>
      <section
        id="dropzone"
        class="dropzone"
        data-max-bytes="${limits.maxBytes}"
        data-max-files="${limits.maxFiles}"
      >
        <p>${t(L, 'uploadHint')}</p>
        <p>
          <label class="button"
            >${t(L, 'pickFiles')}<input id="pick-files" type="file" multiple hidden
          /></label>
          <label class="button"
            >${t(L, 'pickFolder')}<input id="pick-folder" type="file" webkitdirectory multiple hidden
          /></label>
        </p>
        <p class="muted">${t(L, 'limits')}: ${mb(limits.maxBytes)}, ${limits.maxFiles} ${t(L, 'files')}</p>
        <div id="upload-progress" hidden>
          <span>${t(L, 'uploading')}</span> <progress id="upload-bar" max="100" value="0"></progress>
          <span id="upload-pct"></span>
        </div>
        <p id="upload-error" class="error" role="alert" hidden></p>
      </section>
      ${
        jobs.length
          ? html`<h2>${t(L, 'recent')}</h2>
              <ul class="recent">
                ${jobs.map(
                  (j) =>
                    html`<li>
                      <a href="/u/${j.id}">${j.name}</a>
                      <span class="muted"
                        >${j.status.state} ${j.diagnosis ? verdictWord(L, j.diagnosis.verdict) : ''}</span
                      >
                    </li>`,
                )}
              </ul>`
          : ''
      }`,
  );
}

export function verdictWord(lang: 'zh' | 'en', v: string): string {
  const key =
    v === 'failed'
      ? 'verdictFailed'
      : v === 'healthy'
        ? 'verdictHealthy'
        : v === 'repaired'
          ? 'verdictRepaired'
          : 'verdictUnreadable';
  return t(lang, key);
}

/** The page while an upload waits or is analysed: progress pushed by Server-Sent Events, a cancel button. */
export function progressPage(ctx: PageContext, job: Job): string {
  const L = ctx.lang;
  const s = job.status;
  return layout(
    ctx,
    t(L, 'analysing'),
    html`<h1>${t(L, 'analysing')}: ${job.name}</h1>
      <section
        id="job"
        data-job="${job.id}"
        data-state="${s.state}"
        data-word-queued="${t(L, 'queued')}"
        data-word-cancelled="${t(L, 'cancelled')}"
        data-word-failed="${t(L, 'failedToRun')}"
      >
        <p>
          <span id="job-stage"
            >${s.state === 'queued' && s.position ? `${t(L, 'queued')} ${s.position}` : s.stage}</span
          >
          <progress id="job-bar" max="100" ${s.percent === null ? '' : html`value="${s.percent}"`}></progress>
          <span id="job-pct">${s.percent === null ? '' : `${s.percent} %`}</span>
        </p>
        <p id="job-error" class="error" ${s.error ? '' : 'hidden'}>${s.error ?? ''}</p>
        ${s.state === 'queued' || s.state === 'running' || s.state === 'uploading' ? html`<button id="job-cancel" type="button">${t(L, 'cancel')}</button>` : html`<p>${s.state === 'cancelled' ? t(L, 'cancelled') : ''}</p>`}
      </section>`,
  );
}
