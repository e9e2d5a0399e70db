// `patchdx serve` in-process: refuses an address beyond loopback without a token, serves pages with the
// strict CSP on 127.0.0.1, and stops cleanly when asked.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { serveCommand } from './commands/serve.js';
import type { Io } from './io.js';

function io(): Io & { errText: () => string } {
  let err = '';
  return {
    out: () => undefined,
    err: (s) => void (err += s),
    outIsTty: false,
    errIsTty: false,
    defaultLang: 'en',
    noColorEnv: true,
    errText: () => err,
  };
}

test('serve: another address needs --token, and says so', async () => {
  const o = io();
  const code = await serveCommand(['--host', '0.0.0.0', '--port', '0'], o, {
    env: {},
    pid: process.pid,
    isAlive: () => true,
    stopped: Promise.resolve(),
  });
  assert.equal(code, 2);
  assert.match(o.errText(), /needs --token/);
});

test('serve: listens on 127.0.0.1, answers with the CSP, stops when asked', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'patchdx-serve-'));
  const o = io();
  let stop!: () => void;
  const stopped = new Promise<void>((r) => (stop = r));
  const run = serveCommand(['--port', '0', '--db', join(dir, 'cases.db'), '--threads', '1'], o, {
    env: { XDG_DATA_HOME: dir },
    pid: process.pid,
    isAlive: () => true,
    stopped,
  });
  try {
    let url = '';
    for (let i = 0; i < 200 && !url; i++) {
      url = /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(o.errText())?.[1] ?? '';
      if (!url) await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok(url, o.errText());
    const res = await fetch(url);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-security-policy') ?? '', /default-src 'self'/);
    // DNS rebinding: the same address reached under a foreign name.
    const evil = await new Promise<number>((resolve, reject) => {
      const r = request(url, { headers: { host: 'evil.com' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      r.on('error', reject);
      r.end();
    });
    assert.equal(evil, 421);
  } finally {
    stop();
    assert.equal(await run, 0);
    rmSync(dir, { recursive: true, force: true });
  }
});
