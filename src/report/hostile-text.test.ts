// No raw control character from the input reaches a report: log text carrying OSC 8 hyperlinks, CSI
// sequences, C1 controls and bidi overrides, under a file name that sets the window title and clears the
// screen, comes out of every renderer (text, Markdown, HTML, JSON, e-mail drafts) as visible escapes.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyze, draft, render, withAdvice, type Diagnosis } from '../index.js';
import { examplePath } from '../testing/paths.js';
import { hasUnsafe, safeJson, safeLine, safeText } from './safe-text.js';

/** OSC 8 hyperlink, CSI clear screen and colour, a C1 CSI, DEL, a bidi override and an isolate. */
const HOSTILE =
  '\x1b]8;;http://evil.example/PWN\x07link\x1b]8;;\x07\x1b[2J\x1b[31m\x9b2J\x7f\u202egnp.exe\u2066';
const NAME = 'CBS\x1b]0;PWN\x07\x1b[2J\u202e.log';

/** Every character the reports must never carry raw (TAB and LF are allowed). */
function assertClean(out: string, what: string): void {
  // eslint-disable-next-line no-control-regex
  const bad = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/.exec(out);
  assert.equal(bad, null, `${what}: raw U+${bad?.[0].charCodeAt(0).toString(16).padStart(4, '0')}`);
}

let cached: Diagnosis | undefined;
async function hostileDiagnosis(): Promise<Diagnosis> {
  if (cached) return cached;
  const dir = mkdtempSync(join(tmpdir(), 'patchdx-hostile-'));
  try {
    const log = readFileSync(examplePath('CBS.log'), 'utf8').replace(
      /(Error\s+\S+\s+.*?)(\r?\n)/g,
      `$1 ${HOSTILE}$2`,
    );
    writeFileSync(join(dir, NAME), log);
    const d = withAdvice(await analyze(join(dir, NAME)));
    // A diagnostic naming a hostile archive entry, as a zip reader reports it.
    d.diagnostics.push({
      level: 'warning',
      file: `bundle.zip/${NAME}`,
      line: 3,
      message: `cannot read ${HOSTILE}`,
    });
    d.summary.push({ en: HOSTILE, zh: HOSTILE });
    cached = d;
    return d;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('safeText shows C0 (not TAB/LF), DEL, C1 and bidi controls as visible escapes', () => {
  assert.equal(
    safeText('a\x1b[2Jb\tc\nd\re\x7f\x9b\u202e\u2066\u2069\u2028'),
    'a\\x1b[2Jb\tc\nd\\x0de\\x7f\\x9b\\u202e\\u2066\\u2069\\u2028',
  );
  assert.equal(safeLine('a\tb\nc\x07'), 'a b\\nc\\x07');
  assert.equal(safeText(safeText(HOSTILE)), safeText(HOSTILE), 'idempotent');
  assert.ok(hasUnsafe(HOSTILE) && !hasUnsafe(safeText(HOSTILE)));
  assert.equal(safeText('中文 … — ✓'), '中文 … — ✓', 'other Unicode is untouched');
  const v = { s: HOSTILE + '\u0085\u2028' };
  assert.deepEqual(JSON.parse(safeJson(v)), v, 'safeJson keeps the data');
  assertClean(safeJson(v), 'safeJson');
});

for (const format of ['text', 'md', 'html', 'json'] as const)
  for (const lang of ['en', 'zh'] as const)
    test(`${format} report (${lang}): hostile log text and file names come out escaped, never raw`, async () => {
      const d = await hostileDiagnosis();
      assert.equal(d.verdict, 'failed');
      assert.ok(
        d.findings.some((f) => f.evidence.some((e) => e.text.includes('\x1b]8;;'))),
        'evidence holds it',
      );
      const out = render(d, format, { lang, color: false });
      assertClean(out, format);
      if (format === 'json') {
        const back = JSON.parse(out) as Diagnosis;
        assert.equal(back.sources[0]!.file, d.sources[0]!.file, 'JSON keeps the exact name');
        assert.ok(back.findings.some((f) => f.evidence.some((e) => e.text.includes(HOSTILE))));
      } else {
        assert.ok(
          out.includes('\\x1b]8;;http://evil.example/PWN\\x07link'),
          'the log text is shown, escaped',
        );
        assert.ok(out.includes('CBS\\x1b]0;PWN\\x07\\x1b[2J\\u202e.log'), 'the file name is shown, escaped');
      }
    });

for (const kind of ['analysis', 'closure', 'followup'] as const)
  test(`${kind} e-mail draft: hostile log text and names come out escaped`, async () => {
    const d = await hostileDiagnosis();
    for (const lang of ['en', 'zh'] as const) {
      const dr = draft(kind, d, { caseNo: `CAS-1${HOSTILE}`, customer: HOSTILE, problem: HOSTILE }, lang);
      assertClean(dr.subject, `${kind} subject`);
      assert.ok(!dr.subject.includes('\n'), 'the subject stays one line');
      assertClean(dr.body, `${kind} body`);
    }
  });
