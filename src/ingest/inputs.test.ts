// One budget per bundle, scaled down: a nested archive over the in-memory cap, a zip inside a zip whose
// levels each stay under the ratio limit while the bundle does not, zip entries sharing one local header,
// and folders with symbolic link loops, links leading out, FIFOs and too many files. Each limit is a
// diagnostic naming the input and the limit, and the rest is still listed and analysed.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import type { Diagnostic } from '../model/types.js';
import { packageRoot } from '../knowledge/paths.js';
import { DEFAULT_BUNDLE_LIMITS, listBufferInputs, listInputs, type BundleLimits } from './inputs.js';

const sample = readFileSync(join(packageRoot(), 'examples', 'CBS.log'));
const KiB = 1024;

function limits(over: Partial<BundleLimits>): BundleLimits {
  return { ...DEFAULT_BUNDLE_LIMITS, ...over };
}

function list(
  name: string,
  data: Buffer,
  over: Partial<BundleLimits>,
): { names: string[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const l = listBufferInputs(name, data, diagnostics, limits(over));
  l.close();
  return { names: l.inputs.map((i) => i.name), diagnostics };
}

function withDir<T>(fn: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'patchdx-inputs-'));
  try {
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a nested zip over the in-memory cap is a diagnostic naming it and the cap; the rest is listed', () => {
  const inner = zipSync({ 'big.log': Buffer.alloc(300 * KiB, 0x41) }, { level: 0 });
  const outer = Buffer.from(zipSync({ 'CBS/CBS.log': sample, 'nested/inner.zip': inner }));
  const r = list('bundle.zip', outer, { maxInMemoryArchive: 256 * KiB });
  assert.deepEqual(r.names, ['bundle.zip/CBS/CBS.log']);
  const d = r.diagnostics.find((x) => x.file === 'bundle.zip/nested/inner.zip');
  assert.match(d?.message ?? '', /larger than the 262144 bytes held in memory \(limit\)/);
  // Under the cap, the nested zip is read.
  assert.ok(list('bundle.zip', outer, {}).names.includes('bundle.zip/nested/inner.zip/big.log'));
});

test('nested zips share one budget: each level under the ratio, the bundle over it, is stopped', () => {
  const text = Buffer.from(sample.toString('latin1').repeat(400), 'latin1');
  const inner = zipSync({ 'CBS.log': text });
  const outer = Buffer.from(zipSync({ 'CBS/CBS.log': sample, 'inner.zip': inner }));
  const ratio = text.length / outer.length;
  // The budget allows 50:1 over the outer zip: more than either level alone, less than the two together.
  assert.ok(text.length / inner.length < 50 * 4 && ratio > 50, `ratio ${ratio}`);
  const r = list('bundle.zip', outer, { maxRatio: 50, minExpandedBytes: 0 });
  assert.deepEqual(r.names, ['bundle.zip/CBS/CBS.log']);
  const d = r.diagnostics.find((x) => x.file === 'bundle.zip/inner.zip/CBS.log');
  assert.match(d?.message ?? '', /would take the bundle past \d+ expanded bytes \(limit: 50:1/);
  // The same bundle with an ordinary ratio is read whole.
  assert.ok(list('bundle.zip', outer, {}).names.includes('bundle.zip/inner.zip/CBS.log'));
  // Nesting and entry counts hold across levels too.
  const deep = Buffer.from(zipSync({ 'a.zip': zipSync({ 'b.zip': zipSync({ 'CBS.log': sample }) }) }));
  assert.match(
    list('deep.zip', deep, { maxNesting: 2 })
      .diagnostics.map((x) => x.message)
      .join(' | '),
    /zip nested more than 2 deep \(limit\)/,
  );
  const many = Buffer.from(
    zipSync({ 'x.zip': zipSync({ '1.log': sample, '2.log': sample }), '3.log': sample, '4.log': sample }),
  );
  const m = list('many.zip', many, { maxEntries: 3 });
  assert.equal(m.names.length, 2);
  assert.equal(
    m.diagnostics.filter((x) => /more than 3 files and archive entries/.test(x.message)).length,
    1,
  );
});

test('zip entries that share one local header are read once, with a diagnostic for each copy', () => {
  const z = Buffer.from(zipSync({ 'CBS/CBS.log': sample, 'CBS/copy.log': sample }, { level: 0 }));
  // Point the second central-directory record at the first entry's local header.
  const cd = z.lastIndexOf(Buffer.from('PK\x01\x02', 'latin1'));
  z.writeUInt32LE(0, cd + 42);
  const r = list('bundle.zip', z, {});
  assert.deepEqual(r.names, ['bundle.zip/CBS/CBS.log']);
  assert.match(
    r.diagnostics.find((x) => x.file === 'bundle.zip/CBS/copy.log')?.message ?? '',
    /overlaps that of bundle\.zip\/CBS\/CBS\.log .*read once/,
  );
});

test('a folder walk visits each real path once, keeps inside the folder, never opens FIFOs, caps files', () => {
  withDir((dir) => {
    const root = join(dir, 'bundle');
    mkdirSync(join(root, 'CBS'), { recursive: true });
    writeFileSync(join(root, 'CBS', 'CBS.log'), sample);
    writeFileSync(join(dir, 'secret.log'), sample);
    for (const n of ['l1', 'l2', 'l3']) symlinkSync('.', join(root, n));
    symlinkSync('..', join(root, 'CBS', 'up'));
    symlinkSync(join(dir, 'secret.log'), join(root, 'out.log'));
    symlinkSync(join(root, 'CBS', 'CBS.log'), join(root, 'again.log'));
    execFileSync('mkfifo', [join(root, 'pipe.log')]);
    const diagnostics: Diagnostic[] = [];
    const l = listInputs(root, diagnostics);
    l.close();
    assert.deepEqual(
      l.inputs.map((i) => i.name),
      [join('CBS', 'CBS.log')],
      'again.log is the same file as CBS/CBS.log, read once',
    );
    const msg = (f: string): string =>
      diagnostics
        .filter((x) => x.file === f)
        .map((x) => x.message)
        .join(' | ');
    for (const n of ['l1', 'l2', 'l3', join('CBS', 'up')]) assert.match(msg(n), /already walked/);
    assert.match(msg('out.log'), /leads out of the folder given is not followed/);
    assert.match(msg('pipe.log'), /not a regular file/);
    assert.match(msg('again.log'), /already read under another name/);

    for (let i = 0; i < 5; i++) writeFileSync(join(root, `CBS/extra${i}.log`), sample);
    const capped: Diagnostic[] = [];
    const c = listInputs(root, capped, limits({ maxEntries: 3 }));
    c.close();
    assert.equal(c.inputs.length, 3);
    assert.equal(
      capped.filter((x) => /more than 3 files and archive entries \(limit\)/.test(x.message)).length,
      1,
    );
  });
});
