// Test support: runs a store test against both engines — SQLite in a temporary file and a real
// PostgreSQL on loopback (a uniquely named database created for the test and dropped after it).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import pg from 'pg';
import { spawn } from 'node:child_process';
import { binPath } from '../testing/paths.js';

/** Where the tests find PostgreSQL (trust auth on loopback, as `.ci/run` starts it). */
export const PG_ADMIN_URL = process.env.PATCHDX_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A fresh, empty database of one engine. */
export interface Backend {
  kind: 'sqlite' | 'postgres';
  /** The `--db` value: a file path or a URL. */
  target: string;
  /** A temporary folder for inputs and other files of the test. */
  dir: string;
  inputsDir: string;
  cleanup(): Promise<void>;
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 5000 });
  try {
    await c.connect();
  } catch (err) {
    throw new Error(
      `PostgreSQL is not reachable at ${PG_ADMIN_URL} (${(err as Error).message}). The case store tests need it: ` +
        'run `bash scripts/ensure-services.sh` (CI does it in .ci/run) or set PATCHDX_TEST_PG.',
      { cause: err },
    );
  }
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** Creates an empty database of `kind` for one test. */
export async function makeBackend(kind: Backend['kind']): Promise<Backend> {
  const dir = mkdtempSync(join(tmpdir(), 'patchdx-case-'));
  const inputsDir = join(dir, 'inputs');
  if (kind === 'sqlite') {
    return {
      kind,
      target: join(dir, 'cases.db'),
      dir,
      inputsDir,
      cleanup: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const name = `patchdx_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  await admin((c) => c.query(`create database ${name}`));
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    kind,
    target: url.toString(),
    dir,
    inputsDir,
    cleanup: async () => {
      await admin((c) => c.query(`drop database if exists ${name} with (force)`));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Registers `fn` as one test per engine, each with its own fresh database. */
export function eachBackend(
  title: string,
  fn: (b: Backend) => Promise<void>,
  opts: { timeout?: number } = {},
): void {
  for (const kind of ['sqlite', 'postgres'] as const) {
    test(`${title} [${kind}]`, { timeout: opts.timeout ?? 60_000 }, async () => {
      const b = await makeBackend(kind);
      try {
        await fn(b);
      } finally {
        await b.cleanup();
      }
    });
  }
}

export { captureIo } from '../testing/io.js';

/** The built command-line entry, for tests that need real processes (kills, concurrency). */
export const BIN = binPath();

/** Runs the CLI in a child process and waits for it. */
export function runCli(
  args: string[],
  env: Record<string, string>,
  opts: { uid?: number; gid?: number } = {},
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { PATH: process.env.PATH ?? '', LANG: 'C', ...env },
      ...opts,
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, out, err }));
  });
}
