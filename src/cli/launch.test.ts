// The installed command's launcher (launch.cts): the command-line script runs through V8's code cache the
// build made; a cache V8 refuses or one made for another copy of the script is not used and is made anew;
// without the bundled script, main.js runs. The script itself: ASCII, with no `import()` (which a cached script
// cannot run on Node 20), and the commands that load packages work from the cache.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../knowledge/paths.js';
import { binPath } from '../testing/paths.js';

const LAUNCHER = join(packageRoot(), 'dist', 'src', 'cli', 'launch.cjs');
const SCRIPT = join(packageRoot(), 'dist', 'src', 'bundle', 'cli.cjs');

function run(bin: string, args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [bin, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', LANG: 'C' },
  });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

/** A launcher in a folder of its own, beside a bundle folder holding `script` (when given). */
function tree(script: string | null, main = "console.log('main.js ran');\n"): { dir: string; bin: string } {
  const dir = mkdtempSync(join(tmpdir(), 'patchdx-launch-'));
  mkdirSync(join(dir, 'cli'));
  mkdirSync(join(dir, 'bundle'));
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  copyFileSync(LAUNCHER, join(dir, 'cli', 'launch.cjs'));
  writeFileSync(join(dir, 'cli', 'main.js'), main);
  if (script !== null) writeFileSync(join(dir, 'bundle', 'cli.cjs'), script);
  return { dir, bin: join(dir, 'cli', 'launch.cjs') };
}

/** The header a cache made from `script` carries: a mark, the script's size and modification time. */
function headerOf(script: string): Buffer {
  const st = statSync(script);
  const h = Buffer.alloc(24);
  h.writeUInt32BE(0x50445831, 0);
  h.writeDoubleBE(st.size, 8);
  h.writeDoubleBE(st.mtimeMs, 16);
  return h;
}

test('the package bin is the launcher, and the build left a cache made from this script', () => {
  assert.equal(binPath(), LAUNCHER);
  const cache = readFileSync(`${SCRIPT}.cache`);
  assert.ok(cache.length > 100_000, `cache of ${cache.length} bytes`);
  assert.deepEqual(cache.subarray(0, 24), headerOf(SCRIPT));
});

test('the bundled script is ASCII and has no import() (a cached script cannot run one on Node 20)', () => {
  const bytes = readFileSync(SCRIPT);
  assert.equal(
    bytes.findIndex((b) => b > 0x7f),
    -1,
  );
  assert.doesNotMatch(bytes.toString('latin1'), /\bimport\(/);
});

test('runs from the cache: the cache is taken as it is (not made again), Chinese output intact', () => {
  const before = readFileSync(`${SCRIPT}.cache`);
  const r = spawnSync(
    process.execPath,
    [LAUNCHER, 'explain', 'ERROR_SXS_COMPONENT_STORE_CORRUPT', '--lang', 'zh'],
    {
      encoding: 'utf8',
    },
  );
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /0x80073712/);
  assert.match(r.stdout, /[\u4e00-\u9fff]/);
  assert.equal(r.stderr, '');
  assert.ok(readFileSync(`${SCRIPT}.cache`).equals(before), 'the cache was written again: V8 refused it');
});

test('commands that load packages (the case store: kysely, better-sqlite3) run from the cache, no warning', () => {
  const dir = mkdtempSync(join(tmpdir(), 'patchdx-launch-db-'));
  try {
    for (let i = 0; i < 2; i++) {
      const r = run(LAUNCHER, ['case', 'list', '--db', join(dir, 'cases.db')]);
      assert.equal(r.code, 0, r.err);
      assert.equal(r.err, '');
      assert.match(r.out, /No cases match/);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a cache made for another copy of the script, or refused, is not used; one is made on exit and then taken', () => {
  const script = `console.log('script ran', typeof require, typeof module, __filename.endsWith('cli.cjs'));\n`;
  const { dir, bin } = tree(script);
  const cacheFile = join(dir, 'bundle', 'cli.cjs.cache');
  try {
    // Another copy's header; then the right header over bytes V8 refuses.
    for (const stale of [
      Buffer.concat([Buffer.alloc(24, 7), Buffer.alloc(64, 1)]),
      Buffer.concat([headerOf(join(dir, 'bundle', 'cli.cjs')), Buffer.from('not a V8 code cache')]),
    ]) {
      writeFileSync(cacheFile, stale);
      const r = run(bin, []);
      assert.equal(r.out, 'script ran function object true\n');
      assert.equal(r.err, '');
      const made = readFileSync(cacheFile);
      assert.deepEqual(made.subarray(0, 24), headerOf(join(dir, 'bundle', 'cli.cjs')));
      assert.ok(!made.equals(stale));
      // Taken as it is by the next run.
      assert.equal(run(bin, []).out, 'script ran function object true\n');
      assert.ok(readFileSync(cacheFile).equals(made));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a cache that cannot be written leaves the command working and no temporary file', () => {
  const { dir, bin } = tree('console.log("script ran");\n');
  try {
    // A folder where the cache file would go (a read-only folder would not stop root): the rename fails.
    mkdirSync(join(dir, 'bundle', 'cli.cjs.cache'));
    const r = run(bin, []);
    assert.equal(r.out, 'script ran\n');
    assert.equal(r.err, '');
    assert.deepEqual(readdirSync(join(dir, 'bundle')).sort(), ['cli.cjs', 'cli.cjs.cache']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('without the bundled script, main.js runs as tsc wrote it', () => {
  const { dir, bin } = tree(null);
  try {
    const r = run(bin, []);
    assert.equal(r.out, 'main.js ran\n');
    assert.equal(r.err, '');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
