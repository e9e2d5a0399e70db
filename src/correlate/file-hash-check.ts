// Get-FileHash / certutil output set against the hashes CBS expected: the engineer hashes the file on the
// broken machine, or the replacement taken from a healthy one, before copying it into WinSxS (seed 003's
// manual step). Equal to CBS's expected hash: the right file. Equal to the actual hash: still the damaged
// one. Neither: another version — do not copy it. Only SHA-256 can be compared (CSI records SHA-256).

import type { Finding } from '../model/types.js';
import { type CrossContext, crossFinding } from './context.js';

function baseName(p: string): string {
  return (p.split(/[\\/]/).pop() ?? p).toLowerCase();
}

export function fileHashCheck(ctx: CrossContext): Finding[] {
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
    const what = f.facts.file ?? f.facts.component ?? 'the damaged item';
    const text = {
      expected: {
        en: `${h.path} has the SHA-256 CBS expects for ${what} (${h.hash}): this copy is the right file to put in place.`,
        zh: `${h.path} 的 SHA-256 与 CBS 对 ${what} 的期望值一致（${h.hash}）：此副本可以用于替换。`,
      },
      actual: {
        en: `${h.path} has the SHA-256 CBS found damaged for ${what} (${h.hash}): this is still the corrupt file — do not use it as a source.`,
        zh: `${h.path} 的 SHA-256 与 CBS 判定损坏的实际值一致（${h.hash}）：仍是损坏文件，不能用作替换源。`,
      },
      other: {
        en: `${h.path} matches neither the hash CBS expects for ${what} (${f.facts.expectedHash}) nor the damaged one: it is another version — take the file from a machine at the same build.`,
        zh: `${h.path} 的哈希既不是 CBS 对 ${what} 的期望值（${f.facts.expectedHash}），也不是损坏值：版本不同，请从同一版本号的机器上获取文件。`,
      },
    }[verdict];
    out.push(
      crossFinding({
        id: ctx.nextId(),
        rule: 'x-file-hash-check',
        messageId: verdict,
        severity: verdict === 'expected' ? 'info' : 'warning',
        confidence: 'high',
        root: false,
        message: text,
        title: { en: 'Captured file hash against the expected hash', zh: '捕获的文件哈希与期望哈希比对' },
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
      }),
    );
  }
  return out;
}
