// The case store: cases, their machines and rounds of logs, the contact log with its working-day
// follow-ups, closure, secrets, export and import. Every method that writes is one transaction; the same
// code runs on SQLite and PostgreSQL through Kysely.

import { randomUUID } from 'node:crypto';
import { basename, dirname, join, resolve } from 'node:path';
import type { Kysely } from 'kysely';
import { sql } from './kysely.js';
import type { Diagnosis } from '../index.js';
import { addDays, calendarFor, localDate, type WorkCalendar } from './calendar.js';
import { connect, lockInputs, migrate, writeTx, type Connection, type Dialect } from './db.js';
import { diffRounds, type RoundDiff } from './diff.js';
import { CaseStoreError, storeError } from './errors.js';
import { InputStore, type IsAlive, type StagedInput } from './inputs.js';
import { scrubNullable, scrubText } from './privacy.js';
import type { CaseDb, CaseStatus, CasesTable, ContactKind, RoundsTable } from './schema.js';

/** How to open a case store. */
export interface OpenCaseStoreOptions {
  /** Folder of kept inputs; default `<db file>.inputs` beside a SQLite file. Required for PostgreSQL to keep inputs. */
  inputsDir?: string;
  /** Inputs larger than this are analysed but not kept (default 2 GiB). */
  maxInputBytes?: number;
  /** Working days between contacts (default 2). */
  followUpDays?: number;
  /** Calendar region: `cn` (default) or `weekdays`; years can be added as files in `calendarDir/<region>/`. */
  region?: string;
  calendarDir?: string;
  /** The team's time zone for "today" and contact dates (default `Asia/Shanghai`). */
  timeZone?: string;
  /** The clock (tests). */
  now?: () => Date;
  /** This process's id and a liveness check, to clean temporary files of killed processes. */
  pid?: number;
  isAlive?: IsAlive;
}

/** Fields of a new case; all optional but the number. */
export interface NewCase {
  number: string;
  customer?: string;
  org?: string;
  contactName?: string;
  contactPhone?: string;
  contactEmail?: string;
  priority?: string;
  engineer?: string;
  product?: string;
  problem?: string;
  /** Working days between contacts for this case. */
  followUpDays?: number;
  /** Upload-portal credential to send to the customer: a secret field. */
  portalCredential?: string;
}

/** A case as stored (no secrets). */
export interface CaseRecord {
  id: string;
  number: string;
  customer: string | null;
  org: string | null;
  contactName: string | null;
  contactPhone: string | null;
  contactEmail: string | null;
  priority: string | null;
  engineer: string | null;
  product: string | null;
  problem: string | null;
  status: CaseStatus;
  openedAt: string;
  updatedAt: string;
  lastContactAt: string | null;
  nextContact: string | null;
  closedAt: string | null;
  cause: string | null;
  resolution: string | null;
  followUpDays: number | null;
}

/** One line of `case list`. */
export interface CaseSummary {
  number: string;
  customer: string | null;
  org: string | null;
  priority: string | null;
  engineer: string | null;
  status: CaseStatus;
  nextContact: string | null;
  lastContactAt: string | null;
  machines: number;
  rounds: number;
  /** Working days the next contact is overdue (0 = due today), null when not due. */
  overdueDays: number | null;
}

/** A round without its diagnosis. */
export interface RoundSummary {
  seq: number;
  addedAt: string;
  inputName: string;
  inputSha256: string | null;
  inputBytes: number;
  inputKept: boolean;
  verdict: string;
}

/** A machine of a case: its rounds, the latest diagnosis and what changed since the round before. */
export interface MachineView {
  name: string;
  rounds: RoundSummary[];
  latest: Diagnosis | null;
  diff: RoundDiff | null;
  /** The latest round found no failure. */
  healthy: boolean;
}

/** An entry of the contact log. */
export interface ContactEntry {
  at: string;
  kind: ContactKind;
  engineer: string | null;
  text: string;
}

/** Everything `case show` says about a case. */
export interface CaseView {
  record: CaseRecord;
  machines: MachineView[];
  contacts: ContactEntry[];
  /** Names of the secret fields (their values only through `secret`). */
  secrets: string[];
}

/** What `addRound` records. */
export interface NewRound {
  diagnosis: Diagnosis;
  /** Machine name; default the computer named by the logs, else the case's only machine, else `PC1`. */
  machine?: string;
  /** The input file to keep (a bundle or log); omitted for folders or with `keepInput: false`. */
  inputFile?: string;
  keepInput?: boolean;
}

/** The result of `addRound`. */
export interface AddedRound {
  machine: string;
  seq: number;
  kept: boolean;
  /** Why the input was not kept, when it was not. */
  notKept: string | null;
  diff: RoundDiff;
}

/** A contact-log entry to add. */
export interface NewContact {
  kind: ContactKind;
  text: string;
  engineer?: string;
  /** When it happened (default now). */
  at?: Date;
  /** After this contact the case waits on the customer: no follow-up until they answer (a new round). */
  waiting?: boolean;
  /** For a handover: the engineer who takes the case. */
  to?: string;
}

/** The JSON of one exported case (`patchdx.case/1`). */
export interface CaseExport {
  schema: 'patchdx.case/1';
  exportedAt: string;
  scrubbed: boolean;
  case: CaseRecord;
  machines: {
    id: string;
    name: string;
    createdAt: string;
    rounds: (RoundSummary & { id: string; diagnosis: Diagnosis })[];
  }[];
  contacts: (ContactEntry & { id: string })[];
}

/** Filters of `list`. */
export interface ListFilter {
  /** Open and waiting cases only. */
  open?: boolean;
  /** Open cases whose next contact is today or earlier. */
  due?: boolean;
  engineer?: string;
  limit?: number;
}

/** Kinds of contact that reset the follow-up clock (a handover or an internal note does not). */
const CUSTOMER_CONTACT: ContactKind[] = ['email', 'call', 'no-answer'];

const PORTAL = 'portal-credential';

/** The fields of a case record; each is the column of the same name in snake_case. */
const CASE_FIELDS = [
  'id',
  'number',
  'customer',
  'org',
  'contactName',
  'contactPhone',
  'contactEmail',
  'priority',
  'engineer',
  'product',
  'problem',
  'status',
  'openedAt',
  'updatedAt',
  'lastContactAt',
  'nextContact',
  'closedAt',
  'cause',
  'resolution',
  'followUpDays',
] as const satisfies readonly (keyof CaseRecord)[];

function column(field: string): keyof CasesTable {
  return field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`) as keyof CasesTable;
}

function toRecord(r: CasesTable): CaseRecord {
  const out: Record<string, unknown> = {};
  for (const f of CASE_FIELDS) out[f] = r[column(f)] ?? null;
  out.followUpDays = r.follow_up_days === null ? null : Number(r.follow_up_days);
  return out as unknown as CaseRecord;
}

/** The row of an imported record: only known fields are taken. */
function fromRecord(c: CaseRecord): CasesTable {
  const out: Record<string, unknown> = {};
  for (const f of CASE_FIELDS) out[column(f)] = c[f] ?? null;
  out.machine_count = 0;
  out.round_count = 0;
  return out as unknown as CasesTable;
}

function toRoundSummary(r: Omit<RoundsTable, 'id' | 'machine_id' | 'diagnosis'>): RoundSummary {
  return {
    seq: Number(r.seq),
    addedAt: r.added_at,
    inputName: r.input_name,
    inputSha256: r.input_sha256,
    inputBytes: Number(r.input_bytes),
    inputKept: Number(r.input_kept) === 1,
    verdict: r.verdict,
  };
}

/** Adds an entry to a case's contact log (inside the caller's transaction). */
async function logContact(
  trx: Kysely<CaseDb>,
  c: CasesTable,
  at: string,
  kind: ContactKind,
  text: string,
  engineer: string | undefined,
): Promise<void> {
  await trx
    .insertInto('contacts')
    .values({ id: randomUUID(), case_id: c.id, at, kind, engineer: engineer ?? c.engineer, text })
    .execute();
}

function dayDiff(a: string, b: string): number {
  return Math.round((Date.parse(`${a}T00:00:00Z`) - Date.parse(`${b}T00:00:00Z`)) / 86_400_000);
}

/** A case store over one database. Open with `openCaseStore`; `close` when done. */
export class CaseStore {
  readonly calendar: WorkCalendar;
  private readonly followUpDays: number;
  private readonly timeZone: string;
  private readonly now: () => Date;
  private readonly maxInputBytes: number;

  constructor(
    private readonly conn: Connection,
    readonly inputs: InputStore | null,
    opts: OpenCaseStoreOptions,
  ) {
    this.calendar = calendarFor(opts.region ?? 'cn', opts.calendarDir);
    this.followUpDays = opts.followUpDays ?? 2;
    this.timeZone = opts.timeZone ?? 'Asia/Shanghai';
    this.now = opts.now ?? (() => new Date());
    this.maxInputBytes = opts.maxInputBytes ?? 2 * 1024 ** 3;
  }

  /** `sqlite` or `postgres`. */
  get dialect(): Dialect {
    return this.conn.dialect;
  }

  /** The connection, for the past-case index (`src/cases/similar/`, `src/cases/threads/`). */
  get connection(): Connection {
    return this.conn;
  }

  /** The database file or URL (password hidden). */
  get where(): string {
    return this.conn.where;
  }

  /** Today in the team's time zone. */
  today(): string {
    return localDate(this.now(), this.timeZone);
  }

  /** The next contact date after a contact on `day` for a case with its own cadence or the default. */
  nextContactAfter(day: string, days: number | null = null): string {
    return this.calendar.addWorkingDays(day, days ?? this.followUpDays);
  }

  /** Closes the connection. */
  async close(): Promise<void> {
    await this.conn.db.destroy();
  }

  private async caseRow(db: Kysely<CaseDb>, number: string): Promise<CasesTable> {
    const row = await db.selectFrom('cases').selectAll().where('number', '=', number).executeTakeFirst();
    if (!row)
      throw new CaseStoreError(
        'not-found',
        `no case ${number} in ${this.where}; \`patchdx case list\` shows the cases.`,
      );
    return row;
  }

  /** Locks the case row for this transaction (both engines: an update takes the row lock) and returns it. */
  private async lockCase(trx: Kysely<CaseDb>, number: string): Promise<CasesTable> {
    const at = this.now().toISOString();
    await trx.updateTable('cases').set({ updated_at: at }).where('number', '=', number).execute();
    // No row updated: the case does not exist, which caseRow says.
    return this.caseRow(trx, number);
  }

  /** Opens a new case; its first follow-up is due N working days from today. */
  async createCase(c: NewCase): Promise<CaseRecord> {
    const number = c.number.trim();
    if (!number) throw new CaseStoreError('invalid', 'a case needs a number (CAS-…)');
    if (c.followUpDays !== undefined && !(Number.isInteger(c.followUpDays) && c.followUpDays >= 1))
      throw new CaseStoreError(
        'invalid',
        'the follow-up cadence is a whole number of working days, 1 or more',
      );
    const at = this.now().toISOString();
    const row: CasesTable = {
      id: randomUUID(),
      number,
      customer: c.customer ?? null,
      org: c.org ?? null,
      contact_name: c.contactName ?? null,
      contact_phone: c.contactPhone ?? null,
      contact_email: c.contactEmail ?? null,
      priority: c.priority ?? null,
      engineer: c.engineer ?? null,
      product: c.product ?? null,
      problem: c.problem ?? null,
      status: 'open',
      opened_at: at,
      updated_at: at,
      last_contact_at: null,
      next_contact: this.nextContactAfter(this.today(), c.followUpDays ?? null),
      closed_at: null,
      cause: null,
      resolution: null,
      follow_up_days: c.followUpDays ?? null,
      machine_count: 0,
      round_count: 0,
    };
    return writeTx(this.conn, async (trx) => {
      const exists = await trx
        .selectFrom('cases')
        .select('id')
        .where('number', '=', number)
        .executeTakeFirst();
      if (exists)
        throw new CaseStoreError(
          'exists',
          `case ${number} already exists; \`patchdx case show ${number}\` shows it.`,
        );
      await trx.insertInto('cases').values(row).execute();
      if (c.portalCredential)
        await trx
          .insertInto('case_secrets')
          .values({ case_id: row.id, name: PORTAL, value: c.portalCredential })
          .execute();
      return toRecord(row);
    });
  }

  /**
   * Records a round of logs for a machine of a case: keeps the input (content-addressed, once), stores the
   * diagnosis and returns what changed since that machine's previous round. One transaction; the case
   * waits no longer on the customer once they sent logs.
   */
  async addRound(number: string, r: NewRound): Promise<AddedRound> {
    let staged: StagedInput | null = null;
    let notKept: string | null = null;
    const d = r.diagnosis;
    if (r.keepInput === false) notKept = 'not kept (--no-keep-input)';
    else if (!r.inputFile) notKept = 'not kept (a folder; zip it to keep it)';
    else if (!this.inputs) notKept = 'not kept (no input folder configured for this database)';
    else if (d.input.bytes > this.maxInputBytes)
      notKept = `not kept (${d.input.bytes} bytes, over the ${this.maxInputBytes}-byte cap)`;
    // Copy before the transaction so a large bundle never holds the write lock.
    if (!notKept && this.inputs && r.inputFile) staged = await this.inputs.stage(r.inputFile);
    try {
      const out = await writeTx(this.conn, async (trx) => {
        const c = await this.lockCase(trx, number);
        if (c.status === 'closed')
          throw new CaseStoreError('invalid', `case ${number} is closed; open a new case for a new problem.`);
        const machines = await trx
          .selectFrom('machines')
          .select(['id', 'name'])
          .where('case_id', '=', c.id)
          .execute();
        const name =
          r.machine ??
          d.input.computer ??
          (machines.length === 1 ? machines[0]!.name : machines.length === 0 ? 'PC1' : null);
        if (!name)
          throw new CaseStoreError(
            'invalid',
            `case ${number} has machines ${machines.map((m) => m.name).join(', ')} and the logs name none: say which with --machine NAME`,
          );
        const at = this.now().toISOString();
        let machineId = machines.find((m) => m.name === name)?.id;
        const newMachine = !machineId;
        if (!machineId) {
          machineId = randomUUID();
          await trx
            .insertInto('machines')
            .values({ id: machineId, case_id: c.id, name, created_at: at })
            .execute();
        }
        const prev = await trx
          .selectFrom('rounds')
          .select(['seq', 'diagnosis'])
          .where('machine_id', '=', machineId)
          .orderBy('seq', 'desc')
          .limit(1)
          .executeTakeFirst();
        const seq = prev ? Number(prev.seq) + 1 : 1;
        const sha = staged?.sha256 ?? d.input.sha256;
        if (staged) {
          await lockInputs(this.conn, trx);
          await trx
            .insertInto('inputs')
            .values({
              sha256: staged.sha256,
              bytes: staged.bytes,
              first_name: basename(d.input.name),
              stored_at: at,
            })
            .onConflict((oc) => oc.column('sha256').doNothing())
            .execute();
        }
        await trx
          .insertInto('rounds')
          .values({
            id: randomUUID(),
            machine_id: machineId,
            seq,
            added_at: at,
            input_name: basename(d.input.name),
            input_sha256: sha,
            input_bytes: d.input.bytes,
            input_kept: staged ? 1 : 0,
            verdict: d.verdict,
            diagnosis: JSON.stringify(d),
          })
          .execute();
        // The customer sent logs: a waiting case is ours again.
        const reopen =
          c.status === 'waiting'
            ? { status: 'open' as const, next_contact: this.nextContactAfter(this.today(), c.follow_up_days) }
            : {};
        await trx
          .updateTable('cases')
          .set((eb) => ({
            ...reopen,
            round_count: eb('round_count', '+', 1),
            machine_count: eb('machine_count', '+', newMachine ? 1 : 0),
          }))
          .where('id', '=', c.id)
          .execute();
        const before = prev
          ? { seq: Number(prev.seq), diagnosis: JSON.parse(prev.diagnosis) as Diagnosis }
          : null;
        return { machine: name, seq, kept: staged !== null, notKept, diff: diffRounds(before, d) };
      });
      if (staged) await this.inputs!.finish(staged);
      return out;
    } catch (err) {
      if (staged) await this.inputs!.discard(staged);
      throw err;
    }
  }

  /** Adds an entry to the contact log; a contact with the customer moves the next follow-up. */
  async note(number: string, n: NewContact): Promise<CaseRecord> {
    const at = (n.at ?? this.now()).toISOString();
    return writeTx(this.conn, async (trx) => {
      const c = await this.lockCase(trx, number);
      await logContact(trx, c, at, n.kind, n.text, n.engineer);
      const set: Partial<CasesTable> = {};
      if (CUSTOMER_CONTACT.includes(n.kind) && (!c.last_contact_at || c.last_contact_at < at))
        set.last_contact_at = at;
      if (n.kind === 'handover' && n.to) set.engineer = n.to;
      if (c.status !== 'closed') {
        if (n.waiting) {
          set.status = 'waiting';
          set.next_contact = null;
        } else if (CUSTOMER_CONTACT.includes(n.kind) && c.status === 'open') {
          set.next_contact = this.nextContactAfter(
            localDate(new Date(set.last_contact_at ?? at), this.timeZone),
            c.follow_up_days,
          );
        }
      }
      if (Object.keys(set).length) await trx.updateTable('cases').set(set).where('id', '=', c.id).execute();
      return toRecord({ ...c, ...set });
    });
  }

  /** Takes a waiting case back: the follow-up clock restarts from today. */
  async resume(number: string): Promise<CaseRecord> {
    return writeTx(this.conn, async (trx) => {
      const c = await this.lockCase(trx, number);
      if (c.status === 'closed') throw new CaseStoreError('invalid', `case ${number} is closed`);
      const set = {
        status: 'open' as const,
        next_contact: this.nextContactAfter(this.today(), c.follow_up_days),
      };
      await trx.updateTable('cases').set(set).where('id', '=', c.id).execute();
      return toRecord({ ...c, ...set });
    });
  }

  /** Closes a case with its cause and resolution; closed cases have no follow-up. */
  async closeCase(number: string, cause: string, resolution: string, engineer?: string): Promise<CaseRecord> {
    if (!cause.trim() || !resolution.trim())
      throw new CaseStoreError('invalid', 'closing a case needs --cause and --resolution');
    return writeTx(this.conn, async (trx) => {
      const c = await this.lockCase(trx, number);
      if (c.status === 'closed')
        throw new CaseStoreError('invalid', `case ${number} is already closed (${c.closed_at})`);
      const at = this.now().toISOString();
      const set = { status: 'closed' as const, closed_at: at, cause, resolution, next_contact: null };
      await trx.updateTable('cases').set(set).where('id', '=', c.id).execute();
      await logContact(trx, c, at, 'note', `closed: ${cause} / ${resolution}`, engineer);
      return toRecord({ ...c, ...set });
    });
  }

  /** Sets a secret field of a case (the upload-portal credential by default). */
  async setSecret(number: string, value: string, name = PORTAL): Promise<void> {
    await writeTx(this.conn, async (trx) => {
      const c = await this.lockCase(trx, number);
      await trx
        .insertInto('case_secrets')
        .values({ case_id: c.id, name, value })
        .onConflict((oc) => oc.columns(['case_id', 'name']).doUpdateSet({ value }))
        .execute();
    });
  }

  /** Reads a secret field; only on the engineer's explicit request. */
  async secret(number: string, name = PORTAL): Promise<string | null> {
    const row = await this.read(async (db) => {
      const c = await this.caseRow(db, number);
      return db
        .selectFrom('case_secrets')
        .select('value')
        .where('case_id', '=', c.id)
        .where('name', '=', name)
        .executeTakeFirst();
    });
    return row?.value ?? null;
  }

  private async read<T>(fn: (db: Kysely<CaseDb>) => Promise<T>): Promise<T> {
    try {
      return await fn(this.conn.db);
    } catch (err) {
      throw storeError(err, this.where);
    }
  }

  /** A case with its machines (rounds, latest diagnosis, diff with the round before), contacts and secret names. */
  async show(number: string): Promise<CaseView> {
    return this.read(async (db) => {
      const c = await this.caseRow(db, number);
      const machines = await db
        .selectFrom('machines')
        .selectAll()
        .where('case_id', '=', c.id)
        .orderBy('created_at')
        .orderBy('name')
        .execute();
      const ids = machines.map((m) => m.id);
      const rounds = ids.length
        ? await db
            .selectFrom('rounds')
            .select([
              'machine_id',
              'seq',
              'added_at',
              'input_name',
              'input_sha256',
              'input_bytes',
              'input_kept',
              'verdict',
            ])
            .where('machine_id', 'in', ids)
            .orderBy('seq')
            .execute()
        : [];
      const views: MachineView[] = [];
      for (const m of machines) {
        const mine = rounds.filter((r) => r.machine_id === m.id);
        const last2 = await db
          .selectFrom('rounds')
          .select(['seq', 'diagnosis'])
          .where('machine_id', '=', m.id)
          .orderBy('seq', 'desc')
          .limit(2)
          .execute();
        const latest = last2[0] ? (JSON.parse(last2[0].diagnosis) as Diagnosis) : null;
        const prev = last2[1]
          ? { seq: Number(last2[1].seq), diagnosis: JSON.parse(last2[1].diagnosis) as Diagnosis }
          : null;
        views.push({
          name: m.name,
          rounds: mine.map(toRoundSummary),
          latest,
          diff: latest ? diffRounds(prev, latest) : null,
          healthy: latest !== null && latest.verdict !== 'failed' && latest.verdict !== 'unreadable',
        });
      }
      const contacts = await db
        .selectFrom('contacts')
        .select(['at', 'kind', 'engineer', 'text'])
        .where('case_id', '=', c.id)
        .orderBy('at')
        .execute();
      const secrets = await db
        .selectFrom('case_secrets')
        .select('name')
        .where('case_id', '=', c.id)
        .execute();
      return { record: toRecord(c), machines: views, contacts, secrets: secrets.map((s) => s.name) };
    });
  }

  /** Every diagnosis of one machine, oldest first (for drafts and the closure history). */
  async history(
    number: string,
  ): Promise<{ machine: string; seq: number; addedAt: string; diagnosis: Diagnosis }[]> {
    return this.read(async (db) => {
      const c = await this.caseRow(db, number);
      const rows = await db
        .selectFrom('rounds')
        .innerJoin('machines', 'machines.id', 'rounds.machine_id')
        .select(['machines.name as machine', 'rounds.seq', 'rounds.added_at', 'rounds.diagnosis'])
        .where('machines.case_id', '=', c.id)
        .orderBy('rounds.added_at')
        .orderBy('rounds.seq')
        .execute();
      return rows.map((r) => ({
        machine: r.machine,
        seq: Number(r.seq),
        addedAt: r.added_at,
        diagnosis: JSON.parse(r.diagnosis) as Diagnosis,
      }));
    });
  }

  /** Cases, most urgent first: due ones by date, then the rest by number. */
  async list(f: ListFilter = {}): Promise<CaseSummary[]> {
    const today = this.today();
    return this.read(async (db) => {
      let q = db
        .selectFrom('cases')
        .select([
          'id',
          'number',
          'customer',
          'org',
          'priority',
          'engineer',
          'status',
          'next_contact',
          'last_contact_at',
          'machine_count',
          'round_count',
        ]);
      // `due` reads the (status, next_contact, number) index in order; no other row is touched.
      if (f.due) q = q.where('status', '=', 'open').where('next_contact', '<=', today);
      else if (f.open) q = q.where('status', '!=', 'closed');
      if (f.engineer) q = q.where('engineer', '=', f.engineer);
      // Cases without a next contact (waiting, closed) last, the same on both engines.
      if (!f.due) q = q.orderBy(sql`case when next_contact is null then 1 else 0 end`);
      const rows = await q
        .orderBy('next_contact')
        .orderBy('number')
        .limit(f.limit ?? 200)
        .execute();
      const overdue = new Map<string, number>();
      const overdueOf = (d: string): number => {
        if (!overdue.has(d)) overdue.set(d, this.calendar.workingDaysBetween(d, today));
        return overdue.get(d)!;
      };
      return rows.map((r) => ({
        number: r.number,
        customer: r.customer,
        org: r.org,
        priority: r.priority,
        engineer: r.engineer,
        status: r.status,
        nextContact: r.next_contact,
        lastContactAt: r.last_contact_at,
        machines: Number(r.machine_count),
        rounds: Number(r.round_count),
        overdueDays:
          r.status === 'open' && r.next_contact && r.next_contact <= today ? overdueOf(r.next_contact) : null,
      }));
    });
  }

  /** One case as JSON; credentials and phone numbers scrubbed unless `unscrubbed`; secrets never included. */
  async exportCase(number: string, opts: { unscrubbed?: boolean } = {}): Promise<CaseExport> {
    return this.read(async (db) => {
      const c = toRecord(await this.caseRow(db, number));
      const s = opts.unscrubbed ? (x: string | null) => x : scrubNullable;
      const record: CaseRecord = opts.unscrubbed
        ? c
        : { ...c, contactPhone: null, problem: s(c.problem), cause: s(c.cause), resolution: s(c.resolution) };
      const machines = await db
        .selectFrom('machines')
        .selectAll()
        .where('case_id', '=', c.id)
        .orderBy('created_at')
        .execute();
      const out: CaseExport = {
        schema: 'patchdx.case/1',
        exportedAt: this.now().toISOString(),
        scrubbed: !opts.unscrubbed,
        case: record,
        machines: [],
        contacts: [],
      };
      for (const m of machines) {
        const rounds = await db
          .selectFrom('rounds')
          .selectAll()
          .where('machine_id', '=', m.id)
          .orderBy('seq')
          .execute();
        out.machines.push({
          id: m.id,
          name: m.name,
          createdAt: m.created_at,
          rounds: rounds.map((r) => ({
            id: r.id,
            ...toRoundSummary(r),
            diagnosis: JSON.parse(r.diagnosis) as Diagnosis,
          })),
        });
      }
      const contacts = await db
        .selectFrom('contacts')
        .selectAll()
        .where('case_id', '=', c.id)
        .orderBy('at')
        .execute();
      out.contacts = contacts.map((x) => ({
        id: x.id,
        at: x.at,
        kind: x.kind,
        engineer: x.engineer,
        text: opts.unscrubbed ? x.text : scrubText(x.text),
      }));
      return out;
    });
  }

  /**
   * Imports an exported case in one transaction. Idempotent: rows are matched by their ids, so importing
   * the same file twice changes nothing the second time; a case number held by another case is refused.
   */
  async importCase(x: CaseExport): Promise<{ created: boolean; rounds: number; contacts: number }> {
    if (x?.schema !== 'patchdx.case/1' || !x.case?.number || !Array.isArray(x.machines))
      throw new CaseStoreError('invalid', 'not a patchdx case export (schema patchdx.case/1)');
    return writeTx(this.conn, async (trx) => {
      const existing = await trx
        .selectFrom('cases')
        .select(['id'])
        .where('number', '=', x.case.number)
        .executeTakeFirst();
      if (existing && existing.id !== x.case.id)
        throw new CaseStoreError(
          'exists',
          `case ${x.case.number} already exists here as another case; nothing was imported.`,
        );
      if (!existing) await trx.insertInto('cases').values(fromRecord(x.case)).execute();
      let rounds = 0;
      let contacts = 0;
      for (const m of x.machines) {
        await trx
          .insertInto('machines')
          .values({ id: m.id, case_id: x.case.id, name: m.name, created_at: m.createdAt })
          .onConflict((oc) => oc.column('id').doNothing())
          .execute();
        for (const r of m.rounds) {
          const res = await trx
            .insertInto('rounds')
            .values({
              id: r.id,
              machine_id: m.id,
              seq: r.seq,
              added_at: r.addedAt,
              input_name: r.inputName,
              input_sha256: r.inputSha256,
              input_bytes: r.inputBytes,
              // The bytes are not in the export.
              input_kept: 0,
              verdict: r.verdict,
              diagnosis: JSON.stringify(r.diagnosis),
            })
            .onConflict((oc) => oc.column('id').doNothing())
            .executeTakeFirst();
          rounds += Number(res.numInsertedOrUpdatedRows ?? 0);
        }
      }
      for (const c of x.contacts) {
        const res = await trx
          .insertInto('contacts')
          .values({
            id: c.id,
            case_id: x.case.id,
            at: c.at,
            kind: c.kind,
            engineer: c.engineer,
            text: c.text,
          })
          .onConflict((oc) => oc.column('id').doNothing())
          .executeTakeFirst();
        contacts += Number(res.numInsertedOrUpdatedRows ?? 0);
      }
      await sql`update cases set
          machine_count = (select count(*) from machines m where m.case_id = cases.id),
          round_count = (select count(*) from rounds r join machines m on m.id = r.machine_id where m.case_id = cases.id)
        where id = ${x.case.id}`.execute(trx);
      return { created: !existing, rounds, contacts };
    });
  }

  /** Whether a kept input's bytes are referenced by a round (for recovery). */
  async isInputReferenced(sha256: string): Promise<boolean> {
    const row = await this.read((db) =>
      db
        .selectFrom('rounds')
        .select('id')
        .where('input_sha256', '=', sha256)
        .where('input_kept', '=', 1)
        .limit(1)
        .executeTakeFirst(),
    );
    return row !== undefined;
  }

  /** Days until (negative: overdue) a date, from today. */
  daysUntil(date: string): number {
    return dayDiff(date, this.today());
  }

  /** `date` plus `n` calendar days (for displays). */
  static addDays(date: string, n: number): string {
    return addDays(date, n);
  }
}

/** The default inputs folder of a SQLite database file. */
export function defaultInputsDir(dbFile: string): string {
  const f = resolve(dbFile);
  return join(dirname(f), `${basename(f)}.inputs`);
}

/**
 * Opens (and creates or migrates) a case store: a SQLite file path or a `postgres://` URL. Refuses a
 * database newer than this program, a damaged or read-only file, or an unreachable server with a clear
 * `CaseStoreError`, changing nothing. Cleans what a killed `case add` left in the input folder.
 */
export async function openCaseStore(target: string, opts: OpenCaseStoreOptions = {}): Promise<CaseStore> {
  const conn = await connect(target);
  try {
    await migrate(conn);
  } catch (err) {
    await conn.db.destroy().catch(() => undefined);
    throw storeError(err, conn.where);
  }
  const dir = opts.inputsDir ?? (conn.dialect === 'sqlite' ? defaultInputsDir(target) : null);
  const inputs = dir ? new InputStore(resolve(dir), opts.pid ?? 0, opts.isAlive) : null;
  const store = new CaseStore(conn, inputs, opts);
  if (inputs) await inputs.recover((sha) => store.isInputReferenced(sha));
  return store;
}
