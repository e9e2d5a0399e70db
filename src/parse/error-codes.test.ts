// Tests of error-code extraction: every written form of a code in CBS, CSI, DISM and WER lines becomes one
// canonical code, in order, without duplicates; GetLastError, pointers, flags and other numbers are not codes.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { canonicalize, extractCodes, firstFailureCode, isFailureCode } from './error-codes.js';

describe('extractCodes', () => {
  test('[HRESULT = 0x… - NAME]', () => {
    assert.deepEqual(
      extractCodes(
        '2023-01-05 17:16:16, Error                 CBS    Failed to process single phase execution. [HRESULT = 0x80073712 - ERROR_SXS_COMPONENT_STORE_CORRUPT]',
      ),
      ['0x80073712'],
    );
    assert.deepEqual(
      extractCodes(
        'Startup: Failed to process advanced operation queue, startupPhase: 0.  A rollback transaction will be created. [HRESULT = 0x800F0922 - CBS_E_INSTALLERS_FAILED]',
      ),
      ['0x800f0922'],
    );
  });

  test('[HRESULT = 0x…] without a name', () => {
    assert.deepEqual(extractCodes('Failed to FinalizeEx using worker session [HRESULT = 0x80071a91]'), [
      '0x80071a91',
    ]);
    assert.deepEqual(extractCodes('Failed to OpenPackage using worker session [HRESULT = 0x800f0805]'), [
      '0x800f0805',
    ]);
  });

  test('keeps success codes written as [HRESULT = …] (they tell that an operation ended)', () => {
    assert.deepEqual(
      extractCodes(
        'Session: 30792420_4115104054 finalized. Reboot required: no [HRESULT = 0x00000000 - S_OK]',
      ),
      ['0x00000000'],
    );
    assert.deepEqual(extractCodes('Startup processing completed. [HRESULT = 0x00000000]'), ['0x00000000']);
  });

  test('HRESULT_FROM_WIN32(<number>)', () => {
    assert.deepEqual(
      extractCodes(
        "(F) HRESULT_FROM_WIN32(14098) #5546992# from Windows::ServicingAPI::CCSITransaction::ICSITransaction_UninstallDeployment(Flags = 0, a = e7efbb5769027affbc1fbfd7101971df, version 4.0.15713.866, arch amd64, nonSxS, pkt {l:8 b:b77a5c561934e089}, cb = (null), s = (null), rid = 'Package_8_for_KB5017270~31bf3856ad364e35~amd64~~10.0.3991.1.5017270-219_neutral', disp = 0)[gle=0x80073712]",
      ),
      ['0x80073712'],
    );
    assert.deepEqual(
      extractCodes(
        '(F) Failed execution of queue item Installer: HTTP Installer ({1b6c4a0e-3f0e-4d4b-9a5b-2e0c7d8f9a10}) with HRESULT HRESULT_FROM_WIN32(1058).  Failure will not be ignored[gle=0x80004005]',
      ),
      ['0x80070422'],
    );
    assert.deepEqual(extractCodes('HRESULT_FROM_WIN32(0x3712)'), ['0x80073712']);
  });

  test('HRESULT_FROM_WIN32(<ERROR_ name>)', () => {
    assert.deepEqual(
      extractCodes('(F) CMIADAPTER: AI failed. HRESULT = HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND)'),
      ['0x80070002'],
    );
    assert.deepEqual(extractCodes('Completion status: HRESULT_FROM_WIN32(ERROR_ADVANCED_INSTALLER_FAILED)'), [
      '0x80073713',
    ]);
  });

  test('NTSTATUS_FROM_WIN32(ERROR_INVALID_DATA) is 0xc007000d', () => {
    assert.deepEqual(
      extractCodes(
        '(F) onecore\\base\\wcp\\rtllib\\win32lib\\delta_library.cpp(351): Error NTSTATUS_FROM_WIN32(ERROR_INVALID_DATA) originated in function Windows::Rtl::DeltaDecompressBuffer expression: g_pfnApplyDeltaB(( (DELTA_FLAG_TYPE)0x00000000 ), ReferenceInput, CompressedInput, &UncompressedOutput)\n[gle=0x80004005]',
      ),
      ['0xc007000d'],
    );
    assert.deepEqual(extractCodes('NTSTATUS_FROM_WIN32(13)'), ['0xc007000d']);
  });

  test('STATUS_ names: STATUS_FILE_CORRUPT_ERROR is 0xc0000102, its [gle=0xd0000102] is ignored', () => {
    assert.deepEqual(
      extractCodes(
        '(F) onecore\\base\\wcp\\sil\\ntsystem.cpp(2987): Error STATUS_FILE_CORRUPT_ERROR originated in function Windows::Rtl::SystemImplementation::DirectFileSystemProvider::SysCreateFile expression: (null)\n[gle=0x80004005]',
      ),
      ['0xc0000102'],
    );
    assert.deepEqual(
      extractCodes(
        '(F) STATUS_FILE_CORRUPT_ERROR #34109804# from Windows::Rtl::SystemImplementation::DirectFileSystemProvider::SysCreateFile(flags = (AllowFileNotFound|AllowSharingViolation|0x00000100), handle = {provider=NULL, handle=0, name= ("null")}, da = (SYNCHRONIZE|FILE_READ_ATTRIBUTES), oa = @0x9656a7d358->OBJECT_ATTRIBUTES {s:48; rd:NULL; on:[37]\'\\??\\C:\\Program Files\\Windows Defender\'; a:(OBJ_CASE_INSENSITIVE)}, iosb = @0x9656a7d3b0, as = (null), fa = 0, sa = (FILE_SHARE_READ|FILE_SHARE_WRITE|FILE_SHARE_DEL[gle=0xd0000102]',
      ),
      ['0xc0000102'],
    );
    assert.deepEqual(
      extractCodes(
        "00000001 Shim considered [l:125]'\\??\\F:\\Windows\\Servicing\\amd64_microsoft-windows-servicingstack_31bf3856ad364e35_10.0.17763.164_none_7e114a3d4d0589d4\\wcp.dll' : got STATUS_OBJECT_PATH_NOT_FOUND",
      ),
      ['0xc000003a'],
    );
  });

  test('ERROR_ names on their own', () => {
    assert.deepEqual(extractCodes('Error ERROR_NOT_FOUND while looking up the driver operations queue'), [
      '0x80070490',
    ]);
    assert.deepEqual(extractCodes('ERROR_NO_SUCH_NAME_EVER_WRITTEN'), []);
  });

  test('(hr:0x…) at the end of a dism.log line', () => {
    assert.deepEqual(
      extractCodes(
        'API: PID=4804 TID=1852 The package  is not applicable to the image.  - CAddPackageCommandObject::InternalExecute(hr:0x800f081e)',
      ),
      ['0x800f081e'],
    );
    assert.deepEqual(
      extractCodes(
        'DISM Provider Store: PID=9448 TID=9728 Failed to load the provider: C:\\Windows\\TEMP\\33F33A59-D7D1-44AB-AAA3-40C70C649A67\\PEProvider.dll. - CDISMProviderStore::Internal_GetProvider(hr:0x8007007e)',
      ),
      ['0x8007007e'],
    );
  });

  test('status: 0x…, in a WER line', () => {
    assert.deepEqual(
      extractCodes(
        'WER: Generating failure report for package: Package_for_RollupFix~31bf3856ad364e35~amd64~~17763.3165.1.10, status: 0x800f0831, failure source: Execute, start state: Staged, target state: Installed, client id: WindowsUpdateAgent',
      ),
      ['0x800f0831'],
    );
  });

  test('negative decimal codes: NTSTATUS -1073283059, status: -2146498161', () => {
    assert.deepEqual(
      extractCodes(
        "(F) Hydration failed for component dual_helloface.inf, version 10.0.22621.1635, arch amd64, nonSxS, pkt {l:8 b:31bf3856ad364e35}, type [l:14]'dualModeDriver' on file FaceRecognitionEngineAdapterResources_v4.dll with NTSTATUS -1073283059. Matching Component = dual_helloface.inf, version 10.0.22621.1635, arch amd64, nonSxS, pkt {l:8 b:31bf3856ad364e35}, type [l:14]'dualModeDriver'. FileHasForwardReverseDeltas  = true, GenerateReverseDelta = false[gle=0x80004005]",
      ),
      ['0xc007000d'],
    );
    assert.deepEqual(extractCodes('status: -2146498161'), ['0x800f098f']);
  });

  test('bare hex before a `[Warning,Facility=…]` explanation', () => {
    assert.deepEqual(
      extractCodes(
        "Couldn't find the hash of component: 80092004 [Warning,Facility=FACILITY_NTSSPI,Code=8196 (0x2004)]",
      ),
      ['0x80092004'],
    );
    assert.deepEqual(
      extractCodes(
        '(F) 80070002 [Warning,Facility=FACILITY_NTWIN32,Code=ERROR_FILE_NOT_FOUND] #17049# from Windows::COM::NgenOnlineServiceTickler(...)[gle=0x80070002]',
      ),
      ['0x80070002'],
    );
  });

  test('failure codes after a keyword or as bare 0x… words', () => {
    assert.deepEqual(extractCodes('Operation result: 0x800f081f'), ['0x800f081f']);
    assert.deepEqual(extractCodes('Exit code = 0x800F0922'), ['0x800f0922']);
    assert.deepEqual(
      extractCodes(
        'CheckSur: hrStatus: 0x800f0906 [CBS_E_DOWNLOAD_FAILURE], download Result: 0x80240438 [Unknown Error]',
      ),
      ['0x800f0906', '0x80240438'],
    );
  });

  test('ignores [gle=…] (GetLastError noise)', () => {
    assert.deepEqual(
      extractCodes(
        "(F) Unable to load manifest for component [l:91 ml:140]'amd64_e7efbb5769027affbc1fbfd7101971df_b77a5c561934e089_4.0.15713.866_none_41638f151bd7fec8'[gle=0x80004005]",
      ),
      [],
    );
    assert.deepEqual(extractCodes('[gle=0x80070002]'), []);
  });

  test('ignores pointers, small flags and success values after keywords', () => {
    assert.deepEqual(extractCodes('CSI Transaction @0x1c96f93ca70 destroyed'), []);
    assert.deepEqual(
      extractCodes('oa = @0x9656a7d358->OBJECT_ATTRIBUTES {s:48; rd:NULL;}, iosb = @0x9656a7d3b0'),
      [],
    );
    assert.deepEqual(
      extractCodes('flags = (AllowFileNotFound|AllowSharingViolation|0x00000100), handle'),
      [],
    );
    assert.deepEqual(
      extractCodes('co = (FILE_DIRECTORY_FILE|FILE_SYNCHRONOUS_IO_NONALERT|0x00004000), eab = NULL'),
      [],
    );
    assert.deepEqual(extractCodes('g_pfnApplyDeltaB(( (DELTA_FLAG_TYPE)0x00000000 ), ReferenceInput'), []);
    assert.deepEqual(extractCodes('Operation result: 0x0'), []);
    assert.deepEqual(extractCodes('code 0x00000100'), []);
  });

  test('ignores session ids, store ids, call ids, versions, KB numbers, hashes and package identities', () => {
    const text = [
      'Session: 31033558_1766032457 initialized by client DISM Package Manager Provider',
      'CSI Store 1756098767280 initialized',
      '#5546992# from Windows::ServicingAPI::CCSITransaction',
      'Loaded Servicing Stack v10.0.22621.1626 with Core: C:\\Windows\\winsxs\\amd64_microsoft-windows-servicingstack_31bf3856ad364e35_10.0.22621.1626_none_3a2d9c1ea4cd2fc5\\cbscore.dll',
      'Package_8_for_KB5017270~31bf3856ad364e35~amd64~~10.0.3991.1, Update: 5017270-219_neutral',
      ' Expected: {l:32 ml:33 b:a9b55797968df4e138e3b8ab5a0759889ffa7684de67f8449334360473862f17}.',
      'RetrievedChecksum: 239972166 , ComputedChecksum: 239972166',
    ].join('\n');
    assert.deepEqual(extractCodes(text), []);
  });

  test('keeps the order of appearance and drops duplicates', () => {
    assert.deepEqual(
      extractCodes(
        'A [HRESULT = 0x800f0831 - CBS_E_STORE_CORRUPTION] B HRESULT_FROM_WIN32(14098) C [HRESULT = 0x800f0831 - CBS_E_STORE_CORRUPTION] D ERROR_SXS_COMPONENT_STORE_CORRUPT E (hr:0x80070002)',
      ),
      ['0x800f0831', '0x80073712', '0x80070002'],
    );
    // Seed 000: a chain of CBS lines repeating one code, then an unrelated one.
    const chain = [
      'Failed to begin deployment uninstallation for Update: 5017270-219_neutral [HRESULT = 0x80073712 - ERROR_SXS_COMPONENT_STORE_CORRUPT]',
      'Failed to execute item[0] in Package: Package_8_for_KB5017270~31bf3856ad364e35~amd64~~10.0.3991.1, Update: 5017270-219_neutral [HRESULT = 0x80073712 - ERROR_SXS_COMPONENT_STORE_CORRUPT]',
      'WER: Generating failure report for package: Package_for_DotNetRollup~31bf3856ad364e35~amd64~~10.0.4005.2, status: 0x80073712, failure source: Execute, start state: Staged, target state: Installed, client id: WindowsUpdateAgent',
      'Not able to query DisableWerReporting flag.  Assuming not set... [HRESULT = 0x80070002 - ERROR_FILE_NOT_FOUND]',
    ].join('\n');
    assert.deepEqual(extractCodes(chain), ['0x80073712', '0x80070002']);
  });

  test('keeps no state between calls', () => {
    const a = 'x [HRESULT = 0x80073712 - ERROR_SXS_COMPONENT_STORE_CORRUPT] y [HRESULT = 0x800f0831]';
    assert.deepEqual(extractCodes(a), ['0x80073712', '0x800f0831']);
    assert.deepEqual(extractCodes('(hr:0x800f081e)'), ['0x800f081e']);
    assert.deepEqual(extractCodes(a), ['0x80073712', '0x800f0831']);
    assert.deepEqual(extractCodes(''), []);
  });
});

describe('firstFailureCode', () => {
  test('skips success codes', () => {
    assert.equal(
      firstFailureCode(
        'Startup: Processing complete. [HRESULT = 0x00000000 - S_OK]\nFailed to read [HRESULT = 0x80070002 - ERROR_FILE_NOT_FOUND]',
      ),
      '0x80070002',
    );
    assert.equal(firstFailureCode('Reboot required: no [HRESULT = 0x00000000 - S_OK]'), null);
    assert.equal(firstFailureCode('nothing here'), null);
  });
});

describe('isFailureCode', () => {
  test('true when the severity bit is set', () => {
    for (const c of ['0x80073712', '0x800f0922', '0xc0000102', '0xc007000d', '0xd0000102', '0x90000000']) {
      assert.equal(isFailureCode(c), true, c);
    }
  });

  test('false for success, informational and missing codes', () => {
    for (const c of ['0x00000000', '0x00000001', '0x40000000', '0x7fffffff', '', null, undefined]) {
      assert.equal(isFailureCode(c), false, String(c));
    }
  });
});

describe('canonicalize', () => {
  test('hex with or without 0x, any case, trimmed', () => {
    assert.equal(canonicalize('0x80073712'), '0x80073712');
    assert.equal(canonicalize('0X800F081F'), '0x800f081f');
    assert.equal(canonicalize('80073712'), '0x80073712');
    assert.equal(canonicalize(' 0x5 '), '0x00000005');
    assert.equal(canonicalize('0x0'), '0x00000000');
  });

  test('decimal, unsigned and negative int32', () => {
    assert.equal(canonicalize('-2147010798'), '0x80073712');
    assert.equal(canonicalize('2147956498'), '0x80073712');
    assert.equal(canonicalize('-1073283059'), '0xc007000d');
    assert.equal(canonicalize('-1'), '0xffffffff');
    assert.equal(canonicalize('0'), '0x00000000');
    assert.equal(canonicalize('14098'), '0x00003712');
  });

  test('null for anything that is not a 32-bit code', () => {
    for (const t of [
      '',
      'xyz',
      '0x123456789',
      '4294967296',
      '-2147483649',
      '12345678901',
      'ERROR_FILE_NOT_FOUND',
    ]) {
      assert.equal(canonicalize(t), null, t);
    }
  });
});
