// Ranked past cases for a diagnosis, a desk case or a past case. Shared facts first: every (kind, value) key
// the query and a past case share scores its kind's weight times its rarity among past cases (1 + ln(N/df)),
// so a component family two cases share counts more than the code half the store has. Then the text of
// problem and analysis: candidates come from the engine's trigram index (FTS5 `trigram` on SQLite, pg_trgm
// on PostgreSQL) and every candidate is scored here with one measure (character-trigram Dice), so both
// engines rank alike. Below the threshold the answer is "no similar past case", not noise.

import { sql } from '../kysely.js';
import type { Connection } from '../db.js';
import { storeError } from '../errors.js';
import type { Outcome } from '../threads/facts.js';
import { KEY_WEIGHTS, type KeyKind, type PastKey } from './keys.js';

/** What to look for. */
export interface SimilarQuery {
  keys: PastKey[];
  /** Problem and analysis text (any language). */
  text: string;
  /** Past case ids and case numbers not to return (the query itself). */
  exclude?: string[];
}

/** A fact the query and a past case share, and what it added to the score. */
export interface SimilarMatch {
  kind: KeyKind | 'text';
  value: string;
  weight: number;
}

/** A step of a past case and what it did there. */
export interface PastStep {
  step: string;
  result: 'fixed' | 'failed' | 'proposed';
}

/** One past case like the query. */
export interface SimilarCase {
  id: string;
  source: 'thread' | 'desk';
  caseNumber: string | null;
  org: string | null;
  title: string | null;
  outcome: Outcome;
  /** The plan step that fixed it (outcome `fixed`). */
  fixedBy: string | null;
  days: number | null;
  rounds: number;
  closedAt: string | null;
  score: number;
  signatureScore: number;
  /** Character-trigram similarity of problem and analysis, 0…1. */
  textScore: number;
  /** Why it is similar: the shared facts, strongest first. */
  why: SimilarMatch[];
  steps: PastStep[];
}

/** How often a plan step fixed the problem in the similar past cases: `fixed` of `tried`. */
export interface StepFeedback {
  step: string;
  fixed: number;
  /** Cases where it was done and reported on (fixed or not). */
  tried: number;
  /** Cases where it was only proposed. */
  proposed: number;
}

/** The answer of `similar`. */
export interface SimilarReport {
  results: SimilarCase[];
  /** True when no past case reaches the threshold: say "no similar past case". */
  none: boolean;
  /** Past cases in the store. */
  pastCases: number;
  /** What the plan steps did in the similar cases (knowledge feedback), most fixes first. */
  feedback: StepFeedback[];
}

/** Shared-fact score a past case needs (one strong fact, e.g. the same rule or component family). */
export const SIGNATURE_THRESHOLD = 4;
/** Text similarity a past case needs when it shares no fact. */
export const TEXT_THRESHOLD = 0.45;
const TEXT_WEIGHT = 6;
const CANDIDATES = 30;

/** Character trigrams of a text (lower-cased; punctuation and spacing folded to one space). */
export function trigrams(text: string): Set<string> {
  const t = ` ${text
    .slice(0, 1500)
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()} `;
  const out = new Set<string>();
  // UTF-16 units: Chinese and Latin text is in the basic plane; a rare astral character only shifts a window.
  for (let i = 0; i + 3 <= t.length; i++) out.add(t.slice(i, i + 3));
  return out;
}

/** Dice coefficient of two trigram sets. */
export function dice(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let n = 0;
  const [small, big] = a.size < b.size ? [a, b] : [b, a];
  for (const x of small) if (big.has(x)) n++;
  return (2 * n) / (a.size + b.size);
}

/** Distinctive search terms of a text: words of 5+ characters and 3-character pieces of Chinese runs. */
function searchTerms(text: string): string[] {
  const terms = new Set<string>();
  for (const w of text.match(/[A-Za-z0-9_.-]{5,}/g) ?? []) if (terms.size < 12) terms.add(w.toLowerCase());
  for (const run of text.match(/\p{Script=Han}{3,}/gu) ?? []) {
    const cs = [...run];
    for (let i = 0; i + 3 <= cs.length && terms.size < 24; i += 3) terms.add(cs.slice(i, i + 3).join(''));
  }
  return [...terms];
}

/** A LIKE pattern that finds `term` anywhere, its own `%`, `_` and `\` taken literally. */
function containsPattern(term: string): string {
  return `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * Past cases whose text shares the most search terms with the query, best first. Both engines answer from
 * their trigram index term by term (FTS5 `trigram` MATCH on SQLite; `ILIKE` over the `gin_trgm_ops` index on
 * PostgreSQL), so the work follows the matches, not the number of past cases.
 */
export async function textCandidates(conn: Connection, text: string): Promise<string[]> {
  const terms = searchTerms(text.slice(0, 300));
  if (terms.length === 0) return [];
  if (conn.dialect === 'sqlite') {
    const match = terms.map((t) => `"${t.replace(/"/g, '""')}"`).join(' OR ');
    const r = await sql<{ id: string }>`select p.id from past_text t join past_cases p on p.num = t.rowid
      where past_text match ${match} order by t.rank limit ${CANDIDATES}`.execute(conn.db);
    return r.rows.map((x) => x.id);
  }
  const perTerm = terms.map((t) => sql`select id from past_cases where text ilike ${containsPattern(t)}`);
  const r = await sql<{ id: string }>`select id from (${sql.join(perTerm, sql` union all `)}) m
    group by id order by count(*) desc, id limit ${CANDIDATES}`.execute(conn.db);
  return r.rows.map((x) => x.id);
}

/** Ranked past cases like the query; at most `limit` (default 5). */
export async function findSimilar(
  conn: Connection,
  q: SimilarQuery,
  opts: { limit?: number } = {},
): Promise<SimilarReport> {
  try {
    return await find(conn, q, opts.limit ?? 5);
  } catch (err) {
    throw storeError(err, conn.where);
  }
}

async function find(conn: Connection, q: SimilarQuery, limit: number): Promise<SimilarReport> {
  const db = conn.db;
  const total = Number(
    (
      await db
        .selectFrom('past_cases')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirst()
    )?.n ?? 0,
  );
  const empty: SimilarReport = { results: [], none: true, pastCases: total, feedback: [] };
  if (total === 0) return empty;
  // A code is one fact whether a past case's people wrote it or only quoted it in log lines.
  const keys = [...q.keys];
  for (const k of q.keys) if (k.kind === 'code') keys.push({ kind: 'logcode', value: k.value });
  const exclude = new Set(q.exclude ?? []);
  const shared = new Map<string, SimilarMatch[]>();
  if (keys.length > 0) {
    // How many past cases carry each key: an index-only count (the primary key leads with kind, value).
    const byKind = new Map<string, string[]>();
    for (const k of keys) byKind.set(k.kind, [...(byKind.get(k.kind) ?? []), k.value]);
    const counts = (
      await Promise.all(
        [...byKind].map(([kind, vs]) =>
          db
            .selectFrom('past_signatures')
            .select(['kind', 'value', (eb) => eb.fn.countAll().as('n')])
            .where('kind', '=', kind)
            .where('value', 'in', vs)
            .groupBy(['kind', 'value'])
            .execute(),
        ),
      )
    ).flat();
    // A key most past cases carry (the OS build of a single-build team) tells nothing: left out.
    const scored = counts
      .filter((c) => Number(c.n) <= total / 2 || total < 10)
      .map((c) => ({
        kind: c.kind,
        value: c.value,
        w: KEY_WEIGHTS[c.kind as KeyKind] * (1 + Math.log(total / Number(c.n))),
      }));
    if (scored.length > 0) {
      // The best candidates, scored in the database: one pass over the index entries of the query's keys.
      const values = sql.join(
        scored.map(
          (k) =>
            sql`(${k.kind}, ${k.value}, ${conn.dialect === 'postgres' ? sql`${k.w}::float8` : sql`${k.w}`})`,
        ),
      );
      const top = await sql<{ id: string }>`with q(kind, value, w) as (values ${values})
        select s.past_case_id as id from past_signatures s join q on s.kind = q.kind and s.value = q.value
        group by s.past_case_id order by sum(q.w) desc, s.past_case_id limit ${CANDIDATES}`.execute(db);
      const ids = top.rows.map((r) => r.id);
      if (ids.length > 0) {
        const weight = new Map(scored.map((k) => [`${k.kind}\u0000${k.value}`, k.w]));
        const rows = await db
          .selectFrom('past_signatures')
          .select(['kind', 'value', 'past_case_id'])
          .where('past_case_id', 'in', ids)
          .execute();
        for (const r of rows) {
          const w = weight.get(`${r.kind}\u0000${r.value}`);
          if (w === undefined) continue;
          const list = shared.get(r.past_case_id) ?? [];
          list.push({ kind: r.kind as KeyKind, value: r.value, weight: w });
          shared.set(r.past_case_id, list);
        }
      }
    }
  }
  const sigScore = (id: string): number => (shared.get(id) ?? []).reduce((s, m) => s + m.weight, 0);
  const bySig = [...shared.keys()].sort((a, b) => sigScore(b) - sigScore(a)).slice(0, CANDIDATES);
  // The text index is asked only when shared facts leave room: ranking stays on facts first, and a query
  // sharing facts with many past cases does not pay for a text search over all of them.
  const byText = bySig.length < CANDIDATES / 2 ? await textCandidates(conn, q.text) : [];
  const ids = [...new Set([...bySig, ...byText])];
  if (ids.length === 0) return empty;
  const rows = await db
    .selectFrom('past_cases')
    .select(['id', 'source', 'case_number', 'org', 'title', 'outcome', 'fixed_by', 'days', 'rounds'])
    .select(['closed_at', 'text'])
    .where('id', 'in', ids)
    .execute();
  const qt = trigrams(q.text);
  const scored: SimilarCase[] = [];
  for (const r of rows) {
    if (exclude.has(r.id) || (r.case_number && exclude.has(r.case_number))) continue;
    const why = (shared.get(r.id) ?? []).sort((a, b) => b.weight - a.weight);
    const s = why.reduce((x, m) => x + m.weight, 0);
    const textScore = Math.round(dice(qt, trigrams(r.text.slice(0, 1500))) * 1000) / 1000;
    if (s < SIGNATURE_THRESHOLD && textScore < TEXT_THRESHOLD) continue;
    if (textScore > 0)
      why.push({ kind: 'text', value: `${Math.round(textScore * 100)}%`, weight: textScore * TEXT_WEIGHT });
    scored.push({
      id: r.id,
      source: r.source,
      caseNumber: r.case_number,
      org: r.org,
      title: r.title,
      outcome: r.outcome as Outcome,
      fixedBy: r.fixed_by,
      days: r.days === null ? null : Number(r.days),
      rounds: Number(r.rounds),
      closedAt: r.closed_at,
      score: Math.round((s + textScore * TEXT_WEIGHT) * 100) / 100,
      signatureScore: Math.round(s * 100) / 100,
      textScore,
      why: why.map((m) => ({ ...m, weight: Math.round(m.weight * 100) / 100 })),
      steps: [],
    });
  }
  scored.sort((a, b) => b.score - a.score || (a.caseNumber ?? '').localeCompare(b.caseNumber ?? ''));
  const results = scored.slice(0, limit);
  if (results.length === 0) return empty;
  const steps = await db
    .selectFrom('past_steps')
    .select(['past_case_id', 'step', 'result'])
    .where(
      'past_case_id',
      'in',
      results.map((r) => r.id),
    )
    .execute();
  for (const r of results)
    r.steps = steps
      .filter((s) => s.past_case_id === r.id)
      .map((s) => ({ step: s.step, result: s.result as PastStep['result'] }));
  return { results, none: false, pastCases: total, feedback: feedbackOf(results) };
}

/** Which steps fixed the problem in these past cases; a reinstall or reset counts for the last resort. */
export function feedbackOf(cases: SimilarCase[]): StepFeedback[] {
  const m = new Map<string, StepFeedback>();
  const get = (step: string): StepFeedback => {
    let f = m.get(step);
    if (!f) m.set(step, (f = { step, fixed: 0, tried: 0, proposed: 0 }));
    return f;
  };
  for (const c of cases) {
    const steps = [...c.steps];
    if (
      (c.outcome === 'reinstalled' || c.outcome === 'reset') &&
      !steps.some((s) => s.step === 'reset-or-reinstall')
    )
      steps.push({ step: 'reset-or-reinstall', result: 'fixed' });
    for (const s of steps) {
      const f = get(s.step);
      const fixed =
        s.result === 'fixed' ||
        (s.step === 'reset-or-reinstall' && (c.outcome === 'reinstalled' || c.outcome === 'reset'));
      if (fixed) {
        f.fixed++;
        f.tried++;
      } else if (s.result === 'failed') f.tried++;
      else f.proposed++;
    }
  }
  return [...m.values()].sort(
    (a, b) => b.fixed - a.fixed || b.tried - a.tried || a.step.localeCompare(b.step),
  );
}

/**
 * Knowledge feedback by finding signature: for each signature, how often each plan step fixed it in the past
 * cases that carry it (`replace-manifest` fixed 3 of 3). Data for the plan renderers.
 */
export async function stepFeedbackBySignature(
  conn: Connection,
  signatures: string[],
): Promise<Record<string, StepFeedback[]>> {
  const out: Record<string, StepFeedback[]> = {};
  const wanted = [...new Set(signatures.map((s) => s.toLowerCase()))];
  if (wanted.length === 0) return out;
  try {
    // Counted in the database: a signature thousands of past cases carry costs one grouped row per step.
    const steps = await conn.db
      .selectFrom('past_signatures as s')
      .innerJoin('past_steps as p', 'p.past_case_id', 's.past_case_id')
      .select(['s.value', 'p.step', 'p.result', (eb) => eb.fn.countAll().as('n')])
      .where('s.kind', '=', 'signature')
      .where('s.value', 'in', wanted)
      .groupBy(['s.value', 'p.step', 'p.result'])
      .execute();
    const ends = await conn.db
      .selectFrom('past_signatures as s')
      .innerJoin('past_cases as c', 'c.id', 's.past_case_id')
      .select(['s.value', (eb) => eb.fn.countAll().as('n')])
      .where('s.kind', '=', 'signature')
      .where('s.value', 'in', wanted)
      .where('c.outcome', 'in', ['reinstalled', 'reset'])
      .groupBy('s.value')
      .execute();
    const bySig = new Map<string, Map<string, StepFeedback>>();
    const get = (sig: string, step: string): StepFeedback => {
      const m = bySig.get(sig) ?? new Map<string, StepFeedback>();
      bySig.set(sig, m);
      let f = m.get(step);
      if (!f) m.set(step, (f = { step, fixed: 0, tried: 0, proposed: 0 }));
      return f;
    };
    for (const r of steps) {
      const f = get(r.value, r.step);
      const n = Number(r.n);
      if (r.result === 'fixed') {
        f.fixed += n;
        f.tried += n;
      } else if (r.result === 'failed') f.tried += n;
      else f.proposed += n;
    }
    // A reinstall or reset ended the case: the last resort fixed it there.
    for (const r of ends) {
      const f = get(r.value, 'reset-or-reinstall');
      const n = Number(r.n);
      f.fixed += n;
      f.tried += n;
      f.proposed = Math.max(0, f.proposed - n);
    }
    for (const [sig, m] of bySig)
      out[sig] = [...m.values()].sort(
        (a, b) => b.fixed - a.fixed || b.tried - a.tried || a.step.localeCompare(b.step),
      );
    return out;
  } catch (err) {
    throw storeError(err, conn.where);
  }
}
