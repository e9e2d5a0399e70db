// Tests of the identity extractors: component keys, long-form identities (Win10 and Win7/8 forms), package
// identities and KB numbers, update names, CSI hash pairs (hex and base64), CSI strings and NT paths.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import {
  componentKeys,
  csiStrings,
  hashPair,
  kbOf,
  kbOfUpdateName,
  longIdentities,
  packageIdentities,
  plainPath,
} from './identity.js';

describe('componentKeys', () => {
  test('splits a key shortened with `..` (cbs01 DISM report item)', () => {
    assert.deepEqual(
      componentKeys(
        '(p)\tCSI Payload Corrupt\t(n)\t\t\tamd64_microsoft-windows-f..uetype-yugothicbold_31bf3856ad364e35_10.0.22621.1_none_10eeed168993f23b\\YuGothB.ttc',
      ),
      [
        {
          key: 'amd64_microsoft-windows-f..uetype-yugothicbold_31bf3856ad364e35_10.0.22621.1_none_10eeed168993f23b',
          arch: 'amd64',
          name: 'microsoft-windows-f..uetype-yugothicbold',
          shortened: true,
          token: '31bf3856ad364e35',
          version: '10.0.22621.1',
          culture: 'none',
          hash: '10eeed168993f23b',
        },
      ],
    );
  });

  test('a name shortened with `...` and a culture (en-us)', () => {
    const [k] = componentKeys(
      'Appl: SelfUpdate detect, component: amd64_microsoft-windows-c...appxmain.resources_31bf3856ad364e35_10.0.19041.1265_en-us_078fefaa857bba66, elevation: 2, applicable: 0',
    );
    assert.ok(k);
    assert.equal(k.name, 'microsoft-windows-c...appxmain.resources');
    assert.equal(k.shortened, true);
    assert.equal(k.culture, 'en-us');
    assert.equal(k.version, '10.0.19041.1265');
    assert.equal(k.hash, '078fefaa857bba66');
  });

  test('wow64, msil and x86 keys, and a full (not shortened) name', () => {
    const keys = componentKeys(
      [
        '(p)\tCSI Payload Corrupt\t(n)\t\t\twow64_microsoft-windows-themecpl_31bf3856ad364e35_10.0.22621.1635_none_e0f4ab52b67a554e\\themecpl.dll',
        '(p)\tCSI Payload Corrupt\t(n)\t\t\tmsil_presentationframework_31bf3856ad364e35_10.0.22621.191_none_7c7905ef04e86f95\\PresentationFramework.dll',
        'x86_microsoft-windows-l..fessional.resources_31bf3856ad364e35_0.0.0.0_en-us_17fedf83fe16341e',
      ].join('\n'),
    );
    assert.deepEqual(
      keys.map((k) => [k.arch, k.name, k.shortened, k.token, k.version, k.culture, k.hash]),
      [
        [
          'wow64',
          'microsoft-windows-themecpl',
          false,
          '31bf3856ad364e35',
          '10.0.22621.1635',
          'none',
          'e0f4ab52b67a554e',
        ],
        [
          'msil',
          'presentationframework',
          false,
          '31bf3856ad364e35',
          '10.0.22621.191',
          'none',
          '7c7905ef04e86f95',
        ],
        [
          'x86',
          'microsoft-windows-l..fessional.resources',
          true,
          '31bf3856ad364e35',
          '0.0.0.0',
          'en-us',
          '17fedf83fe16341e',
        ],
      ],
    );
  });

  test('a .NET component named by a hash, inside a manifest path (seed 000)', () => {
    const keys = componentKeys(
      "  FileHashMismatch on resource '\\winsxs\\manifests\\amd64_e7efbb5769027affbc1fbfd7101971df_b77a5c561934e089_4.0.15713.866_none_41638f151bd7fec8.manifest'[gle=0x80004005]",
    );
    assert.equal(keys.length, 1);
    assert.equal(
      keys[0]!.key,
      'amd64_e7efbb5769027affbc1fbfd7101971df_b77a5c561934e089_4.0.15713.866_none_41638f151bd7fec8',
    );
    assert.equal(keys[0]!.name, 'e7efbb5769027affbc1fbfd7101971df');
    assert.equal(keys[0]!.token, 'b77a5c561934e089');
  });

  test('first occurrence order, duplicates dropped case-insensitively, arch lower-cased', () => {
    const keys = componentKeys(
      [
        'wow64_microsoft-windows-themecpl_31bf3856ad364e35_10.0.22621.1635_none_e0f4ab52b67a554e\\themecpl.dll',
        'AMD64_Microsoft-Windows-DNS-Client-MinWin_31bf3856ad364e35_10.0.22621.1485_none_757900759eb5b9e6',
        'WOW64_microsoft-windows-themecpl_31bf3856ad364e35_10.0.22621.1635_none_E0F4AB52B67A554E',
        'amd64_microsoft-windows-dns-client-minwin_31bf3856ad364e35_10.0.22621.1485_none_757900759eb5b9e6\\dnsapi.dll',
      ].join(' '),
    );
    assert.deepEqual(
      keys.map((k) => [k.arch, k.key]),
      [
        ['wow64', 'wow64_microsoft-windows-themecpl_31bf3856ad364e35_10.0.22621.1635_none_e0f4ab52b67a554e'],
        [
          'amd64',
          'AMD64_Microsoft-Windows-DNS-Client-MinWin_31bf3856ad364e35_10.0.22621.1485_none_757900759eb5b9e6',
        ],
      ],
    );
  });

  test('nothing in text without a key (package identities are not keys)', () => {
    assert.deepEqual(componentKeys('Package_for_RollupFix~31bf3856ad364e35~amd64~~17763.3165.1.10'), []);
    assert.deepEqual(componentKeys('Starting TiWorker initialization.'), []);
  });
});

describe('longIdentities', () => {
  test('the Win10 form (cbs01 hydration failure)', () => {
    const ids = longIdentities(
      "(F) Hydration failed for component dual_helloface.inf, version 10.0.22621.1635, arch amd64, nonSxS, pkt {l:8 b:31bf3856ad364e35}, type [l:14]'dualModeDriver' on file FaceRecognitionEngineAdapterResources_v4.dll with NTSTATUS -1073283059.",
    );
    assert.deepEqual(ids, [
      {
        text: 'dual_helloface.inf, version 10.0.22621.1635, arch amd64, nonSxS, pkt {l:8 b:31bf3856ad364e35}',
        name: 'dual_helloface.inf',
        version: '10.0.22621.1635',
        arch: 'amd64',
        token: '31bf3856ad364e35',
      },
    ]);
  });

  test('the Win10 form in SFC lines and CSI call frames, in order', () => {
    const ids = longIdentities(
      [
        "[SR] Cannot repair member file [l:10]'dnsapi.dll' of Microsoft-Windows-DNS-Client-MinWin, version 10.0.22621.1485, arch amd64, nonSxS, pkt {l:8 b:31bf3856ad364e35} in the store, hash mismatch",
        '(F) HRESULT_FROM_WIN32(14098) #5546992# from Windows::ServicingAPI::CCSITransaction::ICSITransaction_UninstallDeployment(Flags = 0, a = e7efbb5769027affbc1fbfd7101971df, version 4.0.15713.866, arch amd64, nonSxS, pkt {l:8 b:b77a5c561934e089}, cb = (null)',
      ].join('\n'),
    );
    assert.deepEqual(
      ids.map((i) => [i.name, i.version, i.arch, i.token]),
      [
        ['Microsoft-Windows-DNS-Client-MinWin', '10.0.22621.1485', 'amd64', '31bf3856ad364e35'],
        ['e7efbb5769027affbc1fbfd7101971df', '4.0.15713.866', 'amd64', 'b77a5c561934e089'],
      ],
    );
  });

  test('the Win7/8 form: `Version = …, pA = PROCESSOR_ARCHITECTURE_AMD64 (9), … PublicKeyToken = {l:8 b:…}`', () => {
    const win7 = longIdentities(
      '  Install (5): flags: 0 tlc: [83df49984213f0fecd0a31e01bc60f57, Version = 6.1.7601.23505, pA = PROCESSOR_ARCHITECTURE_AMD64 (9), Culture neutral, VersionScope = 1 nonSxS, PublicKeyToken = {l:8 b:31bf3856ad364e35}, Type neutral, TypeName neutral, PublicKey neutral])',
    );
    assert.deepEqual(
      win7.map((i) => [i.name, i.version, i.arch, i.token]),
      [['83df49984213f0fecd0a31e01bc60f57', '6.1.7601.23505', 'amd64', '31bf3856ad364e35']],
    );
    assert.ok(win7[0]!.text.startsWith('83df49984213f0fecd0a31e01bc60f57, Version = 6.1.7601.23505, pA = '));
    assert.ok(win7[0]!.text.endsWith('PublicKeyToken = {l:8 b:31bf3856ad364e35}'));

    const win8 = longIdentities(
      'CSIPERF:AIDONE;{3d07d150-2f3d-4184-9793-d0fd59b0c885};Microsoft-Windows-MultipathDeviceSpecificModule, Version = 6.2.9200.16384, pA = PROCESSOR_ARCHITECTURE_AMD64 (9), Culture neutral, VersionScope = 1 nonSxS, PublicKeyToken = {l:8 b:31bf3856ad364e35}, Type neutral, TypeName neutral, PublicKey neutral;199927us',
    );
    assert.deepEqual(
      win8.map((i) => [i.name, i.version, i.arch, i.token]),
      [['Microsoft-Windows-MultipathDeviceSpecificModule', '6.2.9200.16384', 'amd64', '31bf3856ad364e35']],
    );
  });

  test('the Win7 form names x86 PROCESSOR_ARCHITECTURE_INTEL; arch is given as in the other forms (x86)', () => {
    // Microsoft's SFC article quotes this line.
    const [id] = longIdentities(
      'Cannot repair member file [l:14{7}]"url.dll" of Microsoft-Windows-IE-WinsockAutodialStub, Version = 6.0.5752.0, pA = PROCESSOR_ARCHITECTURE_INTEL (0), Culture neutral, VersionScope = 1 nonSxS, PublicKeyToken = {l:8 b:31bf3856ad364e35}, Type neutral, TypeName neutral, PublicKey neutral',
    );
    assert.ok(id);
    assert.equal(id.name, 'Microsoft-Windows-IE-WinsockAutodialStub');
    assert.equal(id.version, '6.0.5752.0');
    assert.equal(id.arch, 'x86');
  });

  test('nothing without a public key token', () => {
    assert.deepEqual(longIdentities('Microsoft-Windows-Foo, version 10.0.19041.1, arch amd64'), []);
    assert.deepEqual(longIdentities(''), []);
  });
});

describe('packageIdentities and kbOf', () => {
  test('a KB package (seed 000)', () => {
    assert.deepEqual(
      packageIdentities(
        'Failed to execute item[0] in Package: Package_8_for_KB5017270~31bf3856ad364e35~amd64~~10.0.3991.1, Update: 5017270-219_neutral [HRESULT = 0x80073712 - ERROR_SXS_COMPONENT_STORE_CORRUPT]',
      ),
      [
        {
          id: 'Package_8_for_KB5017270~31bf3856ad364e35~amd64~~10.0.3991.1',
          name: 'Package_8_for_KB5017270',
          token: '31bf3856ad364e35',
          arch: 'amd64',
          language: '',
          version: '10.0.3991.1',
          kb: 'KB5017270',
        },
      ],
    );
  });

  test('the LCU RollupFix package has no KB in its name', () => {
    const [p] = packageIdentities(
      'WER: Generating failure report for package: Package_for_RollupFix~31bf3856ad364e35~amd64~~17763.3165.1.10, status: 0x800f0831',
    );
    assert.ok(p);
    assert.equal(p.id, 'Package_for_RollupFix~31bf3856ad364e35~amd64~~17763.3165.1.10');
    assert.equal(p.name, 'Package_for_RollupFix');
    assert.equal(p.version, '17763.3165.1.10');
    assert.equal(p.kb, null);
  });

  test('language packages: a language field, or the language in the name', () => {
    const pkgs = packageIdentities(
      [
        'Microsoft-Windows-Client-LanguagePack-Package~31bf3856ad364e35~amd64~en-US~10.0.26100.1742',
        'Microsoft-Windows-LanguageFeatures-Basic-af-za-Package~31bf3856ad364e35~amd64~~10.0.18362.1',
        "name: [l:111]'Microsoft-Windows-WMIC-WOW64-Package~31bf3856ad364e35~wow64~en-US~10.0.26100.1.ecc9fbe244be6c592945daece33f8f72'",
      ].join('\n'),
    );
    assert.deepEqual(
      pkgs.map((p) => [p.name, p.arch, p.language, p.version, p.kb]),
      [
        ['Microsoft-Windows-Client-LanguagePack-Package', 'amd64', 'en-US', '10.0.26100.1742', null],
        ['Microsoft-Windows-LanguageFeatures-Basic-af-za-Package', 'amd64', '', '10.0.18362.1', null],
        ['Microsoft-Windows-WMIC-WOW64-Package', 'wow64', 'en-US', '10.0.26100.1', null],
      ],
    );
  });

  test('stops at the version: `.mum`, an update-name suffix and an x86 package', () => {
    const pkgs = packageIdentities(
      [
        'Failed to parse package manifest: \\\\?\\C:\\WINDOWS\\Servicing\\Packages\\Package_1861_for_KB5017315~31bf3856ad364e35~amd64~~10.0.1.5.mum',
        'name: [l:154{77}]"Package_2_for_KB3177467~31bf3856ad364e35~amd64~~6.1.1.1.3177467-3_neutral_LDR"',
        'InternalOpenPackage failed for Package_for_KB3025096~31bf3856ad364e35~x86~~6.4.1.0 [HRESULT = 0x800f0805 - CBS_E_INVALID_PACKAGE]',
      ].join('\n'),
    );
    assert.deepEqual(
      pkgs.map((p) => [p.id, p.kb]),
      [
        ['Package_1861_for_KB5017315~31bf3856ad364e35~amd64~~10.0.1.5', 'KB5017315'],
        ['Package_2_for_KB3177467~31bf3856ad364e35~amd64~~6.1.1.1', 'KB3177467'],
        ['Package_for_KB3025096~31bf3856ad364e35~x86~~6.4.1.0', 'KB3025096'],
      ],
    );
    assert.equal(pkgs[2]!.arch, 'x86');
  });

  test('drops duplicates (seed 000 names one package in many lines)', () => {
    const text = [
      'Failed to execute item[0] in Package: Package_8_for_KB5017270~31bf3856ad364e35~amd64~~10.0.3991.1, Update: 5017270-219_neutral',
      'Failed to execute execution package: Package_8_for_KB5017270~31bf3856ad364e35~amd64~~10.0.3991.1 [HRESULT = 0x80073712]',
      "rid = 'Package_8_for_KB5017270~31bf3856ad364e35~amd64~~10.0.3991.1.5017270-219_neutral', disp = 0)",
    ].join('\n');
    assert.deepEqual(
      packageIdentities(text).map((p) => p.id),
      ['Package_8_for_KB5017270~31bf3856ad364e35~amd64~~10.0.3991.1'],
    );
  });

  test('kbOf finds a 6- or 7-digit KB number, any case', () => {
    assert.equal(kbOf('Package_8_for_KB5017270'), 'KB5017270');
    assert.equal(kbOf('Security Update for Windows (KB5034441)'), 'KB5034441');
    assert.equal(kbOf('kb890830'), 'KB890830');
    assert.equal(kbOf('Package_for_RollupFix'), null);
    assert.equal(kbOf('KB12345'), null);
    assert.equal(kbOf('KB50172701'), null);
  });
});

describe('kbOfUpdateName', () => {
  test('reads the KB from `<kb>-<serial>_<language>[_<branch>]`', () => {
    assert.equal(
      kbOfUpdateName('Failed to begin deployment uninstallation for Update: 5017270-219_neutral'),
      'KB5017270',
    );
    assert.equal(kbOfUpdateName('Update: 4532938-10_neutral'), 'KB4532938');
    assert.equal(
      kbOfUpdateName('Package_2_for_KB3177467~31bf3856ad364e35~amd64~~6.1.1.1.3177467-3_neutral_LDR'),
      'KB3177467',
    );
  });

  test('null for update names without a KB and for versions', () => {
    assert.equal(kbOfUpdateName('Update: WCF-Services45, Applicable: Applicable'), null);
    assert.equal(kbOfUpdateName('Package_for_RollupFix~31bf3856ad364e35~amd64~~17763.3165.1.10'), null);
  });
});

describe('hashPair', () => {
  test('the hex form (cbs01 lines 4405-4407, joined as the parser joins them)', () => {
    assert.deepEqual(
      hashPair(
        "Hashes for file member [l:44]'FaceRecognitionEngineAdapterResources_v4.dll' do not match.\n" +
          ' Expected: {l:32 ml:33 b:a9b55797968df4e138e3b8ab5a0759889ffa7684de67f8449334360473862f17}.\n' +
          ' Actual: {l:32 b:25ca333a020fddc4543e54190d1d2091d649b4e4801355b8be8f045b0ff4bbcf}.',
      ),
      {
        file: 'FaceRecognitionEngineAdapterResources_v4.dll',
        expected: 'a9b55797968df4e138e3b8ab5a0759889ffa7684de67f8449334360473862f17',
        actual: '25ca333a020fddc4543e54190d1d2091d649b4e4801355b8be8f045b0ff4bbcf',
        form: 'hex',
      },
    );
  });

  test('lower-cases upper-case hex', () => {
    const pair = hashPair(
      "Hashes for file member [l:10]'dnsapi.dll' do not match. Expected: {l:32 ml:33 b:A9B5579796}. Actual: {l:32 b:25CA333A02}.",
    );
    assert.deepEqual(pair, { file: 'dnsapi.dll', expected: 'a9b5579796', actual: '25ca333a02', form: 'hex' });
  });

  test('the Win8.1 base64 form `Found: {…=} Expected: {…=}` is decoded to hex', () => {
    // A Windows 8.1 (6.3.9600) SFC record as quoted on a support forum.
    assert.deepEqual(
      hashPair(
        'Hashes for file member \\SystemRoot\\WinSxS\\amd64_prncacla.inf_31bf3856ad364e35_6.3.9600.16384_none_9590ba64d5b91f79\\Amd64\\CNBJ2530.DPB do not match actual file [l:36{18}]"Amd64\\CNBJ2530.DPB" :\n' +
          '  Found: {l:32 b:Ka2W3xf+N0AYDlbZGYZN3SyUOdG1v9GKCm0q2fVi3Fw=} Expected: {l:32 b:n520k714Uu3utHa5JGQ6HQYbZphKhlMWq5pEmfnCDuw=}',
      ),
      {
        file: '\\SystemRoot\\WinSxS\\amd64_prncacla.inf_31bf3856ad364e35_6.3.9600.16384_none_9590ba64d5b91f79\\Amd64\\CNBJ2530.DPB',
        expected: '9f9db493bd7852edeeb476b924643a1d061b66984a865316ab9a4499f9c20eec',
        actual: '29ad96df17fe3740180e56d919864ddd2c9439d1b5bfd18a0a6d2ad9f562dc5c',
        form: 'base64',
      },
    );
  });

  test('a quoted member name with a character count', () => {
    const pair = hashPair(
      'Hashes for file member [l:24{12}]"settings.ini" do not match. Found: {l:32 b:Ka2W3xf+N0AYDlbZGYZN3SyUOdG1v9GKCm0q2fVi3Fw=} Expected: {l:32 b:n520k714Uu3utHa5JGQ6HQYbZphKhlMWq5pEmfnCDuw=}',
    );
    assert.equal(pair?.file, 'settings.ini');
    assert.equal(pair?.form, 'base64');
  });

  test('null unless both hashes are there', () => {
    assert.equal(
      hashPair(' Expected: {l:32 ml:33 b:a9b55797968df4e138e3b8ab5a0759889ffa7684de67f8449334360473862f17}.'),
      null,
    );
    assert.equal(
      hashPair(' Actual: {l:32 b:25ca333a020fddc4543e54190d1d2091d649b4e4801355b8be8f045b0ff4bbcf}.'),
      null,
    );
    assert.equal(hashPair('Hashes for file member [l:10]"dnsapi.dll" do not match.'), null);
  });
});

describe('csiStrings', () => {
  test("reads length-prefixed strings in order: `[l:n]'…'`, `[l:n{m}]\"…\"`, `[n]'…'`, `[l:n ml:m]'…'`", () => {
    assert.deepEqual(
      csiStrings(
        "(F) STATUS_FILE_CORRUPT_ERROR #34109804# from SysCreateFile(oa = @0x9656a7d358->OBJECT_ATTRIBUTES {s:48; rd:NULL; on:[37]'\\??\\C:\\Program Files\\Windows Defender'; a:(OBJ_CASE_INSENSITIVE)}) " +
          "category [l:15 ml:16]'CorruptManifest' member [l:44]'FaceRecognitionEngineAdapterResources_v4.dll' " +
          'name: [l:162{81}]"Package_215_for_KB3172605~31bf3856ad364e35~amd64~~6.1.1.4.3172605-371_neutral_LDR" empty [l:0]\'\'',
      ),
      [
        '\\??\\C:\\Program Files\\Windows Defender',
        'CorruptManifest',
        'FaceRecognitionEngineAdapterResources_v4.dll',
        'Package_215_for_KB3172605~31bf3856ad364e35~amd64~~6.1.1.4.3172605-371_neutral_LDR',
        '',
      ],
    );
  });

  test('nothing in plain text', () => {
    assert.deepEqual(csiStrings('Starting TiWorker initialization. [HRESULT = 0x80070002]'), []);
  });
});

describe('plainPath', () => {
  test('strips the NT and Win32 long-path prefixes', () => {
    assert.equal(
      plainPath('\\??\\C:\\Program Files\\Windows Defender'),
      'C:\\Program Files\\Windows Defender',
    );
    assert.equal(
      plainPath(
        '\\\\?\\C:\\WINDOWS\\Servicing\\Packages\\Package_1861_for_KB5017315~31bf3856ad364e35~amd64~~10.0.1.5.mum',
      ),
      'C:\\WINDOWS\\Servicing\\Packages\\Package_1861_for_KB5017315~31bf3856ad364e35~amd64~~10.0.1.5.mum',
    );
    assert.equal(plainPath('\\??\\C:\\用户\\更新.log'), 'C:\\用户\\更新.log');
  });

  test('leaves other paths alone', () => {
    assert.equal(plainPath('C:\\Windows\\Logs\\CBS\\CBS.log'), 'C:\\Windows\\Logs\\CBS\\CBS.log');
    assert.equal(plainPath('\\SystemRoot\\WinSxS\\amd64_x\\a.dll'), '\\SystemRoot\\WinSxS\\amd64_x\\a.dll');
  });
});
