// Schema 3: past cases — imported e-mail threads and the desk's own closed cases — with their redacted
// messages, the facts they share with a diagnosis (signatures, rules, codes, component/file/package/KB
// families, builds), the plan steps tried and what each did, and a text index of problem and analysis:
// FTS5 with the trigram tokenizer on SQLite, pg_trgm (GIN, gin_trgm_ops) on PostgreSQL. Both index
// Chinese and English alike (character trigrams need no word breaker).

import type { Kysely } from 'kysely';
import { sql } from '../kysely.js';

/** Creates the past-case tables and the text index of the engine. */
export async function up(db: Kysely<unknown>): Promise<void> {
  const pg = await isPostgres(db);
  await db.schema
    .createTable('past_cases')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('num', 'integer', (c) => c.notNull().unique())
    .addColumn('source', 'varchar(8)', (c) => c.notNull())
    .addColumn('desk_case_id', 'varchar(64)', (c) => c.unique())
    .addColumn('case_number', 'varchar(200)')
    .addColumn('org', 'text')
    .addColumn('priority', 'varchar(16)')
    .addColumn('title', 'text')
    .addColumn('subject', 'text')
    .addColumn('outcome', 'varchar(16)', (c) => c.notNull())
    .addColumn('fixed_by', 'varchar(64)')
    .addColumn('opened_at', 'varchar(40)')
    .addColumn('closed_at', 'varchar(40)')
    .addColumn('rounds', 'integer', (c) => c.notNull())
    .addColumn('days', 'integer')
    .addColumn('problem', 'text', (c) => c.notNull())
    .addColumn('analysis', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('facts', 'text', (c) => c.notNull())
    .addColumn('redactions', 'text', (c) => c.notNull())
    .addColumn('imported_at', 'varchar(40)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('past_cases_number').on('past_cases').column('case_number').execute();
  await db.schema
    .createTable('past_messages')
    .addColumn('past_case_id', 'varchar(64)', (c) =>
      c.notNull().references('past_cases.id').onDelete('cascade'),
    )
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('role', 'varchar(16)', (c) => c.notNull())
    .addColumn('sender', 'varchar(64)', (c) => c.notNull())
    .addColumn('at', 'varchar(40)')
    .addColumn('body', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('past_messages_pk', ['past_case_id', 'seq'])
    .execute();
  await db.schema
    .createTable('past_signatures')
    .addColumn('kind', 'varchar(16)', (c) => c.notNull())
    .addColumn('value', 'varchar(400)', (c) => c.notNull())
    .addColumn('past_case_id', 'varchar(64)', (c) =>
      c.notNull().references('past_cases.id').onDelete('cascade'),
    )
    .addPrimaryKeyConstraint('past_signatures_pk', ['kind', 'value', 'past_case_id'])
    .execute();
  await db.schema.createIndex('past_signatures_case').on('past_signatures').column('past_case_id').execute();
  await db.schema
    .createTable('past_steps')
    .addColumn('past_case_id', 'varchar(64)', (c) =>
      c.notNull().references('past_cases.id').onDelete('cascade'),
    )
    .addColumn('step', 'varchar(64)', (c) => c.notNull())
    .addColumn('result', 'varchar(16)', (c) => c.notNull())
    .addPrimaryKeyConstraint('past_steps_pk', ['past_case_id', 'step'])
    .execute();
  if (pg) {
    await sql`create extension if not exists pg_trgm`.execute(db);
    await sql`create index past_cases_text_trgm on past_cases using gin (text gin_trgm_ops)`.execute(db);
  } else {
    await sql`create virtual table past_text using fts5(text, tokenize = 'trigram')`.execute(db);
  }
}

async function isPostgres(db: Kysely<unknown>): Promise<boolean> {
  try {
    await sql`select version()`.execute(db);
    return true;
  } catch {
    return false;
  }
}
