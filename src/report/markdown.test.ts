// The Markdown report is read in viewers that pass raw HTML through (GitLab, VS Code, most wikis): log text,
// file names and facts must come out as text there, whatever they hold. Checked by rendering the report
// with a CommonMark renderer that allows raw HTML, as such a viewer would.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import MarkdownIt from 'markdown-it';
import { analyze, render, withAdvice, type Diagnosis } from '../index.js';

const HOSTILE =
  '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2"> `b` | ** [l](javascript:alert(1))';
const NAME = 'CBS<img src=x onerror=alert(3)>.log';

async function hostileDiagnosis(): Promise<Diagnosis> {
  const dir = mkdtempSync(join(tmpdir(), 'patchdx-md-'));
  try {
    const log =
      `2023-01-05 17:16:16, Error                 CBS    Failed to process single phase execution. ${HOSTILE} [HRESULT = 0x80070005 - E_ACCESSDENIED]\r\n` +
      `2023-01-05 17:16:16, Info                  CBS    Failed to read from file: \\\\?\\C:\\WINDOWS\\Servicing\\Packages\\Package_1_for_KB5017315~31bf3856ad364e35~amd64~~10.0.1.5.mum ${HOSTILE} [HRESULT = 0x8007025d - ERROR_BAD_COMPRESSION_BUFFER]\r\n` +
      `2023-01-05 17:16:17, Error                 CSI    00000001 (F) ${HOSTILE} [HRESULT = 0x80073712 - ERROR_SXS_COMPONENT_STORE_CORRUPT]\r\n`;
    writeFileSync(join(dir, NAME), log);
    return withAdvice(await analyze(join(dir, NAME)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

for (const lang of ['zh', 'en'] as const) {
  test(`Markdown report (${lang}): hostile log text, facts and file names render as text, never as HTML or links`, async () => {
    const d = await hostileDiagnosis();
    assert.equal(d.verdict, 'failed');
    const md = render(d, 'md', { lang });
    assert.ok(md.includes('__pwned'), 'the hostile text is in the report');
    assert.ok(md.includes('onerror=alert(3)'), 'the hostile file name is in the report');
    const html = new MarkdownIt({ html: true, linkify: false }).render(md);
    assert.doesNotMatch(html, /<script/i, 'no script element');
    assert.doesNotMatch(html, /<img/i, 'no image element');
    assert.doesNotMatch(html, /href="javascript:/i, 'no javascript: link');
    // Shown as text: the renderer escaped it.
    assert.ok(
      html.includes('&lt;script&gt;window.__pwned = 1&lt;/script&gt;'),
      'the script tag is visible as text',
    );
    assert.ok(html.includes('onerror=alert(3)'), 'the file name is visible');
  });
}
