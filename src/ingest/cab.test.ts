// The cabinet reader against Debian's cabextract, byte for byte: libmspack's test cabinets (stored, MSZIP,
// LZX windows 15–21, Quantum, a five-part set, 2 GiB streams, hostile and truncated files) and cabinets
// built here with reserved areas, checksums, several folders and MSZIP blocks that lean on the previous
// block's dictionary, and how files sharing a folder are read once and count against the bundle budget.
// cabextract must be installed: without it these tests fail rather than skip.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'fflate';
import { packageRoot } from '../knowledge/paths.js';
import type { Diagnostic } from '../model/types.js';
import { extractCabFile, listCab, looksLikeCab, type CabFile } from './cab.js';
import { DEFAULT_BUNDLE_LIMITS, listBufferInputs } from './inputs.js';

const fixtures = join(packageRoot(), '..', 'shared', 'corpus', 'fixtures', 'cab');
const MiB = 1024 * 1024;

function cabextract(args: string[]): Buffer {
  try {
    return execFileSync('cabextract', args, { maxBuffer: 256 * MiB, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      throw new Error(
        'cabextract is not installed: the CAB tests compare against it (apt-get install cabextract)',
        { cause: err },
      );
    throw err;
  }
}

/** cabextract's listing: name and size of each file. */
function cabextractList(path: string): { name: string; size: number }[] {
  const out = cabextract(['-l', path]).toString('utf8');
  const files: { name: string; size: number }[] = [];
  for (const line of out.split('\n')) {
    const m = /^\s*(\d+) \| [^|]* \| (.*)$/.exec(line);
    if (m) files.push({ name: m[2]!, size: Number(m[1]) });
  }
  return files;
}

/** One file as cabextract writes it, or null when cabextract cannot extract it. */
function cabextractFile(path: string, name: string): Buffer | null {
  try {
    return cabextract(['-q', '-p', '-F', name, path]);
  } catch (err) {
    if (err instanceof Error && err.message.includes('not installed')) throw err;
    return null;
  }
}

/** The first `n` bytes of a file as cabextract streams it; the process is stopped once they are in. */
function cabextractPrefix(path: string, name: string, n: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn('cabextract', ['-q', '-p', '-F', name, path], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const chunks: Buffer[] = [];
    let got = 0;
    let done = false;
    child.stdout.on('data', (chunk: Buffer) => {
      if (done) return;
      chunks.push(chunk);
      got += chunk.length;
      if (got >= n) {
        done = true;
        child.kill();
        resolve(Buffer.concat(chunks).subarray(0, n));
      }
    });
    child.on('error', (err) =>
      reject(new Error(`cabextract could not run (apt-get install cabextract): ${err.message}`)),
    );
    child.on('close', () => {
      if (!done) resolve(Buffer.concat(chunks));
    });
  });
}

function extract(
  data: Buffer,
  file: CabFile,
  limits?: { maxBytes: number },
): { bytes: Buffer; problem: string | null } {
  const chunks: Buffer[] = [];
  const r = extractCabFile(data, file, (chunk) => void chunks.push(chunk), limits);
  const bytes = Buffer.concat(chunks);
  assert.equal(r.bytes, bytes.length, `${file.name}: reported byte count`);
  return { bytes, problem: r.problem };
}

/** The first `n` bytes of a file, stopping the reader from the callback. */
function extractPrefix(data: Buffer, file: CabFile, n: number): { bytes: Buffer; problem: string | null } {
  const chunks: Buffer[] = [];
  let got = 0;
  const r = extractCabFile(data, file, (chunk) => {
    chunks.push(chunk);
    got += chunk.length;
    return got < n;
  });
  return { bytes: Buffer.concat(chunks).subarray(0, n), problem: r.problem };
}

function withTempDir<T>(fn: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'patchdx-cab-'));
  try {
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Asserts that the listing matches cabextract's and every readable file is byte-identical to its output. */
function sameAsCabextract(path: string): void {
  const data = readFileSync(path);
  const listing = listCab(data);
  assert.deepEqual(
    listing.files.map((f) => ({ name: f.name, size: f.size })),
    cabextractList(path),
    `${path}: listing`,
  );
  for (const file of listing.files) {
    const ours = extract(data, file);
    if (listing.folders[file.folder]!.compression === 'quantum') {
      assert.match(ours.problem ?? '', /Quantum/, `${file.name}: Quantum is reported, not read`);
      continue;
    }
    assert.equal(ours.problem, null, `${path} ${file.name}`);
    const theirs = cabextractFile(path, file.name);
    assert.ok(theirs, `cabextract extracts ${file.name}`);
    assert.ok(
      ours.bytes.equals(theirs),
      `${path} ${file.name}: ${ours.bytes.length} bytes differ from cabextract's`,
    );
  }
}

// ---- A small cabinet writer for cases the fixtures lack ----

interface BuildFolder {
  compression: 'none' | 'mszip';
  /** Uncompressed content, cut into blocks of at most 32 KiB. */
  content: Buffer;
  blockSize?: number;
}

interface BuildOptions {
  folders: BuildFolder[];
  files: { name: string; folder: number; offset: number; size: number }[];
  reserve?: { header: number; folder: number; data: number };
  checksums?: boolean;
}

function cabChecksum(bytes: Uint8Array, seed: number): number {
  let sum = seed;
  let p = 0;
  for (; p + 4 <= bytes.length; p += 4)
    sum ^= bytes[p]! | (bytes[p + 1]! << 8) | (bytes[p + 2]! << 16) | (bytes[p + 3]! << 24);
  let tail = 0;
  for (; p < bytes.length; p++) tail = (tail << 8) | bytes[p]!;
  return (sum ^ tail) >>> 0;
}

/** Writes a cabinet; MSZIP blocks are deflated against the previous 32 KiB, as makecab does. */
function buildCab(o: BuildOptions): Buffer {
  const r = o.reserve;
  const headerSize = 36 + (r ? 4 + r.header : 0);
  const folderSize = 8 + (r ? r.folder : 0);
  const names = o.files.map((f) => Buffer.from(`${f.name}\0`, 'latin1'));
  const filesSize = names.reduce((n, b) => n + 16 + b.length, 0);
  const blocksOf = o.folders.map((folder) => {
    const size = folder.blockSize ?? 32768;
    const blocks: Buffer[] = [];
    for (let at = 0; at < folder.content.length; at += size) {
      const raw = folder.content.subarray(at, at + size);
      let payload: Buffer = raw;
      if (folder.compression === 'mszip') {
        const dictionary = folder.content.subarray(Math.max(0, at - 32768), at);
        const deflated = deflateSync(raw, dictionary.length > 0 ? { level: 6, dictionary } : { level: 6 });
        payload = Buffer.concat([Buffer.from('CK'), deflated]);
      }
      const head = Buffer.alloc(8 + (r ? r.data : 0), 0x5a);
      head.writeUInt16LE(payload.length, 4);
      head.writeUInt16LE(raw.length, 6);
      head.writeUInt32LE(
        o.checksums === false ? 0 : cabChecksum(head.subarray(4, 8), cabChecksum(payload, 0)),
        0,
      );
      blocks.push(head, payload);
    }
    return blocks;
  });
  const filesAt = headerSize + folderSize * o.folders.length;
  let dataAt = filesAt + filesSize;
  const header = Buffer.alloc(headerSize, 0x33);
  header.write('MSCF', 0, 'latin1');
  header.writeUInt32LE(0, 4);
  header.writeUInt32LE(0, 12);
  header.writeUInt32LE(filesAt, 16);
  header.writeUInt32LE(0, 20);
  header[24] = 3;
  header[25] = 1;
  header.writeUInt16LE(o.folders.length, 26);
  header.writeUInt16LE(o.files.length, 28);
  header.writeUInt16LE(r ? 4 : 0, 30);
  header.writeUInt16LE(0x1234, 32);
  header.writeUInt16LE(0, 34);
  if (r) {
    header.writeUInt16LE(r.header, 36);
    header[38] = r.folder;
    header[39] = r.data;
  }
  const folderRecords = o.folders.map((folder, i) => {
    const rec = Buffer.alloc(folderSize, 0x77);
    rec.writeUInt32LE(dataAt, 0);
    rec.writeUInt16LE(blocksOf[i]!.length / 2, 4);
    rec.writeUInt16LE(folder.compression === 'mszip' ? 1 : 0, 6);
    dataAt += blocksOf[i]!.reduce((n, b) => n + b.length, 0);
    return rec;
  });
  const fileRecords = o.files.map((f, i) => {
    const rec = Buffer.alloc(16);
    rec.writeUInt32LE(f.size, 0);
    rec.writeUInt32LE(f.offset, 4);
    rec.writeUInt16LE(f.folder, 8);
    rec.writeUInt16LE(0x5a21, 10);
    rec.writeUInt16LE(0x6000, 12);
    rec.writeUInt16LE(0x20, 14);
    return Buffer.concat([rec, names[i]!]);
  });
  const cab = Buffer.concat([header, ...folderRecords, ...fileRecords, ...blocksOf.flat()]);
  cab.writeUInt32LE(cab.length, 8);
  return cab;
}

/** Real CBS.log text, repeated to the wanted size. */
function cbsText(size: number): Buffer {
  const sample = readFileSync(join(packageRoot(), 'examples', 'CBS.log'));
  const out = Buffer.alloc(size);
  for (let at = 0; at < size; at += sample.length)
    sample.copy(out, at, 0, Math.min(sample.length, size - at));
  return out;
}

/** Offsets of each CFDATA header of folder `index`, read straight from the bytes (no reserve areas). */
function dataBlockOffsets(cab: Buffer, index: number): number[] {
  let p = cab.readUInt32LE(36 + index * 8);
  const count = cab.readUInt16LE(36 + index * 8 + 4);
  const offsets: number[] = [];
  for (let j = 0; j < count; j++) {
    offsets.push(p);
    p += 8 + cab.readUInt16LE(p + 4);
  }
  return offsets;
}

test('cabextract is installed (the reference every test compares with)', () => {
  assert.match(cabextract(['--version']).toString(), /cabextract/);
});

test('looksLikeCab: the MSCF signature', () => {
  assert.equal(looksLikeCab(Buffer.from('MSCF\0\0\0\0')), true);
  assert.equal(looksLikeCab(Buffer.from('PK\x03\x04')), false);
  assert.equal(looksLikeCab(Buffer.from('MSC')), false);
});

for (const name of [
  'simple.cab',
  'normal_2files_1folder.cab',
  'normal_2files_2folders.cab',
  'mixed.cab',
  'mszip_lzx_qtm.cab',
  'large-files-cab.cab',
]) {
  test(`${name}: listing and every stored, MSZIP and LZX file identical to cabextract's`, () => {
    sameAsCabextract(join(fixtures, name));
  });
}

test('mixed.cab: one folder per compression, LZX window read from the folder type', () => {
  const listing = listCab(readFileSync(join(fixtures, 'mixed.cab')));
  assert.deepEqual(listing.folders, [
    { compression: 'mszip', dataBlocks: 1 },
    { compression: 'lzx', window: 18, dataBlocks: 1 },
    { compression: 'quantum', dataBlocks: 1 },
  ]);
  assert.deepEqual(listing.problems, []);
});

test('large-files-cab.cab: 14 MiB through LZX (window 21, aligned blocks, E8 translation) in one folder', () => {
  const listing = listCab(readFileSync(join(fixtures, 'large-files-cab.cab')));
  assert.deepEqual(listing.folders, [{ compression: 'lzx', window: 21, dataBlocks: 449 }]);
});

test('lzx16-cbs-e8.cab: log text and E8 calls in one LZX folder (window 16 wraps), as cabextract', () => {
  const path = join(packageRoot(), 'fixtures', 'cab', 'lzx16-cbs-e8.cab');
  sameAsCabextract(path);
  const data = readFileSync(path);
  const [log, calls] = listCab(data).files;
  const cbs = readFileSync(join(packageRoot(), '..', 'shared', 'corpus', 'cbs01-appostarsi-w11', 'CBS.log'));
  assert.ok(extract(data, log!).bytes.equals(cbs.subarray(0, 180000)));
  const code = extract(data, calls!).bytes;
  assert.ok(code.filter((b) => b === 0xe8).length > 1000, 'the E8 translation is exercised');
});

test('LZX: damage after the bytes a file needs does not spoil reading it', () => {
  const full = readFileSync(join(fixtures, 'large-files-cab.cab'));
  const damaged = Buffer.from(full);
  const block = dataBlockOffsets(damaged, 0)[400]!;
  damaged[block + 8 + 3]! ^= 0x40;
  const file = listCab(damaged).files[0]!;
  const head: CabFile = { name: 'head', size: MiB, folder: 0, offsetInFolder: 1000 };
  const r = extract(damaged, head);
  assert.equal(r.problem, null);
  assert.ok(r.bytes.equals(extract(full, file).bytes.subarray(1000, 1000 + MiB)));
  assert.match(extract(damaged, file).problem ?? '', /data block 401: checksum mismatch/);
});

test('a five-part cabinet set: listed, reported as not supported, nothing continued is read', () => {
  for (let part = 1; part <= 5; part++) {
    const path = join(fixtures, `multi_basic_pt${part}.cab`);
    const data = readFileSync(path);
    const listing = listCab(data);
    assert.deepEqual(
      listing.files.map((f) => ({ name: f.name, size: f.size })),
      cabextractList(path),
    );
    assert.ok(
      listing.problems.some((p) => /multi-cabinet set.*not supported/.test(p)),
      listing.problems.join('; '),
    );
    for (const file of listing.files) {
      const r = extract(data, file);
      assert.match(r.problem ?? '', /another cabinet of a set/);
      assert.equal(r.bytes.length, 0);
      // cabextract cannot read these alone either.
      assert.equal(cabextractFile(path, file.name), null);
    }
  }
});

for (const window of [15, 21]) {
  test(`huge-lzx${window}.cab: a 2 GiB LZX stream, listed, its first MiBs as cabextract's, stopped cleanly`, async () => {
    const path = join(fixtures, `huge-lzx${window}.cab`);
    const data = readFileSync(path);
    const listing = listCab(data);
    assert.deepEqual(listing.problems, []);
    assert.deepEqual(listing.folders, [{ compression: 'lzx', window, dataBlocks: 65535 }]);
    assert.deepEqual(listing.files, [{ name: 'empty.dat', size: 2147450880, folder: 0, offsetInFolder: 0 }]);
    assert.deepEqual(cabextractList(path), [{ name: 'empty.dat', size: 2147450880 }]);
    const file = listing.files[0]!;

    const head = extractPrefix(data, file, 3 * MiB);
    assert.equal(head.problem, null, 'a consumer that stops is not a problem');
    const theirs = await cabextractPrefix(path, file.name, 3 * MiB);
    assert.equal(theirs.length, 3 * MiB);
    assert.ok(head.bytes.equals(theirs), 'first 3 MiB');

    const limited = extract(data, file, { maxBytes: MiB + 5 });
    assert.equal(limited.bytes.length, MiB + 5);
    assert.match(limited.problem ?? '', /limit of 1048581 bytes/);
    assert.ok(limited.bytes.equals(theirs.subarray(0, MiB + 5)));
  });
}

test('a nested 2 GiB cabinet: MSZIP, LZX 15 and LZX 21 folders of text, window wraps, as cabextract', async () => {
  const outer = readFileSync(join(fixtures, 'large-files-cab.cab'));
  const inner = extract(outer, listCab(outer).files[0]!).bytes;
  const listing = listCab(inner);
  assert.deepEqual(listing.problems, []);
  assert.deepEqual(
    listing.folders.map((f) => [f.compression, f.window]),
    [
      ['mszip', undefined],
      ['lzx', 15],
      ['lzx', 21],
    ],
  );
  const want = 5 * MiB + 12345;
  await withTempDirAsync(async (dir) => {
    const path = join(dir, 'large-files.cab');
    writeFileSync(path, inner);
    assert.deepEqual(
      listing.files.map((f) => ({ name: f.name, size: f.size })),
      cabextractList(path),
    );
    for (const file of listing.files) {
      const ours = extractPrefix(inner, file, want);
      assert.equal(ours.problem, null);
      const theirs = await cabextractPrefix(path, file.name, want);
      assert.equal(theirs.length, want);
      assert.ok(ours.bytes.equals(theirs), `${file.name}: first ${want} bytes`);
    }
  });
});

async function withTempDirAsync(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'patchdx-cab-'));
  try {
    await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('hostile and malformed cabinets: never a throw, always a problem, safe partial results', () => {
  const dir = join(fixtures, 'hostile');
  const names = readdirSync(dir).filter((n) => n.endsWith('.cab'));
  assert.ok(names.length >= 30, `hostile fixtures found: ${names.length}`);
  for (const name of names) {
    const path = join(dir, name);
    const data = readFileSync(path);
    const listing = listCab(data);
    const problems = [...listing.problems];
    for (const file of listing.files) {
      const r = extract(data, file, { maxBytes: MiB });
      if (r.problem) {
        problems.push(r.problem);
        continue;
      }
      // What we read completely must be what cabextract reads, when it can.
      const theirs = file.size <= MiB ? cabextractFile(path, file.name) : null;
      if (theirs) assert.ok(r.bytes.equals(theirs), `${name} ${file.name}`);
    }
    assert.ok(problems.length > 0, `${name}: no problem reported`);
  }
});

test('hostile cabinets: the reasons given', () => {
  const reasons = (name: string): string => {
    const data = readFileSync(join(fixtures, 'hostile', name));
    const listing = listCab(data);
    return [...listing.problems, ...listing.files.map((f) => extract(data, f).problem ?? '')].join('\n');
  };
  assert.match(reasons('bad_signature.cab'), /MSCF signature is missing/);
  assert.match(reasons('partial_shortheader.cab'), /header is truncated/);
  assert.match(reasons('bad_folderindex.cab'), /folder 2 does not exist/);
  assert.match(reasons('bad_nofolders.cab'), /no folders/);
  assert.match(reasons('partial_nodata.cab'), /truncated/);
  assert.match(reasons('cve-2017-11423-fname-overread.cab'), /name is not terminated/);
  assert.match(reasons('hidden-files.cab'), /not right after the folder table/);
  assert.match(reasons('dirwalk-vulns.cab'), /"\.\.\/relative\/path": the name points outside/);
  assert.match(reasons('lzx-premature-matches.cab'), /before the start of the data/);
  assert.match(reasons('lzx-main-tree-no-lengths.cab'), /invalid Huffman code/);
  assert.match(reasons('cve-2010-2800-mszip-infinite-loop.cab'), /damaged/);
  assert.match(reasons('cve-2014-9556-qtm-infinite-loop.cab'), /past the end of folder 1/);
  assert.match(reasons('cve-2018-18584-qtm-max-size-block.cab'), /Quantum compression is not supported/);
});

test('built: reserved areas in header, folders and data blocks; stored and MSZIP folders; checksums', () => {
  const text = cbsText(150000);
  const stored = Buffer.from('hello from a stored folder\r\n'.repeat(3000));
  const cab = buildCab({
    reserve: { header: 20, folder: 3, data: 5 },
    folders: [
      { compression: 'mszip', content: text },
      { compression: 'none', content: stored, blockSize: 20000 },
    ],
    files: [
      { name: 'CbsPersist_20240102030405.log', folder: 0, offset: 0, size: 100000 },
      { name: 'second.log', folder: 0, offset: 100000, size: 50000 },
      { name: 'stored.txt', folder: 1, offset: 0, size: stored.length },
    ],
  });
  const listing = listCab(cab);
  assert.deepEqual(listing.problems, []);
  assert.deepEqual(listing.folders, [
    { compression: 'mszip', dataBlocks: 5 },
    { compression: 'none', dataBlocks: 5 },
  ]);
  withTempDir((dir) => {
    const path = join(dir, 'built.cab');
    writeFileSync(path, cab);
    sameAsCabextract(path);
  });
  assert.ok(extract(cab, listing.files[1]!).bytes.equals(text.subarray(100000)));
});

test('built: MSZIP blocks use the previous block as their dictionary (text repeated across blocks)', () => {
  // 40 KiB of text, then the same 40 KiB again: the second copy is nearly all back-references.
  const half = cbsText(40000);
  const text = Buffer.concat([half, half]);
  const cab = buildCab({
    folders: [{ compression: 'mszip', content: text }],
    files: [{ name: 'twice.log', folder: 0, offset: 0, size: text.length }],
  });
  const third = cab.readUInt16LE(dataBlockOffsets(cab, 0)[2]! + 4);
  assert.ok(third < 2000, `the third block leans on the dictionary (${third} bytes)`);
  const r = extract(cab, listCab(cab).files[0]!);
  assert.equal(r.problem, null);
  assert.ok(r.bytes.equals(text));
});

test('built: a checksum mismatch stops the read with a problem; the bytes before it are right', () => {
  const text = cbsText(100000);
  const cab = buildCab({
    folders: [{ compression: 'mszip', content: text }],
    files: [{ name: 'a.log', folder: 0, offset: 0, size: text.length }],
  });
  const blocks = dataBlockOffsets(cab, 0);
  const damaged = Buffer.from(cab);
  damaged[blocks[1]! + 8 + 40]! ^= 0x10;
  const r = extract(damaged, listCab(damaged).files[0]!);
  assert.match(r.problem ?? '', /data block 2: checksum mismatch/);
  assert.ok(r.bytes.equals(text.subarray(0, 32768)));

  // Without checksums the damage reaches the decoder: a problem or wrong bytes, never a throw.
  const unchecked = buildCab({
    folders: [{ compression: 'mszip', content: text }],
    files: [{ name: 'a.log', folder: 0, offset: 0, size: text.length }],
    checksums: false,
  });
  for (let i = 0; i < 200; i++) {
    const copy = Buffer.from(unchecked);
    const at = blocks[1]! + 8 + 2 + ((i * 7919) % 1000);
    copy[at]! ^= 1 << (i % 8);
    const x = extract(copy, listCab(copy).files[0]!);
    assert.ok(x.bytes.subarray(0, 32768).equals(text.subarray(0, 32768)));
  }
});

test('built: a file past the end of its folder is reported when listed and when read', () => {
  const cab = buildCab({
    folders: [{ compression: 'none', content: Buffer.from('0123456789') }],
    files: [{ name: 'long.txt', folder: 0, offset: 4, size: 100 }],
  });
  const listing = listCab(cab);
  assert.match(
    listing.problems.join('\n'),
    /"long.txt": bytes 4–104 lie past the end of folder 1 \(10 bytes\)/,
  );
  const r = extract(cab, listing.files[0]!);
  assert.equal(r.bytes.toString(), '456789');
  assert.match(r.problem ?? '', /data ends 94 bytes before the end of the file/);
});

test('a truncated LZX cabinet: problems, and what is read is a correct prefix', () => {
  const full = readFileSync(join(fixtures, 'large-files-cab.cab'));
  const whole = extract(full, listCab(full).files[0]!).bytes;
  for (const keep of [0.3, 0.75]) {
    const cut = full.subarray(0, Math.floor(full.length * keep));
    const listing = listCab(cut);
    assert.match(listing.problems.join('\n'), /truncated/);
    const r = extract(cut, listing.files[0]!);
    assert.ok(r.problem, 'a problem');
    assert.ok(r.bytes.length < whole.length);
    assert.ok(r.bytes.equals(whole.subarray(0, r.bytes.length)), 'a correct prefix');
  }
});

test('hostile headers: huge counts and folders sharing their data stay fast and are reported', () => {
  const header = Buffer.alloc(36);
  header.write('MSCF', 0, 'latin1');
  header.writeUInt32LE(0xffffffff, 8);
  header.writeUInt32LE(0xfffffff0, 16);
  header[24] = 3;
  header[25] = 1;
  header.writeUInt16LE(0xffff, 26);
  header.writeUInt16LE(0xffff, 28);
  // 20,000 folders that all point at the same stream of 65,535 empty data blocks.
  const folder = Buffer.alloc(8);
  folder.writeUInt32LE(36 + 20000 * 8, 0);
  folder.writeUInt16LE(0xffff, 4);
  const blocks = Buffer.alloc(8 * 70000);
  const cab = Buffer.concat([header, ...Array.from({ length: 20000 }, () => folder), blocks]);
  const listing = listCab(cab);
  assert.equal(listing.folders.length, 0xffff);
  assert.equal(listing.files.length, 0);
  assert.match(listing.problems.join('\n'), /more data blocks than the cabinet can hold/);
  assert.match(listing.problems.join('\n'), /file table starts at 4294967280, past the end/);
});

test('damaged LZX data (checksums cleared): never a throw, and the frames before the damage are right', () => {
  const original = readFileSync(join(fixtures, 'normal_2files_2folders.cab'));
  const big = readFileSync(join(fixtures, 'large-files-cab.cab'));
  const bigWhole = extract(big, listCab(big).files[0]!).bytes;
  let seed = 12345;
  const random = (n: number): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed % n;
  };
  const clearChecksums = (cab: Buffer): Buffer => {
    const copy = Buffer.from(cab);
    for (let f = 0; f < copy.readUInt16LE(26); f++)
      for (const at of dataBlockOffsets(copy, f)) copy.writeUInt32LE(0, at);
    return copy;
  };
  const small = clearChecksums(original);
  const lzxStart = dataBlockOffsets(small, 1)[0]! + 8;
  for (let i = 0; i < 300; i++) {
    const copy = Buffer.from(small);
    const flips = 1 + random(3);
    for (let k = 0; k < flips; k++) copy[lzxStart + random(copy.length - lzxStart)]! ^= 1 << random(8);
    for (const file of listCab(copy).files) extract(copy, file, { maxBytes: MiB });
  }
  const large = clearChecksums(big);
  const blocks = dataBlockOffsets(large, 0);
  for (let i = 0; i < 12; i++) {
    const copy = Buffer.from(large);
    const block = 200 + random(200);
    const at = blocks[block]! + 8 + random(copy.readUInt16LE(blocks[block]! + 4));
    copy[at]! ^= 1 << random(8);
    const r = extract(copy, listCab(copy).files[0]!);
    const good = block * 32768;
    assert.ok(r.bytes.subarray(0, good).equals(bigWhole.subarray(0, good)), `flip in block ${block + 1}`);
  }
});

test('files sharing one folder: the same bytes are read once, decoding work is bounded by the bundle budget', () => {
  const content = cbsText(256 * 1024);
  const files = Array.from({ length: 50 }, (_, i) => ({
    name: `CbsPersist_${i}.log`,
    folder: 0,
    offset: 0,
    size: content.length,
  }));
  const cab = buildCab({ folders: [{ compression: 'mszip', content }], files });
  const diagnostics: Diagnostic[] = [];
  const l = listBufferInputs('p.cab', cab, diagnostics);
  assert.deepEqual(
    l.inputs.map((i) => i.name),
    ['p.cab/CbsPersist_0.log'],
  );
  const copies = diagnostics.filter((d) => /the same bytes as p\.cab\/CbsPersist_0\.log/.test(d.message));
  assert.equal(copies.length, 49);
  assert.equal(copies[0]!.file, 'p.cab/CbsPersist_1.log');
  // Distinct files deep in one folder: each is decoded from the folder's start, and that work is counted.
  const slices = Array.from({ length: 8 }, (_, i) => ({
    name: `part${i}.log`,
    folder: 0,
    offset: i * 32 * 1024,
    size: 32 * 1024,
  }));
  const parts = buildCab({ folders: [{ compression: 'mszip', content }], files: slices });
  const bounded: Diagnostic[] = [];
  const b = listBufferInputs('parts.cab', parts, bounded, {
    ...DEFAULT_BUNDLE_LIMITS,
    minExpandedBytes: 0,
    maxRatio: (3 * 1024 * 1024) / parts.length,
  });
  // All 8 need 32 + 64 + … + 256 = 1152 KiB of decoding: a budget of 3 MiB takes them all.
  assert.equal(b.inputs.length, 8);
  const tight: Diagnostic[] = [];
  const t = listBufferInputs('parts.cab', parts, tight, {
    ...DEFAULT_BUNDLE_LIMITS,
    minExpandedBytes: 0,
    maxRatio: (200 * 1024) / parts.length,
  });
  // 32 + 64 + 96 KiB = 192 KiB fit in 200 KiB; the fourth file would need 128 KiB more.
  assert.deepEqual(
    t.inputs.map((i) => i.name),
    ['parts.cab/part0.log', 'parts.cab/part1.log', 'parts.cab/part2.log'],
  );
  assert.match(
    tight.find((d) => d.file === 'parts.cab/part3.log')?.message ?? '',
    /decoding this cabinet file takes 131072 bytes would take the bundle past \d+ expanded bytes/,
  );
  assert.equal(
    t.inputs[2]!.readAll(1 << 20).toString('latin1'),
    content.subarray(64 * 1024, 96 * 1024).toString('latin1'),
  );
});
