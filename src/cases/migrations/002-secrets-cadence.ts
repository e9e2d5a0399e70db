// Schema 2: secret fields of a case (an upload-portal credential, shown only on request, never exported),
// a per-case follow-up cadence, machine and round counts kept on the case (filled from schema 1's rows),
// and the indexes `case list --due [--engineer]` reads in order.

import type { Kysely } from 'kysely';
import { sql } from '../kysely.js';

/** Adds the secrets table, `cases.follow_up_days`, the counts and the due-date indexes. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('case_secrets')
    .addColumn('case_id', 'varchar(64)', (c) => c.notNull().references('cases.id').onDelete('cascade'))
    .addColumn('name', 'varchar(100)', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('case_secrets_pk', ['case_id', 'name'])
    .execute();
  await db.schema.alterTable('cases').addColumn('follow_up_days', 'integer').execute();
  await db.schema
    .alterTable('cases')
    .addColumn('machine_count', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable('cases')
    .addColumn('round_count', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await sql`update cases set
      machine_count = (select count(*) from machines m where m.case_id = cases.id),
      round_count = (select count(*) from rounds r join machines m on m.id = r.machine_id where m.case_id = cases.id)`.execute(
    db,
  );
  await db.schema
    .createIndex('cases_status_next')
    .on('cases')
    .columns(['status', 'next_contact', 'number'])
    .execute();
  await db.schema
    .createIndex('cases_engineer_next')
    .on('cases')
    .columns(['engineer', 'status', 'next_contact', 'number'])
    .execute();
}
