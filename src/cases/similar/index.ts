// The library side of past cases: import thread files into a store (grouped by case number, redacted,
// idempotent), and find the past cases like a diagnosis, a desk case or a past case, with what fixed them.

import { runAnalysis } from '../../analyze/run.js';
import type { Diagnosis } from '../../model/types.js';
import { CaseStoreError } from '../errors.js';
import type { CaseStore } from '../store.js';
import type { RedactionCounts } from '../privacy.js';
import type { ThreadFacts } from '../threads/facts.js';
import { readThread, type RawThread } from '../threads/read.js';
import { buildThread } from '../threads/thread.js';
import { diagnosisKeys, diagnosisText, type PastKey } from './keys.js';
import { storeThread, syncDeskCases, type ImportResult } from './past-cases.js';
import { findSimilar, stepFeedbackBySignature, type SimilarReport, type StepFeedback } from './similar.js';

/** A thread file to import: its name and bytes. */
export interface ThreadFile {
  name: string;
  data: Uint8Array;
}

/** What importing one thread did and found. */
export interface ThreadImport extends ImportResult {
  files: string[];
  messages: number;
  facts: ThreadFacts;
  /** What was redacted before storing (kinds and counts, never the values). */
  redactions: RedactionCounts;
}

async function analyzeExcerpt(name: string, text: string): Promise<Diagnosis | null> {
  return runAnalysis({ name, data: Buffer.from(text, 'utf8') }, {});
}

/**
 * Imports case e-mail threads (`.eml`, `.msg`, the team's text exports). Files of one case number are one
 * thread. Everything is redacted before it is stored; importing the same thread again changes nothing.
 */
export async function importThreads(store: CaseStore, files: ThreadFile[]): Promise<ThreadImport[]> {
  const raws: RawThread[] = [];
  for (const f of files) raws.push(await readThread(f.name, f.data));
  const groups = new Map<string, RawThread[]>();
  for (const r of raws) {
    const text = [r.subject, ...r.messages.map((m) => m.body)].join('\n');
    const key = /\bCAS-\d{4,6}-[A-Z0-9]{4,8}\b/.exec(text)?.[0] ?? `file:${r.file}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const out: ThreadImport[] = [];
  for (const group of groups.values()) {
    const t = await buildThread(group, analyzeExcerpt);
    const r = await storeThread(store.connection, t, new Date());
    out.push({ ...r, files: t.files, messages: t.messages.length, facts: t.facts, redactions: t.redactions });
  }
  return out;
}

/** What to find past cases for: diagnoses (a bundle's, a case's machines), text, or both. */
export interface SimilarInput {
  diagnoses?: Diagnosis[];
  text?: string;
  /** Past case ids or case numbers to leave out (the case asked about). */
  exclude?: string[];
}

/** Past cases like the input, ranked, with why and what fixed them; `none` when nothing reaches the threshold. */
export async function similarCases(
  store: CaseStore,
  input: SimilarInput,
  opts: SimilarOptions = {},
): Promise<SimilarReport & { bySignature: Record<string, StepFeedback[]> }> {
  await syncDeskCases(store.connection, new Date());
  const ds = input.diagnoses ?? [];
  const keys: PastKey[] = diagnosisKeys(ds);
  const text = [input.text ?? '', diagnosisText(ds)].filter((x) => x).join('\n');
  const report = await findSimilar(store.connection, { keys, text, exclude: input.exclude }, opts);
  const sigs = ds.flatMap((d) => d.findings.map((f) => f.signature ?? '')).filter((s) => s);
  return { ...report, bySignature: opts.bySignature ? await stepFeedback(store, sigs) : {} };
}

/** Options of `similarCases` and `similarToCase`. */
export interface SimilarOptions {
  /** At most this many past cases (default 5). */
  limit?: number;
  /** Also count, for each finding signature, what each step did in every past case carrying it. */
  bySignature?: boolean;
}

/**
 * Knowledge feedback as data for the plan renderers: for each finding signature, how often each plan step
 * fixed it in the past cases that carry it (`replace-manifest`: fixed 3 of 3).
 */
export async function stepFeedback(
  store: CaseStore,
  signatures: string[],
): Promise<Record<string, StepFeedback[]>> {
  return stepFeedbackBySignature(store.connection, signatures);
}

/**
 * Past cases like a case of the store: a desk case (its machines' latest diagnoses and its problem) or an
 * imported past case (its facts and text), itself left out.
 */
export async function similarToCase(
  store: CaseStore,
  number: string,
  opts: SimilarOptions = {},
): Promise<SimilarReport & { bySignature: Record<string, StepFeedback[]> }> {
  const db = store.connection.db;
  const desk = await db.selectFrom('cases').select(['id']).where('number', '=', number).executeTakeFirst();
  if (desk) {
    const view = await store.show(number);
    const ds = view.machines.map((m) => m.latest).filter((d): d is Diagnosis => d !== null);
    const r = view.record;
    const text = [r.problem, r.cause, r.resolution].filter((x) => x).join('\n');
    return similarCases(store, { diagnoses: ds, text, exclude: [number, `desk-${desk.id}`] }, opts);
  }
  const past = await db
    .selectFrom('past_cases')
    .select(['id', 'text'])
    .where((eb) => eb.or([eb('case_number', '=', number), eb('id', '=', number)]))
    .executeTakeFirst();
  if (!past)
    throw new CaseStoreError(
      'not-found',
      `no case or past case ${number}; see \`patchdx case list\` or import its thread`,
    );
  const keys = await db
    .selectFrom('past_signatures')
    .select(['kind', 'value'])
    .where('past_case_id', '=', past.id)
    .execute();
  await syncDeskCases(store.connection, new Date());
  const report = await findSimilar(
    store.connection,
    { keys: keys as PastKey[], text: past.text, exclude: [past.id, number] },
    opts,
  );
  const sigs = keys.filter((k) => k.kind === 'signature').map((k) => k.value);
  return { ...report, bySignature: opts.bySignature ? await stepFeedback(store, sigs) : {} };
}

export type { SimilarCase, SimilarMatch, SimilarReport, StepFeedback, PastStep } from './similar.js';
export type { ThreadFacts, StepTried, Outcome, Role } from '../threads/facts.js';
export type { RedactionCounts, RedactionKind } from '../privacy.js';
