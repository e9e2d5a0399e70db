// The public API of patchdx: everything the CLI, the web app, the fleet and the benchmarks may call.
// Nothing else under src/ is part of the contract; it may change between releases.
// Only re-exports: each name is defined in the module that does the work, so that a bundler following imports
// gives a program that uses a few names those modules alone.

export type * from './model/types.js';

// Analysis, advice and reports.
export { analyze, type AnalyzeOptions, type AnalyzeSource, type Progress } from './analyze/run.js';
export { advise, withAdvice, type Advice } from './remedy/advise.js';
export { render, reportChunks, writeReport, type RenderOptions, type ReportFormat } from './report/render.js';
export type { JsonSchema } from './report/json.js';
export { signatureOf } from './analyze/signature.js';
export { componentFamily, fileFamily, packageFamily } from './parse/identity.js';
export { findingCatalog, type CatalogEntry, type FindingKind } from './rules/catalog.js';
export { VERSION } from './version.js';
export { DEFAULT_BUNDLE_LIMITS, type BundleLimits } from './ingest/inputs.js';

// What patchdx knows of a code, KB, build, component or package; the e-mail drafts; the collector script.
export { explain, type Explained } from './knowledge/explain.js';
export { renderExplained as renderExplanation } from './report/explain.js';
export { renderDraft as draft, type Draft, type DraftKind, type DraftParams } from './report/email.js';
export { collectorScript } from './remedy/collector.js';

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
export {
  AnalysisPool,
  createAnalysisPool,
  type PoolAnalyzeOptions,
  type PoolOptions,
  type PoolStats,
} from './pool/pool.js';

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
export { renderFleet, type FleetFormat } from './fleet/render.js';
