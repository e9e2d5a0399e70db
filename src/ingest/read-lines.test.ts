// Tests of the streaming line reader: line ends, 1-based numbering, chunk borders, over-long lines, truncated
// last lines, UTF-16 transcoding, and files read from disk in small chunks.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import {
  LineSplitter,
  readLinesFromBuffer,
  readLinesFromFile,
  type ReadOptions,
  type ReadStats,
} from './read-lines.js';

interface Line {
  n: number;
  text: string;
}

/** cbs01 CBS.log lines 4405-4409 with their own line ends: CSI continuation lines end in LF only. */
const EXCERPT =
  "2023-05-17 08:44:12, Info                  CSI    00000007 Hashes for file member [l:44]'FaceRecognitionEngineAdapterResources_v4.dll' do not match.\n" +
  ' Expected: {l:32 ml:33 b:a9b55797968df4e138e3b8ab5a0759889ffa7684de67f8449334360473862f17}.\n' +
  ' Actual: {l:32 b:25ca333a020fddc4543e54190d1d2091d649b4e4801355b8be8f045b0ff4bbcf}.\r\n' +
  '2023-05-17 08:44:12, Error                 CSI    00000008@2023/5/17:15:44:12.956 (F) onecore\\base\\wcp\\rtllib\\win32lib\\delta_library.cpp(351): Error NTSTATUS_FROM_WIN32(ERROR_INVALID_DATA) originated in function Windows::Rtl::DeltaDecompressBuffer expression: g_pfnApplyDeltaB(( (DELTA_FLAG_TYPE)0x00000000 ), ReferenceInput, CompressedInput, &UncompressedOutput)\n' +
  '[gle=0x80004005]\r\n';

const EXCERPT_LINES: Line[] = [
  {
    n: 1,
    text: "2023-05-17 08:44:12, Info                  CSI    00000007 Hashes for file member [l:44]'FaceRecognitionEngineAdapterResources_v4.dll' do not match.",
  },
  {
    n: 2,
    text: ' Expected: {l:32 ml:33 b:a9b55797968df4e138e3b8ab5a0759889ffa7684de67f8449334360473862f17}.',
  },
  { n: 3, text: ' Actual: {l:32 b:25ca333a020fddc4543e54190d1d2091d649b4e4801355b8be8f045b0ff4bbcf}.' },
  {
    n: 4,
    text: '2023-05-17 08:44:12, Error                 CSI    00000008@2023/5/17:15:44:12.956 (F) onecore\\base\\wcp\\rtllib\\win32lib\\delta_library.cpp(351): Error NTSTATUS_FROM_WIN32(ERROR_INVALID_DATA) originated in function Windows::Rtl::DeltaDecompressBuffer expression: g_pfnApplyDeltaB(( (DELTA_FLAG_TYPE)0x00000000 ), ReferenceInput, CompressedInput, &UncompressedOutput)',
  },
  { n: 5, text: '[gle=0x80004005]' },
];

const MB10 = 10 * 1024 * 1024;
const DEFAULT_MAX_LINE = 256 * 1024;

function fromBuffer(data: Buffer, opts?: ReadOptions): { lines: Line[]; stats: ReadStats } {
  const lines: Line[] = [];
  const stats = readLinesFromBuffer(
    data,
    (buf, start, end, n) => lines.push({ n, text: buf.toString('utf8', start, end) }),
    opts,
  );
  return { lines, stats };
}

function fromFile(path: string, opts?: ReadOptions): { lines: Line[]; stats: ReadStats } {
  const lines: Line[] = [];
  const stats = readLinesFromFile(
    path,
    (buf, start, end, n) => lines.push({ n, text: buf.toString('utf8', start, end) }),
    opts,
  );
  return { lines, stats };
}

function split(chunks: Buffer[], maxLine?: number): { lines: Line[]; splitter: LineSplitter } {
  const lines: Line[] = [];
  const splitter = new LineSplitter((buf, start, end, n) => {
    lines.push({ n, text: buf.toString('latin1', start, end) });
  }, maxLine);
  for (const c of chunks) splitter.push(c);
  splitter.end();
  return { lines, splitter };
}

function bytes(text: string): Buffer {
  return Buffer.from(text, 'latin1');
}

/** Every way of cutting `data` into two pushes. */
function twoWaySplits(data: Buffer): { at: number; chunks: Buffer[] }[] {
  const out: { at: number; chunks: Buffer[] }[] = [];
  for (let at = 0; at <= data.length; at++)
    out.push({ at, chunks: [data.subarray(0, at), data.subarray(at)] });
  return out;
}

function chunked(data: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let off = 0; off < data.length; off += size) out.push(data.subarray(off, off + size));
  return out;
}

describe('LineSplitter', () => {
  test('splits on LF, strips a CR before it, and numbers lines from 1', () => {
    const { lines, splitter } = split([bytes('first\r\nsecond\nthird\r\n')]);
    assert.deepEqual(lines, [
      { n: 1, text: 'first' },
      { n: 2, text: 'second' },
      { n: 3, text: 'third' },
    ]);
    assert.equal(splitter.lines, 3);
    assert.equal(splitter.truncatedLastLine, false);
    assert.deepEqual(splitter.longLines, []);
  });

  test('keeps a CR that is not followed by LF, and empty lines', () => {
    const { lines } = split([bytes('a\rb\r\n\r\n\nc\n')]);
    assert.deepEqual(lines, [
      { n: 1, text: 'a\rb' },
      { n: 2, text: '' },
      { n: 3, text: '' },
      { n: 4, text: 'c' },
    ]);
  });

  test('a last line without a line break is handed out and flagged', () => {
    const cut = split([bytes('one\r\ntwo')]);
    assert.deepEqual(cut.lines, [
      { n: 1, text: 'one' },
      { n: 2, text: 'two' },
    ]);
    assert.equal(cut.splitter.truncatedLastLine, true);
    const crOnly = split([bytes('one\r\ntwo\r')]);
    assert.deepEqual(crOnly.lines[1], { n: 2, text: 'two' });
    assert.equal(crOnly.splitter.truncatedLastLine, true);
  });

  test('no input gives no line', () => {
    const { lines, splitter } = split([]);
    assert.deepEqual(lines, []);
    assert.equal(splitter.lines, 0);
    assert.equal(splitter.truncatedLastLine, false);
  });

  test('a lone line break is one empty line', () => {
    const { lines, splitter } = split([bytes('\r\n')]);
    assert.deepEqual(lines, [{ n: 1, text: '' }]);
    assert.equal(splitter.truncatedLastLine, false);
  });

  test('gives the same lines wherever a chunk border falls (real CBS excerpt, LF and CRLF)', () => {
    for (const { at, chunks } of twoWaySplits(bytes(EXCERPT))) {
      const { lines, splitter } = split(chunks);
      assert.deepEqual(lines, EXCERPT_LINES, `split at byte ${at}`);
      assert.equal(splitter.truncatedLastLine, false, `split at byte ${at}`);
    }
  });

  test('gives the same lines for 7-byte and 1-byte chunks', () => {
    for (const size of [1, 7]) {
      assert.deepEqual(split(chunked(bytes(EXCERPT), size)).lines, EXCERPT_LINES, `chunks of ${size}`);
    }
  });

  test('an empty push changes nothing', () => {
    const { lines } = split([bytes('ab'), Buffer.alloc(0), bytes('c\n'), Buffer.alloc(0)]);
    assert.deepEqual(lines, [{ n: 1, text: 'abc' }]);
  });

  for (const [name, eol] of [
    ['LF', '\n'],
    ['CRLF', '\r\n'],
  ] as const) {
    test(`cuts an over-long ${name} line to maxLine and reports its length without the line end, wherever the chunk border falls`, () => {
      const data = bytes(`short${eol}${'x'.repeat(25)}${eol}next${eol}`);
      for (const { at, chunks } of twoWaySplits(data)) {
        const { lines, splitter } = split(chunks, 10);
        assert.deepEqual(
          lines,
          [
            { n: 1, text: 'short' },
            { n: 2, text: 'x'.repeat(10) },
            { n: 3, text: 'next' },
          ],
          `split at byte ${at}`,
        );
        assert.deepEqual(splitter.longLines, [{ line: 2, bytes: 25 }], `split at byte ${at}`);
      }
    });
  }

  test('a CRLF line of exactly maxLine bytes is not over-long, wherever the chunk border falls', () => {
    const data = bytes('abcdefghij\r\nk\r\n');
    for (const { at, chunks } of twoWaySplits(data)) {
      const { lines, splitter } = split(chunks, 10);
      assert.deepEqual(
        lines,
        [
          { n: 1, text: 'abcdefghij' },
          { n: 2, text: 'k' },
        ],
        `split at byte ${at}`,
      );
      assert.deepEqual(splitter.longLines, [], `split at byte ${at}`);
    }
  });

  test('an over-long last line without a line break is cut, reported and flagged', () => {
    const { lines, splitter } = split(chunked(bytes(`a\n${'y'.repeat(30)}`), 7), 10);
    assert.deepEqual(lines, [
      { n: 1, text: 'a' },
      { n: 2, text: 'y'.repeat(10) },
    ]);
    assert.deepEqual(splitter.longLines, [{ line: 2, bytes: 30 }]);
    assert.equal(splitter.truncatedLastLine, true);
  });
});

describe('readLinesFromBuffer', () => {
  test('empty input', () => {
    const { lines, stats } = fromBuffer(Buffer.alloc(0));
    assert.deepEqual(lines, []);
    assert.deepEqual(stats, {
      bytes: 0,
      lines: 0,
      encoding: '8bit',
      fileEncoding: '8bit',
      binary: false,
      longLines: [],
      truncatedLastLine: false,
    });
  });

  test('8-bit CBS excerpt, in one chunk and in 7-byte chunks', () => {
    for (const chunkBytes of [undefined, 7]) {
      const { lines, stats } = fromBuffer(bytes(EXCERPT), { chunkBytes });
      assert.deepEqual(lines, EXCERPT_LINES, `chunkBytes ${chunkBytes}`);
      assert.deepEqual(stats, {
        bytes: EXCERPT.length,
        lines: 5,
        encoding: '8bit',
        fileEncoding: '8bit',
        binary: false,
        longLines: [],
        truncatedLastLine: false,
      });
    }
  });

  test('skips a UTF-8 BOM: line 1 starts with its timestamp, even in 1-byte chunks', () => {
    const data = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes(EXCERPT)]);
    for (const chunkBytes of [undefined, 1, 2, 7]) {
      const { lines, stats } = fromBuffer(data, { chunkBytes });
      assert.deepEqual(lines, EXCERPT_LINES, `chunkBytes ${chunkBytes}`);
      assert.equal(stats.encoding, 'utf8-bom');
      assert.equal(stats.fileEncoding, 'utf8-bom');
      assert.equal(stats.bytes, data.length);
    }
  });

  test('reports a final line without newline', () => {
    const { lines, stats } = fromBuffer(bytes(EXCERPT.replace(/\r\n$/, '')), { chunkBytes: 7 });
    assert.deepEqual(lines, EXCERPT_LINES);
    assert.equal(stats.truncatedLastLine, true);
    assert.equal(stats.lines, 5);
  });

  for (const [name, eol] of [
    ['LF', '\n'],
    ['CRLF', '\r\n'],
  ] as const) {
    test(`a 10 MB line (${name}) is cut to maxLineBytes, reported with its line and size, and later lines keep their numbers`, () => {
      const data = Buffer.concat([
        bytes(`first line${eol}`),
        Buffer.alloc(MB10, 'x'),
        bytes(`${eol}third${eol}fourth${eol}`),
      ]);
      const cases: { opts: ReadOptions; kept: number }[] = [
        { opts: {}, kept: DEFAULT_MAX_LINE },
        { opts: { maxLineBytes: 1000, chunkBytes: 64 * 1024 }, kept: 1000 },
        { opts: { chunkBytes: 32 * 1024 * 1024 }, kept: DEFAULT_MAX_LINE },
      ];
      for (const { opts, kept } of cases) {
        const label = JSON.stringify(opts);
        const { lines, stats } = fromBuffer(data, opts);
        assert.deepEqual(
          lines.map((l) => l.n),
          [1, 2, 3, 4],
          label,
        );
        assert.equal(lines[0]!.text, 'first line', label);
        assert.equal(lines[1]!.text, 'x'.repeat(kept), label);
        assert.equal(lines[2]!.text, 'third', label);
        assert.equal(lines[3]!.text, 'fourth', label);
        assert.deepEqual(stats.longLines, [{ line: 2, bytes: MB10 }], label);
        assert.equal(stats.lines, 4, label);
        assert.equal(stats.bytes, data.length, label);
        assert.equal(stats.truncatedLastLine, false, label);
      }
    });
  }

  const UTF16_TEXT =
    '2023-01-05 16:20:07, Info                  CBS    Failed to read from file: C:\\用户\\更新.log\r\n' +
    'second line\r\n' +
    '\r\n' +
    'last line without newline';
  const UTF16_LINES: Line[] = [
    {
      n: 1,
      text: '2023-01-05 16:20:07, Info                  CBS    Failed to read from file: C:\\用户\\更新.log',
    },
    { n: 2, text: 'second line' },
    { n: 3, text: '' },
    { n: 4, text: 'last line without newline' },
  ];

  test('transcodes UTF-16LE with BOM to UTF-8 lines, whatever the chunk size', () => {
    const data = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(UTF16_TEXT, 'utf16le')]);
    for (const chunkBytes of [undefined, 1, 2, 7]) {
      const { lines, stats } = fromBuffer(data, { chunkBytes });
      assert.deepEqual(lines, UTF16_LINES, `chunkBytes ${chunkBytes}`);
      assert.deepEqual(stats, {
        bytes: data.length,
        lines: 4,
        encoding: 'utf8-bom',
        fileEncoding: 'utf16le',
        binary: false,
        longLines: [],
        truncatedLastLine: true,
      });
    }
  });

  test('transcodes UTF-16BE with BOM to UTF-8 lines', () => {
    const data = Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(UTF16_TEXT, 'utf16le').swap16()]);
    for (const chunkBytes of [undefined, 7]) {
      const { lines, stats } = fromBuffer(data, { chunkBytes });
      assert.deepEqual(lines, UTF16_LINES, `chunkBytes ${chunkBytes}`);
      assert.equal(stats.encoding, 'utf8-bom');
      assert.equal(stats.fileEncoding, 'utf16be');
    }
  });

  test('transcodes BOM-less UTF-16LE', () => {
    const data = Buffer.from(UTF16_TEXT, 'utf16le');
    const { lines, stats } = fromBuffer(data, { chunkBytes: 7 });
    assert.deepEqual(lines, UTF16_LINES);
    assert.equal(stats.fileEncoding, 'utf16le');
    assert.equal(stats.encoding, 'utf8-bom');
  });

  test('flags a binary head', () => {
    const data = Buffer.concat([bytes('ElfFile\0'), Buffer.alloc(200, 0), bytes('\n')]);
    assert.equal(fromBuffer(data).stats.binary, true);
    assert.equal(fromBuffer(bytes(EXCERPT)).stats.binary, false);
  });
});

describe('readLinesFromFile', () => {
  let dir = '';
  const file = (name: string, data: Buffer): string => {
    const path = join(dir, name);
    writeFileSync(path, data);
    return path;
  };

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'patchdx-read-lines-'));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  test('reads a CRLF log in 7-byte chunks and reports progress up to the file size', () => {
    const data = bytes(EXCERPT);
    const path = file('cbs-excerpt.log', data);
    const progress: [number, number][] = [];
    const { lines, stats } = fromFile(path, { chunkBytes: 7, onProgress: (r, t) => progress.push([r, t]) });
    assert.deepEqual(lines, EXCERPT_LINES);
    assert.equal(stats.bytes, data.length);
    assert.equal(stats.lines, 5);
    assert.equal(progress.length, Math.ceil(data.length / 7));
    assert.deepEqual(progress.at(-1), [data.length, data.length]);
    for (let i = 1; i < progress.length; i++) {
      assert.ok(progress[i]![0] > progress[i - 1]![0], 'bytes read grow');
      assert.equal(progress[i]![1], data.length);
    }
  });

  test('an empty file has no line', () => {
    const { lines, stats } = fromFile(file('empty.log', Buffer.alloc(0)));
    assert.deepEqual(lines, []);
    assert.equal(stats.lines, 0);
    assert.equal(stats.bytes, 0);
    assert.equal(stats.truncatedLastLine, false);
  });

  test('a 10 MB line in a file is cut and reported, later lines keep their numbers', () => {
    const data = Buffer.concat([bytes('first\n'), Buffer.alloc(MB10, 'z'), bytes('\nthird\nfourth')]);
    const { lines, stats } = fromFile(file('long-line.log', data));
    assert.deepEqual(
      lines.map((l) => [l.n, l.text.length]),
      [
        [1, 5],
        [2, DEFAULT_MAX_LINE],
        [3, 5],
        [4, 6],
      ],
    );
    assert.equal(lines[3]!.text, 'fourth');
    assert.deepEqual(stats.longLines, [{ line: 2, bytes: MB10 }]);
    assert.equal(stats.truncatedLastLine, true);
    assert.equal(stats.bytes, data.length);
  });

  test('agrees with readLinesFromBuffer whatever the chunk size (BOMs and BOM-less UTF-16 sniffed alike)', () => {
    const utf16 =
      '2023-05-17 08:24:08, Info                  CBS    Starting TiWorker initialization.\r\n' +
      '2023-05-17 08:24:08, Info                  CBS    Lazy store mode: 1\r\n';
    const inputs: [string, Buffer][] = [
      ['utf8-bom.log', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes(EXCERPT)])],
      ['utf16le-bom.log', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(utf16, 'utf16le')])],
      ['utf16le.log', Buffer.from(utf16, 'utf16le')],
    ];
    for (const [name, data] of inputs) {
      const path = file(name, data);
      const expected = fromBuffer(data);
      for (const chunkBytes of [1, 2, 7, 4096]) {
        const got = fromFile(path, { chunkBytes });
        const label = `${name}, chunkBytes ${chunkBytes}`;
        assert.equal(got.stats.fileEncoding, expected.stats.fileEncoding, label);
        assert.deepEqual(got.lines, expected.lines, label);
      }
    }
  });
});
