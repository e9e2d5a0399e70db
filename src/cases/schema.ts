// The tables of the case store as Kysely sees them (the latest schema version). Dates are ISO text and
// JSON is text, so that SQLite and PostgreSQL store the same values.

/** Status of a case: open (we owe the next contact), waiting (on the customer), closed. */
export type CaseStatus = 'open' | 'waiting' | 'closed';

/** Kinds of entries in a case's contact log. */
export type ContactKind = 'email' | 'call' | 'no-answer' | 'handover' | 'note';

export interface CasesTable {
  id: string;
  number: string;
  customer: string | null;
  org: string | null;
  contact_name: string | null;
  contact_phone: string | null;
  contact_email: string | null;
  priority: string | null;
  engineer: string | null;
  product: string | null;
  problem: string | null;
  status: CaseStatus;
  opened_at: string;
  updated_at: string;
  /** Last contact with the customer (ISO), null before the first. */
  last_contact_at: string | null;
  /** Next contact date (`YYYY-MM-DD`), null for closed and waiting cases. */
  next_contact: string | null;
  closed_at: string | null;
  cause: string | null;
  resolution: string | null;
  /** Working days between contacts for this case (schema 2); null: the store's default. */
  follow_up_days: number | null;
  /** Machines and rounds of the case, kept with each round added (schema 2). */
  machine_count: number;
  round_count: number;
}

export interface MachinesTable {
  id: string;
  case_id: string;
  name: string;
  created_at: string;
}

export interface RoundsTable {
  id: string;
  machine_id: string;
  seq: number;
  added_at: string;
  input_name: string;
  input_sha256: string | null;
  input_bytes: number;
  /** 1 when the input's bytes are kept in the input store. */
  input_kept: number;
  verdict: string;
  diagnosis: string;
}

export interface ContactsTable {
  id: string;
  case_id: string;
  at: string;
  kind: ContactKind;
  engineer: string | null;
  text: string;
}

export interface InputsTable {
  sha256: string;
  bytes: number;
  first_name: string;
  stored_at: string;
}

export interface SecretsTable {
  case_id: string;
  name: string;
  value: string;
}

export interface SchemaVersionTable {
  version: number;
}

/** A past case (schema 3): an imported e-mail thread or a closed case of the desk. */
export interface PastCasesTable {
  id: string;
  /** Row number of the text index (FTS5 rowid on SQLite). */
  num: number;
  source: 'thread' | 'desk';
  desk_case_id: string | null;
  case_number: string | null;
  org: string | null;
  priority: string | null;
  title: string | null;
  subject: string | null;
  outcome: string;
  fixed_by: string | null;
  opened_at: string | null;
  closed_at: string | null;
  rounds: number;
  days: number | null;
  problem: string;
  analysis: string;
  /** What the text index holds: title, problem and analysis. */
  text: string;
  /** JSON of the thread's facts. */
  facts: string;
  /** JSON of the redaction counts by kind. */
  redactions: string;
  imported_at: string;
}

export interface PastMessagesTable {
  past_case_id: string;
  seq: number;
  role: string;
  sender: string;
  at: string | null;
  body: string;
}

/** One fact of a past case a diagnosis can share (`code` `0x80073712`, `component` `amd64_…`). */
export interface PastSignaturesTable {
  kind: string;
  value: string;
  past_case_id: string;
}

export interface PastStepsTable {
  past_case_id: string;
  step: string;
  result: string;
}

/** One diagnosis of a bundle's content by one analyzer version (schema 4); `status` ok or failed. */
export interface FleetResultsTable {
  sha256: string;
  version: string;
  status: 'ok' | 'failed';
  verdict: string | null;
  error: string | null;
  attempts: number;
  /** The compact diagnosis as JSON (`patchdx.fleet-result/1`), null when failed. */
  result: string | null;
  bytes: number;
  ms: number;
  analysed_at: string;
  analysed_by: string | null;
}

/** A fleet run over a folder or list of bundles (schema 4). */
export interface FleetRunsTable {
  id: string;
  source: string;
  version: string;
  mode: 'local' | 'queue';
  started_at: string;
  finished_at: string | null;
  bundles: number;
}

/** A bundle a run saw: its machine and hash, or why it could not be read (schema 4). */
export interface FleetRunBundlesTable {
  run_id: string;
  seq: number;
  path: string;
  machine: string;
  sha256: string | null;
  bytes: number;
  error: string | null;
}

/** Hashes of bundle paths by size and modification time, so a re-run does not read them again (schema 4). */
export interface FleetHashCacheTable {
  path: string;
  bytes: number;
  mtime_ms: number;
  sha256: string;
}

/** The database as Kysely types it. */
export interface CaseDb {
  cases: CasesTable;
  machines: MachinesTable;
  rounds: RoundsTable;
  contacts: ContactsTable;
  inputs: InputsTable;
  case_secrets: SecretsTable;
  schema_version: SchemaVersionTable;
  past_cases: PastCasesTable;
  past_messages: PastMessagesTable;
  past_signatures: PastSignaturesTable;
  past_steps: PastStepsTable;
  fleet_results: FleetResultsTable;
  fleet_runs: FleetRunsTable;
  fleet_run_bundles: FleetRunBundlesTable;
  fleet_hash_cache: FleetHashCacheTable;
}
