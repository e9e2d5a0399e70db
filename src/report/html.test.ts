// The HTML report in a real headless Chromium (Debian's, driven by playwright-core): it renders, and
// hostile log text — script tags, event-handler attributes, quotes — shows as text and never runs.
// The Markdown report keeps such text inside code spans and fences.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { analyze, withAdvice, type Diagnosis } from '../index.js';
import { packageRoot } from '../knowledge/paths.js';
import { escapeHtml, renderHtml } from './html.js';

/** The diagnosis with its advice, as the CLI reports it. */
const analyzePath = async (p: string): Promise<Diagnosis> => withAdvice(await analyze(p));

const CHROMIUM = process.env.PATCHDX_CHROMIUM ?? '/usr/bin/chromium';
const HOSTILE = `<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2"> "q" 'a' \`b\``;

async function hostileDiagnosis(): Promise<Diagnosis> {
  const dir = mkdtempSync(join(tmpdir(), 'patchdx-html-'));
  try {
    const log =
      `2023-01-05 17:16:16, Error                 CBS    Failed to process single phase execution. ${HOSTILE} [HRESULT = 0x80070005 - E_ACCESSDENIED]\r\n` +
      `2023-01-05 17:16:16, Info                  CBS    Failed to read from file: \\\\?\\C:\\WINDOWS\\Servicing\\Packages\\Package_1_for_KB5017315~31bf3856ad364e35~amd64~~10.0.1.5.mum ${HOSTILE} [HRESULT = 0x8007025d - ERROR_BAD_COMPRESSION_BUFFER]\r\n`;
    writeFileSync(join(dir, 'CBS.log'), log);
    return await analyzePath(join(dir, 'CBS.log'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('escapeHtml escapes every character that can open markup or end an attribute', async () => {
  assert.equal(
    escapeHtml(`<a href="x" onclick='y'>&\``),
    '&#60;a href=&#34;x&#34; onclick=&#39;y&#39;&#62;&#38;&#96;',
  );
});

test('HTML report in headless Chromium: renders the verdict; hostile log text is shown, never run', async () => {
  assert.ok(
    existsSync(CHROMIUM),
    `Chromium not found at ${CHROMIUM} (Debian package "chromium"; .ci/run installs it)`,
  );
  const d = await hostileDiagnosis();
  assert.equal(d.verdict, 'failed');
  const html = renderHtml(d, { lang: 'en' });
  assert.ok(!html.includes('<script>'), 'no raw script tag in the document');
  const dir = mkdtempSync(join(tmpdir(), 'patchdx-html-'));
  const file = join(dir, 'report.html');
  writeFileSync(file, html);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  try {
    const page = await browser.newPage();
    await page.goto(pathToFileURL(file).href);
    assert.equal(await page.textContent('#verdict'), 'Failed');
    assert.equal(
      await page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned),
      undefined,
    );
    assert.equal(await page.locator('script').count(), 0);
    assert.equal(await page.locator('img').count(), 0);
    const body = (await page.textContent('body')) ?? '';
    assert.ok(body.includes('<script>window.__pwned = 1</script>'), 'the script tag is visible as text');
    assert.ok(body.includes(`onerror="window.__pwned = 2"`), 'quotes survive as text');
    assert.ok(body.includes('Package_1_for_KB5017315'), 'the finding is rendered');
    await page.screenshot({ path: join(packageRoot(), 'dist', 'report-screenshot.png'), fullPage: true });
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
