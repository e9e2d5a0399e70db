// Schema 1: cases, their machines and rounds, the contact log and the content-addressed inputs.

import type { Kysely } from 'kysely';

/** Creates the tables of schema 1. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('cases')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('number', 'varchar(200)', (c) => c.notNull().unique())
    .addColumn('customer', 'text')
    .addColumn('org', 'text')
    .addColumn('contact_name', 'text')
    .addColumn('contact_phone', 'text')
    .addColumn('contact_email', 'text')
    .addColumn('priority', 'text')
    .addColumn('engineer', 'text')
    .addColumn('product', 'text')
    .addColumn('problem', 'text')
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('opened_at', 'varchar(40)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(40)', (c) => c.notNull())
    .addColumn('last_contact_at', 'varchar(40)')
    .addColumn('next_contact', 'varchar(10)')
    .addColumn('closed_at', 'varchar(40)')
    .addColumn('cause', 'text')
    .addColumn('resolution', 'text')
    .execute();
  await db.schema
    .createTable('machines')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('case_id', 'varchar(64)', (c) => c.notNull().references('cases.id').onDelete('cascade'))
    .addColumn('name', 'varchar(200)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(40)', (c) => c.notNull())
    .addUniqueConstraint('machines_case_name', ['case_id', 'name'])
    .execute();
  await db.schema
    .createTable('inputs')
    .addColumn('sha256', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('bytes', 'bigint', (c) => c.notNull())
    .addColumn('first_name', 'text', (c) => c.notNull())
    .addColumn('stored_at', 'varchar(40)', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('rounds')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('machine_id', 'varchar(64)', (c) => c.notNull().references('machines.id').onDelete('cascade'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('added_at', 'varchar(40)', (c) => c.notNull())
    .addColumn('input_name', 'text', (c) => c.notNull())
    .addColumn('input_sha256', 'varchar(64)')
    .addColumn('input_bytes', 'bigint', (c) => c.notNull())
    .addColumn('input_kept', 'integer', (c) => c.notNull())
    .addColumn('verdict', 'varchar(16)', (c) => c.notNull())
    .addColumn('diagnosis', 'text', (c) => c.notNull())
    .addUniqueConstraint('rounds_machine_seq', ['machine_id', 'seq'])
    .execute();
  await db.schema
    .createTable('contacts')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('case_id', 'varchar(64)', (c) => c.notNull().references('cases.id').onDelete('cascade'))
    .addColumn('at', 'varchar(40)', (c) => c.notNull())
    .addColumn('kind', 'varchar(16)', (c) => c.notNull())
    .addColumn('engineer', 'text')
    .addColumn('text', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('contacts_case_at').on('contacts').columns(['case_id', 'at']).execute();
  await db.schema.createIndex('machines_case').on('machines').column('case_id').execute();
}
