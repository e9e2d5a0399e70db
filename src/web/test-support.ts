// Helpers of the web tests: an app over a fresh SQLite case store and a one-thread pool, a session that
// carries the cookies and CSRF token a browser would, and multipart bodies built by hand.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { createAnalysisPool, openCaseStore, type AnalysisPool, type CaseStore } from '../index.js';
import { createApp, type AppOptions } from './server.js';

export interface TestApp {
  app: FastifyInstance;
  store: CaseStore;
  pool: AnalysisPool;
  dir: string;
  uploadsDir: string;
  close(): Promise<void>;
}

export async function testApp(extra: Partial<AppOptions> = {}): Promise<TestApp> {
  const dir = mkdtempSync(join(tmpdir(), 'patchdx-web-'));
  const store = await openCaseStore(join(dir, 'cases.db'), { pid: process.pid });
  const pool = extra.pool ?? createAnalysisPool({ threads: 1 });
  const uploadsDir = join(dir, 'uploads');
  const app = await createApp({ store, pool, uploadsDir, ...extra });
  return {
    app,
    store,
    pool,
    dir,
    uploadsDir,
    close: async () => {
      await app.close();
      if (!extra.pool) await pool.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface FilePart {
  name: string;
  data: Buffer | string;
}

export function multipartBody(files: FilePart[]): { payload: Buffer; contentType: string } {
  const boundary = `----patchdxtest${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  for (const f of files) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${f.name.replace(/"/g, '%22')}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
      ),
      Buffer.isBuffer(f.data) ? f.data : Buffer.from(f.data),
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** Markup with whitespace runs collapsed and none before `>`: the tests match structure, not layout. */
export function flat(body: string): string {
  return body.replace(/\s+/g, ' ').replace(/ >/g, '>');
}

/** A browser's session: cookies kept, the CSRF token read from the first page. */
export class Session {
  cookies = new Map<string, string>();
  csrf = '';
  constructor(
    readonly app: FastifyInstance,
    readonly host = 'localhost:8080',
  ) {}

  private keep(res: LightMyRequestResponse): void {
    const set = res.headers['set-cookie'];
    for (const c of Array.isArray(set) ? set : set ? [set] : []) {
      const [kv] = c.split(';');
      const i = kv!.indexOf('=');
      this.cookies.set(kv!.slice(0, i), kv!.slice(i + 1));
    }
  }

  get cookie(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async get(url: string, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    const res = await this.app.inject({
      method: 'GET',
      url,
      headers: { host: this.host, cookie: this.cookie, ...headers },
    });
    this.keep(res);
    const m = /<meta name="csrf-token" content="([^"]+)"/.exec(res.body);
    if (m) this.csrf = m[1]!;
    if (/^text\/html/.test(String(res.headers['content-type'])))
      Object.defineProperty(res, 'body', { value: flat(res.body) });
    return res;
  }

  async post(
    url: string,
    body: Record<string, string> | { payload: Buffer; contentType: string },
    headers: Record<string, string> = {},
  ): Promise<LightMyRequestResponse> {
    if (!this.csrf) await this.get('/');
    const isForm = !('payload' in body && Buffer.isBuffer(body.payload));
    const res = await this.app.inject({
      method: 'POST',
      url,
      headers: {
        host: this.host,
        origin: `http://${this.host}`,
        cookie: this.cookie,
        'x-csrf-token': this.csrf,
        accept: 'application/json',
        'content-type': isForm
          ? 'application/x-www-form-urlencoded'
          : (body as { contentType: string }).contentType,
        ...headers,
      },
      payload: isForm
        ? new URLSearchParams(body as Record<string, string>).toString()
        : (body as { payload: Buffer }).payload,
    });
    this.keep(res);
    return res;
  }

  /** Uploads files and waits for the analysis; returns the upload's page URL. */
  async upload(files: FilePart[]): Promise<string> {
    const res = await this.post('/upload', multipartBody(files));
    if (res.statusCode !== 200) throw new Error(`upload: ${res.statusCode} ${res.body}`);
    const { url } = res.json() as { url: string };
    for (let i = 0; i < 600; i++) {
      const ev = await this.get(`${url}/events`);
      if (/"state":"(done|failed|cancelled)"/.test(ev.body)) return url;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('analysis did not finish');
  }
}
