// The .NET Framework cumulative updates, the WinRE updates and the published package digests, from real
// facts: seed 000's KB5020685, seed 001's verified .msu hash, the corpus logs that name the other rows.
// Every row's provenance that points at a seed or a corpus line is checked against that text.

import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import { analyzePath } from '../analyze/analyze.js';
import { updateByKb, updatesForBuild } from './builds.js';
import { explain } from './explain.js';
import { renderExplained } from '../report/explain.js';
import { packageByHash, packageTableProblems, packagesOfKb } from './packages.js';
import { packageRoot } from './paths.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';

const shared = join(packageRoot(), '..', 'shared');
const seed = (n: string): string => {
  const f = readdirSync(join(shared, 'seeds')).find((x) => x.startsWith(`${n}_`))!;
  return readFileSync(join(shared, 'seeds', f), 'utf8');
};
const corpusLine = (path: string, line: number): string =>
  readFileSync(join(shared, 'corpus', path), 'utf8').split(/\r?\n/)[line - 1] ?? '';

describe('package digests', () => {
  it('load without problems', () => {
    assert.deepEqual(packageTableProblems(), []);
  });

  it('seed 001: the SHA-256 of KB5014692.msu is in the seed, and the engineer confirmed it', () => {
    const text = seed('001');
    const m = /^SHA256\s+([0-9A-F]{64})\s+D:\\KB5014692\.msu\s*$/m.exec(text);
    assert.ok(m, 'the Get-FileHash row is in seed 001');
    assert.match(text, /KB5014692的hash值正确/);
    const p = packageByHash(m[1]!);
    assert.equal(p?.kb, 'KB5014692');
    assert.equal(p?.algorithm, 'SHA256');
    assert.deepEqual(
      packagesOfKb('KB5014692').map((x) => x.hash),
      [m[1]!.toLowerCase()],
    );
    // explain with the digest names the update it is the genuine package of.
    const x = explain(m[1]!);
    assert.equal(x.kind, 'update');
    if (x.kind === 'update') {
      assert.equal(x.update.kb, 'KB5014692');
      assert.equal(x.update.build, '17763.3046');
      assert.equal(x.matchedPackage?.file, 'KB5014692.msu');
    }
    // And the text a person reads says so, with the digest's confidence and source.
    const text2 = renderExplained(x, 'en');
    assert.match(
      text2,
      /^This digest is the published one of: KB5014692\.msu {2}SHA256 [0-9a-f]{64} {2}\(Confidence: medium; Source: seed 001/m,
    );
    assert.match(
      renderExplained(explain('KB5014692'), 'zh'),
      /已公布的补丁包哈希:\n {4}KB5014692\.msu {2}SHA256/,
    );
  });

  it("seed 001's capture, analysed: the .msu is the genuine package", () => {
    const rows = seed('001')
      .split(/\r?\n/)
      .filter((l) => /^(?:PS D:\\> Get-FileHash|Algorithm|---------|SHA256 )/.test(l));
    assert.equal(rows.length, 4);
    const dir = mkdtempSync(join(tmpdir(), 'patchdx-pkg-'));
    try {
      writeFileSync(join(dir, 'hash.txt'), `${rows.join('\r\n')}\r\n`);
      const d = analyzePath(dir);
      const f = d.findings.filter((x) => x.rule === 'x-package-hash-check');
      assert.equal(f.length, 1);
      assert.equal(f[0]!.messageId, 'genuine');
      assert.equal(f[0]!.severity, 'info');
      assert.match(
        f[0]!.message.en,
        /^D:\\KB5014692\.msu is the genuine KB5014692\.msu of KB5014692: its SHA256 e6e8cf29/,
      );
      assert.deepEqual(
        f[0]!.evidence.map((e) => [e.file, e.line]),
        [['hash.txt', 4]],
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('every digest taken from a corpus log is on the line its evidence names, in a Windows Update download name', () => {
    let n = 0;
    for (const kb of ['KB5034441', 'KB5020683', 'KB5025183', 'KB5037587']) {
      for (const p of packagesOfKb(kb)) {
        const m = /corpus (\S+) (\S+?):(\d+)/.exec(p.evidence);
        assert.ok(m, `${kb}: evidence names a corpus line`);
        const line = corpusLine(`${m[1]}/${m[2]}`, Number(m[3]));
        assert.match(line, /DownloadManager Downloading from http/);
        assert.ok(line.includes(`_${p.hash}.`), `${kb}: ${p.hash} at ${m[1]}/${m[2]}:${m[3]}`);
        const stem = p.file.replace(/\.[a-z]+$/, '');
        assert.ok(line.toLowerCase().includes(`${stem.toLowerCase()}_${p.hash}`), `${kb}: file ${p.file}`);
        n++;
      }
    }
    assert.equal(n, 4);
  });
});

describe('.NET Framework and WinRE updates', () => {
  it('seed 000: KB5020685 is the .NET Framework update the engineer names, for build 17763, unconfirmed', () => {
    const text = seed('000');
    assert.match(text, /安装\.net framework更新-KB5020685时，发生0x80073712的报错/);
    assert.match(text, /Package_for_DotNetRollup~31bf3856ad364e35~amd64~~10\.0\.4005\.2/);
    const x = explain('KB5020685');
    assert.equal(x.kind, 'update');
    if (x.kind !== 'update') return;
    assert.equal(x.update.kind, 'NET');
    assert.equal(x.update.osBuild, 17763);
    assert.equal(x.update.date, null, 'no release date is invented');
    assert.equal(x.update.confidence, 'low');
    assert.match(x.update.evidence, /seed 000/);
    assert.match(x.update.evidence, /unconfirmed/);
  });

  it('KB5034441: the WinRE update of January 2024, as the corpus log and Microsoft title it', () => {
    const x = explain('KB5034441');
    assert.equal(x.kind, 'update');
    if (x.kind !== 'update') return;
    assert.equal(x.update.date, '2024-01-09');
    assert.equal(x.update.osBuild, 19045);
    assert.equal(x.update.build, null);
    assert.match(x.update.title, /Windows Recovery Environment/);
    assert.match(
      corpusLine('wu02-reeceketley-kb5034441-80070643/WindowsUpdate.log', 9614),
      /Title = 2024-01 Security Update for Windows 10 Version 22H2 for x64-based Systems \(KB5034441\)/,
    );
    assert.match(
      corpusLine('wu02-reeceketley-kb5034441-80070643/WindowsUpdate.log', 9862),
      /resultMapped=80070643/,
    );
    assert.equal(x.packages?.[0]?.file, 'winreupdateinstaller_2401b_amd64.exe');
    for (const kb of ['KB5034439', 'KB5034440', 'KB5042320'])
      assert.match(updateByKb(kb)?.title ?? '', /Windows Recovery Environment|WinRE/, kb);
  });

  it('each .NET row names the OS cumulative update of its Patch Tuesday, and each part its offering KB', () => {
    let withOs = 0;
    let parts = 0;
    for (const os of [17763, 19045, 20348, 22631, 26100]) {
      for (const u of updatesForBuild(os).filter((x) => x.kind === 'NET')) {
        const cu = /released with the OS cumulative update (KB\d+) \((\d{5}\.\d+)\)/.exec(u.title);
        if (cu) {
          const o = updateByKb(cu[1]!);
          assert.equal(o?.kind, 'CU', `${u.kb}: ${cu[1]} is a cumulative update`);
          assert.equal(o?.date, u.date, `${u.kb}: same Patch Tuesday as ${cu[1]}`);
          assert.equal(o?.build, cu[2], `${u.kb}: ${cu[1]} brings ${cu[2]}`);
          withOs++;
        }
        const part = /\(part of (KB\d+)\)/.exec(u.title);
        if (part) {
          const offer = updateByKb(part[1]!);
          assert.equal(offer?.kind, 'NET', `${u.kb}: part of a .NET update`);
          assert.equal(offer?.date, u.date, `${u.kb}: released with ${part[1]}`);
          parts++;
        }
        assert.ok(u.evidence.length > 20, `${u.kb}: evidence`);
      }
    }
    assert.ok(withOs >= 100, `${withOs} .NET rows tied to their month's OS update`);
    assert.ok(parts >= 60, `${parts} .NET parts tied to their offering KB`);
  });

  it('the April 2024 .NET update for 1809 and its parts; KB5037036 agrees with the title Windows Update showed', () => {
    const x = explain('KB5037034');
    assert.equal(x.kind, 'update');
    if (x.kind !== 'update') return;
    assert.equal(x.update.osBuild, 17763);
    assert.equal(x.update.date, '2024-04-09');
    assert.match(
      x.update.title,
      /installs KB5036604 on \.NET 3\.5, 4\.7\.2 or KB5036610 on \.NET 3\.5, 4\.8/,
    );
    assert.match(x.update.title, /KB5036896 \(17763\.5696\)/);
    const u = updateByKb('KB5037036')!;
    assert.equal(u.confidence, 'high');
    assert.ok(
      readFileSync(
        join(shared, 'corpus', 'wu02-reeceketley-kb5034441-80070643', 'WindowsUpdate.log'),
        'utf8',
      ).includes(
        '2024-04 Cumulative Update for .NET Framework 3.5, 4.8 and 4.8.1 for Windows 10 Version 22H2 for x64 (KB5037036)',
      ),
    );
  });
});
