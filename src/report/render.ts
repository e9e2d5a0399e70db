// A diagnosis as a report in any format: whole (`render`), piece by piece (`reportChunks`) or written to a
// stream as it is made (`writeReport`). One renderer per format; the similar-cases section added where asked.

import type { SimilarReport } from '../cases/similar/similar.js';
import type { Diagnosis, Lang } from '../model/types.js';
import { htmlChunks } from './html.js';
import { jsonReportChunks, type JsonSchema } from './json.js';
import { markdownChunks } from './markdown.js';
import { similarHtml, similarMarkdown, similarText } from './similar.js';
import { gathered, joinChunks, writeChunks } from './stream.js';
import { renderText } from './terminal.js';

export type ReportFormat = 'text' | 'json' | 'md' | 'html';

export interface RenderOptions {
  lang: Lang;
  /** Terminal colours (text format only). */
  color?: boolean;
  /** JSON only: write schema /1 for readers not yet moved to /2 (kept for one release). */
  schema?: JsonSchema;
  /** Text, Markdown and HTML: add a "similar past cases" section with these results (`similarCases`). */
  similar?: SimilarReport;
  /** Text and Markdown: every finding, operation and per-cause plan after the consolidated view. */
  verbose?: boolean;
}

/** A report of a diagnosis. Every piece of log text is escaped for the format. */
export function render(d: Diagnosis, format: ReportFormat, options: RenderOptions): string {
  return joinChunks(reportChunks(d, format, options));
}

/**
 * A report of a diagnosis piece by piece (JSON member by member, Markdown and HTML section by section):
 * joined, the text `render` returns; pieces of about 64 KB. For writing a large report as it is made
 * (`writeReport`, or `Readable.from(reportChunks(…))`).
 */
export function reportChunks(d: Diagnosis, format: ReportFormat, options: RenderOptions): Generator<string> {
  // Gathered into pieces of about 64 KB: one write each.
  return gathered(sections(d, format, options));
}

function* sections(d: Diagnosis, format: ReportFormat, options: RenderOptions): Generator<string> {
  const sim = options.similar;
  switch (format) {
    case 'json':
      yield* jsonReportChunks(d, { schema: options.schema });
      return;
    case 'md':
      yield* markdownChunks(d, { lang: options.lang, verbose: options.verbose });
      if (sim) yield similarMarkdown(sim, d, options.lang);
      return;
    case 'html':
      yield* htmlChunks(d, {
        lang: options.lang,
        extra: sim ? similarHtml(sim, d, options.lang) : undefined,
      });
      return;
    case 'text':
      yield renderText(d, { lang: options.lang, color: options.color ?? false, verbose: options.verbose });
      if (sim) yield similarText(sim, d, options.lang);
  }
}

/**
 * Writes a report to a stream as it is made, waiting whenever the stream's buffer is full (back-pressure):
 * memory holds one section of the report, not the whole of it. Rejects if the stream fails or closes early.
 */
export function writeReport(
  d: Diagnosis,
  format: ReportFormat,
  options: RenderOptions,
  out: NodeJS.WritableStream,
): Promise<void> {
  return writeChunks(reportChunks(d, format, options), out);
}
