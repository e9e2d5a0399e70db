// A captured hash of a downloaded update package (Get-FileHash / certutil of the .msu or .cab, as seed 001's
// engineer asked for) set against the published digests of that package (knowledge/packages.ts): the same
// digest says the file is the genuine package; a file named for a KB whose published digest of the same
// kind of file differs is damaged or another file. A package whose digest the table lacks gets no verdict.

import { packageByHash, packagesOfKb } from '../knowledge/packages.js';
import type { Finding } from '../model/types.js';
import { report } from '../rules/define-story-rule.js';
import type { CrossContext } from './context.js';
import { defineCheck } from './define-check.js';

function baseName(p: string): string {
  return p.split(/[\\/]/).pop() ?? p;
}

function extension(name: string): string {
  const m = /\.([a-z0-9]+)$/i.exec(name);
  return m ? m[1]!.toLowerCase() : '';
}

function run(ctx: CrossContext): Finding[] {
  const out: Finding[] = [];
  for (const h of ctx.fileHashes) {
    if (h.hashTruncated || (h.algorithm !== 'SHA256' && h.algorithm !== 'SHA1')) continue;
    const evidence = [{ file: h.file, line: h.hashLine, text: h.hash }];
    const known = packageByHash(h.hash);
    if (known) {
      out.push(
        report(
          check,
          'genuine',
          {
            path: h.path,
            kb: known.kb,
            file: known.file,
            algorithm: known.algorithm,
            hash: h.hash,
            confidence: known.confidence,
          },
          {
            id: ctx.nextId(),
            facts: { kb: known.kb, path: h.path, hash: h.hash, file: known.file, source: known.evidence },
            evidence,
          },
        ),
      );
      continue;
    }
    if (h.pathTruncated) continue;
    const name = baseName(h.path);
    const kb = /kb(\d{6,7})/i.exec(name);
    if (!kb) continue;
    const published = packagesOfKb(kb[1]!).find(
      (p) => p.algorithm === h.algorithm && extension(p.file) === extension(name),
    );
    if (!published) continue;
    out.push(
      report(
        check,
        'other',
        {
          path: h.path,
          kb: published.kb,
          file: published.file,
          algorithm: published.algorithm,
          hash: h.hash,
          known: published.hash,
        },
        {
          id: ctx.nextId(),
          facts: { kb: published.kb, path: h.path, hash: h.hash, expectedHash: published.hash },
          evidence,
        },
      ),
    );
  }
  return out;
}

/** Seed 001's capture of the June 2022 cumulative update's .msu (3rd mail), with its `Get-FileHash` header. */
function capture(rows: string[]): string {
  return [
    'PS D:\\> Get-FileHash KB5014692.msu -Algorithm sha256',
    'Algorithm       Hash                                                                   Path',
    '---------       ----                                                                   ----',
    ...rows,
    '',
  ].join('\n');
}

const SEED_001 = 'E6E8CF2950F3CB27756591CB67CF386FEEBAE44827BAD401C02A73876A09B124';

const check = defineCheck({
  id: 'x-package-hash-check',
  meta: {
    severity: 'info',
    confidence: 'medium',
    root: false,
    summary: {
      en: 'Captured hash of an update package against its published digest',
      zh: '更新安装包的哈希与公开摘要比对',
    },
    codes: [],
    mechanism:
      'Get-FileHash / certutil of a downloaded .msu or .cab, set against the digests knowledge/packages.ts holds for that update: the same digest, the genuine package; another digest for a file named for that KB, a damaged or different file.',
    references: ['seed 001', 'src/knowledge/data/packages.tsv'],
  },
  messages: {
    genuine: {
      en: '{{path}} is the genuine {{file}} of {{kb}}: its {{algorithm}} {{hash}} is the published one ({{confidence}} confidence, see the source in the facts).',
      zh: '{{path}} 是 {{kb}} 的正版安装包 {{file}}：其 {{algorithm}} 值 {{hash}} 与公开值一致（置信度 {{confidence}}，来源见事实）。',
    },
    other: {
      en: '{{path}} is named for {{kb}}, but its {{algorithm}} ({{hash}}) is not that of the published {{file}} ({{known}}): the file is damaged or another one — download it again from the Microsoft Update Catalog and hash it again.',
      zh: '{{path}} 的文件名指向 {{kb}}，但其 {{algorithm}} 值（{{hash}}）与公开的 {{file}} 不一致（{{known}}）：文件已损坏或并非该安装包，请从 Microsoft Update Catalog 重新下载后再次校验。',
      severity: 'warning',
    },
  },
  run,
  cases: {
    valid: [
      {
        name: 'the hash of a package the table has no digest for',
        files: {
          'hashes.txt': capture([
            'SHA256          0F1E2D3C4B5A69788796A5B4C3D2E1F00F1E2D3C4B5A69788796A5B4C3D2E1F0       D:\\KB5015811.msu',
          ]),
        },
      },
    ],
    invalid: [
      {
        name: "seed 001: the customer's KB5014692.msu has the published SHA-256: genuine",
        files: {
          'hashes.txt': capture([`> SHA256          ${SEED_001}       D:\\KB5014692.msu`]),
        },
        findings: [{ messageId: 'genuine', facts: { kb: 'KB5014692', path: 'D:\\KB5014692.msu' } }],
      },
      {
        name: 'a KB5014692.msu with another SHA-256: not the published package',
        files: {
          'hashes.txt': capture([
            '> SHA256          0F1E2D3C4B5A69788796A5B4C3D2E1F00F1E2D3C4B5A69788796A5B4C3D2E1F0       D:\\KB5014692.msu',
          ]),
        },
        findings: [
          {
            messageId: 'other',
            severity: 'warning',
            facts: { kb: 'KB5014692', expectedHash: SEED_001.toLowerCase() },
          },
        ],
      },
    ],
  },
});

export default check;
