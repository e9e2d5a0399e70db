// The one query layer: a Kysely instance over better-sqlite3 (a file; WAL, foreign keys, busy timeout)
// or over pg (a `postgres://` URL), the write transaction both share, and the schema check and
// migrations run when a store is opened.

import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Kysely } from 'kysely';
import type Database from 'better-sqlite3';
import { loadDrivers, sql } from './kysely.js';
import { CaseStoreError, storeError } from './errors.js';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations/index.js';
import type { CaseDb } from './schema.js';

/** Which engine a store talks to. */
export type Dialect = 'sqlite' | 'postgres';

/** An open connection to a case database. */
export interface Connection {
  db: Kysely<CaseDb>;
  dialect: Dialect;
  /** The file path or the URL with its password hidden, for messages. */
  where: string;
}

/** True for a PostgreSQL URL. */
export function isPostgresUrl(target: string): boolean {
  return /^postgres(?:ql)?:\/\//i.test(target);
}

/** Hides the password of a URL for messages. */
export function displayTarget(target: string): string {
  return isPostgresUrl(target) ? target.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@') : target;
}

/** Opens the database without touching its schema (loading Kysely and the drivers the first time). */
export async function connect(target: string): Promise<Connection> {
  const { kysely, Database: Sqlite, pg } = await loadDrivers();
  const { Kysely: K, PostgresDialect, SqliteDialect } = kysely;
  if (isPostgresUrl(target)) {
    const pool = new pg.Pool({ connectionString: target, max: 4 });
    // An idle client's error (the server restarting) must not crash the program.
    pool.on('error', () => undefined);
    return {
      db: new K<CaseDb>({ dialect: new PostgresDialect({ pool }) }),
      dialect: 'postgres',
      where: displayTarget(target),
    };
  }
  const file = resolve(target);
  const where = file;
  let database: Database.Database;
  try {
    if (!existsSync(dirname(file))) mkdirSync(dirname(file), { recursive: true });
    database = new Sqlite(file, { timeout: 30_000 });
    // Reading the schema first fails cleanly on a file that is not SQLite, before anything is written.
    database.prepare('select count(*) from sqlite_master').get();
    if (database.pragma('journal_mode', { simple: true }) !== 'wal') database.pragma('journal_mode = WAL');
    database.pragma('foreign_keys = ON');
    // WAL with NORMAL survives a killed process; an OS crash may lose the last commits, never consistency.
    database.pragma('synchronous = NORMAL');
  } catch (err) {
    throw storeError(err, where);
  }
  return { db: new K<CaseDb>({ dialect: new SqliteDialect({ database }) }), dialect: 'sqlite', where };
}

/**
 * Runs `fn` as one write transaction: `BEGIN IMMEDIATE` on SQLite (writers queue on the busy timeout
 * instead of failing on a lock upgrade), `BEGIN` on PostgreSQL. Rolled back on any error.
 */
export async function writeTx<T>(conn: Connection, fn: (trx: Kysely<CaseDb>) => Promise<T>): Promise<T> {
  try {
    return await conn.db.connection().execute(async (c) => {
      await sql.raw(conn.dialect === 'sqlite' ? 'begin immediate' : 'begin').execute(c);
      try {
        const out = await fn(c);
        await sql.raw('commit').execute(c);
        return out;
      } catch (err) {
        await sql
          .raw('rollback')
          .execute(c)
          .catch(() => undefined);
        throw err;
      }
    });
  } catch (err) {
    throw storeError(err, conn.where);
  }
}

/** Serialises writers of the shared input folder on PostgreSQL (SQLite's write lock already does). */
export async function lockInputs(conn: Connection, trx: Kysely<CaseDb>): Promise<void> {
  if (conn.dialect === 'postgres') await sql`select pg_advisory_xact_lock(${7_311_042})`.execute(trx);
}

async function tableNames(conn: Connection): Promise<string[]> {
  const tables = await conn.db.introspection.getTables();
  return tables.map((t) => t.name);
}

/** The schema version of the database: 0 for an empty one. Throws for a database that is not ours. */
export async function schemaVersion(conn: Connection): Promise<number> {
  try {
    const names = await tableNames(conn);
    if (!names.includes('schema_version')) {
      if (names.length > 0)
        throw new CaseStoreError(
          'not-a-case-db',
          `${conn.where} holds tables (${names.slice(0, 5).join(', ')}) but no patchdx schema_version; it is not a patchdx case database. Nothing was changed.`,
        );
      return 0;
    }
    const row = await conn.db.selectFrom('schema_version').select('version').executeTakeFirst();
    return row ? Number(row.version) : 0;
  } catch (err) {
    throw storeError(err, conn.where);
  }
}

/**
 * Brings the schema to `target` (default: the newest known): the pending migrations and the version bump in
 * one transaction, so a failed or killed migration leaves the old schema. Refuses a database newer than this program, changing nothing.
 */
export async function migrate(conn: Connection, target = SCHEMA_VERSION): Promise<number> {
  const current = await schemaVersion(conn);
  if (current > SCHEMA_VERSION)
    throw new CaseStoreError(
      'schema-too-new',
      `${conn.where} has case schema version ${current}, newer than this patchdx knows (${SCHEMA_VERSION}). Update patchdx; nothing was changed.`,
    );
  if (current >= target) return current;
  return writeTx(conn, async (trx) => {
    if (conn.dialect === 'postgres') await sql`select pg_advisory_xact_lock(${7_311_041})`.execute(trx);
    // Another process may have migrated while this one waited for the lock.
    const names = (await trx.introspection.getTables()).map((t) => t.name);
    let v = 0;
    if (names.includes('schema_version')) {
      const row = await trx.selectFrom('schema_version').select('version').executeTakeFirst();
      v = row ? Number(row.version) : 0;
    } else {
      await trx.schema
        .createTable('schema_version')
        .addColumn('version', 'integer', (c) => c.notNull())
        .execute();
      await trx.insertInto('schema_version').values({ version: 0 }).execute();
    }
    for (const m of MIGRATIONS) {
      if (m.version <= v || m.version > target) continue;
      await m.up(trx as unknown as Kysely<unknown>);
      await trx.updateTable('schema_version').set({ version: m.version }).execute();
      v = m.version;
    }
    return v;
  });
}
