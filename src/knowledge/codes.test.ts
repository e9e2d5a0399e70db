// Tests of the error-code knowledge: every lookup form, the curated table's completeness, derived codes.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

import {
  canonicalCode,
  codeForName,
  codeInfo,
  codeTableProblems,
  knownCodeCount,
  lookupCode,
  win32ToHresult,
} from './codes.js';
import { dataPath } from './paths.js';

const STORE_CORRUPT = '0x80073712';

function firstCode(query: string): string | undefined {
  return lookupCode(query)[0]?.code;
}

describe('canonicalCode / win32ToHresult', () => {
  it('formats 32-bit values as 0x + 8 lowercase hex digits', () => {
    assert.equal(canonicalCode(0x80073712), STORE_CORRUPT);
    assert.equal(canonicalCode(-2147010798), STORE_CORRUPT);
    assert.equal(canonicalCode(0), '0x00000000');
    assert.equal(canonicalCode(0xc0000102), '0xc0000102');
  });

  it('follows HRESULT_FROM_WIN32', () => {
    assert.equal(win32ToHresult(14098), STORE_CORRUPT);
    assert.equal(win32ToHresult(5), '0x80070005');
    assert.equal(win32ToHresult(0), '0x00000000');
    assert.equal(win32ToHresult(-2147010798), STORE_CORRUPT);
    assert.equal(win32ToHresult(0x800f0922), '0x800f0922');
  });
});

describe('tables', () => {
  it('loads both files without problems', () => {
    assert.deepEqual(codeTableProblems(), []);
    // 8125 generated rows plus the curated codes that only the curated file has.
    assert.ok(knownCodeCount() >= 8125, `only ${knownCodeCount()} codes`);
  });

  it('every curated row has a canonical code, en and zh meanings, and a source', () => {
    const lines = readFileSync(dataPath('codes-curated.tsv'), 'utf8').split('\n').slice(1);
    const rows = lines.filter((l) => l !== '').map((l) => l.split('\t'));
    assert.ok(rows.length >= 110, `${rows.length} curated rows`);
    for (const cols of rows) {
      const [code = '', , en, zh, causeEn, causeZh, remedyEn, remedyZh, source] = cols;
      assert.equal(cols.length, 9, code);
      assert.match(code, /^0x[0-9a-f]{8}$/);
      assert.ok(en && zh, `${code} needs en and zh`);
      assert.ok(source, `${code} needs a source`);
      assert.equal(!causeEn, !causeZh, `${code} cause in both languages`);
      assert.equal(!remedyEn, !remedyZh, `${code} remedy in both languages`);
      const info = codeInfo(code);
      assert.ok(info?.curated, code);
      assert.equal(info.meaning.en, en);
      assert.equal(info.meaning.zh, zh);
    }
  });

  it('gives the seed codes en and zh meanings, cause and remedy', () => {
    for (const code of ['0x80073712', '0x8007025d', '0x80070570', '0x80070490', '0x800f0986', '0x80248007']) {
      const info = codeInfo(code);
      assert.ok(info, code);
      assert.ok(info.meaning.en, `${code} en`);
      assert.match(info.meaning.zh ?? '', /[\u4e00-\u9fff]/, `${code} zh`);
      assert.ok(info.cause?.zh && info.remedy?.en, `${code} cause/remedy`);
    }
  });

  it('merges the two files for one code', () => {
    const info = codeInfo(STORE_CORRUPT);
    assert.ok(info);
    assert.equal(info.name, 'ERROR_SXS_COMPONENT_STORE_CORRUPT');
    assert.equal(info.facility, 'WIN32 (14098)');
    assert.equal(info.curated, true);
    assert.match(info.meaning.zh ?? '', /组件存储/);
    assert.match(info.remedy?.en ?? '', /RestoreHealth/);
    assert.match(info.source, /MSL-947821.*; mingw-w64 winerror\.h/);
    assert.deepEqual(info.related, []);
  });

  it('reports a generated-only code with its English meaning and no curation', () => {
    const info = codeInfo('0x80070004');
    assert.ok(info);
    assert.equal(info.name, 'ERROR_TOO_MANY_OPEN_FILES');
    assert.equal(info.curated, false);
    assert.equal(info.meaning.zh, null);
    assert.equal(info.meaning.en, null); // the row says "(name only)"
    assert.equal(info.remedy, null);
  });

  it('accepts upper-case codes and rejects non-codes', () => {
    assert.equal(codeInfo('0x800F0831')?.name, 'CBS_E_STORE_CORRUPTION');
    assert.equal(codeInfo('CBS_E_STORE_CORRUPTION'), null);
    assert.equal(codeInfo('0x12345678'), null);
  });

  it('keeps unknown symbolic names unknown', () => {
    assert.equal(codeInfo('0x800f0915')?.name, null);
    assert.match(codeInfo('0x800f0991')?.source ?? '', /community/);
    assert.equal(codeInfo('0x8024a105')?.name, null);
  });
});

describe('derived NTSTATUS forms', () => {
  it('relates 0xc007000d to 0x8007000d and names it', () => {
    const info = codeInfo('0xc007000d');
    assert.ok(info);
    assert.deepEqual(info.related, ['0x8007000d']);
    assert.equal(info.name, 'NTSTATUS_FROM_WIN32(ERROR_INVALID_DATA)');
    assert.equal(info.curated, true);
  });

  it('synthesizes 0xC007xxxx codes that have no row', () => {
    const info = codeInfo('0xc0073712');
    assert.ok(info);
    assert.equal(info.name, 'NTSTATUS_FROM_WIN32(ERROR_SXS_COMPONENT_STORE_CORRUPT)');
    assert.deepEqual(info.related, [STORE_CORRUPT]);
    assert.equal(info.curated, false);
    assert.equal(info.meaning.zh, codeInfo(STORE_CORRUPT)?.meaning.zh);
    assert.match(info.source, /^derived from 0x80073712/);
  });

  it('synthesizes HRESULT_FROM_NT forms', () => {
    const info = codeInfo('0xd0000102');
    assert.ok(info);
    assert.equal(info.name, 'HRESULT_FROM_NT(STATUS_FILE_CORRUPT_ERROR)');
    assert.deepEqual(info.related, ['0xc0000102']);
  });

  it('does not synthesize from nothing', () => {
    assert.equal(codeInfo('0xc007fff0'), null);
  });
});

describe('codeForName', () => {
  it('maps symbolic names case-insensitively', () => {
    assert.equal(codeForName('ERROR_SXS_COMPONENT_STORE_CORRUPT'), STORE_CORRUPT);
    assert.equal(codeForName('error_sxs_component_store_corrupt'), STORE_CORRUPT);
    assert.equal(codeForName('ERROR_INVALID_DATA'), '0x8007000d');
    assert.equal(codeForName('STATUS_FILE_CORRUPT_ERROR'), '0xc0000102');
    assert.equal(codeForName('CBS_E_SOURCE_MISSING'), '0x800f081f');
    assert.equal(codeForName('MOSETUP_E_SETUP_PLATFORM'), '0xc1900101');
  });

  it('knows well-known second names', () => {
    assert.equal(codeForName('S_OK'), '0x00000000');
    assert.equal(codeForName('ERROR_ACCESS_DENIED'), '0x80070005');
    assert.equal(codeForName('ERROR_INVALID_PARAMETER'), '0x80070057');
  });

  it('returns null for unknown or partial names', () => {
    assert.equal(codeForName('COMPONENT_STORE'), null);
    assert.equal(codeForName('ERROR_NOT_A_REAL_NAME'), null);
  });
});

describe('lookupCode', () => {
  it('finds a code from every numeric form', () => {
    for (const q of ['0x80073712', '0X80073712', '80073712', '-2147010798', '2147956498', ' 0x80073712 ']) {
      assert.equal(firstCode(q), STORE_CORRUPT, q);
    }
  });

  it('treats small decimals as Win32 numbers first, then as the value itself', () => {
    assert.equal(firstCode('14098'), STORE_CORRUPT);
    const two = lookupCode('2').map((i) => i.code);
    assert.deepEqual(two, ['0x80070002', '0x00000002']);
  });

  it('finds names and macro forms', () => {
    assert.equal(firstCode('ERROR_SXS_COMPONENT_STORE_CORRUPT'), STORE_CORRUPT);
    assert.equal(firstCode('HRESULT_FROM_WIN32(14098)'), STORE_CORRUPT);
    assert.equal(firstCode('HRESULT_FROM_WIN32(ERROR_SXS_COMPONENT_STORE_CORRUPT)'), STORE_CORRUPT);
    assert.equal(firstCode('NTSTATUS_FROM_WIN32(ERROR_INVALID_DATA)'), '0xc007000d');
    assert.equal(firstCode('NTSTATUS_FROM_WIN32(13)'), '0xc007000d');
    assert.equal(firstCode('STATUS_FILE_CORRUPT_ERROR'), '0xc0000102');
    assert.equal(firstCode('HRESULT_FROM_NT(STATUS_FILE_CORRUPT_ERROR)'), '0xd0000102');
  });

  it('searches parts of names, exact match first and curated before the rest', () => {
    const hits = lookupCode('COMPONENT_STORE');
    const codes = hits.map((i) => i.code);
    assert.ok(codes.includes(STORE_CORRUPT));
    assert.ok(codes.includes('0xc015001a'));
    assert.ok(hits.every((i) => i.name?.includes('COMPONENT_STORE')));
    assert.ok(hits.length <= 50);
    const firstUncurated = hits.findIndex((i) => !i.curated);
    if (firstUncurated !== -1) assert.ok(hits.slice(firstUncurated).every((i) => !i.curated));

    const exact = lookupCode('E_FAIL');
    assert.equal(exact[0]?.code, '0x80004005');
    assert.ok(exact.length > 1, 'partial matches follow the exact one');
    assert.equal(lookupCode('component store')[0]?.code, codes[0]);
  });

  it('caps partial searches at 50', () => {
    assert.equal(lookupCode('WU_E_').length, 50);
  });

  it('returns [] for unknown or malformed input', () => {
    for (const q of [
      '',
      '   ',
      'nonsense words here',
      '0x12345678',
      '0xZZ',
      '99999999999',
      'HRESULT_FROM_WIN32(',
      'ab',
    ]) {
      assert.deepEqual(lookupCode(q), [], JSON.stringify(q));
    }
  });
});
