// Get-FileHash / certutil output set against the hashes CBS expected: the engineer hashes the file on the
// broken machine, or the replacement taken from a healthy one, before copying it into WinSxS (seed 003's
// manual step). Equal to CBS's expected hash: the right file. Equal to the actual hash: still the damaged
// one. Neither: another version — do not copy it. Only SHA-256 can be compared (CSI records SHA-256).

import type { Finding } from '../model/types.js';
import { report } from '../rules/define-story-rule.js';
import type { CrossContext } from './context.js';
import { defineCheck } from './define-check.js';

function baseName(p: string): string {
  return (p.split(/[\\/]/).pop() ?? p).toLowerCase();
}

function run(ctx: CrossContext): Finding[] {
  const out: Finding[] = [];
  const mismatches = ctx.findings.filter((f) => f.facts.expectedHash);
  if (mismatches.length === 0) return out;
  for (const h of ctx.fileHashes) {
    if (h.algorithm !== 'SHA256' || h.hashTruncated || h.hash.length !== 64) continue;
    const name = baseName(h.path);
    const f = mismatches.find(
      (m) =>
        m.facts.expectedHash === h.hash ||
        m.facts.actualHash === h.hash ||
        (!h.pathTruncated && !!m.facts.file && baseName(m.facts.file) === name),
    );
    if (!f) continue;
    const verdict =
      f.facts.expectedHash === h.hash ? 'expected' : f.facts.actualHash === h.hash ? 'actual' : 'other';
    out.push(
      report(
        check,
        verdict,
        {
          path: h.path,
          hash: h.hash,
          what: f.facts.file ?? f.facts.component ?? 'the damaged item',
          expectedHash: String(f.facts.expectedHash),
        },
        {
          id: ctx.nextId(),
          facts: {
            file: f.facts.file,
            path: h.path,
            hash: h.hash,
            expectedHash: f.facts.expectedHash,
            finding: f.id,
          },
          evidence: [{ file: h.file, line: h.hashLine, text: h.hash }, ...f.evidence.slice(0, 2)],
          attempts: [...f.attempts],
          time: f.time,
        },
      ),
    );
  }
  return out;
}

/** Seed 003's manifest hashes (fixtures/seeds/seed-003-manifest-hash.log). */
const EXPECTED = '72731CC3A869E9B445F466479FDCF44CF694E717E807E3277C229CB960316102';
const ACTUAL = '1AAA57C006A57122483D08D37341E401FCA266C6A93468AE49DDE6F3281DB5A0';
const OTHER = '0F1E2D3C4B5A69788796A5B4C3D2E1F00F1E2D3C4B5A69788796A5B4C3D2E1F0';

/** A `Get-FileHash` table (rows may carry a leading `> ` case marker). */
function table(rows: string[]): string {
  return [
    '',
    'Algorithm       Hash                                                                   Path',
    '---------       ----                                                                   ----',
    ...rows,
    '',
  ].join('\n');
}

const check = defineCheck({
  id: 'x-file-hash-check',
  meta: {
    severity: 'warning',
    confidence: 'high',
    root: false,
    summary: {
      en: 'Captured file hash against the expected hash',
      zh: '捕获的文件哈希与期望哈希比对',
    },
    codes: [],
    mechanism:
      'Get-FileHash / certutil SHA-256 of a file, set against the hashes CBS logged for it: the right replacement (the expected hash), still the damaged file (the actual hash), or another version.',
    references: ['seed 003'],
  },
  messages: {
    expected: {
      en: '{{path}} has the SHA-256 CBS expects for {{what}} ({{hash}}): this copy is the right file to put in place.',
      zh: '{{path}} 的 SHA-256 与 CBS 对 {{what}} 的期望值一致（{{hash}}）：此副本可以用于替换。',
      severity: 'info',
    },
    actual: {
      en: '{{path}} has the SHA-256 CBS found damaged for {{what}} ({{hash}}): this is still the corrupt file — do not use it as a source.',
      zh: '{{path}} 的 SHA-256 与 CBS 判定损坏的实际值一致（{{hash}}）：仍是损坏文件，不能用作替换源。',
    },
    other: {
      en: '{{path}} matches neither the hash CBS expects for {{what}} ({{expectedHash}}) nor the damaged one: it is another version — take the file from a machine at the same build.',
      zh: '{{path}} 的哈希既不是 CBS 对 {{what}} 的期望值（{{expectedHash}}），也不是损坏值：版本不同，请从同一版本号的机器上获取文件。',
    },
  },
  run,
  cases: {
    valid: [
      {
        name: 'hashes of files CBS says nothing about',
        files: {
          'CBS.log': { fixture: 'fixtures/seeds/seed-003-manifest-hash.log' },
          'hashes.txt': table([`SHA256          ${OTHER}       C:\\Windows\\System32\\notepad.exe`]),
        },
      },
    ],
    invalid: [
      {
        name: 'seed 003: the replacement from a healthy machine has the expected hash; the broken copy the actual one',
        files: {
          'CBS.log': { fixture: 'fixtures/seeds/seed-003-manifest-hash.log' },
          'hashes.txt': table([
            `> SHA256          ${EXPECTED}       D:\\fix\\healthy.manifest`,
            `> SHA256          ${ACTUAL}       C:\\Windows\\WinSxS\\Manifests\\broken.manifest`,
          ]),
        },
        // Warnings before information.
        findings: [
          { messageId: 'actual', facts: { path: 'C:\\Windows\\WinSxS\\Manifests\\broken.manifest' } },
          { messageId: 'expected', facts: { path: 'D:\\fix\\healthy.manifest' } },
        ],
      },
      {
        name: 'a copy of a damaged store file (corpus cbs01) with neither hash: another version',
        files: {
          'CBS.log': { corpus: 'cbs01-appostarsi-w11/CBS.log' },
          'hashes.txt': table([
            `> SHA256          ${OTHER}       E:\\copy\\FaceRecognitionEngineAdapterResources_v4.dll`,
          ]),
        },
        findings: [{ messageId: 'other', facts: { file: 'FaceRecognitionEngineAdapterResources_v4.dll' } }],
      },
    ],
  },
});

export default check;
