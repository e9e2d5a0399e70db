// The Diagnosis model: plain data types shared by every layer (parsers, timeline, rules, reports).
// Types only; no logic lives here.

/** Output languages. Chinese first: the users are support engineers in China. */
export type Lang = 'zh' | 'en';

/** A text in both output languages. */
export interface I18nText {
  en: string;
  zh: string;
}

/** One CSI record header: `0000xxxx@2023/1/5:09:16:16.157 (F) …`. */
export interface CsiDetail {
  /** 8-hex-digit per-process sequence number. */
  seq: string;
  /** The `@` stamp converted to ISO UTC (`2023-01-05T09:16:16.157Z`), when present. */
  utc?: string;
  /** `F` fatal, `E` error, `W` warning, `I` info flag after the sequence number. */
  flag?: 'F' | 'E' | 'W' | 'I';
  /** Function a failure originated in (`originated in function X`) or propagated from (`#id# from X`). */
  origin?: string;
  /** Call/trace id `#5546992#`: successive frames of one failure have neighbouring ids. */
  callId?: number;
  /** GetLastError at log time (`[gle=0x80004005]`): mostly noise, kept for completeness. */
  gle?: string;
}

/** One logical log entry: a timestamped line plus its continuation lines. */
export interface LogEntry {
  /** Source file name as the user gave it (relative inside a bundle). */
  file: string;
  /** 1-based physical line number of the first line. */
  line: number;
  /** 1-based physical line number of the last continuation line. */
  endLine: number;
  /** Local time of the machine, `YYYY-MM-DD HH:MM:SS`, or null for un-timestamped lines. */
  time: string | null;
  /** Level column as written (`Info`, `Error`, `Warning`, `Perf`…); unreliable for severity. */
  level: string;
  /** Component column (`CBS`, `CSI`, `DPX`, `DISM`…): an open set. */
  component: string;
  /** Message text; continuation lines are joined with `\n`. */
  message: string;
  /** Raw physical lines (first line and continuations) for evidence. */
  lines: string[];
  csi?: CsiDetail;
  /** Canonical error codes found in the entry, in order of appearance (`0x80073712`). */
  codes: string[];
}

/** A line quoted as evidence. */
export interface Evidence {
  file: string;
  line: number;
  text: string;
}

/** Operation states as CBS names them (`Staged`, `Installed`, `Absent`…). */
export type PackageState = string;

/** One reconstructed servicing operation: what the engineer wants to see first. */
export interface Attempt {
  /** Stable id within the diagnosis (`a1`, `a2`…). */
  id: string;
  /** What was acted on: package identity, or an operation name (`Store corruption repair`, `Startup processing`). */
  package: string | null;
  /** KB number (`KB5020685`), when the package identity carries one. */
  kb: string | null;
  /** Kind of operation. */
  kind: 'package' | 'download' | 'repair' | 'scan' | 'startup' | 'sfc' | 'other';
  /** Servicing client (`WindowsUpdateAgent`, `DISM Package Manager Provider`…). */
  client: string | null;
  /** CBS session id (`31034769_4265380821`). */
  session: string | null;
  /** Local start and end time. */
  start: string | null;
  end: string | null;
  /** Start and end on the bundle's one clock (ISO UTC), when the source's offset could be worked out. */
  startUtc?: string | null;
  endUtc?: string | null;
  /** The file the attempt was read from. */
  file?: string;
  startState: PackageState | null;
  targetState: PackageState | null;
  /** `Execute`, `Stage`, `Resolve`… from the WER line. */
  failureSource: string | null;
  /** Final result code, canonical; null when the operation never reported one. */
  result: string | null;
  /**
   * `failed`, `succeeded`, `interrupted` (no end recorded), `pending` (reboot required), `retried` (failed,
   * then a later attempt at the same update succeeded), `superseded` (failed, then a later cumulative update of
   * the same product installed), `cancelled` (stopped by the user).
   */
  outcome: 'failed' | 'succeeded' | 'interrupted' | 'pending' | 'retried' | 'superseded' | 'cancelled';
  /** For `retried` and `superseded`: the attempt that installed the update or its successor. */
  resolvedBy?: { attempt: string; kb: string | null; update: string | null; time: string | null };
  /** Whether a reboot was requested or pending. */
  rebootPending: boolean;
  /** Line that reports the final status. */
  evidence: Evidence[];
  /** Ids of findings that explain this attempt, root first. */
  findings: string[];
}

export type Severity = 'error' | 'warning' | 'info';
export type Confidence = 'high' | 'medium' | 'low';

/** Named facts a finding extracted; all strings so every consumer can rely on them. */
export interface Facts {
  component?: string;
  file?: string;
  path?: string;
  package?: string;
  kb?: string;
  expectedHash?: string;
  actualHash?: string;
  version?: string;
  installer?: string;
  client?: string;
  category?: string;
  [key: string]: string | undefined;
}

/** A consequence folded under a root cause. */
export interface ChainLink {
  /** What happened, in both languages. */
  text: I18nText;
  code: string | null;
  evidence: Evidence[];
}

/** One diagnosed fact about the logs. */
export interface Finding {
  /** Id derived from the signature (`f-3a9c01d2e4`, `-2`… for repeats): stable across runs of one input. */
  id: string;
  /** Rule id (`cbs-manifest-corrupt`). */
  rule: string;
  /**
   * `rule|code|main fact` with the fact normalised (component family without version, file name, package
   * family, KB): the same problem across rounds, machines and builds. Set on every finding of a diagnosis.
   */
  signature?: string;
  /** Message id inside the rule. */
  messageId: string;
  severity: Severity;
  confidence: Confidence;
  /** Canonical code (`0x` + 8 lowercase hex digits) or null. */
  code: string | null;
  /** Symbolic name of the code, when known. */
  codeName: string | null;
  /** True for a root cause; false for a consequence or an informational finding. */
  root: boolean;
  /** Rendered message in both languages. */
  message: I18nText;
  /** Short rule summary in both languages. */
  title: I18nText;
  facts: Facts;
  evidence: Evidence[];
  chain: ChainLink[];
  /** Attempts this finding explains. */
  attempts: string[];
  /** Local time of the first evidence line. */
  time: string | null;
}

/** Something that could not be read, and why. */
export interface Diagnostic {
  level: 'error' | 'warning' | 'info';
  file: string;
  line?: number;
  message: string;
}

/** One input file and how it was read. */
export interface SourceInfo {
  file: string;
  kind: string;
  bytes: number;
  lines: number;
  encoding: string;
  /** First and last local timestamps seen. */
  first: string | null;
  last: string | null;
  /** Minutes to add to UTC to get this file's written times (`-360`: written = UTC − 6 h), when known. */
  utcOffsetMinutes: number | null;
  /** How that offset was worked out, and how sure it is. */
  clock?: SourceClock;
  /**
   * The OS build the file was written on, as its servicing family (`19041` for 19041–19045, `22621` for
   * 22621/22631), when the file says: a CBS servicing stack version, an installed cumulative update, dism.log's
   * host version, a captured version output. Used to tell logs of different machines or builds apart.
   */
  build?: string | null;
  /** The computer name the file names (systeminfo), when it does. */
  computer?: string | null;
}

/** How a source's written times map to UTC. */
export interface SourceClock {
  /**
   * `csi-stamps`: CSI `@` UTC stamps beside local times; `written-offset`: each line carries `+hhmm`;
   * `utc-by-format`: the format stores UTC (binary .evtx); `anchored`: the same events seen in a source whose
   * offset is known (TrustedInstaller starts, install results) fix it; `as-labelled`: the export claims UTC
   * and nothing contradicts it; `assumed`: a local-time log given the offset of another log of the machine.
   */
  basis:
    'csi-stamps' | 'written-offset' | 'utc-by-format' | 'anchored' | 'as-labelled' | 'assumed' | 'unknown';
  confidence: Confidence;
  /** What the offset was taken from, in words. */
  note: I18nText;
}

/** Every attempt at one update, across all sources, on one clock: what the engineer counts. */
export interface UpdateHistory {
  /** `KB5032196`, or the update title when no KB is known. */
  update: string;
  kb: string | null;
  title: string | null;
  /** One entry per attempt on the machine; sources telling the same attempt are merged into one. */
  occurrences: UpdateOccurrence[];
  failures: number;
  /** UTC of the first and last occurrence. */
  first: string | null;
  last: string | null;
  /** Outcome of the last occurrence. */
  lastOutcome: Attempt['outcome'];
}

export interface UpdateOccurrence {
  /** UTC start and end (ISO), or the written time when no offset is known. */
  start: string | null;
  end: string | null;
  outcome: Attempt['outcome'];
  /** Result codes seen, most specific first (CBS before Windows Update). */
  codes: string[];
  /** Ids of the attempts merged into this occurrence, and the phases they cover. */
  attempts: string[];
  phases: Attempt['kind'][];
  files: string[];
}

/** An update as the knowledge table knows it, shown with its confidence. */
export interface UpdateRef {
  kb: string;
  build: string | null;
  date: string | null;
  kind: string;
  confidence: Confidence;
}

/** Facts about the machine gathered from the logs. */
export interface MachineFacts {
  /** Version of the servicing stack that ran (`Loaded Servicing Stack v…`), last seen. */
  servicingStack: string | null;
  /** OS build and UBR (`17763.1879`): the newest cumulative update package recorded as installed. */
  osBuild: string | null;
  /** Where osBuild comes from (`CBS: Package_for_RollupFix … installed`). */
  osBuildSource: string | null;
  /** The update that brought the machine to osBuild. */
  lastUpdate: UpdateRef | null;
  /** The first cumulative update whose build is at or after the servicing stack version. */
  servicingStackLevel: UpdateRef | null;
}

/** One step of a remediation plan: least invasive first, each with why and how to check it worked. */
export interface PlanStep {
  /** Stable step id (`clear-wu-cache`, `replace-manifest`…). */
  id: string;
  title: I18nText;
  why: I18nText;
  /** What to do, in words; commands go in `commands`. */
  how: I18nText;
  /** Exact commands with the diagnosis' facts filled in (cmd or PowerShell, as marked). */
  commands: { shell: 'cmd' | 'powershell'; line: string }[];
  /** How to check the step worked. */
  verify: I18nText;
  /** 1 = harmless (reboot, clear a cache) … 5 = reinstall. Steps are ordered by it. */
  invasiveness: 1 | 2 | 3 | 4 | 5;
  /** True for in-place upgrade, reset, reinstall: named as last resorts. */
  lastResort: boolean;
  /** Names of generated scripts that carry out this step (see `scripts`). */
  scripts: string[];
}

/** The ordered plan for one root-cause finding. */
export interface RemediationPlan {
  findingId: string;
  rule: string;
  title: I18nText;
  steps: PlanStep[];
  /** The point at which to stop and collect logs again. */
  collectAgain: I18nText;
  confidence: Confidence;
}

/** A reviewable script patchdx generated for a plan. */
export interface GeneratedScript {
  /** File name (`Repair-Manifest.ps1`, `reset-wu.cmd`). */
  name: string;
  shell: 'powershell' | 'cmd';
  /** Where it runs: the broken machine, or a healthy machine of the same build (source pack). */
  runsOn: 'broken' | 'healthy';
  purpose: I18nText;
  content: string;
}

/** Findings of one mechanism taken together (many hash mismatches of one scan, the tries of one update). */
export interface FindingGroup {
  /** `g1`, `g2`… in the findings' order. */
  id: string;
  rule: string;
  title: I18nText;
  /** The only finding's message, or the count and the first finding's message. */
  message: I18nText;
  severity: Severity;
  root: boolean;
  /** Codes of the group's findings, in order, each once. */
  codes: string[];
  /** Ids of the findings in the group, in the findings' order. */
  findings: string[];
  /** The main fact of each finding (component, file, package, KB), each once. */
  items: string[];
  /** Local times of the first and last finding. */
  first: string | null;
  last: string | null;
  /** The first evidence lines of the group (the full evidence stays on each finding). */
  evidence: Evidence[];
}

/** Harmless context the engineer should still see, kept apart from the findings. */
export interface Observation {
  /**
   * `reboot-pending` (an operation waits for a restart), `component-cleanup` (store cleanup ran),
   * `shadow-copies` (volume shadow copies were made or removed), `benign-errors` (error lines no failure
   * signature explains, by mechanism, with counts), `resolved` (a failure settled by a later try or update),
   * `cancelled` (stopped by the user), `store-apps` (Microsoft Store app updates, never the verdict),
   * `info` (an informational finding).
   */
  kind:
    | 'reboot-pending'
    | 'component-cleanup'
    | 'shadow-copies'
    | 'benign-errors'
    | 'resolved'
    | 'cancelled'
    | 'store-apps'
    | 'info';
  text: I18nText;
  /** How many lines, operations or findings it sums up. */
  count: number;
  /** Finding ids it sums up (informational findings), if any. */
  findings: string[];
  /** Up to three example lines. */
  evidence: Evidence[];
}

/** A step of the machine's one plan: the step and the findings it serves. */
export interface MachinePlanStep extends PlanStep {
  /** Ids of the root-cause findings whose plans hold this step. */
  serves: string[];
  /** Ids of the finding groups those findings are in (`g1`…), when groups are known. */
  groups: string[];
}

/** One plan per machine: the steps of every root cause's plan merged, shared steps once, least invasive first. */
export interface MachinePlan {
  title: I18nText;
  /** The build the plan is for (servicing family), when known. */
  build: string | null;
  steps: MachinePlanStep[];
  /** Finding ids of the per-root plans merged (`plans[].findingId`). */
  plans: string[];
  collectAgain: I18nText;
  confidence: Confidence;
}

/** The diagnosis of one machine (or one build) when an input holds logs of several. */
export interface MachineSplit {
  /** `m1`, `m2`… */
  id: string;
  /** Servicing family of the logs (`22621`), when known. */
  build: string | null;
  computer: string | null;
  /** The input's files analysed as this machine. */
  files: string[];
  /** That machine's own diagnosis (its own verdict, findings, groups, and when advised, plans). */
  diagnosis: Diagnosis;
}

/** Which input a diagnosis is of: what was given, its content hash, and the machine it came from. */
export interface InputIdentity {
  /** The path or name as given (a zip, a folder, one log, an upload's file name). */
  name: string;
  /** SHA-256 of the bytes given (a file or buffer; null for a folder). */
  sha256: string | null;
  /** Bytes given (for a folder: the files read). */
  bytes: number;
  /** Computer name, from the collector's manifest.json or the logs (systeminfo). */
  computer: string | null;
  /** When the logs were collected (ISO), from the collector's manifest.json. */
  collectedAt: string | null;
  /** The machine's time zone as Windows names it (`China Standard Time`). */
  timeZone: string | null;
  /** The machine's offset to UTC in minutes when collected (`480` for UTC+8). */
  utcOffsetMinutes: number | null;
}

/** The result of an analysis: the one model every renderer reads. */
export interface Diagnosis {
  schema: 'patchdx.diagnosis/2';
  tool: { name: 'patchdx'; version: string };
  /** Which input this is a diagnosis of, and of which machine. */
  input: InputIdentity;
  verdict: 'failed' | 'healthy' | 'repaired' | 'unreadable';
  /** One line per failed attempt or root cause, both languages. */
  summary: I18nText[];
  sources: SourceInfo[];
  machine: MachineFacts;
  attempts: Attempt[];
  findings: Finding[];
  diagnostics: Diagnostic[];
  stats: { bytes: number; lines: number; entries: number; ms: number };
  /** Update histories across sources (only updates seen more than once or failing). */
  updates?: UpdateHistory[];
  /** Remediation plans, one per root-cause finding that has one: present only when advice was asked for. */
  plans?: RemediationPlan[];
  /** Scripts the plans refer to: present only when advice was asked for. */
  scripts?: GeneratedScript[];
  /** Findings grouped by mechanism, in the findings' order (every finding in exactly one group). */
  groups?: FindingGroup[];
  /** Harmless context apart from the findings. */
  observations?: Observation[];
  /** The one plan for the machine, merging `plans[]`: present only when advice was asked for. */
  machinePlan?: MachinePlan;
  /**
   * Present when the input holds logs of more than one machine or build: each analysed apart. The top-level
   * fields still hold every source and finding together; plans come from each machine's own diagnosis.
   */
  machines?: MachineSplit[];
}
