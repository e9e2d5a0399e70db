// The public API as its users call it: any source (path, bytes, stream) gives the same diagnosis, an
// analysis reports progress to 100 % and can be cancelled, signatures and finding ids are stable, advice is
// apart from the facts.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createReadStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import {
  advise,
  analyze,
  componentFamily,
  findingCatalog,
  packageFamily,
  render,
  signatureOf,
  withAdvice,
  type Diagnosis,
  type Progress,
} from './index.js';
import { packageRoot } from './knowledge/paths.js';

const root = packageRoot();
const sample = join(root, 'examples', 'CBS.log');
const corpus = join(root, '..', 'shared', 'corpus');

/** The parts of a diagnosis that differ between two runs of the same content. */
function comparable(d: Diagnosis): unknown {
  return { ...d, input: { ...d.input, name: '' }, stats: { ...d.stats, ms: 0 } };
}

function withTemp<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'patchdx-api-'));
  return fn(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

function bundleZip(): Buffer {
  return Buffer.from(
    zipSync({
      'CBS/CBS.log': readFileSync(sample),
      'WindowsUpdate/WindowsUpdate.log': readFileSync(
        join(corpus, 'wu02-reeceketley-kb5034441-80070643', 'WindowsUpdate.log'),
      ),
    }),
  );
}

test('analyze: a zip as a path, as bytes and as a stream gives one diagnosis (but for the name)', async () => {
  await withTemp(async (dir) => {
    const zip = bundleZip();
    const path = join(dir, 'bundle.zip');
    writeFileSync(path, zip);
    const byPath = await analyze(path);
    const byBytes = await analyze({ name: 'upload.zip', data: zip });
    const byStream = await analyze({ name: 'stream.zip', stream: createReadStream(path) });
    const inThread = await analyze(path, { thread: true });
    assert.equal(byPath.verdict, 'failed');
    assert.equal(byPath.input.name, 'bundle.zip');
    assert.equal(byBytes.input.name, 'upload.zip');
    assert.equal(byStream.input.name, 'stream.zip');
    assert.equal(byPath.input.sha256, byBytes.input.sha256);
    assert.equal(byPath.input.bytes, zip.length);
    // Source names carry the input's name; strip it before comparing.
    const rename = (d: Diagnosis, from: string): unknown =>
      JSON.parse(JSON.stringify(comparable(d)).split(`${from}/`).join('bundle.zip/'));
    assert.deepEqual(rename(byBytes, 'upload.zip'), rename(byPath, 'bundle.zip'));
    assert.deepEqual(rename(byStream, 'stream.zip'), rename(byPath, 'bundle.zip'));
    assert.deepEqual(comparable(inThread), comparable(byPath));
  });
});

test('analyze: progress reaches 100 %, then the diagnosis; facts only until advice is asked for', async () => {
  const seen: Progress[] = [];
  const d = await analyze(sample, { onProgress: (p) => seen.push(p) });
  const last = seen[seen.length - 1]!;
  assert.equal(last.stage, 'done');
  assert.equal(last.bytesRead, last.totalBytes);
  assert.equal(last.totalBytes, readFileSync(sample).length);
  assert.equal(d.plans, undefined);
  assert.equal(d.scripts, undefined);
  const advice = advise(d);
  assert.ok(advice.plans.length > 0);
  assert.equal(d.plans, undefined, 'advise does not change the diagnosis');
  assert.match(render(withAdvice(d, advice), 'text', { lang: 'en' }), /Verdict: FAILED/);
});

test('analyze: an abort mid-way rejects with an AbortError at once; an aborted signal before the start too', async () => {
  await withTemp(async (dir) => {
    // About 80 MB of CBS log: long enough to be caught mid-way.
    const big = join(dir, 'CBS.log');
    const text = readFileSync(sample);
    writeFileSync(big, Buffer.concat(Array.from({ length: Math.ceil(80e6 / text.length) }, () => text)));
    const controller = new AbortController();
    let abortedAt = 0;
    let readBeforeAbort = 0;
    const run = analyze(big, {
      signal: controller.signal,
      onProgress: (p) => {
        if (abortedAt || p.bytesRead === 0) return;
        readBeforeAbort = p.bytesRead;
        abortedAt = performance.now();
        controller.abort();
      },
    });
    await assert.rejects(run, { name: 'AbortError' });
    const ms = performance.now() - abortedAt;
    assert.ok(readBeforeAbort > 0 && readBeforeAbort < 80e6, 'aborted mid-way');
    assert.ok(ms < 100, `rejected ${ms.toFixed(1)} ms after the abort`);
    await assert.rejects(analyze(sample, { signal: AbortSignal.abort() }), { name: 'AbortError' });
  });
});

test('analyze: bad input never rejects (a missing path, bytes that are no log)', async () => {
  const missing = await analyze(join(tmpdir(), 'patchdx-no-such-file.log'));
  assert.equal(missing.verdict, 'unreadable');
  assert.equal(missing.input.sha256, null);
  const junk = await analyze({ name: 'junk.bin', data: Buffer.from([0, 1, 2, 3, 0, 0, 255]) });
  assert.equal(junk.verdict, 'unreadable');
  assert.match(junk.diagnostics[0]!.message, /binary/);
});

test('finding ids are derived from signatures: the same input gives the same ids', async () => {
  const a = await analyze(join(corpus, 'cbs01-appostarsi-w11'));
  const b = await analyze(join(corpus, 'cbs01-appostarsi-w11'));
  assert.deepEqual(
    a.findings.map((f) => f.id),
    b.findings.map((f) => f.id),
  );
  assert.equal(new Set(a.findings.map((f) => f.id)).size, a.findings.length, 'ids are unique');
  const ids = new Set(a.findings.map((f) => f.id));
  for (const at of a.attempts) for (const id of at.findings) assert.ok(ids.has(id), id);
  for (const f of a.findings) assert.equal(f.signature, signatureOf(f));
});

test('signatureOf: the same problem on another version, build or package number has one signature', () => {
  const stack =
    'amd64_microsoft-windows-servicingstack_31bf3856ad364e35_10.0.17763.2980_none_56b389839943c990';
  const f = (facts: Record<string, string>, code = '0x80073712') => ({
    rule: 'cbs-manifest-corrupt',
    code,
    facts,
  });
  assert.equal(
    signatureOf(f({ component: stack })),
    signatureOf(
      f({
        component:
          'amd64_microsoft-windows-servicingstack_31bf3856ad364e35_10.0.17763.5830_none_0123456789abcdef',
      }),
    ),
  );
  assert.notEqual(
    signatureOf(f({ component: stack })),
    signatureOf(
      f({
        component:
          'x86_microsoft-windows-servicingstack_31bf3856ad364e35_10.0.17763.2980_none_56b389839943c990',
      }),
    ),
  );
  assert.equal(
    componentFamily('Microsoft-Windows-Scripting-Chakra, version 11.0.22621.1635, arch amd64'),
    'amd64_microsoft-windows-scripting-chakra',
  );
  assert.equal(
    componentFamily('Microsoft-Windows-DNS-Client-MinWin 10.0.22621.1485'),
    'microsoft-windows-dns-client-minwin',
  );
  assert.equal(
    packageFamily('Package_1861_for_KB5017315~31bf3856ad364e35~amd64~~10.0.1.5'),
    'package_for_kb5017315~amd64',
  );
  assert.equal(
    packageFamily('Package_for_RollupFix~31bf3856ad364e35~amd64~~17763.3165.1.10'),
    'package_for_rollupfix~amd64',
  );
  assert.equal(
    signatureOf({
      rule: 'cbs-delta-hydration-failed',
      code: '0x800f0986',
      facts: { file: '\\??\\C:\\Windows\\System32\\WKSCLI.DLL' },
    }),
    'cbs-delta-hydration-failed|0x800f0986|file:wkscli.dll',
  );
  assert.equal(
    signatureOf({ rule: 'x-corruption-moving', code: null, facts: { pairs: '2' } }),
    'x-corruption-moving||',
  );
});

test('the published package: the public API only through exports, no test code, nothing reads ../shared', () => {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  assert.deepEqual(Object.keys(pkg.exports), ['.', './package.json']);
  const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: root,
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  const files: string[] = JSON.parse(r.stdout)[0].files.map((f: { path: string }) => f.path);
  assert.ok(files.includes('dist/src/index.js') && files.includes('dist/src/analyze/worker.js'));
  assert.deepEqual(
    files.filter((f) => /\.test\.|[\\/]testing[\\/]|-tester\.|test-support/.test(f)),
    [],
  );
  for (const f of files.filter((x) => x.endsWith('.js'))) {
    const text = readFileSync(join(root, f), 'utf8');
    assert.doesNotMatch(text, /'shared'|\.\.\/shared/, `${f} reads ../shared`);
  }
});

test('findingCatalog: every finding id once, with its kind, messages and both languages', () => {
  const catalog = findingCatalog();
  const ids = catalog.map((e) => e.id);
  assert.deepEqual(ids, [...new Set(ids)].sort());
  for (const id of [
    'cbs-manifest-corrupt',
    'evt-update-failed',
    'x-download-then-install-failed',
    'unexplained-failure',
  ])
    assert.ok(ids.includes(id), id);
  for (const e of catalog) {
    assert.ok(e.summary.en && e.summary.zh, e.id);
    assert.ok(e.messageIds.length > 0, e.id);
  }
});

test('input identity: the collector manifest names the computer, the collection time and the time zone', async () => {
  const manifest = JSON.stringify(
    {
      schema: 'patchdx.collect/1',
      startedUtc: '2023-01-05T09:30:00Z',
      finishedUtc: '2023-01-05T09:31:10Z',
      timeZone: 'China Standard Time',
      utcOffsetMinutes: 480,
      computer: 'PC-0042',
      items: [],
      errors: [],
      files: [],
    },
    null,
    4,
  );
  const zip = Buffer.from(
    zipSync({ 'manifest.json': Buffer.from(manifest), 'CBS/CBS.log': readFileSync(sample) }),
  );
  const d = await analyze({ name: 'PC-0042.zip', data: zip });
  assert.deepEqual(d.input, {
    name: 'PC-0042.zip',
    sha256: createHash('sha256').update(zip).digest('hex'),
    bytes: zip.length,
    computer: 'PC-0042',
    collectedAt: '2023-01-05T09:31:10Z',
    timeZone: 'China Standard Time',
    utcOffsetMinutes: 480,
  });
  assert.equal(d.verdict, 'failed');
});
