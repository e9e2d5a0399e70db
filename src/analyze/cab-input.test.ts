// CbsPersist_*.cab archives are read like the logs they hold, on their own, in a folder or inside a zip
// bundle: the rotated CBS log inside is analysed with its own line numbers; other members are listed.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { packageRoot } from '../knowledge/paths.js';
import { analyzePath } from './analyze.js';

const cab = join(packageRoot(), 'fixtures', 'cab', 'lzx16-cbs-e8.cab');
const cbs01 = join(packageRoot(), '..', 'shared', 'corpus', 'cbs01-appostarsi-w11', 'CBS.log');

test('a CbsPersist cabinet (LZX): the log inside is read byte-exact, line numbers as in the log', () => {
  const d = analyzePath(cab);
  const src = d.sources.find((s) => s.file === 'lzx16-cbs-e8.cab/CbsPersist_20240105101010.log');
  assert.ok(src, d.sources.map((s) => s.file).join(', '));
  assert.equal(src.bytes, 180000);
  // The cabinet holds the first 180,000 bytes of corpus cbs01: same line count and first timestamp.
  const head = readFileSync(cbs01).subarray(0, 180000).toString('latin1');
  assert.equal(src.lines, head.split('\n').length);
  assert.equal(src.first, '2023-05-17 08:24:08');
  assert.ok(
    d.diagnostics.some((x) => x.file === 'lzx16-cbs-e8.cab/calls.bin' && /binary data/.test(x.message)),
  );
  assert.equal(d.machine.servicingStack, '10.0.22621.1626');
});

test('a cabinet inside a zip bundle, next to CBS.log', () => {
  const dir = mkdtempSync(join(tmpdir(), 'patchdx-cab-'));
  try {
    const zip = zipSync({
      'CBS/CbsPersist_20240105101010.cab': readFileSync(cab),
      'CBS/CBS.log': readFileSync(join(packageRoot(), 'examples', 'CBS.log')),
    });
    writeFileSync(join(dir, 'bundle.zip'), zip);
    const d = analyzePath(join(dir, 'bundle.zip'));
    const files = d.sources.map((s) => s.file);
    assert.ok(
      files.includes('bundle.zip/CBS/CbsPersist_20240105101010.cab/CbsPersist_20240105101010.log'),
      files.join(', '),
    );
    assert.ok(files.includes('bundle.zip/CBS/CBS.log'));
    assert.equal(d.verdict, 'failed');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
