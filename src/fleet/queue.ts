// Scale-out over Redis with BullMQ: the coordinator hashes the bundles, records the run in PostgreSQL and
// enqueues one job per bundle content (job id = SHA-256 + analyzer version, so a content is never queued
// twice); workers on any number of machines take jobs, check the bundle's hash, analyse it on their pool
// and write the compact result to PostgreSQL, idempotent by (sha256, version). A worker killed mid-job
// loses its lock and BullMQ's stalled-job check gives the job to another worker; a bundle that makes the
// analyzer fail is tried `attempts` times, then stored as failed with its reason; the run goes on.

import { connect as netConnect } from 'node:net';
import { hostname } from 'node:os';
import type { ConnectionOptions, Job } from 'bullmq';

/** BullMQ (and its Redis client) is loaded only when a queue is used: the rest of patchdx starts without it. */
const bullmq = (): Promise<typeof import('bullmq')> => import('bullmq');
import type { AnalysisPool } from '../pool/pool.js';
import { VERSION } from '../version.js';
import { clusterFleet } from './cluster.js';
import { hashBundle } from './scan.js';
import {
  analyzeBundle,
  progressOf,
  reasonOf,
  startFleetRun,
  type FleetOutcome,
  type FleetProgress,
} from './run.js';
import type { FleetStore } from './store.js';

/** Default queue name; `prefix` separates deployments (and tests) on one Redis. */
export const DEFAULT_QUEUE_NAME = 'patchdx-fleet';

/** What a job carries. */
export interface FleetJobData {
  path: string;
  sha256: string;
  version: string;
}

/** Where the queue is. */
export interface QueueTarget {
  /** `redis://[user:password@]host:port[/db]`. */
  url: string;
  name?: string;
  prefix?: string;
}

/** Redis is not reachable (or answers wrong): the message says where and what to do. */
export class QueueUnreachableError extends Error {
  override readonly name = 'QueueUnreachableError';
}

/** Hides the password of a Redis URL for messages. */
export function displayRedis(url: string): string {
  return url.replace(/\/\/([^:/@]*):[^@]*@/, '//$1:***@');
}

interface RedisTarget {
  host: string;
  port: number;
  username?: string;
  password?: string;
  db: number;
  tls?: object;
  maxRetriesPerRequest: null;
}

function connectionOf(url: string): RedisTarget {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new QueueUnreachableError(`${displayRedis(url)} is not a Redis URL (redis://host:port)`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:')
    throw new QueueUnreachableError(`${displayRedis(url)} is not a Redis URL (redis://host:port)`);
  const db = Number(u.pathname.replace(/^\//, '') || 0);
  return {
    host: u.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1',
    port: Number(u.port || 6379),
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: Number.isInteger(db) ? db : 0,
    tls: u.protocol === 'rediss:' ? {} : undefined,
    // BullMQ's workers block on Redis: commands must wait for a reconnect rather than fail.
    maxRetriesPerRequest: null,
  };
}

function encodeRedis(parts: string[]): string {
  return parts
    .map((p) => `$${Buffer.byteLength(p)}\r\n${p}\r\n`)
    .reduce((s, p) => s + p, `*${parts.length}\r\n`);
}

/**
 * Checks that Redis answers (AUTH when the URL has a password, then PING) within `timeoutMs`, so an
 * unreachable server is a clear error at once instead of endless reconnects.
 */
export async function checkRedis(url: string, timeoutMs = 5000): Promise<void> {
  const c = connectionOf(url);
  if (c.tls) return; // TLS servers are checked by the first BullMQ command.
  await new Promise<void>((resolve, reject) => {
    const sock = netConnect({ host: c.host, port: c.port });
    let buf = '';
    const fail = (why: string): void => {
      sock.destroy();
      reject(
        new QueueUnreachableError(
          `cannot reach Redis at ${displayRedis(url)} (${why}). Check that redis-server runs and the URL is right.`,
        ),
      );
    };
    const timer = setTimeout(() => fail(`no answer within ${timeoutMs} ms`), timeoutMs);
    sock.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      fail(err.code ?? err.message);
    });
    sock.on('connect', () => {
      let cmd = '';
      if (c.password)
        cmd += encodeRedis(c.username ? ['AUTH', c.username, c.password] : ['AUTH', c.password]);
      cmd += encodeRedis(['PING']);
      sock.write(cmd);
    });
    sock.on('data', (d) => {
      buf += d.toString('latin1');
      if (buf.startsWith('-')) {
        clearTimeout(timer);
        fail(buf.split('\r\n')[0]!.slice(1));
      } else if (buf.includes('+PONG')) {
        clearTimeout(timer);
        sock.end();
        resolve();
      }
    });
  });
}

/** The job id of a content: its SHA-256 and the analyzer version (BullMQ ids may not hold `:`). */
export function jobIdOf(sha256: string, version: string): string {
  return `${sha256}-v${version.replace(/[^0-9A-Za-z.+-]/g, '_')}`;
}

/** What a coordinator run needs. */
export interface QueueRunOptions {
  store: FleetStore;
  queue: QueueTarget;
  version?: string;
  /** Tries per job before it is stored as failed (default 3). */
  attempts?: number;
  /** Delay before a retry (default 1 s, doubling). */
  backoffMs?: number;
  /** How often the coordinator reads progress from the database (default 1 s). */
  pollMs?: number;
  onProgress?: (p: FleetProgress) => void;
  onEnqueued?: (jobs: number) => void;
  signal?: AbortSignal;
  now?: () => number;
}

/**
 * The coordinator: records the run, enqueues one job per content without a stored result, waits while
 * workers store the results (progress from the database), and builds the cluster report from it.
 */
export async function runFleetQueue(source: string, opts: QueueRunOptions): Promise<FleetOutcome> {
  const version = opts.version ?? VERSION;
  const now = opts.now ?? (() => performance.now());
  const start = now();
  await checkRedis(opts.queue.url);
  const { store } = opts;
  const { run } = await startFleetRun(source, store, 'queue', version, (n, total) =>
    opts.onProgress?.(progressOf(start, now(), total, 0, n, 0, 'hashing')),
  );
  const before = await store.progress(run.id, version);
  const todo = await store.pending(run.id, version);
  const { Queue } = await bullmq();
  const queue = new Queue<FleetJobData>(opts.queue.name ?? DEFAULT_QUEUE_NAME, {
    connection: connectionOf(opts.queue.url) as ConnectionOptions,
    prefix: opts.queue.prefix,
  });
  queue.on('error', () => undefined);
  try {
    for (let i = 0; i < todo.length; i += 500) {
      await queue.addBulk(
        todo.slice(i, i + 500).map((t) => ({
          name: 'analyze',
          data: { path: t.path, sha256: t.sha256, version },
          opts: {
            jobId: jobIdOf(t.sha256, version),
            attempts: opts.attempts ?? 3,
            backoff: { type: 'exponential', delay: opts.backoffMs ?? 1000 },
            // Finished jobs leave Redis (the result is in the database), so a later run can queue the id again.
            removeOnComplete: true,
            removeOnFail: true,
          },
        })),
      );
    }
  } finally {
    await queue.close();
  }
  opts.onEnqueued?.(todo.length);
  const reused = before.ok;
  for (;;) {
    const p = await store.progress(run.id, version);
    const done = p.remaining === 0;
    opts.onProgress?.(progressOf(start, now(), p.total, reused, p.ok, p.failed, done ? 'done' : 'analysing'));
    if (done) break;
    await new Promise((res, rej) => {
      const t = setTimeout(res, opts.pollMs ?? 1000);
      opts.signal?.addEventListener(
        'abort',
        () => {
          clearTimeout(t);
          rej(opts.signal!.reason);
        },
        { once: true },
      );
    });
  }
  await store.finishRun(run.id);
  const finished = (await store.run(run.id))!;
  return {
    run: finished,
    report: clusterFleet(finished, await store.rows(run.id, version)),
    analysed: todo.length,
    reused,
  };
}

/** What a worker needs. */
export interface FleetWorkerOptions {
  store: FleetStore;
  pool: AnalysisPool;
  queue: QueueTarget;
  /** Jobs at once (default: the pool's threads). */
  concurrency?: number;
  /** How long a job's lock lasts without renewal, and how often stalled jobs are looked for (BullMQ defaults 30 s). */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  version?: string;
  /** Told when a job starts and ends (for the worker's log). */
  onJob?: (e: {
    event: 'start' | 'done' | 'failed';
    job: FleetJobData;
    attempt: number;
    reason?: string;
  }) => void;
}

/** A running worker; `close()` lets the jobs in hand finish, then stops. */
export interface FleetWorker {
  close(): Promise<void>;
  /** Resolves when the worker has connected to Redis. */
  ready: Promise<void>;
}

/** Starts a worker that analyses the queue's jobs on the pool and stores their results. */
export async function startFleetWorker(opts: FleetWorkerOptions): Promise<FleetWorker> {
  await checkRedis(opts.queue.url);
  const { UnrecoverableError, Worker } = await bullmq();
  const version = opts.version ?? VERSION;
  const by = `${hostname()}:${process.pid}`;
  const processor = async (job: Job<FleetJobData>): Promise<void> => {
    const d = job.data;
    const attempt = job.attemptsMade + 1;
    const maxAttempts = job.opts.attempts ?? 1;
    opts.onJob?.({ event: 'start', job: d, attempt });
    const failed = async (reason: string, final: boolean): Promise<void> => {
      opts.onJob?.({ event: 'failed', job: d, attempt, reason });
      if (final)
        await opts.store.saveResult({
          sha256: d.sha256,
          version: d.version,
          status: 'failed',
          verdict: null,
          error: reason,
          attempts: attempt,
          result: null,
          bytes: 0,
          ms: 0,
          by,
        });
    };
    if (d.version !== version) {
      const reason = `the job is for patchdx ${d.version}; this worker runs ${version}`;
      await failed(reason, true);
      throw new UnrecoverableError(reason);
    }
    // Another worker (or an earlier try) may have stored it already: counted once.
    if (await opts.store.hasResult(d.sha256, d.version)) {
      opts.onJob?.({ event: 'done', job: d, attempt });
      return;
    }
    let actual: string;
    try {
      actual = (await hashBundle(d.path)).sha256;
    } catch (err) {
      const reason = `cannot read the bundle ${d.path} (${(err as NodeJS.ErrnoException).code ?? reasonOf(err)})`;
      await failed(reason, true);
      throw new UnrecoverableError(reason);
    }
    if (actual !== d.sha256) {
      const reason = `the bundle changed since it was queued: SHA-256 ${actual}, expected ${d.sha256}`;
      await failed(reason, true);
      throw new UnrecoverableError(reason);
    }
    try {
      const r = await analyzeBundle(opts.pool, d.path, d.sha256, d.version);
      await opts.store.saveResult({ ...r, attempts: attempt, by });
    } catch (err) {
      const reason = reasonOf(err);
      await failed(reason, attempt >= maxAttempts);
      throw err;
    }
    opts.onJob?.({ event: 'done', job: d, attempt });
  };
  const worker = new Worker<FleetJobData>(opts.queue.name ?? DEFAULT_QUEUE_NAME, processor, {
    connection: connectionOf(opts.queue.url) as ConnectionOptions,
    prefix: opts.queue.prefix,
    concurrency: Math.max(1, opts.concurrency ?? opts.pool.threads),
    lockDuration: opts.lockDurationMs ?? 30_000,
    stalledInterval: opts.stalledIntervalMs ?? 30_000,
    maxStalledCount: 2,
  });
  worker.on('error', () => undefined);
  return {
    ready: worker.waitUntilReady().then(() => undefined),
    close: () => worker.close(),
  };
}
