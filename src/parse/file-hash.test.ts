// File hash format: the samples parse to their hashes, the cut and wrapped forms of Get-FileHash, the
// certutil variants (Windows 7 spacing, zh-CN word orders), and the GBK zh-CN fixture. Detection across the
// capture formats (never on logs, which quote hashes): captures.test.ts.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertSamplesParse, fixture, lines } from './capture-test-support.js';
import { detectFileHash, parseFileHashes, samples } from './file-hash.js';

const H64 = '5c0a9a6f2f4e1a6e0d3a8f1b7c2e9d4a6b8c0e2f4a6b8c0d2e4f6a8b0c2d4e6f';

test('file hash samples parse to their hashes', () => {
  assertSamplesParse(samples, parseFileHashes, (s) => s.hashes);
});

test('Get-FileHash table: a digest cut by the console is flagged, a wrapped path is joined', () => {
  const cut = [
    'Algorithm       Hash                                      Path',
    '---------       ----                                      ----',
    'SHA256          5C0A9A6F2F4E1A6E0D3A8F1B7C2E9D4A6B8C0E... C:\\Windows\\System32\\ntdll.dll',
  ].join('\r\n');
  const [c] = parseFileHashes(cut);
  assert.deepEqual(
    [c!.hash, c!.hashTruncated, c!.pathTruncated],
    ['5c0a9a6f2f4e1a6e0d3a8f1b7c2e9d4a6b8c0e', true, false],
  );
  const wrapped = [
    'Algorithm       Hash                                                                   Path',
    '---------       ----                                                                   ----',
    `SHA256          ${H64.toUpperCase()}       C:\\Windows\\WinSxS\\amd64_microsoft-wind`,
    '                                                                                       ows-ntdll_31bf3856ad364e35\\ntdll.dll',
    `MD5             0123456789ABCDEF0123456789ABCDEF                                       C:\\x.cab`,
  ].join('\n');
  const rows = parseFileHashes(wrapped);
  assert.deepEqual(
    rows.map((r) => [r.algorithm, r.path, r.line, r.hashTruncated]),
    [
      ['SHA256', 'C:\\Windows\\WinSxS\\amd64_microsoft-windows-ntdll_31bf3856ad364e35\\ntdll.dll', 3, false],
      ['MD5', 'C:\\x.cab', 5, false],
    ],
  );
});

test('certutil variants: Windows 7 spaced bytes and "hash of file", zh-CN path-first wording, full-width colon', () => {
  const spaced = [
    'SHA256 hash of file D:\\sources\\install.wim:',
    H64.replace(/(..)/g, '$1 ').trim(),
    'CertUtil: -hashfile command completed successfully.',
  ].join('\r\n');
  const [a] = parseFileHashes(spaced);
  assert.deepEqual(
    [a!.algorithm, a!.hash, a!.path, a!.line, a!.hashLine],
    ['SHA256', H64, 'D:\\sources\\install.wim', 1, 2],
  );
  // The "path 的 algorithm 哈希" order some guides quote ([K] unconfirmed), with a full-width colon.
  const zh = ['C:\\补丁\\kb5001342.msu 的 SHA256 哈希：', H64, 'CertUtil: -hashfile 命令成功完成。'].join(
    '\r\n',
  );
  assert.ok(detectFileHash(lines(zh)));
  const [b] = parseFileHashes(zh);
  assert.deepEqual([b!.algorithm, b!.path, b!.hash], ['SHA256', 'C:\\补丁\\kb5001342.msu', H64]);
  // Without an algorithm argument certutil hashes SHA1.
  const sha1 = ['SHA1 的 C:\\a.dll 哈希:', '6367c48dd193d56ea7b0baad25b19455e529f5ee'].join('\n');
  assert.deepEqual(
    parseFileHashes(sha1).map((h) => [h.algorithm, h.hashTruncated]),
    [['SHA1', false]],
  );
});

test('GBK zh-CN fixture: table, list and certutil of one session; the list and certutil agree', () => {
  const text = fixture('filehash-zh.gbk.txt');
  assert.ok(detectFileHash(lines(text).slice(0, 20)));
  const hashes = parseFileHashes(text);
  assert.deepEqual(
    hashes.map((h) => [h.source, h.line, h.hashLine, h.path, h.pathTruncated]),
    [
      ['table', 5, 5, 'C:\\Windows\\System32\\ntdll.dll', false],
      ['table', 6, 6, 'C:\\Windows\\WinSxS\\amd64_microsoft-windows-ntdll_31bf3856ad', true],
      ['list', 12, 13, 'D:\\补丁\\windows10.0-kb5001342-x64.msu', false],
      ['certutil', 19, 20, 'D:\\补丁\\windows10.0-kb5001342-x64.msu', false],
    ],
  );
  assert.ok(
    hashes.every((h) => h.algorithm === 'SHA256' && /^[0-9a-f]{64}$/.test(h.hash) && !h.hashTruncated),
  );
  assert.equal(hashes[2]!.hash, hashes[3]!.hash);
});
