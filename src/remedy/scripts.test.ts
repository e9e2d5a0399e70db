// The generated remediation scripts and the collector: golden files for the sample and seed logs
// (regenerate with UPDATE_GOLDEN=1), structural checks every script must pass, a lexical check of the
// PowerShell (quotes, brackets), hostile facts that must never reach a script as code, and the collector's
// items and layout.

import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { analyzePath as analyzeFacts } from '../analyze/analyze.js';
import { withAdvice } from '../index.js';
const analyzePath = (p: string): ReturnType<typeof analyzeFacts> => withAdvice(analyzeFacts(p));
import { packageRoot } from '../knowledge/paths.js';
import type { Diagnosis, Finding, GeneratedScript } from '../model/types.js';
import { COLLECTOR_LAYOUT, collectorScript } from './collector.js';
import { SCRIPT_NAMES } from './script-names.js';
import { scriptsFor } from './scripts.js';
import { psQuote } from './template.js';

const ROOT = packageRoot();
const GOLDEN = join(ROOT, 'fixtures', 'scripts');
const UPDATE = process.env.UPDATE_GOLDEN === '1';
const VERSION = '0.0.0-golden';

/**
 * The logs whose scripts are checked, and which of their scripts are golden files. Each script is golden
 * once (a second copy of the same template with other facts would only repeat it); the others are checked
 * for their set, their structure and, in the tests below, their facts.
 */
const FIXTURES: { id: string; log: string; scripts: string[]; golden: string[] }[] = [
  {
    id: 'example',
    log: 'examples/CBS.log',
    scripts: [SCRIPT_NAMES.testStoreFiles, SCRIPT_NAMES.newSourcePack, SCRIPT_NAMES.repairFromSourcePack],
    golden: [],
  },
  {
    id: 'seed-003',
    log: 'fixtures/seeds/seed-003-manifest-hash.log',
    scripts: [
      SCRIPT_NAMES.testStoreFiles,
      SCRIPT_NAMES.installUpdates,
      SCRIPT_NAMES.newSourcePack,
      SCRIPT_NAMES.repairFromSourcePack,
    ],
    golden: [
      SCRIPT_NAMES.testStoreFiles,
      SCRIPT_NAMES.installUpdates,
      SCRIPT_NAMES.newSourcePack,
      SCRIPT_NAMES.repairFromSourcePack,
    ],
  },
  {
    id: 'seed-004',
    log: 'fixtures/seeds/seed-004-not-found.log',
    scripts: [SCRIPT_NAMES.resetCache, SCRIPT_NAMES.resetCacheCmd, SCRIPT_NAMES.installUpdates],
    golden: [SCRIPT_NAMES.resetCache, SCRIPT_NAMES.resetCacheCmd],
  },
];

const HOSTILE = "'; Remove-Item C:\\ -Recurse; '";

/** A diagnosis of a log, with a fixed tool version so a release does not change every golden file. */
function diagnose(log: string): Diagnosis {
  const d = analyzePath(join(ROOT, log));
  d.tool.version = VERSION;
  return d;
}

function golden(file: string, content: string): void {
  const path = join(GOLDEN, file);
  if (UPDATE) {
    mkdirSync(GOLDEN, { recursive: true });
    writeFileSync(path, content);
    return;
  }
  let want: string;
  try {
    want = readFileSync(path, 'utf8');
  } catch {
    assert.fail(`missing golden file fixtures/scripts/${file}: run the tests with UPDATE_GOLDEN=1`);
  }
  assert.equal(
    content,
    want,
    `fixtures/scripts/${file} differs (UPDATE_GOLDEN=1 regenerates it after review)`,
  );
}

/**
 * A small PowerShell lexer for what the generator writes: single-quoted strings (with '' escapes), line
 * comments and brackets. Returns what a tokenizer would trip on, and the code outside strings and comments.
 */
function lex(content: string): { problems: string[]; code: string } {
  const problems: string[] = [];
  const stack: string[] = [];
  const pairs: Record<string, string> = { ')': '(', '}': '{', ']': '[' };
  let code = '';
  content.split('\n').forEach((line, i) => {
    let inString = false;
    for (let j = 0; j < line.length; j++) {
      const c = line[j]!;
      if (inString) {
        if (c === "'") {
          if (line[j + 1] === "'") j++;
          else {
            inString = false;
            code += c;
          }
        }
        continue;
      }
      if (c === '#') break;
      code += c;
      if (c === "'") inString = true;
      else if (c === '"' || c === '`') problems.push(`line ${i + 1}: ${c} outside a single-quoted string`);
      else if ('({['.includes(c)) stack.push(c);
      else if (')}]'.includes(c) && stack.pop() !== pairs[c]) problems.push(`line ${i + 1}: unbalanced ${c}`);
    }
    code += '\n';
    if (inString) problems.push(`line ${i + 1}: unterminated string`);
  });
  if (stack.length > 0) problems.push(`unclosed ${stack.join('')} at the end`);
  return { problems, code };
}

function finding(over: Partial<Finding> & Pick<Finding, 'id' | 'rule'>): Finding {
  return {
    messageId: 'x',
    severity: 'error',
    confidence: 'high',
    code: null,
    codeName: null,
    root: true,
    message: { en: '', zh: '' },
    title: { en: '', zh: '' },
    facts: {},
    evidence: [{ file: 'CBS.log', line: 1, text: '' }],
    chain: [],
    attempts: [],
    time: null,
    ...over,
  };
}

/** A diagnosis where every fact that reaches a script is hostile, beside one valid manifest finding. */
function hostileDiagnosis(): Diagnosis {
  const d = diagnose('fixtures/seeds/seed-003-manifest-hash.log');
  const bad = `amd64_x${HOSTILE}`;
  const ev = [{ file: `CBS.log\n${HOSTILE}`, line: 7, text: HOSTILE }];
  d.machine.osBuild = '17763.1935';
  d.machine.osBuildSource = HOSTILE;
  d.sources[0]!.file = `CBS.log\r\n${HOSTILE}`;
  d.findings.push(
    finding({
      id: 'f10',
      rule: 'cbs-manifest-corrupt',
      facts: { component: bad, expectedHash: HOSTILE },
      evidence: ev,
    }),
    finding({
      id: 'f11',
      rule: 'cbs-file-hash-mismatch',
      facts: { component: d.findings[0]!.facts.component, file: `x.dll${HOSTILE}` },
    }),
    finding({
      id: 'f12',
      rule: 'cbs-package-manifest-unreadable',
      facts: { package: `Package_1~${HOSTILE}` },
    }),
    finding({ id: 'f13', rule: 'cbs-store-mum-missing', facts: { path: `C:\\x\\${HOSTILE}.mum` } }),
    finding({
      id: 'f14',
      rule: 'x-update-gap',
      root: false,
      facts: { kb: `KB5003171${HOSTILE}`, prerequisites: `KB1 ${HOSTILE}`, targetBuild: HOSTILE },
    }),
    finding({
      id: 'f15',
      rule: 'cbs-delta-hydration-failed',
      facts: { component: `Microsoft-Windows-X${HOSTILE}, version 10.0.17763.1, arch amd64` },
      evidence: [
        { file: 'CBS.log', line: 9, text: `Matching Component = A${HOSTILE}, version 1.2.3.4, arch amd64` },
      ],
    }),
    finding({ id: 'f16', rule: 'cbs-not-found', facts: { kb: HOSTILE } }),
  );
  return d;
}

const CHANGES = new Set<string>([
  SCRIPT_NAMES.repairFromSourcePack,
  SCRIPT_NAMES.resetCache,
  SCRIPT_NAMES.installUpdates,
]);

function checkPowerShell(s: GeneratedScript, where: string): void {
  const c = s.content;
  const at = `${where} ${s.name}`;
  assert.match(c, /^# \.SYNOPSIS\n/, `${at}: comment-based help first`);
  assert.match(c, /Generated by patchdx /, `${at}: says patchdx generated it`);
  assert.match(c, /REVIEW IT BEFORE RUNNING IT/, `${at}: asks for review`);
  assert.match(
    c,
    /^# From the findings \(evidence file:line\):\n# {3}f[0-9a-f-]+ [a-z-]+.*:\d+/m,
    `${at}: evidence`,
  );
  assert.match(c, /^# Facts used:/m, `${at}: facts`);
  assert.match(c, /^\[CmdletBinding\(SupportsShouldProcess\)\]$/m, `${at}: -WhatIf support`);
  assert.match(c, /\$PSCmdlet\.ShouldProcess\(/, `${at}: ShouldProcess`);
  assert.match(c, /Start-Transcript -Path \$LogPath -WhatIf:\$false/, `${at}: transcript`);
  assert.match(
    c,
    /\$LogPath = Join-Path \$env:TEMP \('patchdx-' \+ \$ScriptName \+ '-' \+ \$Stamp \+ '\.log'\)/,
  );
  assert.match(c, /\[Environment\]::OSVersion\.Version\.Build/, `${at}: OS build`);
  assert.match(c, /'HKLM:\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion' -Name 'UBR'/, `${at}: UBR`);
  assert.match(c, /\$os = Assert-(Healthy)?Build/, `${at}: the build check runs`);
  assert.match(
    c,
    /IsInRole\(\[Security\.Principal\.WindowsBuiltInRole\]::Administrator\)/,
    `${at}: admin check`,
  );
  if (CHANGES.has(s.name)) {
    assert.match(c, /^ {4}\[switch\]\$Undo,?$/m, `${at}: -Undo`);
    assert.match(c, /if \(\$Undo\) \{ Invoke-Undo \} else \{ Invoke-Apply \}/, `${at}: undo path`);
  }
  assert.equal(s.shell, 'powershell');
  assert.match(c, /^[\x20-\x7e\n]*$/, `${at}: ASCII with LF line ends only`);
  assert.deepEqual(lex(c).problems, [], `${at}: lexical problems`);
}

for (const fx of FIXTURES) {
  test(`scripts for ${fx.log}: the expected set, the golden ones byte for byte as in fixtures/scripts/`, () => {
    const scripts = scriptsFor(diagnose(fx.log));
    assert.deepEqual(
      scripts.map((s) => s.name),
      fx.scripts,
    );
    for (const s of scripts) if (fx.golden.includes(s.name)) golden(`${fx.id}.${s.name}`, s.content);
    if (!UPDATE) {
      const stale = readdirSync(GOLDEN).filter(
        (f) => f.startsWith(`${fx.id}.`) && !fx.golden.some((name) => f === `${fx.id}.${name}`),
      );
      assert.deepEqual(stale, [], 'golden files that are not (or no longer) golden');
    }
  });

  test(`scripts for ${fx.log}: header, -WhatIf, log, build check, undo`, () => {
    for (const s of scriptsFor(diagnose(fx.log))) {
      if (s.shell === 'powershell') checkPowerShell(s, fx.id);
    }
  });
}

test('the collector, byte for byte as in fixtures/scripts/collect.ps1', () => {
  golden('collect.ps1', collectorScript({ version: VERSION }));
});

test('seed 003: a manifest with expected and actual hashes, SSU before the cumulative update', () => {
  const scripts = scriptsFor(diagnose('fixtures/seeds/seed-003-manifest-hash.log'));
  const by = new Map(scripts.map((s) => [s.name, s]));
  const key =
    'amd64_windows-id-connecte..nt-provider-wlidfdp_31bf3856ad364e35_10.0.17763.1697_none_f17c692b894fca9f';
  const check = by.get(SCRIPT_NAMES.testStoreFiles)!.content;
  assert.ok(check.includes(`Parent = 'WinSxS\\Manifests'; Name = '${key}.manifest'`));
  assert.ok(check.includes("Expected = '72731cc3a869e9b445f466479fdcf44cf694e717e807e3277c229cb960316102'"));
  assert.ok(check.includes("Actual = '1aaa57c006a57122483d08d37341e401fca266c6a93468ae49dde6f3281db5a0'"));
  assert.ok(check.includes('$ExpectedBuilds = @(17763)'));
  assert.ok(check.includes('$ExpectedUbr = $null'), 'the logs do not show the UBR');
  const pack = by.get(SCRIPT_NAMES.newSourcePack)!;
  assert.equal(pack.runsOn, 'healthy');
  assert.ok(pack.content.includes('$MinUbr = 1697'), 'the healthy machine must hold 17763.1697');
  for (const needle of ['SHA256SUMS', 'manifest.json', 'CreateFromDirectory', '-SkipLogHashCheck']) {
    assert.ok(pack.content.includes(needle), needle);
  }
  const repair = by.get(SCRIPT_NAMES.repairFromSourcePack)!.content;
  for (const needle of [
    "'takeown.exe' -Arguments @('/f', $i, '/a')",
    "'/grant', '*S-1-5-32-544:F'",
    "'/save', $p.AclFile",
    "'/restore', $AclFile",
    "'/setowner', 'NT SERVICE\\TrustedInstaller'",
    'does not match SHA256SUMS',
    'does not match the SHA-256 in manifest.json',
    'the log expects',
    'Refusing to replace anything without a backup.',
    "'robocopy.exe'",
  ]) {
    assert.ok(repair.includes(needle), needle);
  }
  const install = by.get(SCRIPT_NAMES.installUpdates)!.content;
  assert.ok(
    install.indexOf("Kb = 'KB5003243'; Kind = 'SSU'") < install.indexOf("Kb = 'KB5003171'; Kind = 'CU'"),
  );
  assert.ok(install.includes("$TargetBuild = '17763.1935'"));
});

test('seed 004: the cache reset (ps1 and cmd) and SSUs before KB5032196, checked against 17763.774', () => {
  const scripts = scriptsFor(diagnose('fixtures/seeds/seed-004-not-found.log'));
  const by = new Map(scripts.map((s) => [s.name, s]));
  const reset = by.get(SCRIPT_NAMES.resetCache)!.content;
  assert.ok(reset.includes("$Services = @('usosvc', 'wuauserv', 'bits', 'cryptsvc')"));
  assert.ok(
    reset.includes(
      "$Folders = @('SoftwareDistribution\\Download', 'SoftwareDistribution\\DataStore', 'System32\\catroot2')",
    ),
  );
  assert.ok(reset.includes('$ExpectedUbr = 774'));
  const cmd = by.get(SCRIPT_NAMES.resetCacheCmd)!;
  assert.equal(cmd.shell, 'cmd');
  assert.doesNotMatch(cmd.content, /[^\r]\n/, 'CRLF line ends (cmd mis-reads labels in LF files)');
  assert.match(cmd.content, /^[\x20-\x7e\r\n]*$/, 'ASCII');
  for (const needle of [
    'REM reset-wu-cache.cmd - generated by patchdx',
    'seed-004-not-found.log:6',
    'for %%S in (usosvc wuauserv bits cryptsvc) do call :run net stop %%S /y',
    'call :saverename "%windir%\\SoftwareDistribution\\Download" "Download.%SUFFIX%"',
    'call :saverename "%windir%\\SoftwareDistribution\\DataStore" "DataStore.%SUFFIX%"',
    'call :saverename "%windir%\\System32\\catroot2" "catroot2.%SUFFIX%"',
    'for %%B in (17763) do if "%%B"=="%BUILD%" set "BUILD_OK=1"',
    'if not "%UBR%"=="774" (',
    'set "LOG=%TEMP%\\patchdx-reset-wu-cache-%STAMP%.log"',
    'if /i "%ARG%"=="/whatif"',
    'if /i "%ARG%"=="/undo"',
    'fltmc >nul 2>&1',
  ]) {
    assert.ok(cmd.content.includes(needle), needle);
  }
  const install = by.get(SCRIPT_NAMES.installUpdates)!.content;
  const order = [...install.matchAll(/@\{ Kb = '(KB\d+)'; Kind = '(\w+)'/g)].map((m) => `${m[1]} ${m[2]}`);
  assert.deepEqual(order, ['KB5005112 SSU', 'KB5032306 SSU', 'KB5032196 CU']);
  for (const needle of [
    "'wusa.exe'",
    "'/add-package'",
    'Get-AuthenticodeSignature',
    'Get-HotFix',
    "'/uninstall'",
  ]) {
    assert.ok(install.includes(needle), needle);
  }
  assert.ok(!by.has(SCRIPT_NAMES.newSourcePack), 'a missing component of an update is not copied by default');
});

test('forward-delta failure: the base component folder is named by a pattern the seed folder matches', () => {
  const scripts = scriptsFor(diagnose('fixtures/seeds/seed-004-forward-delta.log'));
  const pack = scripts.find((s) => s.name === SCRIPT_NAMES.newSourcePack)!.content;
  const m = /Parent = 'WinSxS'; Name = '([^']+)'; Sub = ''; Folder = \$true/.exec(pack);
  assert.ok(m, 'a component folder target');
  const glob = new RegExp(`^${m[1]!.replace(/[.+]/g, '\\$&').replace(/\*/g, '.*')}$`);
  assert.match(
    'amd64_microsoft-windows-w..ationservice-netapi_31bf3856ad364e35_10.0.17763.2803_none_c2d208398729f542',
    glob,
  );
  assert.ok(pack.includes('$MinUbr = 2803'));
  checkPowerShell(
    scripts.find((s) => s.name === SCRIPT_NAMES.repairFromSourcePack)!,
    'forward-delta',
  );
});

test('a hostile fact never reaches a script as code', () => {
  const scripts = scriptsFor(hostileDiagnosis());
  assert.ok(scripts.length >= 4);
  for (const s of scripts) {
    if (s.shell === 'powershell') {
      checkPowerShell(s, 'hostile');
      // As data it may appear, escaped inside a single-quoted string; as code, never.
      const { code } = lex(s.content);
      assert.ok(!code.includes('Remove-Item C:'), `${s.name}: the hostile command reached the code`);
      assert.ok(!code.includes(HOSTILE), `${s.name}: the hostile text reached the code`);
    } else {
      for (const line of s.content.split('\r\n').filter((l) => /Remove-Item|Recurse/.test(l))) {
        assert.match(line, /^REM [^%&|<>^"]*$/, `${s.name}: only in a defanged comment`);
      }
    }
  }
  const check = scripts.find((s) => s.name === SCRIPT_NAMES.testStoreFiles)!.content;
  assert.match(
    check,
    /^# skipped \(f10\): component 'amd64_x\?\?\?Remove-Item\?C\?\?\?-Recurse\?\?\?' - not a component key$/m,
  );
  assert.match(check, /^# skipped \(f11\): file '.*' - not a plain file name inside a component folder$/m);
  assert.match(check, /^# skipped \(f12\): package '.*' - not a package identity$/m);
  assert.match(check, /^# skipped \(f15\): component '.*' - the log does not name the base/m);
  const install = scripts.find((s) => s.name === SCRIPT_NAMES.installUpdates)!.content;
  assert.deepEqual(
    [...install.matchAll(/@\{ Kb = '(KB\d+)'/g)].map((m) => m[1]),
    ['KB5003243', 'KB5003171'],
    'only valid KB numbers, from the valid findings',
  );
});

test('psQuote doubles every quote character PowerShell accepts in a single-quoted string', () => {
  assert.equal(psQuote("it's"), "'it''s'");
  assert.equal(psQuote(HOSTILE), "'''; Remove-Item C:\\ -Recurse; '''");
  assert.equal(psQuote('a\u2019b\u2018c'), "'a\u2019\u2019b\u2018\u2018c'");
  const quoted = lex(`$x = ${psQuote(HOSTILE)}`);
  assert.deepEqual(quoted.problems, []);
  assert.equal(quoted.code, "$x = ''\n");
});

test('no script for a diagnosis that needs none (a pending reboot)', () => {
  const d = diagnose('fixtures/seeds/seed-003-manifest-hash.log');
  d.findings = [finding({ id: 'f1', rule: 'cbs-reboot-pending', severity: 'warning', root: false })];
  assert.deepEqual(scriptsFor(d), []);
});

test('logs that show no OS build: the operator must confirm it with -ConfirmBuild', () => {
  const d = diagnose('examples/CBS.log');
  d.machine.servicingStack = null;
  const scripts = scriptsFor(d);
  assert.ok(scripts.length > 0);
  for (const s of scripts) {
    assert.ok(s.content.includes('$ExpectedBuilds = @()'), s.name);
    assert.ok(s.content.includes('[int]$ConfirmBuild = 0'), s.name);
    checkPowerShell(s, 'no-build');
  }
});

test('the collector gathers every item, read-only, into the documented layout', () => {
  const c = collectorScript();
  assert.match(c, /^[\x20-\x7e\n]*$/, 'ASCII with LF line ends');
  assert.deepEqual(lex(c).problems, []);
  for (const folder of [
    'CBS/',
    'DISM/',
    'Panther/',
    'WindowsUpdate/',
    'EventLogs/',
    'Commands/',
    'Registry/',
  ]) {
    assert.match(c, new RegExp(`^#   ${folder}`, 'm'), `layout comment names ${folder}`);
  }
  for (const e of COLLECTOR_LAYOUT) {
    assert.ok(c.includes(`#   ${e.path}`), `layout comment lists ${e.path}`);
    if (e.path !== 'manifest.json') assert.ok(c.includes(`Invoke-Step '${e.path}'`), e.path);
  }
  for (const needle of [
    "Join-Path $env:windir 'Logs\\CBS'",
    'CbsPersist',
    "Join-Path $env:windir 'Logs\\DISM'",
    'Get-WindowsUpdateLog -LogPath $target',
    "'SoftwareDistribution\\ReportingEvents.log'",
    "'wevtutil.exe') @('epl'",
    "Export-EventLog 'Microsoft-Windows-WindowsUpdateClient/Operational'",
    "'$WINDOWS.~BT\\Sources\\Panther'",
    'Add-Type -AssemblyName System.IO.Compression.FileSystem',
    "'systeminfo.exe'",
    "@('/English', '/Online', '/Cleanup-Image', '/CheckHealth')",
    "@('/English', '/Online', '/Get-Packages', '/Format:Table')",
    "Export-Key 'HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\WindowsUpdate'",
    "@('export'",
    "'WinSxS\\pending.xml'",
    'Get-Volume',
    'Win32_LogicalDisk',
    '[Environment]::OSVersion.Version',
    '$Cv.UBR',
    "'manifest.json'",
    '-Algorithm SHA256',
    'errors = $Errors',
    'startedUtc = $Started',
    'CreateFromDirectory',
    '#Requires -Version 5.1',
    'IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator)',
    'needs an elevated PowerShell',
  ]) {
    assert.ok(c.includes(needle), needle);
  }
  assert.equal((c.match(/\btry \{/g) ?? []).length >= 8, true, 'items run in try/catch');
  for (const change of [
    'Stop-Service',
    'Rename-Item',
    'Set-ItemProperty',
    'takeown',
    'icacls',
    '/RestoreHealth',
    'reg add',
    'reg.exe add',
  ]) {
    assert.ok(!c.includes(change), `the collector must not change the machine: ${change}`);
  }
  for (const m of c.matchAll(/Remove-Item .{0,40}/g)) {
    assert.match(
      m[0],
      /^Remove-Item -LiteralPath (\$Stage\b|\$err\b|\(Join-Path \$Stage\b)/,
      'removes only its own files',
    );
  }
});

test('the sample log: each of its three scripts names the damaged component', () => {
  const d = diagnose('examples/CBS.log');
  const component = d.findings.find((x) => x.rule === 'cbs-manifest-corrupt')!.facts.component!;
  assert.match(component, /^amd64_e7efbb5769027affbc1fbfd7101971df_/);
  const scripts = scriptsFor(d);
  assert.equal(scripts.length, 3);
  for (const s of scripts) assert.ok(s.content.includes(component), `${s.name} names ${component}`);
});
