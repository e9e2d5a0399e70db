// The fleet on this machine's pool, from real corpus logs: one bundle per machine (logs, a folder, a zip,
// an empty file, a hostile name), identical contents analysed once, clusters by root signature ranked by
// machines, a re-run that analyses only what changed, and the four report formats with their escaping.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  appendFileSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { zipSync } from 'fflate';
import { fleetCommand } from '../cli/commands/fleet.js';
import { captureIo } from '../cases/store-test-support.js';
import { hasUnsafe } from '../report/safe-text.js';
import { corpusPath } from '../testing/paths.js';
import {
  createAnalysisPool,
  csvCell,
  openFleetStore,
  renderFleet,
  runFleet,
  type AnalysisPool,
  type FleetReport,
} from '../index.js';

const DISM02 = corpusPath('dism02-appostarsi-w11-wim-source', 'dism.log');
const DISM04 = corpusPath('dism04-iideerii-netfx3-0x800f081f', 'dism.log');
const SFC02 = corpusPath('sfc02-emmanuel-sfcdetails-clean', 'sfcdetails.txt');
const CBS05 = corpusPath('cbs05-howard-healthy', 'CBS.log');
const HOSTILE = '=HYPERLINK("x")<script>alert(1)<\u202e>';

let dir: string;
let fleet: string;
let pool: AnalysisPool;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'patchdx-fleet-'));
  fleet = join(dir, 'fleet');
  mkdirSync(fleet);
  copyFileSync(DISM02, join(fleet, 'PC-A.log'));
  copyFileSync(DISM02, join(fleet, 'PC-B.log'));
  copyFileSync(DISM02, join(fleet, 'PC-C.log'));
  appendFileSync(join(fleet, 'PC-C.log'), '2023-05-17 13:00:28, Info                  DISM   DISM.EXE: \r\n');
  mkdirSync(join(fleet, 'PC-D'));
  copyFileSync(DISM04, join(fleet, 'PC-D', 'dism.log'));
  copyFileSync(SFC02, join(fleet, 'PC-E.txt'));
  writeFileSync(join(fleet, 'PC-F.zip'), zipSync({ 'Logs/CBS/CBS.log': readFileSync(CBS05) }));
  writeFileSync(join(fleet, 'PC-G.log'), '');
  copyFileSync(DISM04, join(fleet, `${HOSTILE}.log`));
  pool = createAnalysisPool({ threads: 2 });
});

after(async () => {
  await pool.close();
  rmSync(dir, { recursive: true, force: true });
});

function names(ms: { machine: string }[]): string[] {
  return ms.map((m) => m.machine).sort();
}

let report: FleetReport;

test('a fleet folder: one bundle per entry, identical contents analysed once, clusters ranked by machines', async () => {
  const store = await openFleetStore(join(dir, 'fleet.db'));
  try {
    const seen: number[] = [];
    const o = await runFleet(fleet, { store, pool, onProgress: (p) => seen.push(p.done + p.failed) });
    report = o.report;
    // PC-A and PC-B hold the same bytes: 8 bundles, 7 contents.
    assert.deepEqual([o.analysed, o.reused], [7, 0]);
    assert.equal(seen[seen.length - 1], 7);
    assert.deepEqual(report.totals, {
      bundles: 8,
      failed: 5,
      healthy: 2,
      unreadable: 1,
      pending: 0,
      clusters: 2,
    });
    const [first, second] = report.clusters;
    assert.deepEqual(names(first!.machineList), ['PC-A', 'PC-B', 'PC-C']);
    assert.deepEqual(names(second!.machineList), ['PC-D', HOSTILE].sort());
    assert.deepEqual([first!.rank, first!.machines, second!.rank, second!.machines], [1, 3, 2, 2]);
    // dism02: the install.wim sources given without the WIM: prefix, refused with 0x8007010b / 0x8007007b.
    assert.ok(first!.signatures.every((s) => s.startsWith('dism-source-invalid|')));
    assert.match(first!.signature, /source:f:\\win\\win11\\sources\\install\.wim/);
    assert.equal(first!.first, '2023-05-17 08:32:31');
    assert.ok(
      first!.examples[0]!.evidence.some((e) => /AddSource failed with HRESULT=0x8007010b/.test(e.text)),
    );
    assert.ok(first!.plans.length > 0, 'the plan is worked out once for the cluster');
    assert.match(first!.plans[0]!.title.en, /source|RestoreHealth/i);
    // dism04: NetFx3 with /LimitAccess and bad sources, 0x800f081f.
    assert.ok(second!.signatures.includes('cbs-source-missing|0x800f081f|'));
    assert.deepEqual(names(report.healthy), ['PC-E', 'PC-F']);
    assert.deepEqual(
      report.unreadable.map((u) => [u.machine, /empty/.test(u.reason)]),
      [['PC-G', true]],
    );
  } finally {
    await store.close();
  }
});

test('a re-run analyses only the bundles that changed; results are kept by content and version', async () => {
  const store = await openFleetStore(join(dir, 'fleet.db'));
  try {
    const again = await runFleet(fleet, { store, pool });
    assert.deepEqual([again.analysed, again.reused], [0, 7]);
    assert.deepEqual(again.report.clusters, report.clusters);
    appendFileSync(
      join(fleet, 'PC-C.log'),
      '2023-05-17 13:00:29, Info                  DISM   DISM.EXE: \r\n',
    );
    const changed = await runFleet(fleet, { store, pool });
    assert.deepEqual([changed.analysed, changed.reused], [1, 6]);
    assert.deepEqual(changed.report.totals, report.totals);
    assert.deepEqual(await store.resultCount('0.1.0'), { ok: 8, failed: 0 });
  } finally {
    await store.close();
  }
});

test('CSV: UTF-8 with BOM, every cell quoted, formula starts neutralised, Chinese kept', () => {
  const csv = renderFleet(report, 'csv', { lang: 'zh' });
  assert.ok(csv.startsWith('\uFEFF"status","cluster"'));
  assert.ok(csv.endsWith('\r\n'));
  const rows = csv.slice(1).split('\r\n').filter(Boolean);
  assert.equal(rows.length, 1 + 8);
  const hostile = rows.find((r) => r.includes('HYPERLINK'))!;
  assert.ok(hostile.includes(`"'=HYPERLINK(""x"")<script>alert(1)<\\u202e>"`), hostile);
  assert.ok(!/(^|,)"[=+\-@]/.test(rows.join('\n')), 'no cell starts with a formula character');
  assert.ok(
    rows.some((r) => /[\u4e00-\u9fff]/.test(r)),
    'the problem in Chinese',
  );
  assert.deepEqual(['=1+1', '+1', '-1', '@SUM(A1)', 'plain', 'a"b'].map(csvCell), [
    `"'=1+1"`,
    `"'+1"`,
    `"'-1"`,
    `"'@SUM(A1)"`,
    '"plain"',
    '"a""b"',
  ]);
});

test('HTML: self-contained, CSP with the hashes of its one style and one script, every input escaped, charts as SVG', () => {
  const html = renderFleet(report, 'html', { lang: 'en' });
  assert.equal(html.match(/<script/g)?.length, 1);
  assert.ok(!/<script[^>]*src=|<link|<img|https?:\/\//.test(html), 'nothing loaded from elsewhere');
  assert.ok(html.includes('&#60;script&#62;alert(1)'));
  assert.ok(!hasUnsafe(html));
  const csp = /Content-Security-Policy" content="([^"]+)"/.exec(html)![1]!;
  const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1]!;
  const script = /<script>([\s\S]*?)<\/script>/.exec(html)![1]!;
  const h = (s: string): string => `'sha256-${createHash('sha256').update(s).digest('base64')}'`;
  assert.ok(csp.includes(`style-src ${h(style)}`) && csp.includes(`script-src ${h(script)}`), csp);
  assert.ok(csp.startsWith("default-src 'none'"));
  assert.equal(html.match(/<svg /g)?.length, 2, 'clusters by machines and by build');
  assert.match(html, /<table class="sortable" id="clusters">/);
});

test('text and JSON: no control character from a file name reaches the output', () => {
  const text = renderFleet(report, 'text', { lang: 'en' });
  assert.ok(!hasUnsafe(text));
  assert.match(text, /8 machines — 5 failed in 2 clusters, 2 healthy, 1 unreadable/);
  assert.match(text, /\\u202e/);
  const json = renderFleet(report, 'json', { lang: 'en' });
  assert.ok(!hasUnsafe(json));
  assert.equal((JSON.parse(json) as FleetReport).schema, 'patchdx.fleet/1');
});

test('fleet command: a list file, exit 1 with failures, JSON out; a missing folder exits 2 with a clear message', async () => {
  const list = join(dir, 'machines.txt');
  writeFileSync(list, `# two machines\n${join(fleet, 'PC-A.log')}\n\nfleet/PC-E.txt\n`);
  const c = captureIo();
  const code = await fleetCommand(
    [list, '--format', 'json', '--jobs', '1', '--db', join(dir, 'cli.db')],
    c.io,
    {
      env: {},
    },
  );
  assert.equal(code, 1, c.err());
  const r = JSON.parse(c.out()) as FleetReport;
  assert.deepEqual([r.totals.bundles, r.totals.failed, r.totals.healthy], [2, 1, 1]);
  const missing = captureIo();
  assert.equal(
    await fleetCommand([join(dir, 'nope')], missing.io, { env: { PATCHDX_DB: join(dir, 'cli.db') } }),
    2,
  );
  assert.match(missing.err(), /^patchdx fleet: .*nope: cannot read it \(ENOENT\)\n$/);
});

test('HTML in headless Chromium: the CSP lets its own style and script run, the tables sort, hostile names stay text', async () => {
  const file = join(dir, 'fleet.html');
  writeFileSync(file, renderFleet(report, 'html', { lang: 'en' }));
  const browser = await chromium.launch({
    executablePath: process.env.PATCHDX_CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
    ],
  });
  try {
    const page = await browser.newPage();
    const violations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
    });
    await page.goto(pathToFileURL(file).href);
    assert.deepEqual(violations, []);
    assert.equal(
      await page.evaluate(() => {
        const w = globalThis as unknown as {
          getComputedStyle(e: unknown): { cursor: string };
          document: { querySelector(s: string): unknown };
        };
        return w.getComputedStyle(w.document.querySelector('th')).cursor;
      }),
      'pointer',
    );
    const ranks = (): Promise<string[]> =>
      page.$$eval('#clusters tbody tr td:first-child', (tds) => tds.map((td) => td.textContent ?? ''));
    assert.deepEqual(await ranks(), ['1', '2']);
    await page.click('#clusters th >> nth=0');
    await page.click('#clusters th >> nth=0');
    assert.deepEqual(await ranks(), ['2', '1'], 'sorted descending by the second click');
    const body = (await page.textContent('body')) ?? '';
    assert.ok(body.includes('=HYPERLINK("x")<script>alert(1)'));
    assert.equal(await page.locator('script').count(), 1);
  } finally {
    await browser.close();
  }
});

test('a run stopped part-way keeps what it stored; the next run analyses only the rest', async () => {
  const store = await openFleetStore(join(dir, 'stopped.db'));
  try {
    const stop = new AbortController();
    await assert.rejects(
      runFleet(fleet, {
        store,
        threads: 1,
        signal: stop.signal,
        onProgress: (p) => {
          if (p.stage === 'analysing' && p.done >= 2) stop.abort(new DOMException('stopped', 'AbortError'));
        },
      }),
      { name: 'AbortError' },
    );
    const stored = (await store.resultCount('0.1.0')).ok;
    assert.ok(stored >= 2 && stored < 7, `stored ${stored}`);
    const rest = await runFleet(fleet, { store, threads: 2 });
    assert.deepEqual([rest.reused, rest.analysed], [stored, 7 - stored]);
    assert.deepEqual(rest.report.totals, report.totals);
  } finally {
    await store.close();
  }
});
