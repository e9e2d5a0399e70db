// The public API of patchdx: everything the CLI, the web app, the fleet and the benchmarks may call.
// Nothing else under src/ is part of the contract; it may change between releases.

import { runAnalysis, type AnalyzeOptions, type AnalyzeSource } from './analyze/run.js';
import { explain as explainQuery, type Explained } from './knowledge/explain.js';
import type { Diagnosis, GeneratedScript, Lang, MachinePlan, RemediationPlan } from './model/types.js';
import { collectorScript as collector } from './remedy/collector.js';
import { advise as adviseDiagnosis } from './remedy/advise.js';
import { machinePlanOf } from './remedy/machine-plan.js';
import { renderDraft, type Draft, type DraftKind, type DraftParams } from './report/email.js';
import { renderExplained } from './report/explain.js';
import { htmlChunks } from './report/html.js';
import { jsonReportChunks, type JsonSchema } from './report/json.js';
import { markdownChunks } from './report/markdown.js';
import { gathered, joinChunks, writeChunks } from './report/stream.js';
import { renderText } from './report/terminal.js';
import { AnalysisPool, type PoolOptions } from './pool/pool.js';
import type { SimilarReport } from './cases/similar/similar.js';
import { similarHtml, similarMarkdown, similarText } from './report/similar.js';
import { renderFleetCsv } from './fleet/render-csv.js';
import { renderFleetHtml } from './fleet/render-html.js';
import { renderFleetJson } from './fleet/render-json.js';
import { renderFleetText } from './fleet/render-text.js';

export type * from './model/types.js';
export type { AnalyzeOptions, AnalyzeSource, Progress } from './analyze/run.js';
export type { Draft, DraftKind, DraftParams, Explained };
export type { JsonSchema } from './report/json.js';
export { signatureOf } from './analyze/signature.js';
export { componentFamily, fileFamily, packageFamily } from './parse/identity.js';
export { findingCatalog, type CatalogEntry, type FindingKind } from './rules/catalog.js';
export { VERSION } from './version.js';
export { DEFAULT_BUNDLE_LIMITS, type BundleLimits } from './ingest/inputs.js';

/**
 * Diagnoses a CBS.log, a folder, a zip bundle or any log patchdx reads — given as a path, as bytes with a name
 * (`{ name, data }`) or as a stream with a name (`{ name, stream }`). Bad input never rejects: it becomes a
 * diagnostic and the rest is analysed. With `signal` the work runs on a worker thread and an abort rejects
 * with an `AbortError` at once. Returns facts only; `advise` adds the plans and scripts.
 */
export function analyze(source: AnalyzeSource, options: AnalyzeOptions = {}): Promise<Diagnosis> {
  return runAnalysis(source, options);
}

/** Remediation for a diagnosis: one plan per root cause and the reviewable scripts they name. */
export interface Advice {
  plans: RemediationPlan[];
  scripts: GeneratedScript[];
  /** The machine's one plan merging `plans` (null when there is none, or the input mixes machines). */
  machinePlan?: MachinePlan | null;
}

/** Works out the remediation plans and scripts of a diagnosis (pure: the diagnosis is not changed). */
export function advise(d: Diagnosis): Advice {
  return adviseDiagnosis(d);
}

/** The diagnosis with its advice attached, as the reports and drafts show it. */
export function withAdvice(d: Diagnosis, advice: Advice = advise(d)): Diagnosis {
  const out: Diagnosis = { ...d, plans: advice.plans, scripts: advice.scripts };
  const merged =
    advice.machinePlan !== undefined
      ? advice.machinePlan
      : d.machines
        ? null
        : machinePlanOf(d, advice.plans);
  if (merged) out.machinePlan = merged;
  else delete out.machinePlan;
  // Each machine of a mixed input with its own advice.
  if (d.machines) out.machines = d.machines.map((m) => ({ ...m, diagnosis: withAdvice(m.diagnosis) }));
  return out;
}

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

// The case desk (src/cases/): cases with machines and rounds of logs, the diff between rounds, the contact
// log with working-day follow-ups, closure, export and import, on SQLite or PostgreSQL.
export {
  CaseStore,
  defaultInputsDir,
  openCaseStore,
  type AddedRound,
  type CaseExport,
  type CaseRecord,
  type CaseSummary,
  type CaseView,
  type ContactEntry,
  type ListFilter,
  type MachineView,
  type NewCase,
  type NewContact,
  type NewRound,
  type OpenCaseStoreOptions,
  type RoundSummary,
} from './cases/store.js';
export { CaseStoreError, type CaseStoreErrorCode } from './cases/errors.js';
export { diffRounds, type DiffFinding, type RoundDiff } from './cases/diff.js';
export { calendarFor, localDate, type WorkCalendar } from './cases/calendar.js';
export { SCHEMA_VERSION as CASE_SCHEMA_VERSION } from './cases/migrations/index.js';
export type { CaseStatus, ContactKind } from './cases/schema.js';
export { caseDraft, historyLines, type DraftExtras } from './cases/drafts.js';
export { renderAdded, renderCase, renderDiff, renderList } from './cases/render.js';
export { dataDir, defaultDbTarget } from './cases/paths.js';
export { scrubText } from './cases/privacy.js';

// Past cases (src/cases/threads/, src/cases/similar/): case e-mail threads imported redacted, and the past
// cases like a diagnosis or a case, ranked by shared facts then text, with what fixed them.
export {
  importThreads,
  similarCases,
  similarToCase,
  stepFeedback,
  type Outcome,
  type PastStep,
  type RedactionCounts,
  type RedactionKind,
  type Role,
  type SimilarCase,
  type SimilarInput,
  type SimilarMatch,
  type SimilarOptions,
  type SimilarReport,
  type StepFeedback,
  type StepTried,
  type ThreadFacts,
  type ThreadFile,
  type ThreadImport,
} from './cases/similar/index.js';
export { redactText } from './cases/privacy.js';
export { similarLines } from './report/similar.js';
export { ThreadFormatError } from './cases/threads/read.js';

// The analysis pool (src/pool/): warm worker threads shared by the web app and the fleet.
export { AnalysisPool, type PoolAnalyzeOptions, type PoolOptions, type PoolStats } from './pool/pool.js';

/** A pool of `threads` warm analysis threads (default: the machine's cores); `close()` it when done. */
export function createAnalysisPool(options: PoolOptions = {}): AnalysisPool {
  return new AnalysisPool(options);
}

// The fleet (src/fleet/): one bundle per machine analysed on the pool or by BullMQ workers, each diagnosis
// stored once per content and analyzer version in the case database, machines clustered by signature.
export {
  clusterFleet,
  clusterKey,
  type FleetCluster,
  type FleetExample,
  type FleetMachine,
  type FleetReport,
} from './fleet/cluster.js';
export { compactDiagnosis, type CompactDiagnosis } from './fleet/compact.js';
export {
  FleetInputError,
  hashBundle,
  hashBundles,
  listBundles,
  type BundleRef,
  type HashedBundle,
} from './fleet/scan.js';
export {
  FleetStore,
  openFleetStore,
  type BundleResult,
  type FleetRun,
  type RunProgress,
  type RunRow,
} from './fleet/store.js';
export { runFleet, type FleetOutcome, type FleetProgress, type FleetRunOptions } from './fleet/run.js';
export {
  checkRedis,
  jobIdOf,
  QueueUnreachableError,
  runFleetQueue,
  startFleetWorker,
  type FleetJobData,
  type FleetWorker,
  type FleetWorkerOptions,
  type QueueRunOptions,
  type QueueTarget,
} from './fleet/queue.js';
export { csvCell } from './fleet/render-csv.js';

/** Formats of the fleet report. */
export type FleetFormat = 'text' | 'json' | 'csv' | 'html';

/** The fleet report as text, JSON, CSV (UTF-8 with BOM, formula-safe) or self-contained HTML. */
export function renderFleet(
  r: import('./fleet/cluster.js').FleetReport,
  format: FleetFormat,
  options: { lang: Lang },
): string {
  switch (format) {
    case 'json':
      return renderFleetJson(r);
    case 'csv':
      return renderFleetCsv(r, options);
    case 'html':
      return renderFleetHtml(r, options);
    case 'text':
      return renderFleetText(r, options);
  }
}
