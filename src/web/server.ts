// The web app: `createApp({ store, pool, uploadsDir })` returns a Fastify app (tested in-process with
// `inject`); `patchdx serve` listens with it. Pages are server-rendered HTML escaped by construction; the
// client is two small local files. Analysis never runs on the event loop: uploads are streamed to disk
// and analysed on the pool's threads; the viewer and the error table read the stored upload on a thread.
//
// Security (bank networks): every request's Host must be a loopback name or one allowed (no DNS
// rebinding); with a token every request carries it (cookie, set once from `?token=`); every
// state-changing request needs a same-origin Origin (or Referer) and the CSRF token of its cookie; the
// CSP allows nothing but this origin, no inline script; log text and file names are escaped.

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import multipart from '@fastify/multipart';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import {
  caseDraft,
  CaseStoreError,
  reportChunks,
  withAdvice,
  explain,
  renderExplanation,
  type AnalysisPool,
  type CaseStore,
  type Diagnosis,
  type DraftKind,
  type Lang,
} from '../index.js';
import { html } from './html.js';
import { pickLang, t } from './i18n.js';
import { cleanRelative, Jobs, type Job } from './jobs.js';
import { caseForms, diagnosisPage, similarSection, type SimilarFn, type Subject } from './pages/diagnosis.js';
import { casePage, caseUrl, dashboardPage } from './pages/cases.js';
import { homePage, progressPage, type UploadLimits } from './pages/home.js';
import { layout, type PageContext } from './pages/layout.js';
import { errorsPage, messagePage, viewerPage, type ErrorFilter } from './pages/viewer.js';
import { ScanPool, type ErrorIndex, type ScanTask, type Slice } from './scan.js';

export type { SimilarCase, SimilarFn } from './pages/diagnosis.js';

export interface AppOptions {
  store: CaseStore;
  pool: AnalysisPool;
  /** Where uploads are kept while they are looked at (under the case store's data folder). */
  uploadsDir: string;
  /** The similar-past-cases search; the section says "not available" without it. */
  similar?: SimilarFn;
  /** A secret every request must carry (required when listening beyond loopback). */
  token?: string;
  /** Host names accepted besides localhost, 127.0.0.1 and ::1 (the address listened on). */
  allowedHosts?: string[];
  limits?: Partial<UploadLimits>;
  /** Uploads not attached to a case are deleted after this long without a visit (default 24 h). */
  uploadTtlMs?: number;
}

export const DEFAULT_LIMITS: UploadLimits = { maxBytes: 2 * 1024 ** 3, maxFiles: 10_000 };

const STATIC_DIR = new URL('../../../src/web/static/', import.meta.url);
const STATIC_TYPES: Record<string, string> = {
  'app.js': 'text/javascript; charset=utf-8',
  'app.css': 'text/css; charset=utf-8',
};

export const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

declare module 'fastify' {
  interface FastifyRequest {
    lang: Lang;
    csrf: string;
    csrfFresh: boolean;
  }
}

function cookies(req: FastifyRequest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i < 0) continue;
    const k = part.slice(0, i).trim();
    try {
      out[k] = decodeURIComponent(part.slice(i + 1).trim());
    } catch {
      // A cookie we did not write.
    }
  }
  return out;
}

function sameSecret(a: string, b: string): boolean {
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return timingSafeEqual(x, y);
}

/** The host name of a Host header (`[::1]:8080` → `::1`), lower case. */
export function hostName(host: string): string {
  const h = host.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(1, h.indexOf(']'));
  const i = h.lastIndexOf(':');
  return i >= 0 && h.indexOf(':') === i ? h.slice(0, i) : h;
}

const LOOPBACK = ['localhost', '127.0.0.1', '::1'];

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function createApp(o: AppOptions): Promise<FastifyInstance> {
  const limits: UploadLimits = { ...DEFAULT_LIMITS, ...o.limits };
  const allowed = new Set([...LOOPBACK, ...(o.allowedHosts ?? []).map((h) => hostName(h))]);
  const jobs = new Jobs({ dir: o.uploadsDir, pool: o.pool, ttlMs: o.uploadTtlMs });
  const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 });
  // The knowledge tables load on first use: load them now, not while a user waits.
  explain('0x80073712');
  await app.register(multipart, {
    limits: { fileSize: limits.maxBytes, files: limits.maxFiles, fields: 20, parts: limits.maxFiles + 20 },
  });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
  const scans = new ScanPool(2);
  app.addHook('onClose', async () => {
    await jobs.close();
    await scans.close();
  });

  const ctxOf = (req: FastifyRequest): PageContext => ({ lang: req.lang, csrf: req.csrf, here: req.url });
  const page = (reply: FastifyReply, body: string, status = 200): FastifyReply =>
    reply.code(status).type('text/html; charset=utf-8').send(body);
  const fail = (req: FastifyRequest, reply: FastifyReply, status: number, message: string): FastifyReply =>
    page(reply, messagePage(ctxOf(req), String(status), message), status);

  app.addHook('onRequest', async (req, reply) => {
    reply.header('Content-Security-Policy', CSP);
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('X-Frame-Options', 'DENY');
    reply.header('Referrer-Policy', 'same-origin');
    reply.header('Cache-Control', 'no-store');
    const c = cookies(req);
    req.lang = pickLang(c.pdx_lang, req.headers['accept-language']);
    req.csrf = c.pdx_csrf && /^[\w-]{20,64}$/.test(c.pdx_csrf) ? c.pdx_csrf : '';
    req.csrfFresh = false;
    // DNS rebinding: a page of evil.example whose name now points here still says Host: evil.example.
    const host = req.headers.host;
    if (!host || !allowed.has(hostName(host))) {
      return reply
        .code(421)
        .type('text/plain; charset=utf-8')
        .send('Host not allowed: open patchdx by the address it printed at start.\n');
    }
    if (o.token) {
      const q = (req.query as Record<string, unknown>)?.token;
      if (req.method === 'GET' && typeof q === 'string' && sameSecret(q, o.token)) {
        const url = new URL(req.url, 'http://x');
        url.searchParams.delete('token');
        reply.header(
          'Set-Cookie',
          `pdx_token=${encodeURIComponent(o.token)}; Path=/; HttpOnly; SameSite=Strict`,
        );
        return reply.redirect(url.pathname + url.search, 303);
      }
      if (!c.pdx_token || !sameSecret(c.pdx_token, o.token))
        return reply
          .code(401)
          .type('text/plain; charset=utf-8')
          .send('patchdx needs its token: open the address with ?token=… printed at start.\n');
    }
    if (!req.csrf) {
      req.csrf = randomBytes(24).toString('base64url');
      req.csrfFresh = true;
      reply.header('Set-Cookie', `pdx_csrf=${req.csrf}; Path=/; HttpOnly; SameSite=Strict`);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      const origin = req.headers.origin ?? req.headers.referer;
      let ok: boolean;
      try {
        ok = !!origin && new URL(origin).host === host.toLowerCase();
      } catch {
        ok = false;
      }
      if (!ok)
        return reply
          .code(403)
          .type('text/plain; charset=utf-8')
          .send('Refused: the request does not come from a patchdx page (Origin).\n');
    }
  });
  // The CSRF token: a header (the client script) or the form field, equal to the cookie.
  app.addHook('preHandler', async (req, reply) => {
    if (req.method === 'GET' || req.method === 'HEAD') return;
    const header = req.headers['x-csrf-token'];
    const field = (req.body as Record<string, unknown> | undefined)?._csrf;
    const given = typeof header === 'string' ? header : typeof field === 'string' ? field : '';
    if (req.csrfFresh || !given || !sameSecret(given, req.csrf))
      return reply
        .code(403)
        .type('text/plain; charset=utf-8')
        .send('Refused: missing or wrong CSRF token; reload the page and try again.\n');
  });

  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, req, reply) => {
    if (err instanceof CaseStoreError) {
      const status =
        err.code === 'not-found' ? 404 : err.code === 'exists' || err.code === 'invalid' ? 400 : 500;
      return fail(req, reply, status, err.message);
    }
    if (err instanceof HttpError) return fail(req, reply, err.status, err.message);
    const status = err.statusCode && err.statusCode >= 400 ? err.statusCode : 500;
    return fail(req, reply, status, err.message);
  });
  app.setNotFoundHandler((req, reply) => fail(req, reply, 404, t(req.lang, 'notFound')));

  app.get<{ Params: { name: string } }>('/static/:name', async (req, reply) => {
    const type = STATIC_TYPES[req.params.name];
    if (!type) return fail(req, reply, 404, t(req.lang, 'notFound'));
    reply.header('Cache-Control', 'no-cache');
    return reply.type(type).send(readFileSync(new URL(req.params.name, STATIC_DIR)));
  });

  app.get('/', async (req, reply) => page(reply, homePage(ctxOf(req), limits, jobs.list())));

  app.get<{ Querystring: { to?: string; back?: string } }>('/lang', async (req, reply) => {
    const to = req.query.to === 'en' ? 'en' : 'zh';
    const back = req.query.back ?? '/';
    const safe = back.startsWith('/') && !back.startsWith('//') && !back.startsWith('/\\') ? back : '/';
    reply.header('Set-Cookie', `pdx_lang=${to}; Path=/; SameSite=Strict; Max-Age=31536000`);
    return reply.redirect(safe, 303);
  });

  app.get<{ Querystring: { q?: string } }>('/explain', async (req, reply) => {
    const q = (req.query.q ?? '').slice(0, 300);
    const text = q.trim() ? renderExplanation(explain(q.trim()), req.lang) : '';
    return page(
      reply,
      layout(
        ctxOf(req),
        t(req.lang, 'explain'),
        html`<h1>${t(req.lang, 'explain')}: ${q}</h1>
          <form method="get" action="/explain">
            <input type="search" name="q" value="${q}" class="wide-input" /><button type="submit">
              ${t(req.lang, 'search')}
            </button>
          </form>
          <pre class="explained" id="explained">${text}</pre>`,
      ),
    );
  });

  // Uploads: streamed part by part to the upload's folder, counted against the limits, then analysed.
  app.post('/upload', async (req, reply) => {
    if (!req.isMultipart()) throw new HttpError(400, 'send the files as multipart/form-data');
    const job = jobs.create();
    let total = 0;
    const taken = new Set<string>();
    try {
      for await (const part of req.parts()) {
        if (part.type !== 'file') continue;
        let name = cleanRelative(part.filename || 'upload');
        for (let k = 2; taken.has(name.toLowerCase()); k++) name = `${cleanRelative(part.filename)}~${k}`;
        taken.add(name.toLowerCase());
        const dest = join(job.inDir, name);
        mkdirSync(dirname(dest), { recursive: true });
        const count = new Transform({
          transform(chunk: Buffer, _e, cb) {
            total += chunk.length;
            if (total > limits.maxBytes) cb(new HttpError(413, tooBig(req.lang, limits)));
            else cb(null, chunk);
          },
        });
        await pipeline(part.file, count, createWriteStream(dest));
        if (part.file.truncated) throw new HttpError(413, tooBig(req.lang, limits));
        job.names.push(name);
      }
    } catch (err) {
      await jobs.remove(job);
      job.update({ state: 'failed', error: (err as Error).message });
      const e = err as { code?: string; statusCode?: number };
      if (e.code === 'FST_FILES_LIMIT' || e.code === 'FST_PARTS_LIMIT')
        throw new HttpError(
          413,
          lang(
            req.lang,
            `一次最多上传 ${limits.maxFiles} 个文件（上限）。`,
            `At most ${limits.maxFiles} files per upload (limit).`,
          ),
        );
      if (e.code === 'FST_REQ_FILE_TOO_LARGE') throw new HttpError(413, tooBig(req.lang, limits));
      throw err;
    }
    if (job.names.length === 0) {
      await jobs.remove(job);
      throw new HttpError(400, lang(req.lang, '没有收到文件。', 'No file was received.'));
    }
    job.bytes = total;
    const tops = new Set(job.names.map((n) => n.split('/')[0]));
    job.analysedPath =
      job.names.length === 1 || tops.size === 1
        ? join(job.inDir, job.names.length === 1 ? job.names[0]! : [...tops][0]!)
        : job.inDir;
    jobs.start(job);
    const url = `/u/${job.id}`;
    if ((req.headers.accept ?? '').includes('application/json')) return reply.send({ id: job.id, url });
    return reply.redirect(url, 303);
  });

  const jobOf = (id: string): Job => {
    const j = jobs.get(id);
    if (!j)
      throw new HttpError(404, 'no such upload (uploads are kept for a day, or until the server restarts)');
    return j;
  };

  app.get<{ Params: { id: string } }>('/u/:id/events', async (req, reply) => {
    const job = jobOf(req.params.id);
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    });
    const terminal = (s: string): boolean => s === 'done' || s === 'failed' || s === 'cancelled';
    const send = (): void => {
      res.write(`event: status\ndata: ${JSON.stringify(job.status)}\n\n`);
      if (terminal(job.status.state)) {
        job.off('status', send);
        res.end();
      }
    };
    job.on('status', send);
    res.on('close', () => job.off('status', send));
    send();
  });

  app.post<{ Params: { id: string } }>('/u/:id/cancel', async (req, reply) => {
    const job = jobOf(req.params.id);
    jobs.cancel(job);
    await jobs.remove(job);
    return reply.send({ state: job.status.state });
  });

  const jobSubject = (job: Job): Subject => ({
    base: `/u/${job.id}`,
    diagnosis: withAdvice(job.diagnosis!),
    path: existsSync(job.analysedPath) ? job.analysedPath : null,
    title: job.name,
  });

  app.get<{ Params: { id: string } }>('/u/:id', async (req, reply) => {
    const job = jobOf(req.params.id);
    const ctx = ctxOf(req);
    if (!job.diagnosis) return page(reply, progressPage(ctx, job));
    const s = jobSubject(job);
    const open = (await o.store.list({ open: true, limit: 200 })).map((c) => c.number);
    return page(
      reply,
      diagnosisPage(ctx, s, {
        caseForms: caseForms(ctx, job.id, open, job.diagnosis.input.computer),
        similar: await similarSection(req.lang, s.diagnosis, o.similar),
      }),
    );
  });

  // Rounds of a case: the same pages over the stored diagnosis and the kept input.
  const roundSubject = async (n: string, machine: string, seq: number): Promise<Subject> => {
    const view = await o.store.show(n);
    const m = view.machines.find((x) => x.name === machine);
    const r = m?.rounds.find((x) => x.seq === seq);
    if (!m || !r) throw new HttpError(404, t('en', 'notFound'));
    const h = (await o.store.history(n)).find((x) => x.machine === machine && x.seq === seq);
    if (!h) throw new HttpError(404, t('en', 'notFound'));
    const kept = r.inputKept && r.inputSha256 && o.store.inputs ? o.store.inputs.pathOf(r.inputSha256) : null;
    return {
      base: `${caseUrl(n)}/m/${encodeURIComponent(machine)}/r/${seq}`,
      diagnosis: withAdvice(h.diagnosis),
      path: kept && existsSync(kept) ? kept : null,
      rootName: r.inputName,
      title: `${n} · ${machine} · ${seq}`,
    };
  };
  app.get<{ Params: { n: string; machine: string; seq: string } }>(
    '/cases/:n/m/:machine/r/:seq',
    async (req, reply) => {
      const s = await roundSubject(req.params.n, req.params.machine, Number(req.params.seq));
      return page(
        reply,
        diagnosisPage(ctxOf(req), s, { similar: await similarSection(req.lang, s.diagnosis, o.similar) }),
      );
    },
  );

  // The pages every subject has: viewer, error lines, reports, scripts.
  const errorCache = new Map<string, Promise<ErrorIndex>>();
  const scan = async <T>(task: ScanTask, req: FastifyRequest): Promise<T> => {
    if (scans.queued >= 8)
      throw new HttpError(
        503,
        lang(
          req.lang,
          '正在读取的日志太多，请稍后再试。',
          'Too many logs being read; try again in a moment.',
        ),
      );
    // A browser that goes away before the answer stops the reading.
    const ac = new AbortController();
    const res = req.raw.socket;
    const onClose = (): void => ac.abort();
    res?.once('close', onClose);
    try {
      return (await scans.run(task, ac.signal)) as T;
    } finally {
      res?.off('close', onClose);
    }
  };
  type Params = Record<string, string>;
  const subjectRoutes = (prefix: string, resolve: (p: Params) => Promise<Subject>): void => {
    app.get<{ Params: Params; Querystring: { file?: string; line?: string } }>(
      `${prefix}/view`,
      async (req, reply) => {
        const s = await resolve(req.params);
        if (!s.path) return fail(req, reply, 410, t(req.lang, 'inputGone'));
        const file = String(req.query.file ?? '');
        const line = Math.max(1, Math.floor(Number(req.query.line) || 1));
        // Only a source the analysis read or the error table listed; the thread then finds it by name again.
        const known =
          s.diagnosis.sources.some((x) => x.file === file) ||
          (await errorCache.get(s.path)?.catch(() => null))?.sources.includes(file);
        if (!known) return fail(req, reply, 404, t(req.lang, 'notFoundFile'));
        const slice = await scan<Slice | null>(
          { op: 'slice', path: s.path, rootName: s.rootName, file, line, context: 40 },
          req,
        );
        if (!slice) return fail(req, reply, 404, t(req.lang, 'notFoundFile'));
        return page(reply, viewerPage(ctxOf(req), s, slice, line));
      },
    );
    app.get<{ Params: Params; Querystring: { q?: string; level?: string; source?: string } }>(
      `${prefix}/errors`,
      async (req, reply) => {
        const s = await resolve(req.params);
        if (!s.path) return fail(req, reply, 410, t(req.lang, 'inputGone'));
        let idx = errorCache.get(s.path);
        if (!idx) {
          idx = scan<ErrorIndex>({ op: 'errors', path: s.path, rootName: s.rootName }, req);
          errorCache.set(s.path, idx);
          idx.catch(() => errorCache.delete(s.path!));
          while (errorCache.size > 4) errorCache.delete(errorCache.keys().next().value!);
        }
        const f: ErrorFilter = {
          q: String(req.query.q ?? '').slice(0, 200),
          level: req.query.level === 'error' || req.query.level === 'warning' ? req.query.level : '',
          source: String(req.query.source ?? ''),
        };
        return page(reply, errorsPage(ctxOf(req), s, await idx, f));
      },
    );
    app.get<{ Params: Params; Querystring: { lang?: string } }>(
      `${prefix}/report.:fmt`,
      async (req, reply) => {
        const s = await resolve(req.params);
        const L: Lang = req.query.lang === 'en' ? 'en' : req.query.lang === 'zh' ? 'zh' : req.lang;
        const fmt = req.params.fmt ?? '';
        const base = fileBase(s.diagnosis);
        if (fmt === 'md')
          return download(
            reply,
            `${base}.md`,
            'text/markdown; charset=utf-8',
            reportChunks(s.diagnosis, 'md', { lang: L }),
          );
        if (fmt === 'html')
          return download(
            reply,
            `${base}.html`,
            'text/html; charset=utf-8',
            reportChunks(s.diagnosis, 'html', { lang: L }),
          );
        if (fmt === 'json')
          return download(
            reply,
            `${base}.json`,
            'application/json; charset=utf-8',
            reportChunks(s.diagnosis, 'json', { lang: L }),
          );
        return fail(req, reply, 404, t(req.lang, 'notFound'));
      },
    );
    app.get<{ Params: Params }>(`${prefix}/scripts/:name`, async (req, reply) => {
      const s = await resolve(req.params);
      const sc = (s.diagnosis.scripts ?? []).find((x) => x.name === req.params.name);
      if (!sc) return fail(req, reply, 404, t(req.lang, 'notFound'));
      return download(reply, sc.name, 'text/plain; charset=utf-8', sc.content);
    });
  };
  subjectRoutes('/u/:id', async (p) => {
    const job = jobOf(p.id ?? '');
    if (!job.diagnosis) throw new HttpError(409, 'the analysis has not finished');
    return jobSubject(job);
  });
  subjectRoutes('/cases/:n/m/:machine/r/:seq', (p) =>
    roundSubject(p.n ?? '', p.machine ?? '', Number(p.seq)),
  );

  // The case desk.
  app.get('/cases', async (req, reply) => {
    const [due, open] = await Promise.all([o.store.list({ due: true }), o.store.list({ open: true })]);
    return page(reply, dashboardPage(ctxOf(req), due, open));
  });

  type Form = Record<string, string | undefined>;
  const field = (b: Form, k: string): string | undefined => {
    const v = b[k]?.trim();
    return v ? v.slice(0, 2000) : undefined;
  };
  const addUpload = async (number: string, b: Form): Promise<void> => {
    const id = field(b, 'upload');
    if (!id) return;
    const job = jobOf(id);
    if (!job.diagnosis) throw new HttpError(409, 'the analysis has not finished');
    const isFile = job.names.length === 1;
    await o.store.addRound(number, {
      diagnosis: job.diagnosis,
      machine: field(b, 'machine'),
      inputFile: isFile && existsSync(job.analysedPath) ? job.analysedPath : undefined,
    });
    job.attachedTo.push(number);
  };
  app.post<{ Body: Form }>('/cases', async (req, reply) => {
    const b = req.body ?? {};
    const number = field(b, 'number') ?? '';
    if (!/^[A-Za-z0-9._-]{1,64}$/.test(number))
      throw new HttpError(
        400,
        lang(
          req.lang,
          '案例号只能包含字母、数字、点、下划线和连字符。',
          'A case number holds letters, digits, dots, underscores and hyphens only.',
        ),
      );
    await o.store.createCase({
      number,
      customer: field(b, 'customer'),
      org: field(b, 'org'),
      engineer: field(b, 'engineer'),
      problem: field(b, 'problem'),
    });
    await addUpload(number, b);
    return reply.redirect(caseUrl(number), 303);
  });
  app.post<{ Body: Form }>('/cases/round', async (req, reply) => {
    const number = field(req.body ?? {}, 'number') ?? '';
    await o.store.show(number);
    await addUpload(number, req.body ?? {});
    return reply.redirect(caseUrl(number), 303);
  });
  app.get<{ Params: { n: string }; Querystring: { draft?: string; dlang?: string } }>(
    '/cases/:n',
    async (req, reply) => {
      const n = req.params.n;
      const view = await o.store.show(n);
      const kinds: DraftKind[] = ['initial', 'analysis', 'followup', 'closure'];
      const draftKind = kinds.includes(req.query.draft as DraftKind)
        ? (req.query.draft as DraftKind)
        : view.record.status === 'closed'
          ? 'closure'
          : 'analysis';
      const draftLang: Lang = req.query.dlang === 'en' ? 'en' : req.query.dlang === 'zh' ? 'zh' : req.lang;
      let draft = null;
      let draftError: string | null = null;
      try {
        draft = await caseDraft(o.store, n, draftKind, draftLang);
      } catch (err) {
        draftError = (err as Error).message;
      }
      const latest = view.machines.find((m) => m.latest)?.latest ?? null;
      const similar = latest
        ? await similarSection(req.lang, latest, o.similar)
        : html`<section class="similar" id="similar">
            <h2>${t(req.lang, 'similar')}</h2>
            <p class="muted">${o.similar ? '–' : t(req.lang, 'notAvailable')}</p>
          </section>`;
      return page(reply, casePage(ctxOf(req), { view, draftKind, draftLang, draft, draftError, similar }));
    },
  );
  app.post<{ Params: { n: string }; Body: Form }>('/cases/:n/notes', async (req, reply) => {
    const b = req.body ?? {};
    const kinds = ['email', 'call', 'no-answer', 'handover', 'note'] as const;
    const kind = kinds.find((k) => k === b.kind) ?? 'note';
    const text = field(b, 'text');
    if (!text) throw new HttpError(400, lang(req.lang, '请填写内容。', 'Write what happened.'));
    await o.store.note(req.params.n, { kind, text, waiting: b.waiting === '1' });
    return reply.redirect(`${caseUrl(req.params.n)}#contacts`, 303);
  });
  app.post<{ Params: { n: string }; Body: Form }>('/cases/:n/close', async (req, reply) => {
    const b = req.body ?? {};
    const cause = field(b, 'cause');
    const resolution = field(b, 'resolution');
    if (!cause || !resolution)
      throw new HttpError(
        400,
        lang(req.lang, '结案需要原因和解决方法。', 'Closing needs a cause and a resolution.'),
      );
    await o.store.closeCase(req.params.n, cause, resolution);
    return reply.redirect(caseUrl(req.params.n), 303);
  });

  return app;
}

function lang(l: Lang, zh: string, en: string): string {
  return l === 'zh' ? zh : en;
}

function tooBig(l: Lang, limits: UploadLimits): string {
  const mb = Math.round(limits.maxBytes / 1024 / 1024);
  return lang(
    l,
    `上传超过 ${mb} MB（上限），已拒绝；请分开上传或压缩后再试。`,
    `The upload is larger than ${mb} MB (limit) and was refused; split or zip it and try again.`,
  );
}

function fileBase(d: Diagnosis): string {
  const n = d.input.name.replace(/[^\w.-]+/g, '_').replace(/^\.+/, '') || 'diagnosis';
  return `patchdx-${n}`;
}

/** A file to save: a string, or a report's pieces streamed as they are made (`reportChunks`). */
function download(
  reply: FastifyReply,
  name: string,
  type: string,
  body: string | Iterable<string>,
): FastifyReply {
  const ascii = name.replace(/[^\w.-]+/g, '_');
  return reply
    .type(type)
    .header(
      'Content-Disposition',
      `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`,
    )
    .send(typeof body === 'string' ? body : Readable.from(body));
}
