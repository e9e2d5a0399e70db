// Case threads on SQLite and PostgreSQL alike: the five seed threads imported redacted (every credential,
// portal log-in, phone number and personal name of the threads listed by hand and looked for in every table
// of the database), their facts against a hand-written expectation, a re-import that changes nothing; the
// thread readers on a GBK quoted-printable .eml with an HTML part, a base64 UTF-8 HTML-only .eml and a .msg.

import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import CFB from 'cfb';
import pg from 'pg';
import { caseCommand } from '../../cli/commands/case.js';
import { importThreads, openCaseStore, type ThreadFacts } from '../../index.js';
import { fixturePath, repoRoot, seedsPath } from '../../testing/paths.js';
import { captureIo, eachBackend, type Backend } from '../store-test-support.js';
import { readThread } from './read.js';
import { buildThread } from './thread.js';

const SEED_FILES = readdirSync(seedsPath())
  .filter((f) => /^\d{3}_.*\.txt$/.test(f))
  .sort();

/** Read by hand in the five seeds: what must never be stored. */
const NEVER_STORED = [
  // Upload-portal log-ins (user name = password in 001 and 002) and download tokens (004).
  'icbcbjlq01',
  'GSYHJSFH',
  'ICBC001',
  '3KU0opmoJNyMqpcUlkHnMhuFfQZ5QMR2',
  'PNEstIgecfZ80FtCFzUi7DQ1yc5HujbO',
  'VoYLUR4c6E41c20lGQz8srpjetLuanSm',
  'q5osRoHrSDToHr84Nhoa62CO0UaqjpgN',
  // Phone numbers: the customer's contacts (001, 002) and the hotline as written (002, 003).
  '010-57966876',
  '57966876',
  '18734111827',
  '17606669571',
  '4008180055',
  '400-818-0055',
  // Personal names: senders, the contact line and the signature block (002), a greeting (003).
  'Li Qi',
  'Jia Wei',
  '黎琦',
  '王超',
  '薛斌',
  '许  翔',
  '毓杰',
];

const EXPECTED = JSON.parse(
  readFileSync(join(repoRoot(), 'src', 'cases', 'threads', 'expected-seeds.json'), 'utf8'),
) as Record<string, Partial<ThreadFacts> & { failedSteps?: string[]; openedAt: string; closedAt: string }>;

function seedFiles(prefixes: string[]): { name: string; data: Uint8Array }[] {
  return SEED_FILES.filter((f) => prefixes.some((p) => f.startsWith(p))).map((f) => ({
    name: f,
    data: readFileSync(seedsPath(f)),
  }));
}

/** Every value of every table of the database (FTS shadow tables included), as one text. */
async function dumpDatabase(b: Backend): Promise<string> {
  if (b.kind === 'sqlite') {
    const db = new Database(b.target, { readonly: true });
    try {
      const tables = db.prepare("select name from sqlite_master where type = 'table'").all() as {
        name: string;
      }[];
      let out = '';
      for (const t of tables)
        for (const row of db.prepare(`select * from "${t.name}"`).all() as Record<string, unknown>[])
          for (const v of Object.values(row))
            out += `${Buffer.isBuffer(v) ? v.toString('utf8') : String(v)}\n`;
      return out;
    } finally {
      db.close();
    }
  }
  const c = new pg.Client({ connectionString: b.target });
  await c.connect();
  try {
    const tables = await c.query<{ table_name: string }>(
      "select table_name from information_schema.tables where table_schema = 'public'",
    );
    let out = '';
    for (const t of tables.rows) {
      const rows = await c.query(`select row_to_json(x)::text as j from "${t.table_name}" x`);
      for (const r of rows.rows as { j: string }[])
        out += `${JSON.parse(r.j) ? Object.values(JSON.parse(r.j) as object).join('\n') : ''}\n`;
    }
    return out;
  } finally {
    await c.end();
  }
}

const ctx = { env: {}, pid: process.pid, isAlive: () => true };

eachBackend(
  'seed threads: imported redacted (nothing listed is stored anywhere), facts as expected, a re-import changes nothing',
  async (b) => {
    const s = await openCaseStore(b.target, { inputsDir: b.inputsDir });
    try {
      const done = await importThreads(s, seedFiles(['000', '001', '002', '003', '004']));
      assert.equal(done.length, 5);
      for (const t of done) {
        const seed = SEED_FILES.find((f) => f === t.files[0])!.slice(0, 3);
        const want = EXPECTED[seed]!;
        const f = t.facts;
        assert.equal(t.status, 'created');
        assert.equal(f.caseNumber, want.caseNumber, seed);
        assert.equal(f.org, want.org, seed);
        assert.equal(f.priority, want.priority, seed);
        assert.deepEqual([...f.primaryCodes].sort(), [...want.primaryCodes!].sort(), `${seed} codes`);
        assert.deepEqual([...f.kbs].sort(), want.kbs, `${seed} KBs`);
        assert.deepEqual(f.osBuilds, want.osBuilds, `${seed} OS builds`);
        assert.deepEqual([...f.builds].sort(), want.builds, `${seed} builds`);
        assert.deepEqual([...f.components].sort(), want.components, `${seed} components`);
        assert.deepEqual([...f.rules].sort(), want.rules, `${seed} rules of the quoted lines`);
        assert.equal(f.outcome, want.outcome, `${seed} outcome`);
        assert.equal(f.fixedBy, want.fixedBy, `${seed} fixed by`);
        assert.equal(f.messages, want.messages, `${seed} messages`);
        assert.equal(f.rounds, want.rounds, `${seed} rounds`);
        assert.equal(f.days, want.days, `${seed} days`);
        assert.equal(f.openedAt?.slice(0, 10), want.openedAt, `${seed} opened`);
        assert.equal(f.closedAt?.slice(0, 10), want.closedAt, `${seed} closed`);
        for (const step of want.failedSteps ?? [])
          assert.ok(
            f.steps.some((x) => x.step === step && x.result === 'failed'),
            `${seed}: ${step} was tried and did not fix it`,
          );
        assert.ok((t.redactions.name ?? 0) > 0, `${seed}: names redacted`);
      }
      const bySeed = (p: string): ThreadFacts => done.find((t) => t.files[0]!.startsWith(p))!.facts;
      assert.deepEqual(
        Object.fromEntries(done.map((t) => [t.files[0]!.slice(0, 3), t.redactions.phone ?? 0])),
        { '000': 0, '001': 1, '002': 3, '003': 1, '004': 0 },
        'phone numbers redacted per seed',
      );
      assert.equal(done.find((t) => t.files[0]!.startsWith('001'))!.redactions.credential, 6);
      assert.equal(done.find((t) => t.files[0]!.startsWith('004'))!.redactions['url-secret'], 4);
      assert.ok(bySeed('003').steps.some((x) => x.step === 'replace-manifest' && x.result === 'fixed'));

      const stored = await dumpDatabase(b);
      assert.ok(
        stored.includes('CAS-06859-Q6V5Z7') && stored.includes('0x80070570'),
        'the threads are stored',
      );
      for (const v of NEVER_STORED) assert.ok(!stored.includes(v), `${v} is stored`);
      assert.ok(!/许\s*翔/.test(stored), 'the signature name is stored');
      assert.ok(stored.includes('中国工商银行软件开发中心'), 'the organisation of a signature is kept');

      // Idempotent: the same threads again (through the command), nothing new.
      const io = captureIo('en');
      const code = await caseCommand(
        ['import-thread', ...SEED_FILES.map((f) => seedsPath(f)), '--db', b.target, '--inputs', b.inputsDir],
        io.io,
        ctx,
      );
      assert.equal(code, 0, io.err());
      assert.equal(io.out().match(/already imported, unchanged/g)?.length, 5, io.out());
      assert.match(io.out(), /redacted: .*credential 6/);
      const n = await s.connection.db
        .selectFrom('past_cases')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirst();
      assert.equal(Number(n?.n), 5);
    } finally {
      await s.close();
    }
  },
  { timeout: 120_000 },
);

eachBackend('two importers at once: every thread stored once, none lost', async (b) => {
  const s = await openCaseStore(b.target, { inputsDir: b.inputsDir });
  try {
    const [x, y] = await Promise.all([
      importThreads(s, seedFiles(['000', '001', '002'])),
      importThreads(s, seedFiles(['003', '004', '002'])),
    ]);
    const all = [...x, ...y];
    assert.equal(all.filter((t) => t.status === 'created').length, 5);
    assert.equal(all.filter((t) => t.status === 'unchanged').length, 1, 'seed 002 once');
  } finally {
    await s.close();
  }
});

test('eml: a GBK quoted-printable reply with an HTML part, its quoted message split off and redacted', async () => {
  const t = await readThread('reply.eml', readFileSync(fixturePath('threads', 'reply-gbk-qp.eml')));
  assert.equal(t.format, 'eml');
  assert.match(t.subject, /CAS-20001-G8K2Q1/);
  assert.equal(t.messages.length, 2, 'the quoted original is a message of its own');
  assert.equal(t.messages[0]!.from, '张伟');
  assert.equal(t.messages[0]!.at, '2024-01-23T07:40:00.000Z');
  assert.match(t.messages[1]!.body, /wkscli\.dll/);
  assert.ok(!t.messages[1]!.body.includes('<p>'), 'the plain part is used, not the HTML');
  const b = await buildThread([t]);
  assert.deepEqual(b.facts.primaryCodes, ['0x800f0986']);
  assert.deepEqual(b.facts.kbs, ['KB5032196']);
  assert.deepEqual(b.facts.files, ['wkscli.dll']);
  assert.deepEqual(b.facts.components, ['amd64_microsoft-windows-w..ationservice-netapi']);
  assert.equal(b.messages[0]!.role, 'customer');
  assert.equal(b.messages[1]!.role, 'engineer');
  const all = JSON.stringify(b);
  for (const v of ['gbkportal7', 'Gbk#Pass88', '13912345678', '021-63456789', 'zhang.wei@', '张伟', '李琪'])
    assert.ok(!all.includes(v), `${v} kept`);
  assert.ok(b.redactions.phone === 2 && (b.redactions.credential ?? 0) >= 2);
});

test('eml: a base64 UTF-8 HTML-only closure: text from the HTML, outcome reset, names and secrets redacted', async () => {
  const t = await readThread('closure.eml', readFileSync(fixturePath('threads', 'closure-utf8-base64.eml')));
  assert.equal(t.messages.length, 1);
  assert.match(t.messages[0]!.body, /The customer reset the PC/);
  assert.ok(!t.messages[0]!.body.includes('<div>'));
  assert.equal(t.messages[0]!.at, '2024-02-05T01:30:00.000Z');
  const b = await buildThread([t]);
  assert.equal(b.facts.caseNumber, 'CAS-20002-U7T3B5');
  assert.equal(b.facts.outcome, 'reset');
  assert.deepEqual(b.facts.primaryCodes, ['0x80073712']);
  assert.deepEqual(b.facts.components, ['amd64_microsoft-windows-foo']);
  const all = JSON.stringify(b);
  for (const v of ['Utf8Secret99', '138 0013 8000', 'chen.li@example.org', 'Wang Fang'])
    assert.ok(!all.includes(v), v);
  assert.match(all, /Example Support Desk/, 'the organisation stays');
  assert.equal(b.redactions.email, 1);
});

/** An Outlook .msg written with a compound-file writer (cfb), laid out as MS-OXMSG says. */
function outlookMsg(subject: string, sender: string, body: string, sent: Date): Uint8Array {
  const u16 = (s: string): Buffer => Buffer.from(s, 'utf16le');
  const cfb = CFB.utils.cfb_new();
  CFB.utils.cfb_add(cfb, '/__substg1.0_0037001F', u16(subject));
  CFB.utils.cfb_add(cfb, '/__substg1.0_0C1A001F', u16(sender));
  CFB.utils.cfb_add(cfb, '/__substg1.0_1000001F', u16(body));
  // The property stream: a 32-byte header, then one 16-byte entry: PR_CLIENT_SUBMIT_TIME (0x0039, PT_SYSTIME).
  const props = Buffer.alloc(32 + 16);
  props.writeUInt32LE(0x00390040, 32);
  props.writeUInt32LE(0x6, 36);
  const ft = BigInt(sent.getTime()) * 10_000n + 116_444_736_000_000_000n;
  props.writeBigUInt64LE(ft, 40);
  CFB.utils.cfb_add(cfb, '/__properties_version1.0', props);
  return new Uint8Array(CFB.write(cfb, { type: 'buffer' }) as Buffer);
}

test('msg: an Outlook message is read (subject, sender, body, time) and its facts found', async () => {
  const data = outlookMsg(
    '回复: [案例号: CAS-20003-M5S9G2] % |P2|MSGORG|补丁失败 %',
    'Zhao Lei',
    '您好：\r\n日志分析：补丁 KB5015811 安装失败，报错 0x80070570（ERROR_FILE_CORRUPT）。\r\n联系电话：13700001111',
    new Date('2022-08-16T02:29:30Z'),
  );
  const t = await readThread('mail.msg', data);
  assert.equal(t.format, 'msg');
  assert.match(t.subject, /CAS-20003-M5S9G2/);
  assert.equal(t.messages.length, 1);
  assert.equal(t.messages[0]!.from, 'Zhao Lei');
  assert.equal(t.messages[0]!.at, '2022-08-16T02:29:30.000Z');
  const b = await buildThread([t]);
  assert.deepEqual(b.facts.primaryCodes, ['0x80070570']);
  assert.equal(b.facts.org, 'MSGORG');
  assert.equal(b.messages[0]!.role, 'engineer');
  assert.ok(!JSON.stringify(b).includes('13700001111') && !JSON.stringify(b).includes('Zhao Lei'));
});

test('a file that is no thread is refused with a clear error', async () => {
  await assert.rejects(
    readThread('x.txt', Buffer.from('just some text\n')),
    /not a case thread patchdx reads/,
  );
});
