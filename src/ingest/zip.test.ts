// Zip bundles, including hostile ones: nested zips, names that point outside the folder, encrypted
// entries, truncated uploads, zip bombs and damaged data. One bad entry never stops the others, and
// nothing is ever written to disk.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { analyze } from '../index.js';
import { packageRoot } from '../knowledge/paths.js';
import { samples as systeminfoSamples } from '../parse/systeminfo.js';
import { bufferSource, fileSource, listZip, readEntry, THREAD_INFLATE_MIN_BYTES, unsafeName } from './zip.js';

const sample = readFileSync(join(packageRoot(), 'examples', 'CBS.log'));
const persist = Buffer.from(
  '2023-01-04 10:10:10, Info                  CBS    Startup: Processing complete. [HRESULT = 0x00000000 - S_OK]\r\n',
);

function withZip(
  files: Record<string, Uint8Array>,
  mangle?: (z: Buffer) => Buffer,
): { dir: string; zip: string } {
  const dir = mkdtempSync(join(tmpdir(), 'patchdx-zip-'));
  const z = Buffer.from(zipSync(files));
  const zip = join(dir, 'bundle.zip');
  writeFileSync(zip, mangle ? mangle(z) : z);
  return { dir, zip };
}

/** Sets the "encrypted" flag of the entry whose name is `name` in both its local and central headers. */
function markEncrypted(z: Buffer, name: string): Buffer {
  const out = Buffer.from(z);
  for (let p = 0; p < out.length - 4; p++) {
    const sig = out.readUInt32LE(p);
    if (sig === 0x04034b50 && out.toString('latin1', p + 30, p + 30 + out.readUInt16LE(p + 26)) === name)
      out[p + 6]! |= 1;
    if (sig === 0x02014b50 && out.toString('latin1', p + 46, p + 46 + out.readUInt16LE(p + 28)) === name)
      out[p + 8]! |= 1;
  }
  return out;
}

test('a bundle with nested zips, a hostile name and an encrypted entry: everything readable is analysed', async () => {
  const inner = zipSync({ 'CbsPersist_20230104101010.log': persist });
  const { dir, zip } = withZip(
    {
      'CBS/CBS.log': sample,
      'Commands/systeminfo.txt': Buffer.from(systeminfoSamples[0]!.text),
      'archive/older.zip': inner,
      '../../evil/CBS2.log': persist,
      'secret/CBS3.log': persist,
    },
    (z) => markEncrypted(z, 'secret/CBS3.log'),
  );
  try {
    const d = await analyze(zip);
    const files = d.sources.map((s) => s.file);
    assert.ok(files.includes('bundle.zip/CBS/CBS.log'), files.join(', '));
    assert.ok(
      files.includes('bundle.zip/archive/older.zip/CbsPersist_20230104101010.log'),
      'nested zip read',
    );
    assert.ok(files.includes('bundle.zip/Commands/systeminfo.txt'));
    assert.ok(files.includes('bundle.zip/../../evil/CBS2.log'), 'read in memory despite the name');
    const diag = (f: string): string =>
      d.diagnostics
        .filter((x) => x.file === f)
        .map((x) => x.message)
        .join(' | ');
    assert.match(diag('bundle.zip/../../evil/CBS2.log'), /outside the archive folder; read in memory only/);
    assert.match(diag('bundle.zip/secret/CBS3.log'), /encrypted/);
    assert.equal(d.verdict, 'failed');
    assert.ok(
      d.findings.some(
        (f) => f.rule === 'cbs-manifest-corrupt' && f.evidence[0]!.file === 'bundle.zip/CBS/CBS.log',
      ),
    );
    // Oldest first: the nested CbsPersist log (2023-01-04) before CBS.log (2023-01-05).
    assert.ok(
      files.indexOf('bundle.zip/archive/older.zip/CbsPersist_20230104101010.log') <
        files.indexOf('bundle.zip/CBS/CBS.log'),
    );
    assert.deepEqual(readdirSync(dir), ['bundle.zip'], 'nothing extracted');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a truncated upload: no central directory, the entries before the cut are still read', async () => {
  const { dir, zip } = withZip({ 'CBS/CBS.log': sample, 'DISM/big.log': Buffer.alloc(200_000, 0x41) }, (z) =>
    z.subarray(0, z.length - 400),
  );
  try {
    const d = await analyze(zip);
    assert.ok(
      d.diagnostics.some((x) => x.file === 'bundle.zip' && /no usable central directory/.test(x.message)),
    );
    assert.ok(d.sources.some((s) => s.file === 'bundle.zip/CBS/CBS.log'));
    assert.equal(d.verdict, 'failed');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a zip bomb entry is stopped by the ratio limit; damaged data is reported; the rest is analysed', async () => {
  const bomb = Buffer.alloc(64 * 1024 * 1024, 0);
  const { dir, zip } = withZip(
    { 'CBS/CBS.log': sample, 'CBS/CbsPersist_bomb.log': bomb, 'CBS/broken.log': sample },
    (z) => {
      // Damage the deflate data of broken.log (the third entry's data starts after its local header).
      const out = Buffer.from(z);
      const at = out.indexOf(Buffer.from('CBS/broken.log')) + 'CBS/broken.log'.length;
      out.fill(0xff, at, at + 64);
      return out;
    },
  );
  try {
    const src = bufferSource(readFileSync(zip));
    const listing = listZip(src);
    const bombEntry = listing.entries.find((e) => e.name === 'CBS/CbsPersist_bomb.log')!;
    const r = readEntry(src, bombEntry, () => undefined);
    assert.match(r.problem ?? '', /compression ratio over 400:1/);
    assert.ok(r.bytes < bomb.length);
    const broken = readEntry(
      src,
      listing.entries.find((e) => e.name === 'CBS/broken.log')!,
      () => undefined,
    );
    assert.match(broken.problem ?? '', /damaged compressed data/);
    const d = await analyze(zip);
    assert.equal(d.verdict, 'failed');
    assert.ok(d.findings.some((f) => f.evidence[0]?.file === 'bundle.zip/CBS/CBS.log'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('unsafeName recognises names that would escape an extraction folder', async () => {
  for (const n of ['../x.log', 'a/../../x', '/etc/passwd', '\\Windows\\x', 'C:\\x', 'C:x'])
    assert.ok(unsafeName(n), n);
  for (const n of ['CBS/CBS.log', 'a..b/c.log', 'x/..y']) assert.ok(!unsafeName(n), n);
});

test('a CRC-32 mismatch is a problem on that entry; data beyond the declared size is not delivered', async () => {
  const text = Buffer.from('2023-01-05 10:10:10, Info CBS line of a damaged entry\r\n'.repeat(200));
  const z = Buffer.from(zipSync({ 'CBS/a.log': text, 'CBS/b.log': text }, { level: 0 }));
  // Stored data: flip one byte of a.log's content, leaving the headers (and their CRC) as they were.
  const at = z.indexOf(text.subarray(0, 40));
  z[at + 5]! ^= 0x20;
  const src = bufferSource(z);
  const listing = listZip(src);
  const a = listing.entries.find((e) => e.name === 'CBS/a.log')!;
  const b = listing.entries.find((e) => e.name === 'CBS/b.log')!;
  assert.match(readEntry(src, a, () => undefined).problem ?? '', /CRC-32 mismatch/);
  assert.equal(readEntry(src, b, () => undefined).problem, null, 'the intact entry is read cleanly');
  // Stopping early is not a mismatch: the CRC is only checked on a whole entry.
  assert.equal(readEntry(src, a, () => false).problem, null);
  // An entry declaring fewer bytes than its data holds is stopped at the declared size.
  const chunks: Buffer[] = [];
  const r = readEntry(src, { ...b, size: 100 }, (c) => void chunks.push(c));
  assert.match(r.problem ?? '', /more than the 100 bytes it declares/);
  assert.ok(Buffer.concat(chunks).length <= 100);
  const dir = mkdtempSync(join(tmpdir(), 'patchdx-zip-'));
  const zip = join(dir, 'bundle.zip');
  const whole = Buffer.from(zipSync({ 'CBS/CBS.log': sample, 'CBS/a.log': text }, { level: 0 }));
  whole[whole.lastIndexOf(text.subarray(0, 40)) + 5]! ^= 0x20;
  writeFileSync(zip, whole);
  try {
    const d = await analyze(zip);
    assert.ok(
      d.diagnostics.some((x) => x.file === 'bundle.zip/CBS/a.log' && /CRC-32 mismatch/.test(x.message)),
      JSON.stringify(d.diagnostics),
    );
    assert.equal(d.verdict, 'failed', 'the rest of the bundle is analysed');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Text that deflates poorly (a seeded generator's hex), so that a few MB stay over the threaded size. */
function noisyLog(bytes: number): Buffer {
  let x = 12345;
  const lines: string[] = [];
  let n = 0;
  while (n < bytes) {
    const words: string[] = [];
    for (let i = 0; i < 8; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      words.push(x.toString(16).padStart(8, '0'));
    }
    const l = `2023-01-05 10:10:10, Info                  CBS    Exec: ${words.join(' ')}\r\n`;
    lines.push(l);
    n += l.length;
  }
  return Buffer.from(lines.join(''));
}

test('a large deflated entry of an archive on disk is inflated on a thread: same bytes, CRC checked, stops on demand', () => {
  const text = noisyLog(3 * 1024 * 1024);
  const z = Buffer.from(zipSync({ 'CBS/CBS.log': text, 'CBS/small.log': sample }, { level: 6 }));
  const dir = mkdtempSync(join(tmpdir(), 'patchdx-zip-'));
  try {
    const path = join(dir, 'bundle.zip');
    writeFileSync(path, z);
    const src = fileSource(path);
    const e = listZip(src).entries.find((x) => x.name === 'CBS/CBS.log')!;
    assert.ok(e.compressedSize >= THREAD_INFLATE_MIN_BYTES, `compressed ${e.compressedSize}`);
    const chunks: Buffer[] = [];
    const r = readEntry(src, e, (c) => void chunks.push(c));
    assert.equal(r.problem, null);
    assert.equal(r.bytes, text.length);
    assert.ok(Buffer.concat(chunks).equals(text), 'the same bytes as the archive holds');
    assert.ok(chunks.length > 10, 'handed on in pieces');
    // Stopping after the first piece ends the thread's work without a problem.
    let pieces = 0;
    assert.equal(readEntry(src, e, () => ++pieces < 1).problem, null);
    assert.equal(pieces, 1);
    // A wrong CRC in the archive's directory is a mismatch on the whole entry.
    assert.match(
      readEntry(src, { ...e, crc: (e.crc! ^ 1) >>> 0 }, () => undefined).problem ?? '',
      /CRC-32 mismatch/,
    );
    // The ratio and declared-size limits hold on this path too.
    assert.match(
      readEntry(src, { ...e, size: 1000 }, () => undefined).problem ?? '',
      /more than the 1000 bytes/,
    );
    src.close();

    // Damaged compressed data and an archive cut inside the entry: a problem, never a hang or a throw.
    const damaged = Buffer.from(z);
    for (let i = 0; i < 64; i++) damaged[e.offset + 200_000 + i * 997]! ^= 0xff;
    writeFileSync(path, damaged);
    const d = fileSource(path);
    assert.match(readEntry(d, e, () => undefined).problem ?? '', /damaged compressed data|CRC-32 mismatch/);
    d.close();
    writeFileSync(path, z.subarray(0, e.offset + Math.floor(e.compressedSize / 2)));
    const t = fileSource(path);
    assert.match(readEntry(t, e, () => undefined).problem ?? '', /truncated|ends inside this entry|damaged/);
    t.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
