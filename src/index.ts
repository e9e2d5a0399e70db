// The public API of patchdx: everything the CLI, the web app, the fleet and the benchmarks may call.
// Nothing else under src/ is part of the contract; it may change between releases.

import { analyzePath } from './analyze/analyze.js';
import { explain as explainQuery, type Explained } from './knowledge/explain.js';
import type { Diagnosis, GeneratedScript, Lang, RemediationPlan } from './model/types.js';
import { collectorScript as collector } from './remedy/collector.js';
import { advise as adviseDiagnosis } from './remedy/advise.js';
import { renderDraft, type Draft, type DraftKind, type DraftParams } from './report/email.js';
import { renderExplained } from './report/explain.js';
import { renderHtml } from './report/html.js';
import { renderJson } from './report/json.js';
import { renderMarkdown } from './report/markdown.js';
import { renderText } from './report/terminal.js';

export type * from './model/types.js';
export type { Draft, DraftKind, DraftParams, Explained };
export { VERSION } from './version.js';

/** How far an analysis has come. */
export interface Progress {
  stage: 'reading' | 'assembling' | 'done';
  /** Input bytes read so far, of `totalBytes` (uncompressed, all files of the input). */
  bytesRead: number;
  totalBytes: number;
}

export interface AnalyzeOptions {
  onProgress?: (p: Progress) => void;
  /** Cancels the analysis: the promise rejects with an `AbortError`. */
  signal?: AbortSignal;
  /** Longest line read whole; longer lines are cut and reported (default 256 KiB). */
  maxLineBytes?: number;
}

/**
 * Diagnoses a CBS.log, a folder, a zip bundle or any log patchdx reads. Bad input never rejects: it becomes
 * a diagnostic and the rest is analysed. Returns facts only; `advise` adds the plans and scripts.
 */
export async function analyze(source: string, options: AnalyzeOptions = {}): Promise<Diagnosis> {
  options.signal?.throwIfAborted();
  const d = analyzePath(source, {
    maxLineBytes: options.maxLineBytes,
    onProgress: (bytesRead, totalBytes) => options.onProgress?.({ stage: 'reading', bytesRead, totalBytes }),
  });
  options.onProgress?.({ stage: 'done', bytesRead: d.stats.bytes, totalBytes: d.stats.bytes });
  return d;
}

/** Remediation for a diagnosis: one plan per root cause and the reviewable scripts they name. */
export interface Advice {
  plans: RemediationPlan[];
  scripts: GeneratedScript[];
}

/** Works out the remediation plans and scripts of a diagnosis (pure: the diagnosis is not changed). */
export function advise(d: Diagnosis): Advice {
  return adviseDiagnosis(d);
}

/** The diagnosis with its advice attached, as the reports and drafts show it. */
export function withAdvice(d: Diagnosis, advice: Advice = advise(d)): Diagnosis {
  return { ...d, plans: advice.plans, scripts: advice.scripts };
}

export type ReportFormat = 'text' | 'json' | 'md' | 'html';

export interface RenderOptions {
  lang: Lang;
  /** Terminal colours (text format only). */
  color?: boolean;
}

/** A report of a diagnosis. Every piece of log text is escaped for the format. */
export function render(d: Diagnosis, format: ReportFormat, options: RenderOptions): string {
  switch (format) {
    case 'json':
      return renderJson(d);
    case 'md':
      return renderMarkdown(d, { lang: options.lang });
    case 'html':
      return renderHtml(d, { lang: options.lang });
    case 'text':
      return renderText(d, { lang: options.lang, color: options.color ?? false });
  }
}

/** What patchdx knows of an error code, KB, build, component or package identity. */
export function explain(query: string): Explained {
  return explainQuery(query);
}

/** `explain` as text for a person. */
export function renderExplanation(x: Explained, lang: Lang): string {
  return renderExplained(x, lang);
}

/** A customer e-mail in the team's structure; `d` null for a draft that needs no logs. */
export function draft(kind: DraftKind, d: Diagnosis | null, params: DraftParams, lang: Lang): Draft {
  return renderDraft(kind, d, params, lang);
}

/** The read-only PowerShell log collector whose bundle `analyze` reads. */
export function collectorScript(options: { version?: string } = {}): string {
  return collector(options);
}
