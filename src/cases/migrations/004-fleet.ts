// Schema 4: the fleet. One diagnosis per bundle content and analyzer version (`fleet_results`, compact JSON:
// the root findings with a few evidence lines, the machine facts, no sources or full logs), the runs over a
// folder or list of bundles (`fleet_runs`) and what each run saw (`fleet_run_bundles`: path, machine, hash,
// or why it could not be read), and a hash cache by path, size and mtime so a re-run does not hash again.

import type { Kysely } from 'kysely';

/** Creates the fleet tables. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('fleet_results')
    .addColumn('sha256', 'varchar(64)', (c) => c.notNull())
    .addColumn('version', 'varchar(32)', (c) => c.notNull())
    .addColumn('status', 'varchar(8)', (c) => c.notNull())
    .addColumn('verdict', 'varchar(16)')
    .addColumn('error', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('result', 'text')
    .addColumn('bytes', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('ms', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('analysed_at', 'varchar(40)', (c) => c.notNull())
    .addColumn('analysed_by', 'varchar(200)')
    .addPrimaryKeyConstraint('fleet_results_pk', ['sha256', 'version'])
    .execute();
  await db.schema
    .createTable('fleet_runs')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('version', 'varchar(32)', (c) => c.notNull())
    .addColumn('mode', 'varchar(8)', (c) => c.notNull())
    .addColumn('started_at', 'varchar(40)', (c) => c.notNull())
    .addColumn('finished_at', 'varchar(40)')
    .addColumn('bundles', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createTable('fleet_run_bundles')
    .addColumn('run_id', 'varchar(64)', (c) => c.notNull().references('fleet_runs.id').onDelete('cascade'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('machine', 'text', (c) => c.notNull())
    .addColumn('sha256', 'varchar(64)')
    .addColumn('bytes', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('error', 'text')
    .addPrimaryKeyConstraint('fleet_run_bundles_pk', ['run_id', 'seq'])
    .execute();
  await db.schema.createIndex('fleet_run_bundles_sha').on('fleet_run_bundles').column('sha256').execute();
  await db.schema
    .createTable('fleet_hash_cache')
    .addColumn('path', 'varchar(2000)', (c) => c.primaryKey())
    .addColumn('bytes', 'bigint', (c) => c.notNull())
    .addColumn('mtime_ms', 'bigint', (c) => c.notNull())
    .addColumn('sha256', 'varchar(64)', (c) => c.notNull())
    .execute();
}
