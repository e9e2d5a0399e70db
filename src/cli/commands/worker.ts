// `patchdx worker --queue redis://… --db postgres://…`: takes fleet jobs from BullMQ, checks each bundle's
// hash, analyses it on the analysis pool and writes the result to the database, until SIGINT/SIGTERM (the
// jobs in hand finish first). One line per job on stderr.

import { parseArgs } from 'node:util';
import {
  CaseStoreError,
  createAnalysisPool,
  defaultDbTarget,
  openFleetStore,
  QueueUnreachableError,
  startFleetWorker,
} from '../../index.js';
import type { Io } from '../io.js';
import { safeLine } from '../../report/safe-text.js';

/** What the worker needs of the process, handed in by main.ts. */
export interface WorkerContext {
  env: Record<string, string | undefined>;
  /** Aborted on SIGINT/SIGTERM: the worker finishes its jobs and stops. */
  signal: AbortSignal;
}

const USAGE = `Usage:
  patchdx worker --queue redis://127.0.0.1:6379 --db postgres://… [--concurrency N] [--queue-name NAME] [--prefix P]
                 [--lock-ms N] [--stalled-ms N]
Takes the jobs \`patchdx fleet --queue\` enqueued; --concurrency defaults to the machine's cores.
`;

export async function workerCommand(args: string[], io: Io, ctx: WorkerContext): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: {
        queue: { type: 'string' },
        db: { type: 'string' },
        concurrency: { type: 'string' },
        'queue-name': { type: 'string' },
        prefix: { type: 'string' },
        'lock-ms': { type: 'string' },
        'stalled-ms': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    io.err(`patchdx worker: ${safeLine((err as Error).message)}\n${USAGE}`);
    return 2;
  }
  const v = parsed.values;
  if (v.help) {
    io.out(USAGE);
    return 0;
  }
  if (!v.queue) {
    io.err(`patchdx worker: --queue redis://… is required\n${USAGE}`);
    return 2;
  }
  const nums: Record<string, number | undefined> = {};
  for (const k of ['concurrency', 'lock-ms', 'stalled-ms'] as const) {
    const s = v[k];
    if (s === undefined) continue;
    if (!/^[1-9]\d{0,6}$/.test(s)) {
      io.err(`patchdx worker: --${k} must be a whole number ≥ 1, not "${safeLine(s)}"\n`);
      return 2;
    }
    nums[k] = Number(s);
  }
  let store;
  try {
    store = await openFleetStore(defaultDbTarget(ctx.env, v.db));
  } catch (err) {
    io.err(`patchdx worker: ${safeLine((err as Error).message)}\n`);
    return 2;
  }
  const pool = createAnalysisPool({ threads: nums.concurrency });
  try {
    const worker = await startFleetWorker({
      store,
      pool,
      queue: { url: v.queue, name: v['queue-name'], prefix: v.prefix },
      concurrency: nums.concurrency ?? pool.threads,
      lockDurationMs: nums['lock-ms'],
      stalledIntervalMs: nums['stalled-ms'],
      onJob: (e) => {
        const what = `${e.job.sha256.slice(0, 12)} ${safeLine(e.job.path)}`;
        if (e.event === 'start') io.err(`worker: took ${what} (attempt ${e.attempt})\n`);
        else if (e.event === 'done') io.err(`worker: stored ${what}\n`);
        else io.err(`worker: failed ${what}: ${safeLine(e.reason ?? '')}\n`);
      },
    });
    await worker.ready;
    io.err(`worker: waiting for jobs (${nums.concurrency ?? pool.threads} at once)\n`);
    await new Promise<void>((res) => {
      if (ctx.signal.aborted) res();
      else ctx.signal.addEventListener('abort', () => res(), { once: true });
    });
    io.err('worker: stopping after the jobs in hand\n');
    await worker.close();
    return 0;
  } catch (err) {
    if (err instanceof QueueUnreachableError || err instanceof CaseStoreError) {
      io.err(`patchdx worker: ${safeLine(err.message)}\n`);
      return 2;
    }
    throw err;
  } finally {
    await pool.close();
    await store.close();
  }
}
