// The schema: migrations from every earlier version keep the data and end at the newest; a database newer
// than this program, a damaged file, a read-only file, a foreign database and an unreachable server each
// give a clear error and change nothing.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chmodSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';

import { sql, type Kysely } from 'kysely';
import { connect, migrate, schemaVersion } from './db.js';
import { CaseStoreError } from './errors.js';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations/index.js';
import { openCaseStore } from './store.js';
import { importThreads, similarToCase } from './similar/index.js';
import { seedsPath } from '../testing/paths.js';
import { eachBackend, makeBackend, runCli } from './store-test-support.js';

/** Rows valid at each schema version, written before migrating further. */
async function seedAt(db: Kysely<unknown>, version: number): Promise<void> {
  if (version < 1) return;
  const at = '2024-01-02T03:00:00.000Z';
  await sql`insert into cases (id, number, customer, status, opened_at, updated_at, next_contact)
            values ('c1', 'CAS-OLD', '许先生', 'open', ${at}, ${at}, '2024-01-04')`.execute(db);
  await sql`insert into machines (id, case_id, name, created_at) values ('m1', 'c1', 'PC1', ${at})`.execute(
    db,
  );
  await sql`insert into rounds (id, machine_id, seq, added_at, input_name, input_sha256, input_bytes, input_kept, verdict, diagnosis)
            values ('r1', 'm1', 1, ${at}, 'CBS.log', null, 10, 0, 'healthy', ${JSON.stringify({ verdict: 'healthy', findings: [], attempts: [], summary: [] })})`.execute(
    db,
  );
  await sql`insert into contacts (id, case_id, at, kind, engineer, text) values ('k1', 'c1', ${at}, 'email', 'Li Qi', '初次响应')`.execute(
    db,
  );
  // From schema 2 on the store keeps the counts with each round (schema 2 filled them for older rows).
  if (version >= 2)
    await sql`update cases set machine_count = 1, round_count = 1 where id = 'c1'`.execute(db);
}

for (const from of [0, ...MIGRATIONS.slice(0, -1).map((m) => m.version)]) {
  eachBackend(`migrations: from schema ${from} to ${SCHEMA_VERSION}, data kept`, async (b) => {
    const conn = await connect(b.target);
    try {
      assert.equal(await migrate(conn, from), from);
      assert.equal(await schemaVersion(conn), from);
      await seedAt(conn.db as unknown as Kysely<unknown>, from);
      assert.equal(await migrate(conn), SCHEMA_VERSION);
      assert.equal(await migrate(conn), SCHEMA_VERSION, 'a second run does nothing');
    } finally {
      await conn.db.destroy();
    }
    const s = await openCaseStore(b.target, { inputsDir: b.inputsDir });
    try {
      if (from >= 1) {
        const v = await s.show('CAS-OLD');
        assert.equal(v.record.customer, '许先生');
        assert.equal(v.record.followUpDays, null);
        assert.deepEqual(
          v.machines.map((m) => [m.name, m.rounds.length]),
          [['PC1', 1]],
        );
        assert.equal(v.contacts.length, 1);
        const row = (await s.list()).find((r) => r.number === 'CAS-OLD');
        assert.deepEqual([row?.machines, row?.rounds], [1, 1], 'counts filled from the old rows');
      }
      // Everything of the newest schema works on the migrated database.
      await s.createCase({ number: 'CAS-NEW', followUpDays: 3, portalCredential: 'x' });
      assert.equal(await s.secret('CAS-NEW'), 'x');
      assert.ok((await s.list({ open: true })).some((r) => r.number === 'CAS-NEW'));
      // Schema 3: past cases and their text index.
      const seed = readdirSync(seedsPath()).find((f) => f.startsWith('003_'))!;
      const [t] = await importThreads(s, [{ name: seed, data: readFileSync(seedsPath(seed)) }]);
      assert.equal(t?.status, 'created');
      const r = await similarToCase(s, 'CAS-04814-C9T9D0');
      assert.ok(r.none, 'the only past case is not similar to itself');
    } finally {
      await s.close();
    }
  });
}

test('migrations are numbered in rising order with file names to match', () => {
  MIGRATIONS.forEach((m, i) => {
    if (i > 0) assert.ok(m.version > MIGRATIONS[i - 1]!.version);
    assert.match(m.name, new RegExp(`^${String(m.version).padStart(3, '0')}-[a-z0-9-]+$`));
  });
});

eachBackend('a schema newer than this program is refused with a clear error, nothing changed', async (b) => {
  const s = await openCaseStore(b.target, { inputsDir: b.inputsDir });
  await s.createCase({ number: 'CAS-1' });
  await s.close();
  const conn = await connect(b.target);
  await conn.db
    .updateTable('schema_version')
    .set({ version: SCHEMA_VERSION + 1 })
    .execute();
  await conn.db.destroy();
  const before = b.kind === 'sqlite' ? readFileSync(b.target) : null;
  await assert.rejects(
    openCaseStore(b.target, { inputsDir: b.inputsDir }),
    (e: unknown) =>
      e instanceof CaseStoreError &&
      e.code === 'schema-too-new' &&
      /newer than this patchdx knows.*Update patchdx/.test(e.message),
  );
  const r = await runCli(['case', 'new', 'CAS-2'], { PATCHDX_DB: b.target, PATCHDX_INPUTS: b.inputsDir });
  assert.equal(r.code, 2);
  assert.match(
    r.err,
    new RegExp(`schema version ${SCHEMA_VERSION + 1}, newer than this patchdx knows \\(${SCHEMA_VERSION}\\)`),
  );
  const after = await connect(b.target);
  try {
    assert.equal(await schemaVersion(after), SCHEMA_VERSION + 1);
    assert.deepEqual(
      (await after.db.selectFrom('cases').select('number').execute()).map((x) => x.number),
      ['CAS-1'],
    );
  } finally {
    await after.db.destroy();
  }
  if (before) assert.deepEqual(readFileSync(b.target), before);
});

eachBackend(
  'a database with other tables and no schema_version is not ours: refused, nothing created',
  async (b) => {
    const conn = await connect(b.target);
    await conn.db.schema.createTable('invoices').addColumn('id', 'integer').execute();
    await conn.db.destroy();
    await assert.rejects(
      openCaseStore(b.target),
      (e: unknown) => e instanceof CaseStoreError && e.code === 'not-a-case-db',
    );
    const again = await connect(b.target);
    try {
      const names = (await again.db.introspection.getTables()).map((t) => t.name);
      assert.deepEqual(names, ['invoices']);
    } finally {
      await again.db.destroy();
    }
  },
);

test('a damaged database file: a clear error, the file untouched, no -wal created', async () => {
  const b = await makeBackend('sqlite');
  try {
    const junk = Buffer.alloc(16384, 0x5a);
    junk.write('not SQLite at all', 0);
    writeFileSync(b.target, junk);
    await assert.rejects(
      openCaseStore(b.target),
      (e: unknown) => e instanceof CaseStoreError && e.code === 'corrupt',
    );
    const r = await runCli(['case', 'list'], { PATCHDX_DB: b.target });
    assert.equal(r.code, 2);
    assert.match(r.err, /is damaged or is not a database.*nothing was changed/);
    assert.deepEqual(readFileSync(b.target), junk);
    assert.equal(existsSync(`${b.target}-wal`), false);
  } finally {
    await b.cleanup();
  }
});

test('a read-only database (file and folder not writable for the user): a clear error, nothing changed', async (t) => {
  const b = await makeBackend('sqlite');
  try {
    const s = await openCaseStore(b.target, { inputsDir: b.inputsDir });
    await s.createCase({ number: 'CAS-RO' });
    await s.close();
    const before = readFileSync(b.target);
    chmodSync(b.target, 0o444);
    chmodSync(b.dir, 0o555);
    // root ignores permissions: run the CLI as nobody then, if nobody can run it from this checkout.
    const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    if (process.getuid?.() === 0 && (await runCli(['--version'], {}, asUser)).code !== 0) {
      t.skip('running as root and the checkout is not readable by an unprivileged user');
      return;
    }
    const r = await runCli(
      ['case', 'note', 'CAS-RO', 'hello', '--kind', 'call'],
      { PATCHDX_DB: b.target, HOME: b.dir },
      asUser,
    );
    assert.equal(r.code, 2, r.err);
    assert.match(r.err, /cannot be (?:written|opened for writing).*nothing was changed/);
    assert.ok(!/at .*\.js:\d+/.test(r.err), 'no stack trace');
    assert.deepEqual(readFileSync(b.target), before);
  } finally {
    chmodSync(b.dir, 0o755);
    chmodSync(b.target, 0o644);
    await b.cleanup();
  }
});

test('an unreachable PostgreSQL server: a clear error naming the URL without its password', async () => {
  await assert.rejects(openCaseStore('postgres://engineer:s3cret@127.0.0.1:1/cases'), (e: unknown) => {
    assert.ok(e instanceof CaseStoreError, String(e));
    assert.equal(e.code, 'unreachable');
    assert.match(e.message, /postgres:\/\/engineer:\*\*\*@127\.0\.0\.1:1\/cases/);
    assert.ok(!e.message.includes('s3cret'));
    return true;
  });
});
