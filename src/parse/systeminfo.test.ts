// systeminfo format: the samples parse to their fields, detection by content, and a Chinese capture
// saved in GBK next to a CBS.log gives the machine's build level to the diagnosis.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyze } from '../index.js';
import { packageRoot } from '../knowledge/paths.js';
import { detectSystemInfo, parseSystemInfo, samples } from './systeminfo.js';

test('systeminfo samples parse to their fields', async () => {
  for (const s of samples) {
    const got = parseSystemInfo(s.text);
    for (const [k, v] of Object.entries(s.fields)) assert.deepEqual(got[k as keyof typeof got], v, k);
    assert.ok(detectSystemInfo(s.text.split(/\r?\n/)));
  }
});

test('a CBS log is not systeminfo', async () => {
  const cbs = readFileSync(join(packageRoot(), 'examples', 'CBS.log'), 'latin1').split(/\r?\n/);
  assert.equal(detectSystemInfo(cbs), false);
});

test('a GBK-encoded Chinese systeminfo beside CBS.log gives the build level and the update gap', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'patchdx-si-'));
  try {
    const cbs = readFileSync(join(packageRoot(), 'fixtures', 'seeds', 'seed-004-not-found.log'), 'latin1')
      .split('\n')
      .filter((l) => !l.includes('TiLight'))
      .join('\n');
    writeFileSync(join(dir, 'CBS.log'), cbs, 'latin1');
    const zh = samples[1]!.text.replace('[02]: KB5001342', '[02]: KB4516077');
    writeFileSync(join(dir, 'systeminfo.txt'), Buffer.from(new TextEncoderGbk().encode(zh)));
    const d = await analyze(dir);
    const src = d.sources.find((s) => s.file === 'systeminfo.txt');
    assert.equal(src?.kind, 'systeminfo');
    assert.equal(d.machine.osBuild, '17763.774');
    assert.match(d.machine.osBuildSource ?? '', /systeminfo: hotfix list \(KB4516077/);
    const gap = d.findings.find((f) => f.rule === 'x-update-gap');
    assert.equal(gap?.facts.installedBuild, '17763.774');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Minimal GBK encoder for the test's few Chinese characters (Node has a GBK decoder but no encoder). */
class TextEncoderGbk {
  private static readonly table: Record<string, number[]> = {
    主: [0xd6, 0xf7],
    机: [0xbb, 0xfa],
    名: [0xc3, 0xfb],
    称: [0xb3, 0xc6],
    版: [0xb0, 0xe6],
    本: [0xb1, 0xbe],
    暂: [0xd4, 0xdd],
    缺: [0xc8, 0xb1],
    企: [0xc6, 0xf3],
    业: [0xd2, 0xb5],
    修: [0xd0, 0xde],
    补: [0xb2, 0xb9],
    程: [0xb3, 0xcc],
    序: [0xd0, 0xf2],
    安: [0xb0, 0xb2],
    装: [0xd7, 0xb0],
    了: [0xc1, 0xcb],
    个: [0xb8, 0xf6],
    网: [0xcd, 0xf8],
    卡: [0xbf, 0xa8],
    '。': [0xa1, 0xa3],
  };
  encode(s: string): number[] {
    const out: number[] = [];
    for (const ch of s) {
      const code = ch.charCodeAt(0);
      if (code < 0x80) out.push(code);
      else {
        const bytes = TextEncoderGbk.table[ch];
        if (!bytes) throw new Error(`no GBK bytes for ${ch}`);
        out.push(...bytes);
      }
    }
    return out;
  }
}
