// The case store on SQLite and PostgreSQL alike: cases and the working-day follow-ups, rounds per machine
// and their diff, inputs kept once, the contact log and handovers, closure, secrets, export with scrubbing
// and idempotent import.

import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../index.js';
import { fixturePath } from '../testing/paths.js';
import { CaseStoreError } from './errors.js';
import { openCaseStore, type CaseStore, type OpenCaseStoreOptions } from './store.js';
import { eachBackend, makeBackend, type Backend } from './store-test-support.js';

/** A clock that can be moved: starts Friday 2024-09-27 10:00 in Shanghai. */
function clock(): { now: () => Date; set: (iso: string) => void } {
  let t = new Date('2024-09-27T02:00:00Z');
  return { now: () => t, set: (iso) => (t = new Date(iso)) };
}

async function open(b: Backend, extra: OpenCaseStoreOptions = {}): Promise<CaseStore> {
  return openCaseStore(b.target, { inputsDir: b.inputsDir, pid: process.pid, ...extra });
}

const NOT_FOUND = fixturePath('seeds', 'seed-004-not-found.log');
const DELTA = fixturePath('seeds', 'seed-004-forward-delta.log');
const INSTALLED = fixturePath('cases', 'seed-004-round4-installed.xml');

function keptFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((d) => /^[0-9a-f]{2}$/.test(d))
    .flatMap((d) => readdirSync(join(dir, d)));
}

eachBackend(
  'follow-ups: N working days on the China calendar after the last contact; none when waiting or closed',
  async (b) => {
    const c = clock();
    const s = await open(b, { now: c.now });
    try {
      const r = await s.createCase({ number: 'CAS-1', customer: '许先生', engineer: 'Li Qi' });
      // Fri 9-27 + 2 working days: Sun 9-29 is a 调休 working day, then Mon 9-30.
      assert.equal(r.nextContact, '2024-09-30');
      c.set('2024-09-30T03:00:00Z');
      assert.deepEqual(
        (await s.list({ due: true })).map((x) => [x.number, x.overdueDays]),
        [['CAS-1', 0]],
      );
      const n = await s.note('CAS-1', { kind: 'email', text: '已发送分析邮件' });
      assert.equal(n.nextContact, '2024-10-09', 'the National Day week is skipped');
      assert.deepEqual(await s.list({ due: true }), []);
      c.set('2024-10-11T03:00:00Z');
      assert.equal((await s.list({ due: true }))[0]?.overdueDays, 2);
      // A handover or an internal note does not reset the clock, but changes the engineer.
      const h = await s.note('CAS-1', { kind: 'handover', text: '休假交接', to: 'Wang Wei' });
      assert.equal(h.engineer, 'Wang Wei');
      assert.equal(h.nextContact, '2024-10-09');
      assert.equal((await s.list({ due: true, engineer: 'Wang Wei' })).length, 1);
      assert.equal((await s.list({ due: true, engineer: 'Li Qi' })).length, 0);
      const w = await s.note('CAS-1', { kind: 'email', text: '请客户收集日志', waiting: true });
      assert.equal(w.status, 'waiting');
      assert.equal(w.nextContact, null);
      assert.deepEqual(await s.list({ due: true }), []);
      assert.equal((await s.list({ open: true })).length, 1);
      // The customer's logs arrive: the case is ours again.
      await s.addRound('CAS-1', { diagnosis: await analyze(NOT_FOUND), inputFile: NOT_FOUND });
      const v = await s.show('CAS-1');
      assert.equal(v.record.status, 'open');
      assert.equal(v.record.nextContact, '2024-10-14', 'Fri 10-11 + 2: Sat 10-12 (调休) and Mon 10-14');
      await s.closeCase('CAS-1', '组件缺失', '安装新的累积更新');
      assert.equal((await s.show('CAS-1')).record.nextContact, null);
      assert.deepEqual(await s.list({ open: true }), []);
      await assert.rejects(s.addRound('CAS-1', { diagnosis: await analyze(DELTA) }), /closed/);
    } finally {
      await s.close();
    }
  },
);

eachBackend(
  'machines: rounds per machine, the diff by signature, which machine is healthy again',
  async (b) => {
    const s = await open(b);
    try {
      await s.createCase({ number: 'CAS-2' });
      const r1 = await s.addRound('CAS-2', {
        diagnosis: await analyze(NOT_FOUND),
        machine: 'PC-A',
        inputFile: NOT_FOUND,
      });
      assert.equal(r1.seq, 1);
      assert.equal(r1.diff.previous, null);
      assert.deepEqual(
        r1.diff.added.map((f) => f.signature),
        ['cbs-not-found|0x80070490|component:amd64_hyperv-vmsynthnic'],
      );
      const r2 = await s.addRound('CAS-2', {
        diagnosis: await analyze(DELTA),
        machine: 'PC-B',
        inputFile: DELTA,
      });
      assert.equal(r2.seq, 1, 'each machine has its own rounds');
      const r3 = await s.addRound('CAS-2', {
        diagnosis: await analyze(INSTALLED),
        machine: 'PC-A',
        inputFile: INSTALLED,
      });
      assert.equal(r3.seq, 2);
      assert.deepEqual(
        r3.diff.resolved.map((f) => f.code),
        ['0x80070490'],
      );
      assert.deepEqual(r3.diff.added, []);
      assert.equal(r3.diff.verdictBefore, 'failed');
      assert.equal(r3.diff.verdictAfter, 'healthy');
      assert.deepEqual(r3.diff.nowInstalled, [{ update: 'KB5033371', failedBefore: false }]);
      // Without --machine and no computer in the logs, a case with two machines asks which.
      await assert.rejects(s.addRound('CAS-2', { diagnosis: await analyze(DELTA) }), /--machine/);
      const v = await s.show('CAS-2');
      assert.deepEqual(
        v.machines.map((m) => [m.name, m.rounds.length, m.healthy]),
        [
          ['PC-A', 2, true],
          ['PC-B', 1, false],
        ],
      );
      const rows = await s.list();
      assert.deepEqual(
        rows.map((r) => [r.number, r.machines, r.rounds]),
        [['CAS-2', 2, 3]],
      );
    } finally {
      await s.close();
    }
  },
);

eachBackend(
  'inputs: kept once by SHA-256 beside the database; --no-keep-input and the size cap keep none',
  async (b) => {
    const s = await open(b, { maxInputBytes: 2900 });
    try {
      await s.createCase({ number: 'CAS-3' });
      const d = await analyze(NOT_FOUND);
      const a = await s.addRound('CAS-3', { diagnosis: d, inputFile: NOT_FOUND });
      const a2 = await s.addRound('CAS-3', { diagnosis: d, inputFile: NOT_FOUND });
      assert.ok(a.kept && a2.kept);
      assert.deepEqual(keptFiles(b.inputsDir), [d.input.sha256]);
      const n = await s.addRound('CAS-3', {
        diagnosis: await analyze(INSTALLED),
        inputFile: INSTALLED,
        keepInput: false,
      });
      assert.equal(n.kept, false);
      assert.match(n.notKept ?? '', /no-keep-input/);
      const big = await s.addRound('CAS-3', { diagnosis: await analyze(DELTA), inputFile: DELTA });
      assert.equal(big.kept, false, `${DELTA} is over the 2900-byte cap`);
      assert.match(big.notKept ?? '', /cap/);
      assert.equal(keptFiles(b.inputsDir).length, 1);
      assert.deepEqual(readdirSync(join(b.inputsDir, 'tmp')), [], 'no temporary file left');
      const v = await s.show('CAS-3');
      assert.deepEqual(
        v.machines[0]!.rounds.map((r) => r.inputKept),
        [true, true, false, false],
      );
    } finally {
      await s.close();
    }
  },
);

eachBackend(
  'privacy: the portal credential is shown on request only and never exported; exports scrub phones and credentials',
  async (b) => {
    const s = await open(b);
    try {
      await s.createCase({
        number: 'CAS-4',
        customer: '许先生',
        contactPhone: '13812345678',
        contactEmail: 'xu@example.cn',
        problem: '上传账号 password: Hunter2 电话 010-62345678',
        portalCredential: 'cduc user xu / pass Q7#kk',
      });
      await s.note('CAS-4', {
        kind: 'call',
        text: '客户手机 138 1234 5678，下载链接 https://portal.example/d?id=1&token=abc123',
      });
      const v = await s.show('CAS-4');
      assert.deepEqual(v.secrets, ['portal-credential']);
      assert.ok(!JSON.stringify(v).includes('Q7#kk'), 'show without the secret');
      assert.equal(await s.secret('CAS-4'), 'cduc user xu / pass Q7#kk');
      const x = JSON.stringify(await s.exportCase('CAS-4'));
      for (const leak of ['Q7#kk', 'Hunter2', '13812345678', '138 1234 5678', '010-62345678', 'abc123'])
        assert.ok(!x.includes(leak), `export leaks ${leak}`);
      assert.match(x, /token=\*\*\*/);
      const raw = JSON.stringify(await s.exportCase('CAS-4', { unscrubbed: true }));
      assert.ok(raw.includes('13812345678') && raw.includes('Hunter2'));
      assert.ok(!raw.includes('Q7#kk'), 'the secret is never exported, even unscrubbed');
    } finally {
      await s.close();
    }
  },
);

eachBackend(
  'export and import: one JSON per case; importing twice changes nothing; another case of that number is refused',
  async (b) => {
    const s = await open(b);
    const other = await makeBackend(b.kind);
    const t = await openCaseStore(other.target, { inputsDir: other.inputsDir });
    try {
      await s.createCase({ number: 'CAS-5', customer: 'A' });
      await s.addRound('CAS-5', {
        diagnosis: await analyze(NOT_FOUND),
        machine: 'PC1',
        inputFile: NOT_FOUND,
      });
      await s.addRound('CAS-5', { diagnosis: await analyze(DELTA), machine: 'PC1', inputFile: DELTA });
      await s.note('CAS-5', { kind: 'email', text: 'sent' });
      const x = await s.exportCase('CAS-5');
      assert.deepEqual(await t.importCase(x), { created: true, rounds: 2, contacts: 1 });
      assert.deepEqual(await t.importCase(x), { created: false, rounds: 0, contacts: 0 });
      assert.deepEqual(
        await s.importCase(x),
        { created: false, rounds: 0, contacts: 0 },
        'into its own store: no change',
      );
      const v = await t.show('CAS-5');
      assert.deepEqual(
        v.machines.map((m) => m.rounds.map((r) => r.seq)),
        [[1, 2]],
      );
      assert.deepEqual(
        v.machines[0]!.diff!.added.map((f) => f.code),
        ['0x800f0986'],
      );
      const clash = await makeBackend(b.kind);
      const u = await openCaseStore(clash.target, { inputsDir: clash.inputsDir });
      try {
        await u.createCase({ number: 'CAS-5' });
        await assert.rejects(
          u.importCase(x),
          (e: unknown) => e instanceof CaseStoreError && e.code === 'exists',
        );
        assert.equal((await u.show('CAS-5')).machines.length, 0, 'nothing imported');
      } finally {
        await u.close();
        await clash.cleanup();
      }
    } finally {
      await s.close();
      await t.close();
      await other.cleanup();
    }
  },
);

eachBackend(
  'errors: an unknown case, a duplicate number, a bad cadence; each a CaseStoreError that changed nothing',
  async (b) => {
    const s = await open(b);
    try {
      await s.createCase({ number: 'CAS-6' });
      await assert.rejects(
        s.createCase({ number: 'CAS-6' }),
        (e: unknown) => e instanceof CaseStoreError && e.code === 'exists',
      );
      await assert.rejects(
        s.note('CAS-404', { kind: 'call', text: 'x' }),
        (e: unknown) => e instanceof CaseStoreError && e.code === 'not-found',
      );
      await assert.rejects(s.createCase({ number: 'CAS-7', followUpDays: 0 }), /whole number/);
      assert.deepEqual(
        (await s.list()).map((r) => r.number),
        ['CAS-6'],
      );
    } finally {
      await s.close();
    }
  },
);
