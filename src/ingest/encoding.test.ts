// Tests of encoding sniffing and per-line decoding: BOMs, BOM-less UTF-16, binary heads, and 8-bit lines in
// ASCII, UTF-8, GBK/GB18030 (the ANSI code page of the users' Chinese machines) and anything else (Latin-1).

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { decodeLine, sniffEncoding, type Encoding } from './encoding.js';

const CBS_LINES =
  '2023-05-17 08:24:08, Info                  CBS    Starting TiWorker initialization.\r\n' +
  '2023-05-17 08:24:08, Info                  CBS    Lazy store mode: 1\r\n';

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const UTF16LE_BOM = Buffer.from([0xff, 0xfe]);
const UTF16BE_BOM = Buffer.from([0xfe, 0xff]);

// GBK bytes written down from the code page, not produced by an encoder:
// 中 D6D0, 文 CEC4, 用 D3C3, 户 BBA7, 更 B8FC, 新 D0C2.
const GBK_ZHONGWEN = Buffer.from([0xd6, 0xd0, 0xce, 0xc4]);
const GBK_PATH = Buffer.concat([
  Buffer.from('C:\\', 'latin1'),
  Buffer.from([0xd3, 0xc3, 0xbb, 0xa7]),
  Buffer.from('\\', 'latin1'),
  Buffer.from([0xb8, 0xfc, 0xd0, 0xc2]),
  Buffer.from('.log', 'latin1'),
]);

function utf16be(text: string): Buffer {
  return Buffer.from(text, 'utf16le').swap16();
}

function decodeAll(buf: Buffer, encoding: Encoding = '8bit'): string {
  return decodeLine(buf, 0, buf.length, encoding);
}

describe('sniffEncoding', () => {
  test('recognises the UTF-8 BOM', () => {
    const head = Buffer.concat([UTF8_BOM, Buffer.from(CBS_LINES, 'latin1')]);
    assert.deepEqual(sniffEncoding(head), { encoding: 'utf8-bom', bomBytes: 3, binary: false });
  });

  test('recognises the UTF-16LE BOM', () => {
    const head = Buffer.concat([UTF16LE_BOM, Buffer.from(CBS_LINES, 'utf16le')]);
    assert.deepEqual(sniffEncoding(head), { encoding: 'utf16le', bomBytes: 2, binary: false });
  });

  test('recognises the UTF-16BE BOM', () => {
    const head = Buffer.concat([UTF16BE_BOM, utf16be(CBS_LINES)]);
    assert.deepEqual(sniffEncoding(head), { encoding: 'utf16be', bomBytes: 2, binary: false });
  });

  test('recognises BOM-less UTF-16LE by the NUL in every odd byte', () => {
    assert.deepEqual(sniffEncoding(Buffer.from(CBS_LINES, 'utf16le')), {
      encoding: 'utf16le',
      bomBytes: 0,
      binary: false,
    });
  });

  test('recognises BOM-less UTF-16BE by the NUL in every even byte', () => {
    assert.deepEqual(sniffEncoding(utf16be(CBS_LINES)), { encoding: 'utf16be', bomBytes: 0, binary: false });
  });

  test('calls ASCII text 8-bit text', () => {
    assert.deepEqual(sniffEncoding(Buffer.from(CBS_LINES, 'latin1')), {
      encoding: '8bit',
      bomBytes: 0,
      binary: false,
    });
  });

  test('calls GBK and BOM-less UTF-8 bytes 8-bit text, not binary', () => {
    const gbk = Buffer.concat([Buffer.from(CBS_LINES, 'latin1'), GBK_PATH, Buffer.from('\r\n')]);
    assert.deepEqual(sniffEncoding(gbk), { encoding: '8bit', bomBytes: 0, binary: false });
    const utf8 = Buffer.from(CBS_LINES + 'C:\\用户\\更新.log\r\n', 'utf8');
    assert.deepEqual(sniffEncoding(utf8), { encoding: '8bit', bomBytes: 0, binary: false });
  });

  test('a NUL byte in 8-bit text means binary', () => {
    const head = Buffer.from(CBS_LINES, 'latin1');
    head[30] = 0;
    assert.deepEqual(sniffEncoding(head), { encoding: '8bit', bomBytes: 0, binary: true });
  });

  test('an .evtx header is binary', () => {
    const evtx = Buffer.concat([Buffer.from('ElfFile\0', 'latin1'), Buffer.alloc(120, 0)]);
    assert.equal(sniffEncoding(evtx).binary, true);
  });

  test('control characters above 10% of the head mean binary', () => {
    const text = Buffer.from('x'.repeat(80), 'latin1');
    const controls = Buffer.alloc(20, 0x01);
    assert.equal(sniffEncoding(Buffer.concat([text, controls])).binary, true);
  });

  test('a few control characters, and TAB, LF, VT, FF, CR, SUB, ESC at any rate, are still text', () => {
    const few = Buffer.concat([Buffer.from('x'.repeat(95), 'latin1'), Buffer.alloc(5, 0x07)]);
    assert.equal(sniffEncoding(few).binary, false);
    const whitespace = Buffer.from('\t\n\v\f\r\x1a\x1b'.repeat(20), 'latin1');
    assert.deepEqual(sniffEncoding(whitespace), { encoding: '8bit', bomBytes: 0, binary: false });
  });

  test('only looks at the first 4096 bytes', () => {
    const head = Buffer.concat([Buffer.alloc(5000, 0x41), Buffer.alloc(100, 0)]);
    assert.equal(sniffEncoding(head).binary, false);
    const early = Buffer.concat([Buffer.alloc(4000, 0x41), Buffer.alloc(100, 0)]);
    assert.equal(sniffEncoding(early).binary, true);
  });

  test('an empty head is 8-bit text', () => {
    assert.deepEqual(sniffEncoding(Buffer.alloc(0)), { encoding: '8bit', bomBytes: 0, binary: false });
  });
});

describe('decodeLine', () => {
  test('ASCII: decodes exactly the [start, end) range of a larger buffer', () => {
    const buf = Buffer.from(CBS_LINES, 'latin1');
    const end = buf.indexOf(13);
    assert.equal(
      decodeLine(buf, 0, end, '8bit'),
      '2023-05-17 08:24:08, Info                  CBS    Starting TiWorker initialization.',
    );
    const second = end + 2;
    assert.equal(
      decodeLine(buf, second, buf.length - 2, '8bit'),
      '2023-05-17 08:24:08, Info                  CBS    Lazy store mode: 1',
    );
    assert.equal(decodeLine(buf, 5, 5, '8bit'), '');
  });

  test('valid UTF-8 is decoded as UTF-8', () => {
    const text =
      '2023-01-05 16:20:07, Info                  CBS    Failed to read from file: C:\\用户\\更新.log';
    assert.equal(decodeAll(Buffer.from(text, 'utf8')), text);
    assert.equal(decodeAll(Buffer.from('café', 'utf8')), 'café');
  });

  test('GBK bytes are decoded as Chinese', () => {
    assert.equal(decodeAll(GBK_ZHONGWEN), '中文');
    assert.equal(decodeAll(GBK_PATH), 'C:\\用户\\更新.log');
  });

  test('a GBK path inside an ASCII log line is decoded, and only the given range is read', () => {
    const head = Buffer.from(
      '2023-01-05 16:20:07, Info                  CBS    Failed to read from file: ',
      'latin1',
    );
    const tail = Buffer.from(' [HRESULT = 0x8007025d - ERROR_BAD_COMPRESSION_BUFFER]', 'latin1');
    const line = Buffer.concat([
      Buffer.from('garbage\xff\n', 'latin1'),
      head,
      GBK_PATH,
      tail,
      Buffer.from('\r\n'),
    ]);
    const start = line.indexOf(10) + 1;
    assert.equal(
      decodeLine(line, start, line.length - 2, '8bit'),
      '2023-01-05 16:20:07, Info                  CBS    Failed to read from file: C:\\用户\\更新.log [HRESULT = 0x8007025d - ERROR_BAD_COMPRESSION_BUFFER]',
    );
  });

  test('GB18030 four-byte sequences are decoded too (the decoder is GB18030, not GBK)', () => {
    // U+1F600 is 94 39 FC 36 in GB18030.
    assert.equal(decodeAll(Buffer.from([0x94, 0x39, 0xfc, 0x36])), '\u{1f600}');
  });

  test('bytes that are neither UTF-8 nor GB18030 fall back to Latin-1', () => {
    // Windows-1252 é at the end of the line: an unfinished UTF-8 and GB18030 sequence.
    assert.equal(decodeAll(Buffer.from([0x63, 0x61, 0x66, 0xe9])), 'café');
    assert.equal(decodeAll(Buffer.from([0x61, 0xff, 0x62])), 'a\u00ffb');
    // A GBK path cut in the middle of a character.
    assert.equal(decodeAll(GBK_PATH.subarray(0, 4)), 'C:\\\u00d3');
  });

  test('never throws, whatever the bytes', () => {
    for (let b = 0; b < 256; b++) {
      const s = decodeAll(Buffer.from([b]));
      assert.equal(typeof s, 'string');
      assert.ok(s.length >= 1, `byte ${b} decoded to nothing`);
    }
    // Deterministic pseudo-random byte strings (LCG), so a failure can be reproduced.
    let seed = 12345;
    const next = (): number => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed >>> 24;
    };
    for (let i = 0; i < 2000; i++) {
      const bytes = Buffer.alloc(1 + (next() % 40));
      for (let j = 0; j < bytes.length; j++) bytes[j] = next() | 0x80;
      const s = decodeAll(bytes);
      assert.ok(s.length >= 1 && s.length <= bytes.length, `bad decode of ${bytes.toString('hex')}`);
    }
  });

  test('lines of UTF-8 and transcoded UTF-16 files are decoded as UTF-8', () => {
    const bytes = Buffer.from('C:\\用户\\更新.log', 'utf8');
    assert.equal(decodeAll(bytes, 'utf8-bom'), 'C:\\用户\\更新.log');
    assert.equal(decodeAll(bytes, 'utf16le'), 'C:\\用户\\更新.log');
  });
});
