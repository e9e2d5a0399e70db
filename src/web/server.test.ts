// The web app through in-process requests: uploads analysed on the pool, the answer, the log viewer over
// the upload (zip entries read in place), the error table, the case desk, and the attacks it must refuse:
// a foreign Host (DNS rebinding), a missing CSRF token, a cross-site Origin, `../` in viewer paths,
// script in log text and in file names, uploads past the limits, a missing token.

import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { zipSync } from 'fflate';
import { corpusPath, examplePath } from '../testing/paths.js';
import { CSP } from './server.js';
import { Session, flat, multipartBody, testApp, type TestApp } from './test-support.js';
import { lineSignature } from './scan.js';
import { similarForPage } from './similar.js';
import { importThreads, type CaseStore } from '../index.js';
import { seedsPath } from '../testing/paths.js';
import { seedExcerpts } from '../testing/seed-excerpts.js';

const CBS = readFileSync(examplePath('CBS.log'));
const CBS02 = readFileSync(corpusPath('cbs02-appostarsi-w10-pendingrepair', 'CBS_5_23.log'));
const DISM01 = readFileSync(corpusPath('dism01-appostarsi-w10-esd-source', 'dism win 10.log'));

/** Hostile text in a real CBS line's shape: it must show as text. */
const HOSTILE_LINE =
  '2023-01-05 16:20:02, Error                 CSI    00000009 (F) <script>alert(1)</script><img src=x onerror=alert(2)> HRESULT = 0x80073712 - ERROR_SXS_COMPONENT_STORE_CORRUPT';
const HOSTILE_NAME = '<img src=x onerror=alert(3)>.log';

let t: TestApp;
let s: Session;
let cbsUrl: string;

describe('web app', () => {
  before(async () => {
    t = await testApp();
    s = new Session(t.app);
    cbsUrl = await s.upload([{ name: 'CBS.log', data: CBS }]);
  });
  after(async () => {
    await t.close();
  });

  it('answers on loopback names with a strict CSP and refuses a foreign Host (DNS rebinding)', async () => {
    const ok = await s.get('/');
    assert.equal(ok.statusCode, 200);
    const csp = String(ok.headers['content-security-policy']);
    assert.equal(csp, CSP);
    assert.match(csp, /default-src 'self'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|https?:/);
    assert.doesNotMatch(ok.body, /<script>|<script [^>]*src="(?!\/static\/)|<style|style=|https?:\/\//);
    for (const host of ['evil.com', 'evil.com:8080', '127.0.0.1.evil.com']) {
      const res = await t.app.inject({ method: 'GET', url: '/', headers: { host } });
      assert.equal(res.statusCode, 421, host);
      const post = await t.app.inject({
        method: 'POST',
        url: '/cases',
        headers: { host, origin: `http://${host}` },
      });
      assert.equal(post.statusCode, 421, host);
    }
    assert.equal(
      (await t.app.inject({ method: 'GET', url: '/', headers: { host: '[::1]:9' } })).statusCode,
      200,
    );
  });

  it('refuses a state change without the CSRF token, from another Origin, or with no Origin', async () => {
    const form = { number: 'CAS-CSRF-1', _csrf: s.csrf };
    const noToken = await s.post('/cases', { number: 'CAS-CSRF-1' }, { 'x-csrf-token': '' });
    assert.equal(noToken.statusCode, 403);
    const wrong = await s.post('/cases', { number: 'CAS-CSRF-1' }, { 'x-csrf-token': 'x'.repeat(32) });
    assert.equal(wrong.statusCode, 403);
    const cross = await s.post('/cases', form, { origin: 'http://evil.com' });
    assert.equal(cross.statusCode, 403);
    const crossRef = await s.post('/cases', form, { origin: '', referer: 'http://evil.com/x' });
    assert.equal(crossRef.statusCode, 403);
    // A token with no cookie to match (another browser's page) is refused too.
    const noCookie = await t.app.inject({
      method: 'POST',
      url: '/cases',
      headers: {
        host: 'localhost:8080',
        origin: 'http://localhost:8080',
        'x-csrf-token': s.csrf,
        'content-type': 'application/x-www-form-urlencoded',
      },
      payload: 'number=CAS-CSRF-1',
    });
    assert.equal(noCookie.statusCode, 403);
    const upload = await s.post('/upload', multipartBody([{ name: 'CBS.log', data: CBS }]), {
      'x-csrf-token': '',
    });
    assert.equal(upload.statusCode, 403);
    await assert.rejects(t.store.show('CAS-CSRF-1'));
    const good = await s.post('/cases', form);
    assert.equal(good.statusCode, 303);
    assert.equal((await t.store.show('CAS-CSRF-1')).record.number, 'CAS-CSRF-1');
  });

  it('shows the verdict, the plans with commands, findings with evidence links, timeline and history', async () => {
    const res = await s.get(cbsUrl, { 'accept-language': 'en-US,en;q=0.9' });
    assert.equal(res.statusCode, 200);
    const b = res.body;
    assert.match(b, /id="verdict"[\s\S]*Update failed/);
    assert.ok(b.indexOf('id="verdict"') < b.indexOf('id="plans"'), 'verdict first');
    assert.match(b, /class="copy" data-copy=/);
    assert.match(b, /DISM|dism/);
    assert.match(b, /0x80073712/);
    assert.match(b, /<svg class="timeline"/);
    assert.match(b, /class="tl-fail"/);
    assert.match(b, /id="similar-na"/, 'similar cases: not available without the function');
    const link = /<a class="ev" href="([^"]+)">/.exec(b);
    assert.ok(link, 'an evidence link');
    const href = link[1]!.replace(/&#38;/g, '&');
    const line = Number(new URL(href, 'http://x').searchParams.get('line'));
    const view = await s.get(href);
    assert.equal(view.statusCode, 200);
    assert.match(view.body, new RegExp(`class="hit" id="hit"> <td class="ln"> <a [^>]*>${line}</a>`));
    const want = flat(CBS.toString('utf8').split('\n')[line - 1]!.replace(/\r$/, '').slice(0, 40));
    assert.ok(
      view.body.includes(want.replace(/&/g, '&#38;').replace(/</g, '&#60;').replace(/>/g, '&#62;')),
      'the line itself',
    );
    assert.match(view.body, /id="next-ev"|id="prev-ev"/);
    for (const fmt of ['md', 'html', 'json']) {
      const r = await s.get(`${cbsUrl}/report.${fmt}?lang=en`);
      assert.equal(r.statusCode, 200, fmt);
      assert.match(String(r.headers['content-disposition']), /attachment/);
    }
    assert.equal(JSON.parse((await s.get(`${cbsUrl}/report.json`)).body).verdict, 'failed');
  });

  it('keeps the viewer inside the upload: ../, absolute and foreign names are not found', async () => {
    for (const file of [
      '../cases.db',
      '../../etc/passwd',
      '/etc/passwd',
      'CBS.log/../../cases.db',
      '..\\cases.db',
      '%2e%2e/x',
      'in/CBS.log',
      '',
    ]) {
      const r = await s.get(`${cbsUrl}/view?file=${encodeURIComponent(file)}&line=1`);
      assert.equal(r.statusCode, 404, file);
      assert.doesNotMatch(r.body, /SQLite format|root:x:0/);
    }
    const traversal = await s.get(`/u/..%2f..%2fcases.db/view?file=CBS.log&line=1`);
    assert.equal(traversal.statusCode, 404);
  });

  it('reads a zip upload in place and opens a zip entry in the viewer at an evidence line', async () => {
    const zip = Buffer.from(zipSync({ 'Logs/CBS/CBS_5_23.log': CBS02, 'Logs/dism/dism win 10.log': DISM01 }));
    const url = await s.upload([{ name: 'PC-0042.zip', data: zip }]);
    const page = await s.get(url);
    assert.match(page.body, /class="verdict v-failed"/);
    const hrefs = [...page.body.matchAll(/<a class="ev" href="([^"]+)">/g)].map((m) =>
      m[1]!.replace(/&#38;/g, '&'),
    );
    const inZip = hrefs.find((h) => decodeURIComponent(h).includes('PC-0042.zip/Logs/dism/'));
    assert.ok(inZip, 'evidence from the zip entry');
    const v = await s.get(inZip);
    assert.equal(v.statusCode, 200);
    assert.match(v.body, /id="viewer-loc">PC-0042\.zip\/Logs\/dism\/dism win 10\.log:\d+/);
    // Nothing was extracted: the upload folder holds the zip only.
    const id = url.split('/')[2]!;
    assert.deepEqual(readdirSync(`${t.uploadsDir}/${id}/in`), ['PC-0042.zip']);
    const errs = await s.get(`${url}/errors?level=error&q=0x800f081f`);
    assert.equal(errs.statusCode, 200);
    assert.match(errs.body, /class="err-row"/);
    assert.match(errs.body, /0x800f081f/i);
  });

  it('groups every error line by signature, without process and thread ids', () => {
    const a = lineSignature(
      '2023/05/20 10:00:00.1234567 1234  5678  Agent  FATAL: 0x80070005 failed for 3 items',
    );
    const b = lineSignature(
      '2023/05/21 11:22:33.7654321 9999  1111  Agent  FATAL: 0x80070005 failed for 7 items',
    );
    assert.equal(a, b);
    assert.match(a, /0x80070005/);
  });

  it('shows hostile log text and file names as text', async () => {
    const log = `${CBS.toString('utf8')}\r\n${HOSTILE_LINE}\r\n`;
    const url = await s.upload([{ name: HOSTILE_NAME, data: log }]);
    const pages = [
      await s.get(url),
      await s.get(`${url}/errors`),
      await s.get(`${url}/errors?q=${encodeURIComponent('<script>')}`),
    ];
    const row = /<a class="err-row" href="([^"]+)">(?:(?!<\/a>).)*&#60;script&#62;/s.exec(pages[2]!.body);
    assert.ok(row, 'the hostile line is in the error table, escaped');
    pages.push(await s.get(row[1]!.replace(/&#38;/g, '&')));
    pages.push(await s.get('/'));
    for (const p of pages) {
      assert.equal(p.statusCode, 200);
      // A tag with an onerror attribute of its own (a quoted attribute value holding the text is fine).
      assert.doesNotMatch(
        p.body,
        /<script>alert|<img[\s>]|<[a-z][a-z0-9]*(?:\s+[\w-]+(?:="[^"]*")?)*\s+onerror\s*=/i,
      );
    }
    assert.match(pages[3]!.body, /&#60;script&#62;alert\(1\)&#60;\/script&#62;/);
    assert.match(pages[4]!.body, /&#60;img src=x onerror=alert\(3\)&#62;|_img src=x onerror=alert\(3\)_/);
  });

  it('creates a case from an upload, adds a second round and shows the diff, drafts and closure', async () => {
    const first = cbsUrl.split('/')[2]!;
    const r1 = await s.post('/cases', {
      number: 'CAS-1001',
      customer: '许先生',
      org: 'ICBC',
      machine: 'PC-0042',
      upload: first,
      _csrf: s.csrf,
    });
    assert.equal(r1.statusCode, 303);
    assert.equal(r1.headers.location, '/cases/CAS-1001');
    const healthy = readFileSync(
      corpusPath(
        'cbs05-howard-healthy',
        readdirSync(corpusPath('cbs05-howard-healthy')).find((n) => n.endsWith('.log'))!,
      ),
    );
    const second = (await s.upload([{ name: 'CBS-after.log', data: healthy }])).split('/')[2]!;
    const r2 = await s.post('/cases/round', {
      number: 'CAS-1001',
      machine: 'PC-0042',
      upload: second,
      _csrf: s.csrf,
    });
    assert.equal(r2.statusCode, 303);
    const page = await s.get('/cases/CAS-1001?draft=closure&dlang=en', { 'accept-language': 'en' });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Since the previous round \(Round 1\)/);
    assert.match(page.body, /class="diff-resolved"/);
    assert.match(page.body, /id="draft-subject"/);
    assert.match(page.body, /Over 2 rounds of logs/);
    const zh = await s.get('/cases/CAS-1001?draft=analysis&dlang=zh');
    assert.match(zh.body, /日志分析/);
    const round = await s.get('/cases/CAS-1001/m/PC-0042/r/1');
    assert.match(round.body, /class="verdict v-failed"/);
    const ev = /<a class="ev" href="([^"]+)">/.exec(round.body);
    assert.ok(ev);
    const kept = await s.get(ev[1]!.replace(/&#38;/g, '&'));
    assert.equal(kept.statusCode, 200, 'the viewer reads the kept input of a round');
    assert.match(kept.body, /class="hit"/);
    const note = await s.post('/cases/CAS-1001/notes', {
      kind: 'call',
      text: '电话 <b>已接通</b>',
      _csrf: s.csrf,
    });
    assert.equal(note.statusCode, 303);
    const dash = await s.get('/cases');
    assert.match(dash.body, /CAS-1001/);
    const closed = await s.post('/cases/CAS-1001/close', {
      cause: 'corrupt manifest',
      resolution: 'replaced it',
      _csrf: s.csrf,
    });
    assert.equal(closed.statusCode, 303);
    const after = await s.get('/cases/CAS-1001');
    assert.match(after.body, /status-closed/);
    assert.match(after.body, /&#60;b&#62;已接通&#60;\/b&#62;/);
  });

  it('chooses the language from Accept-Language and the toggle, and the toggle only goes back on this site', async () => {
    const fresh = new Session(t.app);
    assert.match((await fresh.get('/', { 'accept-language': 'en-GB,en;q=0.8' })).body, /<html lang="en"/);
    assert.match(
      (await fresh.get('/', { 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.5' })).body,
      /<html lang="zh-CN"/,
    );
    const toggle = await fresh.get('/lang?to=en&back=%2Fcases');
    assert.equal(toggle.headers.location, '/cases');
    assert.match((await fresh.get('/', { 'accept-language': 'zh-CN' })).body, /<html lang="en"/);
    for (const back of ['//evil.com/', 'http://evil.com/', '/\\evil.com'])
      assert.equal((await fresh.get(`/lang?to=zh&back=${encodeURIComponent(back)}`)).headers.location, '/');
  });

  it('explains a code in the search box', async () => {
    const r = await s.get('/explain?q=0x80073712', { 'accept-language': 'en' });
    assert.match(r.body, /ERROR_SXS_COMPONENT_STORE_CORRUPT/);
  });

  it('serves its own client files and nothing else from the static folder', async () => {
    assert.equal((await s.get('/static/app.js')).statusCode, 200);
    assert.equal((await s.get('/static/app.css')).statusCode, 200);
    for (const p of ['/static/..%2fserver.ts', '/static/%2e%2e%2f%2e%2e%2fpackage.json', '/static/scan.ts'])
      assert.equal((await s.get(p)).statusCode, 404, p);
  });
});

describe('web app queue and similar cases', () => {
  it('queues a second upload behind a running one, telling its place, and cancels the running one', async () => {
    const t5 = await testApp();
    try {
      const s5 = new Session(t5.app);
      const big = Buffer.concat(Array.from({ length: Math.ceil((40 << 20) / CBS.length) }, () => CBS));
      const first = await s5.post('/upload', multipartBody([{ name: 'CBS-big.log', data: big }]));
      assert.equal(first.statusCode, 200);
      const second = await s5.post('/upload', multipartBody([{ name: 'CBS.log', data: CBS }]));
      const url1 = (first.json() as { url: string }).url;
      const url2 = (second.json() as { url: string }).url;
      const waiting = await s5.get(url2);
      assert.match(waiting.body, /id="job-cancel"/);
      const events = s5.get(`${url2}/events`);
      const cancel = await s5.post(`${url1}/cancel`, {});
      assert.equal((cancel.json() as { state: string }).state, 'cancelled');
      const body = (await events).body;
      assert.match(body, /"state":"queued","stage":"queued","percent":null,"position":1/);
      assert.match(body, /"state":"done"/);
      assert.match((await s5.get(url1)).body, /id="job-error"/);
    } finally {
      await t5.close();
    }
  });

  it('shows the similar past cases the optional search gives, escaped', async () => {
    const t6 = await testApp({
      similar: async (d) => [
        { number: 'CAS-0007', score: 0.91, summary: `<b>${d.verdict}</b> same manifest` },
      ],
    });
    try {
      const s6 = new Session(t6.app);
      const page = await s6.get(await s6.upload([{ name: 'CBS.log', data: CBS }]));
      assert.match(
        page.body,
        /<section class="similar" id="similar">[\s\S]*href="\/cases\/CAS-0007">CAS-0007<\/a> <span class="muted">0\.91<\/span> &#60;b&#62;failed&#60;\/b&#62; same manifest/,
      );
    } finally {
      await t6.close();
    }
  });
});

describe('web app similar past cases from the case store', () => {
  it('an imported seed thread is listed for a diagnosis of its own log lines, with outcome and why', async () => {
    // The search needs the app's own store, which exists once the app does.
    const ref: { store?: CaseStore } = {};
    const t7 = await testApp({ similar: (d, lang) => similarForPage(ref.store!, d, lang) });
    const store = (ref.store = t7.store);
    try {
      const seed = readdirSync(seedsPath()).find((f) => f.startsWith('000_'))!;
      await importThreads(store, [{ name: seed, data: readFileSync(seedsPath(seed)) }]);
      const s7 = new Session(t7.app);
      const log = Buffer.from(seedExcerpts('000').join(''), 'utf8');
      const url = await s7.upload([{ name: 'CBS.log', data: log }]);
      const page = flat((await s7.get(url, { 'accept-language': 'en' })).body);
      // An imported thread has no page here: its number is shown, not linked.
      assert.match(page, /<section class="similar" id="similar">.*<b>CAS-07938-T4F1J7<\/b>/);
      assert.match(page, /id="similar">.*why: .*(same finding|component|code)/);
      const zh = flat((await s7.get(url, { 'accept-language': 'zh-CN' })).body);
      assert.match(zh, /id="similar">.*相似之处/);
    } finally {
      await t7.close();
    }
  });
});

describe('web app limits and token', () => {
  it('refuses uploads past the byte and file limits, saying so, and keeps nothing', async () => {
    const t2 = await testApp({ limits: { maxBytes: 4000, maxFiles: 2 } });
    try {
      const s2 = new Session(t2.app);
      const big = await s2.post('/upload', multipartBody([{ name: 'CBS.log', data: CBS }]));
      assert.equal(big.statusCode, 413);
      assert.match(big.body, /larger than 0 MB \(limit\)|上传超过/);
      const many = await s2.post(
        '/upload',
        multipartBody([
          { name: 'a.log', data: 'x' },
          { name: 'b.log', data: 'y' },
          { name: 'c.log', data: 'z' },
        ]),
        { 'accept-language': 'en' },
      );
      assert.equal(many.statusCode, 413);
      assert.match(many.body, /At most 2 files|最多上传 2 个文件/);
      assert.deepEqual(readdirSync(t2.uploadsDir), []);
    } finally {
      await t2.close();
    }
  });

  it('needs the token on every request when one is set; ?token= sets it once', async () => {
    const t3 = await testApp({ token: 's3cret-token-value', allowedHosts: ['10.0.0.5'] });
    try {
      const h = { host: '10.0.0.5:8080' };
      assert.equal((await t3.app.inject({ method: 'GET', url: '/', headers: h })).statusCode, 401);
      assert.equal(
        (await t3.app.inject({ method: 'GET', url: '/?token=wrong', headers: h })).statusCode,
        401,
      );
      const login = await t3.app.inject({
        method: 'GET',
        url: '/cases?token=s3cret-token-value',
        headers: h,
      });
      assert.equal(login.statusCode, 303);
      assert.equal(login.headers.location, '/cases');
      const cookie = String(login.headers['set-cookie']).split(';')[0]!;
      assert.equal(
        (await t3.app.inject({ method: 'GET', url: '/cases', headers: { ...h, cookie } })).statusCode,
        200,
      );
      assert.equal(
        (await t3.app.inject({ method: 'GET', url: '/', headers: { host: 'evil.com', cookie } })).statusCode,
        421,
      );
    } finally {
      await t3.close();
    }
  });

  it('deletes uploads not attached to a case when cancelled and when the server stops', async () => {
    const t4 = await testApp();
    const s4 = new Session(t4.app);
    const url = await s4.upload([{ name: 'CBS.log', data: CBS }]);
    const id = url.split('/')[2]!;
    assert.ok(existsSync(`${t4.uploadsDir}/${id}`));
    const c = await s4.post(`${url}/cancel`, {});
    assert.equal(c.statusCode, 200);
    assert.ok(!existsSync(`${t4.uploadsDir}/${id}`), 'cancelled upload deleted');
    await s4.upload([{ name: 'CBS.log', data: CBS }]);
    assert.equal(readdirSync(t4.uploadsDir).length, 1);
    await t4.app.close();
    assert.deepEqual(readdirSync(t4.uploadsDir), []);
    await t4.close();
  });
});
