// The fleet through BullMQ with real Redis and PostgreSQL on loopback and two real worker processes
// (`node dist/src/cli/main.js worker`): one is killed with SIGKILL mid-job and the job is taken again by
// the other and counted once; a bundle that makes the analyzer throw fails after its attempts with the
// reason and the run goes on; a job whose bundle changed fails on the hash check; a re-run resumes; an
// unreachable Redis or PostgreSQL is a clear error. Each test has its own queue prefix and database.

import assert from 'node:assert/strict';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Queue } from 'bullmq';
import { fleetCommand } from '../cli/commands/fleet.js';
import { workerCommand } from '../cli/commands/worker.js';
import { BIN, captureIo, makeBackend } from '../cases/store-test-support.js';
import { corpusPath } from '../testing/paths.js';
import { hashBundle, jobIdOf, openFleetStore, VERSION, type FleetReport } from '../index.js';

const REDIS = process.env.PATCHDX_TEST_REDIS ?? 'redis://127.0.0.1:6379';
const HOOK = new URL('./fleet-test-support.js', import.meta.url).pathname;

function redisHostPort(): string[] {
  const u = new URL(REDIS);
  return ['-h', u.hostname, '-p', u.port || '6379'];
}

/** Deletes every key of a test's queue prefix. */
function dropPrefix(prefix: string): void {
  const keys = execFileSync('redis-cli', [...redisHostPort(), '--scan', '--pattern', `${prefix}:*`], {
    encoding: 'utf8',
  })
    .split('\n')
    .filter(Boolean);
  for (let i = 0; i < keys.length; i += 100)
    execFileSync('redis-cli', [...redisHostPort(), 'del', ...keys.slice(i, i + 100)]);
}

interface Proc {
  child: ChildProcess;
  err: () => string;
  exited: Promise<number | null>;
}

function startWorker(db: string, prefix: string, crashSha: string): Proc {
  const child = spawn(
    process.execPath,
    [
      '--import',
      HOOK,
      BIN,
      'worker',
      '--queue',
      REDIS,
      '--db',
      db,
      '--prefix',
      prefix,
      '--concurrency',
      '1',
      '--lock-ms',
      '2000',
      '--stalled-ms',
      '1000',
    ],
    {
      env: {
        PATH: process.env.PATH ?? '',
        LANG: 'C',
        PATCHDX_TEST_SLOW_MS: '1500',
        PATCHDX_TEST_CRASH_SHA: crashSha,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let err = '';
  child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
  const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
  return { child, err: () => err, exited };
}

async function until(what: string, fn: () => boolean | Promise<boolean>, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test(
  'two workers, one killed mid-job: every bundle counted once, a crashing bundle fails with its reason, a re-run resumes',
  { timeout: 120_000 },
  async () => {
    const b = await makeBackend('postgres');
    const prefix = `patchdx-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
    const workers: Proc[] = [];
    try {
      const fleet = join(b.dir, 'fleet');
      mkdirSync(fleet);
      copyFileSync(corpusPath('dism02-appostarsi-w11-wim-source', 'dism.log'), join(fleet, 'PC-A.log'));
      copyFileSync(corpusPath('dism02-appostarsi-w11-wim-source', 'dism.log'), join(fleet, 'PC-A2.log'));
      copyFileSync(corpusPath('dism04-iideerii-netfx3-0x800f081f', 'dism.log'), join(fleet, 'PC-B.log'));
      copyFileSync(corpusPath('sfc02-emmanuel-sfcdetails-clean', 'sfcdetails.txt'), join(fleet, 'PC-C.txt'));
      copyFileSync(corpusPath('cbs05-howard-healthy', 'CBS.log'), join(fleet, 'PC-D.log'));
      copyFileSync(corpusPath('sfc02-emmanuel-sfcdetails-clean', 'sfcdetails.txt'), join(fleet, 'PC-X.txt'));
      appendFileSync(join(fleet, 'PC-X.txt'), 'crash me\r\n');
      const crashSha = (await hashBundle(join(fleet, 'PC-X.txt'))).sha256;

      // The coordinator (in-process) records the run and enqueues 5 jobs for 6 bundles (PC-A2 = PC-A).
      const c = captureIo();
      const args = [
        fleet,
        '--queue',
        REDIS,
        '--prefix',
        prefix,
        '--db',
        b.target,
        '--attempts',
        '2',
        '--format',
        'json',
        '--progress',
      ];
      const run1 = fleetCommand(args, c.io, { env: {} });
      await until('jobs queued', () => /5 jobs queued/.test(c.err()));

      workers.push(startWorker(b.target, prefix, crashSha), startWorker(b.target, prefix, crashSha));
      const [w1, w2] = workers as [Proc, Proc];
      await until('a worker took a job', () => /took /.test(w1.err() + w2.err()));
      const victim = /took /.test(w1.err()) ? w1 : w2;
      const other = victim === w1 ? w2 : w1;
      const killedSha = /took ([0-9a-f]{12})/.exec(victim.err())![1]!;
      victim.child.kill('SIGKILL');
      await victim.exited;

      assert.equal(await run1, 1, c.err());
      const report = JSON.parse(c.out()) as FleetReport;
      assert.deepEqual(report.totals, {
        bundles: 6,
        failed: 3,
        healthy: 2,
        unreadable: 1,
        pending: 0,
        clusters: 2,
      });
      assert.deepEqual(
        report.clusters.map((x) => x.machineList.map((m) => m.machine)),
        [['PC-A', 'PC-A2'], ['PC-B']],
      );
      assert.deepEqual(report.unreadable, [
        {
          machine: 'PC-X',
          path: join(fleet, 'PC-X.txt'),
          reason: 'analysis failed after 2 attempts: the analyzer crashed on this bundle (test hook)',
        },
      ]);
      // The killed worker's job was taken again by the other worker and stored once.
      assert.match(other.err(), new RegExp(`took ${killedSha} `));
      const store = await openFleetStore(b.target);
      try {
        assert.deepEqual(await store.resultCount(VERSION), { ok: 4, failed: 1 });
        const rows = await store.rows(report.run.id, VERSION);
        const killed = rows.filter((r) => r.sha256?.startsWith(killedSha));
        assert.ok(killed.length >= 1);
        assert.equal(new Set(killed.map((r) => r.result?.by)).size, 1);
        assert.match(killed[0]!.result!.by!, new RegExp(`:${other.child.pid}$`));

        // A job whose bundle is not the content it names fails on the hash check, not in the analyzer.
        const q = new Queue('patchdx-fleet', {
          connection: { host: '127.0.0.1', port: Number(new URL(REDIS).port || 6379) },
          prefix,
        });
        const wrong = 'f'.repeat(64);
        await q.add(
          'analyze',
          { path: join(fleet, 'PC-C.txt'), sha256: wrong, version: VERSION },
          { jobId: jobIdOf(wrong, VERSION), removeOnFail: true, removeOnComplete: true },
        );
        await q.close();
        await until('the hash check', async () => (await store.resultCount(VERSION)).failed === 2);
        const conn = (await store.rows(report.run.id, VERSION)).length;
        assert.equal(conn, 6);
      } finally {
        await store.close();
      }
      assert.match(
        other.err(),
        /the bundle changed since it was queued: SHA-256 [0-9a-f]{64}, expected f{64}/,
      );

      // A re-run: the four stored contents are reused, only the failed one is queued again (and fails again).
      const c2 = captureIo();
      assert.equal(await fleetCommand(args, c2.io, { env: {} }), 1, c2.err());
      assert.match(c2.err(), /fleet: 1 job queued/);
      assert.match(c2.err(), /fleet: 5\/5 done \(4 stored before\), 1 failed, 0 remaining/);
      assert.deepEqual((JSON.parse(c2.out()) as FleetReport).totals, report.totals);

      other.child.kill('SIGTERM');
      assert.equal(await other.exited, 0, other.err());
    } finally {
      for (const w of workers)
        if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
      await Promise.all(workers.map((w) => w.exited));
      dropPrefix(prefix);
      await b.cleanup();
    }
  },
);

test('Redis or PostgreSQL unreachable: a clear error and exit 2, no stack trace', async () => {
  const b = await makeBackend('postgres');
  try {
    const bad = captureIo();
    assert.equal(
      await fleetCommand([b.dir, '--queue', 'redis://127.0.0.1:1', '--db', b.target], bad.io, { env: {} }),
      2,
    );
    assert.equal(
      bad.err(),
      'patchdx fleet: cannot reach Redis at redis://127.0.0.1:1 (ECONNREFUSED). Check that redis-server runs and the URL is right.\n',
    );
    const badPg = captureIo();
    assert.equal(
      await fleetCommand(
        [b.dir, '--queue', REDIS, '--db', 'postgres://postgres:secret@127.0.0.1:1/none'],
        badPg.io,
        { env: {} },
      ),
      2,
    );
    assert.match(
      badPg.err(),
      /^patchdx fleet: cannot reach the PostgreSQL database postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:1\/none \(ECONNREFUSED.*\n$/,
    );
    const w = captureIo();
    const stop = new AbortController();
    assert.equal(
      await workerCommand(['--queue', 'redis://127.0.0.1:1', '--db', b.target], w.io, {
        env: {},
        signal: stop.signal,
      }),
      2,
    );
    assert.match(w.err(), /^patchdx worker: cannot reach Redis at redis:\/\/127\.0\.0\.1:1 \(ECONNREFUSED\)/);
  } finally {
    await b.cleanup();
  }
});
