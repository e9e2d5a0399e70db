// Where a fleet keeps its work: the case store's database (SQLite or PostgreSQL through the same Kysely
// layer, schema 4). A diagnosis is stored once per bundle content and analyzer version, so a re-run, a
// second worker or a retried job never analyses or counts the same bundle twice; runs record what they saw.

import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { connect, migrate, writeTx, type Connection } from '../cases/db.js';
import { storeError } from '../cases/errors.js';
import type { CaseDb, FleetResultsTable } from '../cases/schema.js';
import type { CompactDiagnosis } from './compact.js';
import type { HashCache, HashedBundle } from './scan.js';

/** Rows inserted per statement (PostgreSQL allows 65,535 parameters). */
const BATCH = 500;

/** The outcome of one bundle's analysis, as a worker or the local pool reports it. */
export interface BundleResult {
  sha256: string;
  version: string;
  status: 'ok' | 'failed';
  verdict: string | null;
  error: string | null;
  attempts: number;
  result: CompactDiagnosis | null;
  bytes: number;
  ms: number;
  by: string | null;
}

/** A bundle of a run with its stored result (null: not analysed yet). */
export interface RunRow {
  seq: number;
  path: string;
  machine: string;
  sha256: string | null;
  bytes: number;
  /** Why the bundle could not be read at all (no hash). */
  error: string | null;
  result: BundleResult | null;
}

/** A recorded run. */
export interface FleetRun {
  id: string;
  source: string;
  version: string;
  mode: 'local' | 'queue';
  startedAt: string;
  finishedAt: string | null;
  bundles: number;
}

/** How far a run has come: distinct bundle contents done, failed and waiting. */
export interface RunProgress {
  total: number;
  ok: number;
  failed: number;
  remaining: number;
}

function fromRow(r: FleetResultsTable): BundleResult {
  return {
    sha256: r.sha256,
    version: r.version,
    status: r.status,
    verdict: r.verdict,
    error: r.error,
    attempts: Number(r.attempts),
    result: r.result ? (JSON.parse(r.result) as CompactDiagnosis) : null,
    bytes: Number(r.bytes),
    ms: Number(r.ms),
    by: r.analysed_by,
  };
}

/** The fleet's tables in the case database. */
export class FleetStore {
  constructor(
    private readonly conn: Connection,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private get db(): Kysely<CaseDb> {
    return this.conn.db;
  }

  /** The file or URL (password hidden), for messages. */
  get where(): string {
    return this.conn.where;
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }

  /** A hash cache over `fleet_hash_cache`. */
  hashCache(): HashCache {
    return {
      get: async (path) => {
        const r = await this.db
          .selectFrom('fleet_hash_cache')
          .selectAll()
          .where('path', '=', path)
          .executeTakeFirst()
          .catch((err: unknown) => {
            throw storeError(err, this.where);
          });
        return r ? { bytes: Number(r.bytes), mtimeMs: Number(r.mtime_ms), sha256: r.sha256 } : null;
      },
      put: async (path, e) => {
        if (path.length > 2000) return;
        await this.db
          .insertInto('fleet_hash_cache')
          .values({ path, bytes: e.bytes, mtime_ms: e.mtimeMs, sha256: e.sha256 })
          .onConflict((oc) =>
            oc.column('path').doUpdateSet({ bytes: e.bytes, mtime_ms: e.mtimeMs, sha256: e.sha256 }),
          )
          .execute()
          .catch((err: unknown) => {
            throw storeError(err, this.where);
          });
      },
    };
  }

  /**
   * Records a run and the bundles it saw (one transaction), and forgets the failed results of its bundles
   * so they are tried again. Returns the run.
   */
  async startRun(
    source: string,
    version: string,
    mode: FleetRun['mode'],
    bundles: readonly HashedBundle[],
  ): Promise<FleetRun> {
    const run: FleetRun = {
      id: randomUUID(),
      source,
      version,
      mode,
      startedAt: this.now().toISOString(),
      finishedAt: null,
      bundles: bundles.length,
    };
    await writeTx(this.conn, async (trx) => {
      await trx
        .insertInto('fleet_runs')
        .values({
          id: run.id,
          source,
          version,
          mode,
          started_at: run.startedAt,
          finished_at: null,
          bundles: bundles.length,
        })
        .execute();
      for (let i = 0; i < bundles.length; i += BATCH) {
        const part = bundles.slice(i, i + BATCH);
        await trx
          .insertInto('fleet_run_bundles')
          .values(
            part.map((b) => ({
              run_id: run.id,
              seq: b.seq,
              path: b.path,
              machine: b.machine,
              sha256: b.sha256,
              bytes: b.bytes,
              error: b.error,
            })),
          )
          .execute();
        const shas = part.map((b) => b.sha256).filter((s): s is string => s !== null);
        if (shas.length > 0)
          await trx
            .deleteFrom('fleet_results')
            .where('version', '=', version)
            .where('status', '=', 'failed')
            .where('sha256', 'in', shas)
            .execute();
      }
    });
    return run;
  }

  /** Marks a run finished. */
  async finishRun(id: string): Promise<void> {
    await this.db
      .updateTable('fleet_runs')
      .set({ finished_at: this.now().toISOString() })
      .where('id', '=', id)
      .execute()
      .catch((err: unknown) => {
        throw storeError(err, this.where);
      });
  }

  /** The run with this id, or the latest one. */
  async run(id?: string): Promise<FleetRun | null> {
    let q = this.db.selectFrom('fleet_runs').selectAll();
    q = id ? q.where('id', '=', id) : q.orderBy('started_at', 'desc').limit(1);
    const r = await q.executeTakeFirst().catch((err: unknown) => {
      throw storeError(err, this.where);
    });
    return r
      ? {
          id: r.id,
          source: r.source,
          version: r.version,
          mode: r.mode,
          startedAt: r.started_at,
          finishedAt: r.finished_at,
          bundles: Number(r.bundles),
        }
      : null;
  }

  /** The distinct contents of a run that have no result yet (one path each), in the run's order. */
  async pending(runId: string, version: string): Promise<{ sha256: string; path: string }[]> {
    const rows = await this.db
      .selectFrom('fleet_run_bundles as b')
      .leftJoin('fleet_results as r', (j) =>
        j.onRef('r.sha256', '=', 'b.sha256').on('r.version', '=', version),
      )
      .select(['b.sha256', 'b.path', 'b.seq'])
      .where('b.run_id', '=', runId)
      .where('b.sha256', 'is not', null)
      .where('r.sha256', 'is', null)
      .orderBy('b.seq')
      .execute()
      .catch((err: unknown) => {
        throw storeError(err, this.where);
      });
    const seen = new Set<string>();
    const out: { sha256: string; path: string }[] = [];
    for (const r of rows) {
      if (!r.sha256 || seen.has(r.sha256)) continue;
      seen.add(r.sha256);
      out.push({ sha256: r.sha256, path: r.path });
    }
    return out;
  }

  /** Distinct contents of a run: total, analysed, failed, still waiting. */
  async progress(runId: string, version: string): Promise<RunProgress> {
    const rows = await this.db
      .selectFrom('fleet_run_bundles as b')
      .leftJoin('fleet_results as r', (j) =>
        j.onRef('r.sha256', '=', 'b.sha256').on('r.version', '=', version),
      )
      .select(['b.sha256', 'r.status'])
      .distinct()
      .where('b.run_id', '=', runId)
      .where('b.sha256', 'is not', null)
      .execute()
      .catch((err: unknown) => {
        throw storeError(err, this.where);
      });
    let ok = 0;
    let failed = 0;
    for (const r of rows) {
      if (r.status === 'ok') ok++;
      else if (r.status === 'failed') failed++;
    }
    return { total: rows.length, ok, failed, remaining: rows.length - ok - failed };
  }

  /**
   * Stores a result. Idempotent by (sha256, version): a second ok result of the same content is ignored,
   * an ok result replaces a failed one, a failed result never replaces an ok one.
   */
  async saveResult(r: BundleResult): Promise<void> {
    const row = {
      sha256: r.sha256,
      version: r.version,
      status: r.status,
      verdict: r.verdict,
      error: r.error,
      attempts: r.attempts,
      result: r.result ? JSON.stringify(r.result) : null,
      bytes: r.bytes,
      ms: Math.round(r.ms),
      analysed_at: this.now().toISOString(),
      analysed_by: r.by,
    };
    await this.db
      .insertInto('fleet_results')
      .values(row)
      .onConflict((oc) =>
        oc
          .columns(['sha256', 'version'])
          .doUpdateSet({
            status: row.status,
            verdict: row.verdict,
            error: row.error,
            attempts: row.attempts,
            result: row.result,
            bytes: row.bytes,
            ms: row.ms,
            analysed_at: row.analysed_at,
            analysed_by: row.analysed_by,
          })
          .where('fleet_results.status', '=', 'failed'),
      )
      .execute()
      .catch((err: unknown) => {
        throw storeError(err, this.where);
      });
  }

  /** Whether an ok result of this content and version is stored. */
  async hasResult(sha256: string, version: string): Promise<boolean> {
    const r = await this.db
      .selectFrom('fleet_results')
      .select('status')
      .where('sha256', '=', sha256)
      .where('version', '=', version)
      .executeTakeFirst()
      .catch((err: unknown) => {
        throw storeError(err, this.where);
      });
    return r?.status === 'ok';
  }

  /** Every bundle of a run with its result, in the run's order. */
  async rows(runId: string, version: string): Promise<RunRow[]> {
    const rows = await this.db
      .selectFrom('fleet_run_bundles as b')
      .leftJoin('fleet_results as r', (j) =>
        j.onRef('r.sha256', '=', 'b.sha256').on('r.version', '=', version),
      )
      .select([
        'b.seq',
        'b.path',
        'b.machine',
        'b.sha256 as bsha',
        'b.bytes as bbytes',
        'b.error as berror',
        'r.sha256',
        'r.version',
        'r.status',
        'r.verdict',
        'r.error',
        'r.attempts',
        'r.result',
        'r.bytes',
        'r.ms',
        'r.analysed_at',
        'r.analysed_by',
      ])
      .where('b.run_id', '=', runId)
      .orderBy('b.seq')
      .execute()
      .catch((err: unknown) => {
        throw storeError(err, this.where);
      });
    return rows.map((r) => ({
      seq: Number(r.seq),
      path: r.path,
      machine: r.machine,
      sha256: r.bsha,
      bytes: Number(r.bbytes),
      error: r.berror,
      result: r.sha256 ? fromRow(r as unknown as FleetResultsTable) : null,
    }));
  }

  /** Results stored for a version (all runs), for counting. */
  async resultCount(version: string): Promise<{ ok: number; failed: number }> {
    const rows = await this.db
      .selectFrom('fleet_results')
      .select(['status', (eb) => eb.fn.countAll<string>().as('n')])
      .where('version', '=', version)
      .groupBy('status')
      .execute()
      .catch((err: unknown) => {
        throw storeError(err, this.where);
      });
    const n = (s: string): number => Number(rows.find((r) => r.status === s)?.n ?? 0);
    return { ok: n('ok'), failed: n('failed') };
  }
}

/** Opens the fleet's store in a case database (SQLite file or `postgres://` URL), migrating it if needed. */
export async function openFleetStore(target: string, opts: { now?: () => Date } = {}): Promise<FleetStore> {
  const conn = await connect(target);
  try {
    await migrate(conn);
  } catch (err) {
    await conn.db.destroy().catch(() => undefined);
    throw storeError(err, conn.where);
  }
  return new FleetStore(conn, opts.now);
}
