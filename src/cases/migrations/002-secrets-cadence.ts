// Schema 2: secret fields of a case (an upload-portal credential, shown only on request, never exported),
// a per-case follow-up cadence, and the index `case list --due` reads.

import type { Kysely } from 'kysely';

/** Adds the secrets table, `cases.follow_up_days` and the due-date index. */
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
    .createIndex('cases_status_next')
    .on('cases')
    .columns(['status', 'next_contact', 'number'])
    .execute();
  await db.schema.createIndex('cases_engineer').on('cases').column('engineer').execute();
}
