// Past cases in the store: an imported thread written in one transaction (idempotent by content hash; a
// longer export of the same case number replaces the shorter one), the desk's closed cases indexed on
// demand, and the text index kept with them (FTS5 rows on SQLite; PostgreSQL indexes the column itself).

import type { Kysely } from 'kysely';
import { sql } from '../kysely.js';
import type { Diagnosis } from '../../model/types.js';
import { writeTx, type Connection } from '../db.js';
import type { CaseDb, PastCasesTable } from '../schema.js';
import { redactText } from '../privacy.js';
import { stepsIn, type Outcome, type StepTried, type ThreadFacts } from '../threads/facts.js';
import type { ImportedThread } from '../threads/thread.js';
import { diagnosisKeys, diagnosisText, threadKeys, type PastKey } from './keys.js';

/** What importing one thread did. */
export interface ImportResult {
  id: string;
  caseNumber: string | null;
  /** `created`, `unchanged` (the same content was there), `replaced` (a shorter export of the same case). */
  status: 'created' | 'unchanged' | 'replaced';
}

function searchText(title: string | null, problem: string, analysis: string): string {
  return [title ?? '', problem, analysis].join('\n').slice(0, 4000);
}

async function insertPast(
  conn: Connection,
  trx: Kysely<CaseDb>,
  row: Omit<PastCasesTable, 'num'>,
  keys: PastKey[],
  steps: StepTried[],
  messages: { seq: number; role: string; sender: string; at: string | null; body: string }[],
): Promise<void> {
  await turn(conn, trx);
  const max = await trx
    .selectFrom('past_cases')
    .select((eb) => eb.fn.max('num').as('m'))
    .executeTakeFirst();
  const num = Number(max?.m ?? 0) + 1;
  await trx
    .insertInto('past_cases')
    .values({ ...row, num })
    .execute();
  if (messages.length > 0)
    await trx
      .insertInto('past_messages')
      .values(messages.map((m) => ({ past_case_id: row.id, ...m })))
      .execute();
  if (keys.length > 0)
    await trx
      .insertInto('past_signatures')
      .values(keys.map((k) => ({ ...k, past_case_id: row.id })))
      .execute();
  const byStep = new Map<string, string>();
  // One result per step: fixed beats failed beats proposed.
  const rank = { fixed: 3, failed: 2, proposed: 1 } as const;
  for (const s of steps) {
    const had = byStep.get(s.step) as keyof typeof rank | undefined;
    if (!had || rank[s.result] > rank[had]) byStep.set(s.step, s.result);
  }
  if (byStep.size > 0)
    await trx
      .insertInto('past_steps')
      .values([...byStep].map(([step, result]) => ({ past_case_id: row.id, step, result })))
      .execute();
  if (conn.dialect === 'sqlite')
    await sql`insert into past_text (rowid, text) values (${num}, ${row.text})`.execute(trx);
}

async function deletePast(conn: Connection, trx: Kysely<CaseDb>, id: string): Promise<void> {
  const row = await trx.selectFrom('past_cases').select('num').where('id', '=', id).executeTakeFirst();
  if (!row) return;
  for (const t of ['past_messages', 'past_signatures', 'past_steps'] as const)
    await trx.deleteFrom(t).where('past_case_id', '=', id).execute();
  await trx.deleteFrom('past_cases').where('id', '=', id).execute();
  if (conn.dialect === 'sqlite') await sql`delete from past_text where rowid = ${row.num}`.execute(trx);
}

/** Stores an imported thread (already redacted) in one transaction. */
/**
 * Writers of past cases take turns on PostgreSQL (SQLite's write lock already does): `num` is max + 1, and an
 * import looks for the same thread before it writes. Held to the end of the transaction; taking it again is free.
 */
async function turn(conn: Connection, trx: Kysely<CaseDb>): Promise<void> {
  if (conn.dialect === 'postgres') await sql`select pg_advisory_xact_lock(${7_311_043})`.execute(trx);
}

export async function storeThread(conn: Connection, t: ImportedThread, now: Date): Promise<ImportResult> {
  const f = t.facts;
  return writeTx(conn, async (trx) => {
    // Importers take turns before looking (two at once would both find nothing and both insert).
    await turn(conn, trx);
    const same = await trx.selectFrom('past_cases').select('id').where('id', '=', t.id).executeTakeFirst();
    if (same) return { id: t.id, caseNumber: f.caseNumber, status: 'unchanged' as const };
    let status: ImportResult['status'] = 'created';
    if (f.caseNumber) {
      const older = await trx
        .selectFrom('past_cases')
        .select(['id', 'facts'])
        .where('case_number', '=', f.caseNumber)
        .where('source', '=', 'thread')
        .execute();
      for (const o of older) {
        const of = JSON.parse(o.facts) as ThreadFacts;
        // The stored export holds more messages: this file is an older part of the same thread.
        if (of.messages > f.messages)
          return { id: o.id, caseNumber: f.caseNumber, status: 'unchanged' as const };
        await deletePast(conn, trx, o.id);
        status = 'replaced';
      }
    }
    await insertPast(
      conn,
      trx,
      {
        id: t.id,
        source: 'thread',
        desk_case_id: null,
        case_number: f.caseNumber,
        org: f.org,
        priority: f.priority,
        title: f.title,
        subject: t.subject,
        outcome: f.outcome,
        fixed_by: f.fixedBy,
        opened_at: f.openedAt,
        closed_at: f.closedAt,
        rounds: f.rounds,
        days: f.days,
        problem: f.problem,
        analysis: f.analysis,
        text: searchText(f.title, f.problem, f.analysis),
        facts: JSON.stringify(f),
        redactions: JSON.stringify(t.redactions),
        imported_at: now.toISOString(),
      },
      threadKeys(f),
      f.steps,
      t.messages,
    );
    return { id: t.id, caseNumber: f.caseNumber, status };
  });
}

const REINSTALLED = /重装|重新安装系统|全新安装|reinstall/i;
const RESET = /重置|reset (?:this|the) pc|reset the machine/i;
const NO_RESPONSE = /未回复|无响应|联系不上|no response|did not respond/i;

/** The desk's closed cases not yet among the past cases are added (with their latest diagnoses). */
export async function syncDeskCases(conn: Connection, now: Date): Promise<number> {
  const todo = await conn.db
    .selectFrom('cases as c')
    .leftJoin('past_cases as p', 'p.desk_case_id', 'c.id')
    .select(['c.id', 'c.number', 'c.org', 'c.priority', 'c.problem', 'c.cause', 'c.resolution'])
    .select(['c.opened_at', 'c.closed_at', 'c.round_count', 'c.product'])
    .where('c.status', '=', 'closed')
    .where('p.id', 'is', null)
    .execute();
  for (const c of todo) {
    const rounds = await conn.db
      .selectFrom('rounds as r')
      .innerJoin('machines as m', 'm.id', 'r.machine_id')
      .select(['r.machine_id', 'r.seq', 'r.diagnosis'])
      .where('m.case_id', '=', c.id)
      .orderBy('r.seq', 'desc')
      .execute();
    const latest = new Map<string, Diagnosis>();
    for (const r of rounds)
      if (!latest.has(r.machine_id)) latest.set(r.machine_id, JSON.parse(r.diagnosis) as Diagnosis);
    const ds = [...latest.values()];
    const resolution = redactText(c.resolution ?? '', { emails: true }).text;
    const cause = redactText(c.cause ?? '', { emails: true }).text;
    const problem = redactText(c.problem ?? '', { emails: true }).text;
    const outcome: Outcome = REINSTALLED.test(resolution)
      ? 'reinstalled'
      : RESET.test(resolution)
        ? 'reset'
        : NO_RESPONSE.test(resolution)
          ? 'no-response'
          : 'fixed';
    const fixedBy = outcome === 'fixed' ? (stepsIn(resolution)[0] ?? null) : null;
    const steps: StepTried[] = fixedBy ? [{ step: fixedBy, result: 'fixed', seq: 1 }] : [];
    const days =
      c.closed_at !== null
        ? Math.round(
            (Date.parse(c.closed_at.slice(0, 10)) - Date.parse(c.opened_at.slice(0, 10))) / 86_400_000,
          )
        : null;
    const analysis = [cause, resolution, diagnosisText(ds)].filter((x) => x).join('\n');
    await writeTx(conn, async (trx) => {
      const again = await trx
        .selectFrom('past_cases')
        .select('id')
        .where('desk_case_id', '=', c.id)
        .executeTakeFirst();
      if (again) return;
      await insertPast(
        conn,
        trx,
        {
          id: `desk-${c.id}`.slice(0, 64),
          source: 'desk',
          desk_case_id: c.id,
          case_number: c.number,
          org: c.org,
          priority: c.priority,
          title: problem || null,
          subject: null,
          outcome,
          fixed_by: fixedBy,
          opened_at: c.opened_at,
          closed_at: c.closed_at,
          rounds: Number(c.round_count),
          days,
          problem,
          analysis,
          text: searchText(null, problem, analysis),
          facts: JSON.stringify({ caseNumber: c.number, product: c.product, outcome, fixedBy, steps }),
          redactions: '{}',
          imported_at: now.toISOString(),
        },
        diagnosisKeys(ds),
        steps,
        [],
      );
    });
  }
  return todo.length;
}
