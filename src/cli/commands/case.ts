// `patchdx case new|add|show|list|due|note|draft|close|export|import|secret|import-thread|similar`: the case desk, a thin layer
// over the library's case store. The database is `--db`, else PATCHDX_DB, else cases.db in the user's
// data directory; a `postgres://` URL selects the team's PostgreSQL.

import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { join } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import {
  analyze,
  caseDraft,
  CaseStoreError,
  dataDir,
  defaultDbTarget,
  importThreads,
  openCaseStore,
  similarCases,
  similarToCase,
  ThreadFormatError,
  withAdvice,
  type Diagnosis,
  renderAdded,
  renderCase,
  renderList,
  type CaseExport,
  type CaseStore,
  type ContactKind,
  type DraftKind,
  type Lang,
} from '../../index.js';
import { errLine, langOption, type Io } from '../io.js';
import { safeJson, safeLine, safeText } from '../../report/safe-text.js';
import { similarLines } from '../../report/similar.js';
import type { ThreadImport } from '../../index.js';

/** What the case command needs of the process, handed in by main.ts. */
export interface CaseContext {
  env: Record<string, string | undefined>;
  pid: number;
  /** Whether a process of this host still runs (to clean up after a killed `case add`). */
  isAlive: (pid: number) => boolean;
  /** The clock (tests). */
  now?: () => Date;
}

const USAGE = `Usage:
  patchdx case new <CAS-…> [--customer 许先生] [--org ORG] [--contact-name N] [--phone P] [--email E] [--priority P2]
                   [--engineer NAME] [--product BUILD] [--problem TEXT] [--follow-up-days 2] [--portal-credential X]
  patchdx case add <case> <bundle.zip | log | folder> [--machine NAME] [--no-keep-input] [--max-input-mb N]
  patchdx case show <case> [--show-secret] [--json]
  patchdx case list [--open | --due] [--engineer NAME] [--limit N] [--json]
  patchdx case due [--engineer NAME]              (follow-ups due today and overdue, with the draft to send)
  patchdx case note <case> "text" [--kind email|call|no-answer|handover|note] [--to NAME] [--waiting | --resume]
  patchdx case draft <case> initial|analysis|followup|closure [--contact TEL]
  patchdx case close <case> --cause TEXT --resolution TEXT
  patchdx case export <case> [--out FILE] [--unscrubbed]
  patchdx case import <case.json>
  patchdx case secret <case> [--set VALUE]        (the upload-portal credential: shown only here, never exported)
  patchdx case import-thread <file.eml|file.msg|export.txt …> [--json]   (past case threads, redacted before stored)
  patchdx case similar <case | bundle.zip | log | folder | diagnosis.json> [--limit N] [--json]
Common: --db FILE|postgres://… (or PATCHDX_DB), --inputs DIR (or PATCHDX_INPUTS), --lang zh|en,
        --region cn|weekdays (or PATCHDX_REGION), --tz Asia/Shanghai (or PATCHDX_TZ)
`;

const COMMON = {
  db: { type: 'string' },
  inputs: { type: 'string' },
  lang: { type: 'string' },
  region: { type: 'string' },
  tz: { type: 'string' },
  json: { type: 'boolean' },
} as const satisfies ParseArgsConfig['options'];

const SUB_OPTIONS = {
  new: {
    customer: { type: 'string' },
    org: { type: 'string' },
    'contact-name': { type: 'string' },
    phone: { type: 'string' },
    email: { type: 'string' },
    priority: { type: 'string' },
    engineer: { type: 'string' },
    product: { type: 'string' },
    problem: { type: 'string' },
    'follow-up-days': { type: 'string' },
    'portal-credential': { type: 'string' },
  },
  add: {
    machine: { type: 'string' },
    'no-keep-input': { type: 'boolean' },
    'max-input-mb': { type: 'string' },
  },
  show: { 'show-secret': { type: 'boolean' } },
  list: {
    open: { type: 'boolean' },
    due: { type: 'boolean' },
    engineer: { type: 'string' },
    limit: { type: 'string' },
  },
  due: { engineer: { type: 'string' }, contact: { type: 'string' } },
  note: {
    kind: { type: 'string' },
    to: { type: 'string' },
    waiting: { type: 'boolean' },
    resume: { type: 'boolean' },
    engineer: { type: 'string' },
  },
  draft: { contact: { type: 'string' } },
  close: { cause: { type: 'string' }, resolution: { type: 'string' }, contact: { type: 'string' } },
  export: { out: { type: 'string' }, unscrubbed: { type: 'boolean' } },
  import: {},
  secret: { set: { type: 'string' } },
  'import-thread': {},
  similar: { limit: { type: 'string' } },
} as const satisfies Record<string, ParseArgsConfig['options']>;

type Sub = keyof typeof SUB_OPTIONS;
type Values = Record<string, string | boolean | undefined>;
const KINDS: ContactKind[] = ['email', 'call', 'no-answer', 'handover', 'note'];
const DRAFTS: DraftKind[] = ['initial', 'analysis', 'followup', 'closure'];

class UsageError extends Error {}

function str(v: Values, k: string): string | undefined {
  const x = v[k];
  return typeof x === 'string' ? x : undefined;
}

function posInt(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < 1)
    throw new UsageError(`--${name} must be a whole number of 1 or more, not "${v}"`);
  return Number(v);
}

function need(p: string[], i: number, what: string): string {
  const x = p[i];
  if (!x) throw new UsageError(`give ${what}`);
  return x;
}

async function open(v: Values, ctx: CaseContext): Promise<CaseStore> {
  const target = defaultDbTarget(ctx.env, str(v, 'db'));
  const fu = ctx.env.PATCHDX_FOLLOW_UP_DAYS;
  return openCaseStore(target, {
    inputsDir: str(v, 'inputs') ?? ctx.env.PATCHDX_INPUTS,
    region: str(v, 'region') ?? ctx.env.PATCHDX_REGION ?? 'cn',
    calendarDir: join(dataDir(ctx.env), 'calendars'),
    timeZone: str(v, 'tz') ?? ctx.env.PATCHDX_TZ ?? 'Asia/Shanghai',
    followUpDays: fu ? posInt(fu, 'follow-up-days (PATCHDX_FOLLOW_UP_DAYS)') : undefined,
    now: ctx.now,
    pid: ctx.pid,
    isAlive: ctx.isAlive,
  });
}

function json(io: Io, x: unknown): void {
  io.out(safeJson(x) + '\n');
}

async function run(sub: Sub, p: string[], v: Values, lang: Lang, io: Io, ctx: CaseContext): Promise<number> {
  if (sub === 'add') {
    // Check the arguments before the (long) analysis.
    need(p, 0, 'the case number');
    need(p, 1, 'the logs of this round: a bundle (.zip), a log or a folder');
    if (p.length > 2)
      throw new UsageError(
        'give one bundle, log or folder per round (put several logs in one folder or zip)',
      );
  }
  if (sub === 'import-thread') need(p, 0, 'the thread files (.eml, .msg or text exports)');
  if (sub === 'similar') need(p, 0, 'a case number, a bundle or log, or a diagnosis.json');
  const store = await open(v, ctx);
  try {
    switch (sub) {
      case 'new': {
        const r = await store.createCase({
          number: need(p, 0, 'the case number (CAS-…)'),
          customer: str(v, 'customer'),
          org: str(v, 'org'),
          contactName: str(v, 'contact-name'),
          contactPhone: str(v, 'phone'),
          contactEmail: str(v, 'email'),
          priority: str(v, 'priority'),
          engineer: str(v, 'engineer'),
          product: str(v, 'product'),
          problem: str(v, 'problem'),
          followUpDays: posInt(str(v, 'follow-up-days'), 'follow-up-days'),
          portalCredential: str(v, 'portal-credential'),
        });
        if (v.json) json(io, r);
        else
          io.out(
            lang === 'zh'
              ? `已创建案例 ${r.number}，下次联系：${r.nextContact}\n`
              : `Case ${r.number} opened; next contact ${r.nextContact}\n`,
          );
        return 0;
      }
      case 'add': {
        const [number, input] = [p[0]!, p[1]!];
        const isFile = statSync(input, { throwIfNoEntry: false })?.isFile() ?? false;
        const d = await analyze(input);
        if (d.verdict === 'unreadable') {
          for (const x of d.diagnostics.filter((x) => x.level === 'error'))
            errLine(io, 'patchdx', x.file, x.message, x.line);
          io.err('patchdx case add: nothing readable in this input; no round was added\n');
          return 2;
        }
        const cap = posInt(str(v, 'max-input-mb'), 'max-input-mb');
        if (cap !== undefined && d.input.bytes > cap * 1024 * 1024) v['no-keep-input'] = true;
        const added = await store.addRound(number, {
          diagnosis: d,
          machine: str(v, 'machine'),
          inputFile: isFile ? input : undefined,
          keepInput: !v['no-keep-input'],
        });
        if (v.json) json(io, added);
        else io.out(renderAdded(number, added, lang));
        return d.verdict === 'failed' ? 1 : 0;
      }
      case 'show': {
        const number = need(p, 0, 'the case number');
        const view = await store.show(number);
        const secret = v['show-secret'] ? await store.secret(number) : null;
        if (v.json) json(io, { ...view, ...(secret !== null ? { secret } : {}) });
        else io.out(renderCase(view, lang, secret));
        return 0;
      }
      case 'list': {
        const rows = await store.list({
          open: Boolean(v.open),
          due: Boolean(v.due),
          engineer: str(v, 'engineer'),
          limit: posInt(str(v, 'limit'), 'limit'),
        });
        if (v.json) json(io, rows);
        else io.out(renderList(rows, lang));
        return 0;
      }
      case 'due': {
        const rows = await store.list({ due: true, engineer: str(v, 'engineer') });
        if (v.json) json(io, rows);
        else {
          io.out(renderList(rows, lang));
          for (const r of rows) {
            const dr = await caseDraft(store, r.number, 'followup', lang, { contact: str(v, 'contact') });
            io.out(`\n----- ${r.number} -----\n${dr.subject}\n\n${dr.body}`);
          }
          io.out(`\n(${store.calendar.source})\n`);
        }
        return 0;
      }
      case 'note': {
        const number = need(p, 0, 'the case number');
        const kind = (str(v, 'kind') ?? 'note') as ContactKind;
        if (!KINDS.includes(kind)) throw new UsageError(`--kind must be one of ${KINDS.join(', ')}`);
        if (v.resume && !p[1]) {
          const r = await store.resume(number);
          io.out(
            lang === 'zh'
              ? `${number} 继续跟进，下次联系：${r.nextContact}\n`
              : `${number} resumed; next contact ${r.nextContact}\n`,
          );
          return 0;
        }
        const text = need(p, 1, 'the text of the note');
        if (kind === 'handover' && !str(v, 'to'))
          throw new UsageError('a handover needs --to NAME (the engineer taking the case)');
        let r = await store.note(number, {
          kind,
          text,
          engineer: str(v, 'engineer'),
          to: str(v, 'to'),
          waiting: Boolean(v.waiting),
        });
        if (v.resume) r = await store.resume(number);
        const next =
          r.status === 'waiting'
            ? lang === 'zh'
              ? '等待客户'
              : 'waiting on the customer'
            : (r.nextContact ?? '-');
        io.out(lang === 'zh' ? `已记录。下次联系：${next}\n` : `Noted. Next contact: ${next}\n`);
        return 0;
      }
      case 'draft': {
        const number = need(p, 0, 'the case number');
        const kind = need(p, 1, `the kind of e-mail: ${DRAFTS.join(', ')}`) as DraftKind;
        if (!DRAFTS.includes(kind)) throw new UsageError(`the kind of e-mail is one of ${DRAFTS.join(', ')}`);
        const dr = await caseDraft(store, number, kind, lang, { contact: str(v, 'contact') });
        io.out(`${dr.subject}\n\n${dr.body}`);
        return 0;
      }
      case 'close': {
        const number = need(p, 0, 'the case number');
        const cause = str(v, 'cause');
        const resolution = str(v, 'resolution');
        if (!cause || !resolution) throw new UsageError('closing needs --cause TEXT and --resolution TEXT');
        await store.closeCase(number, cause, resolution);
        const dr = await caseDraft(store, number, 'closure', lang, { contact: str(v, 'contact') });
        io.out(`${dr.subject}\n\n${dr.body}`);
        return 0;
      }
      case 'export': {
        const x = await store.exportCase(need(p, 0, 'the case number'), {
          unscrubbed: Boolean(v.unscrubbed),
        });
        const text = safeJson(x) + '\n';
        const out = str(v, 'out');
        if (out) writeFileSync(out, text);
        else io.out(text);
        return 0;
      }
      case 'import': {
        const file = need(p, 0, 'the exported case file (.json)');
        let x: CaseExport;
        try {
          x = JSON.parse(readFileSync(file, 'utf8')) as CaseExport;
        } catch (err) {
          throw new UsageError(`${file}: ${(err as Error).message}`);
        }
        const r = await store.importCase(x);
        io.out(
          lang === 'zh'
            ? `${x.case.number}：${r.created ? '新建' : '已存在'}，导入 ${r.rounds} 轮日志、${r.contacts} 条联系记录\n`
            : `${x.case.number}: ${r.created ? 'created' : 'already here'}; ${r.rounds} round(s) and ${r.contacts} contact(s) imported\n`,
        );
        return 0;
      }
      case 'import-thread': {
        const files = p.map((f) => ({ name: basename(f), data: readFileSync(f) }));
        let done;
        try {
          done = await importThreads(store, files);
        } catch (err) {
          if (err instanceof ThreadFormatError) throw new UsageError(err.message);
          throw err;
        }
        if (v.json) json(io, done);
        else for (const t of done) io.out(renderImported(t, lang));
        return 0;
      }
      case 'similar': {
        const target = p[0]!;
        const limit = posInt(str(v, 'limit'), 'limit');
        let report;
        let d: Diagnosis | null = null;
        const st = statSync(target, { throwIfNoEntry: false });
        if (st?.isFile() && /\.json$/i.test(target)) {
          d = JSON.parse(readFileSync(target, 'utf8')) as Diagnosis;
          if (!Array.isArray(d.findings))
            throw new UsageError(`${target}: not a patchdx diagnosis (no findings)`);
        } else if (st) d = await analyze(target);
        if (d) report = await similarCases(store, { diagnoses: [d] }, { limit });
        else report = await similarToCase(store, target, { limit });
        if (v.json) json(io, report);
        else io.out(similarOnly(d, report, lang));
        return 0;
      }
      case 'secret': {
        const number = need(p, 0, 'the case number');
        const set = str(v, 'set');
        if (set !== undefined) {
          await store.setSecret(number, set);
          io.out(lang === 'zh' ? '已保存（不会导出）。\n' : 'Saved (never exported).\n');
        } else io.out(`${(await store.secret(number)) ?? ''}\n`);
        return 0;
      }
    }
  } finally {
    await store.close();
  }
}

function similarOnly(d: Diagnosis | null, r: Parameters<typeof similarLines>[0], lang: Lang): string {
  return similarLines(r, d ? withAdvice(d) : null, lang).join('\n') + '\n';
}

function renderImported(t: ThreadImport, lang: Lang): string {
  const f = t.facts;
  const zh = lang === 'zh';
  const status = {
    created: zh ? '已导入' : 'imported',
    unchanged: zh ? '已存在，未改变' : 'already imported, unchanged',
    replaced: zh ? '已更新（更完整的导出）' : 'replaced (a fuller export)',
  }[t.status];
  const red = Object.entries(t.redactions)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  const list = (xs: string[]): string => (xs.length ? xs.join(', ') : '-');
  return [
    `${f.caseNumber ?? t.files.join(', ')}: ${status}`,
    `  ${zh ? '邮件' : 'messages'} ${t.messages}, ${zh ? '轮次' : 'rounds'} ${f.rounds}, ${zh ? '天数' : 'days'} ${f.days ?? '-'}, ${zh ? '结果' : 'outcome'} ${f.outcome}${f.fixedBy ? ` (${f.fixedBy})` : ''}`,
    `  ${zh ? '错误代码' : 'codes'} ${list(f.codes)}; KB ${list(f.kbs)}; ${zh ? '规则' : 'rules'} ${list(f.rules)}`,
    `  ${zh ? '组件' : 'components'} ${list(f.components)}; ${zh ? '文件' : 'files'} ${list(f.files)}; ${zh ? '版本' : 'builds'} ${list(f.builds.length ? f.builds : f.osBuilds.map(String))}`,
    `  ${zh ? '已脱敏' : 'redacted'}: ${red || '-'}`,
    '',
  ].join('\n');
}

/** `patchdx case …`: exit 0 done (or no failure in the round), 1 the round diagnoses a failure, 2 could not run. */
export async function caseCommand(args: string[], io: Io, ctx: CaseContext): Promise<number> {
  const [sub, ...rest] = args;
  if (!sub || sub === '--help' || sub === '-h' || sub === 'help') {
    io.out(USAGE);
    return sub ? 0 : 2;
  }
  if (!(sub in SUB_OPTIONS)) {
    io.err(`patchdx case: unknown subcommand "${safeLine(sub)}"\n\n${USAGE}`);
    return 2;
  }
  const s = sub as Sub;
  let parsed;
  try {
    parsed = parseArgs({ args: rest, allowPositionals: true, options: { ...COMMON, ...SUB_OPTIONS[s] } });
  } catch (err) {
    io.err(`patchdx case ${s}: ${safeLine((err as Error).message)}\n`);
    return 2;
  }
  const lang = langOption(parsed.values.lang, io);
  if (!lang) return 2;
  try {
    // Case numbers, names, notes, drafts and imported files are input: nothing the case desk prints
    // carries a raw control character (its output has no colour of its own).
    const safeIo: Io = { ...io, out: (t) => io.out(safeText(t)) };
    return await run(s, parsed.positionals, parsed.values as Values, lang, safeIo, ctx);
  } catch (err) {
    if (err instanceof UsageError || err instanceof CaseStoreError) {
      io.err(`patchdx case ${s}: ${safeLine(err.message)}\n`);
      return 2;
    }
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ENOENT' || e.code === 'EACCES' || e.code === 'ENOSPC') {
      io.err(`patchdx case ${s}: ${safeLine(e.message)}\n`);
      return 2;
    }
    throw err;
  }
}
