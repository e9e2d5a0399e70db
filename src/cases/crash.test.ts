// Nothing lost, nothing half-written: `kill -9` of a `case add` while it copies a large input leaves no
// round and, after the next start, no temporary or orphan file; a copy whose round was committed before
// the kill is moved into place; two processes adding rounds to one case at once both land.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { analyze } from '../index.js';
import { fixturePath } from '../testing/paths.js';
import { InputStore } from './inputs.js';
import { openCaseStore } from './store.js';
import { BIN, eachBackend, makeBackend, runCli, type Backend } from './store-test-support.js';

function envOf(b: Backend): Record<string, string> {
  return { PATCHDX_DB: b.target, PATCHDX_INPUTS: b.inputsDir, HOME: b.dir };
}

function files(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

/** A large CBS log: quiet lines the analysis reads fast, then one failure. */
function bigLog(path: string, mb: number): void {
  const line =
    '2023-05-23 10:24:07, Info                  CSI    00000001 Idle: waiting for work in the servicing queue\r\n';
  const chunk = Buffer.from(line.repeat(Math.ceil((1 << 20) / line.length)));
  const fd = openSync(path, 'w');
  try {
    for (let i = 0; i < mb; i++) writeSync(fd, chunk);
  } finally {
    closeSync(fd);
  }
}

eachBackend(
  'kill -9 during `case add` of a large input: no half round; the next start leaves no temporary or orphan file',
  async (b) => {
    const env = envOf(b);
    assert.equal((await runCli(['case', 'new', 'CAS-KILL'], env)).code, 0);
    const input = join(b.dir, 'big-CBS.log');
    bigLog(input, 96);
    const tmp = join(b.inputsDir, 'tmp');
    const child = spawn(process.execPath, [BIN, 'case', 'add', 'CAS-KILL', input, '--machine', 'PC1'], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: 'ignore',
    });
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    let seen = '';
    let finished = false;
    void exited.then(() => (finished = true));
    // Kill the moment the copy has begun.
    while (!finished && !seen) {
      const f = existsSync(tmp) ? readdirSync(tmp) : [];
      if (f.length) {
        child.kill('SIGKILL');
        seen = f[0]!;
      } else await new Promise((r) => setTimeout(r, 2));
    }
    const code = await exited;
    assert.ok(seen, `the child finished (exit ${code}) before it could be killed mid-copy`);
    assert.equal(code, null, 'killed by a signal');
    assert.ok(files(tmp).length >= 1, 'the killed process left its temporary file');
    // The next start cleans up; the case has no round.
    const r = await runCli(['case', 'show', 'CAS-KILL', '--json'], env);
    assert.equal(r.code, 0, r.err);
    const view = JSON.parse(r.out) as { machines: unknown[] };
    assert.deepEqual(view.machines, [], 'no half round');
    assert.deepEqual(files(b.inputsDir), [], 'no temporary and no orphan file');
    // And the same input adds cleanly afterwards.
    const again = await runCli(['case', 'add', 'CAS-KILL', input, '--machine', 'PC1'], env);
    assert.equal(again.code, 0, again.err);
    assert.equal(files(b.inputsDir).length, 1);
  },
  { timeout: 120_000 },
);

eachBackend(
  'a copy whose round was committed before the kill is moved into place; an uncommitted one is removed',
  async (b) => {
    const log = fixturePath('seeds', 'seed-004-not-found.log');
    const other = fixturePath('seeds', 'seed-004-forward-delta.log');
    const s = await openCaseStore(b.target, {
      inputsDir: b.inputsDir,
      pid: process.pid,
      isAlive: (p) => p === process.pid,
    });
    try {
      await s.createCase({ number: 'CAS-R' });
      // A round of `log` is committed with its input kept; then its file is lost, as if a process had been
      // killed between its commit and moving its copy into place.
      await s.addRound('CAS-R', { diagnosis: await analyze(log), inputFile: log });
      rmSync(s.inputs!.pathOf((await analyze(log)).input.sha256!));
    } finally {
      await s.close();
    }
    // That "killed" process (a pid that is not alive) had staged a copy of `log` and one of `other`.
    const dead = new InputStore(b.inputsDir, 999_999_999, () => false);
    const committed = await dead.stage(log);
    const orphan = await dead.stage(other);
    const s2 = await openCaseStore(b.target, {
      inputsDir: b.inputsDir,
      pid: process.pid,
      isAlive: (p) => p === process.pid,
    });
    await s2.close();
    assert.ok(
      existsSync(join(b.inputsDir, committed.sha256.slice(0, 2), committed.sha256)),
      'committed copy moved into place',
    );
    assert.ok(!existsSync(orphan.tmpPath), 'uncommitted copy removed');
    assert.deepEqual(readdirSync(join(b.inputsDir, 'tmp')), []);
  },
);

eachBackend(
  'two processes adding rounds to one case at once: both land, numbered 1 and 2',
  async (b) => {
    const env = envOf(b);
    assert.equal((await runCli(['case', 'new', 'CAS-CONC'], env)).code, 0);
    const [x, y] = await Promise.all([
      runCli(
        ['case', 'add', 'CAS-CONC', fixturePath('seeds', 'seed-004-not-found.log'), '--machine', 'PC1'],
        env,
      ),
      runCli(
        ['case', 'add', 'CAS-CONC', fixturePath('seeds', 'seed-004-forward-delta.log'), '--machine', 'PC1'],
        env,
      ),
    ]);
    assert.equal(x.code, 1, x.err);
    assert.equal(y.code, 1, y.err);
    const r = await runCli(['case', 'show', 'CAS-CONC', '--json'], env);
    const view = JSON.parse(r.out) as {
      machines: { name: string; rounds: { seq: number; inputName: string }[] }[];
    };
    assert.deepEqual(
      view.machines.map((m) => m.name),
      ['PC1'],
    );
    assert.deepEqual(
      view.machines[0]!.rounds.map((r) => r.seq),
      [1, 2],
    );
    assert.deepEqual(view.machines[0]!.rounds.map((r) => r.inputName).sort(), [
      'seed-004-forward-delta.log',
      'seed-004-not-found.log',
    ]);
    assert.equal(files(b.inputsDir).filter((f) => !f.includes(`${join('inputs', 'tmp')}`)).length, 2);
  },
  { timeout: 120_000 },
);

test('the test databases are dropped after each test', async () => {
  const b = await makeBackend('postgres');
  await b.cleanup();
  await assert.rejects(openCaseStore(b.target), /unreachable|does not exist|3D000/);
});
