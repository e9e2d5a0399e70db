// Every generated script through a real PowerShell grammar (tree-sitter-powershell): the collector, and the
// scripts of every plan case and of the sample and seed logs, also with hostile facts (quotes, $(…),
// backticks, newlines, `; rm`, unicode) in every place a fact can reach. No ERROR or MISSING node, no
// command from a fact. Every generated .cmd through a checker of cmd metacharacters in fact text. And the
// checkers themselves: they must catch a broken `if`, an injected command, an unescaped `&`.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';

import { analyzePath } from '../analyze/analyze.js';
import { packageRoot } from '../knowledge/paths.js';
import type { Diagnosis, Finding, GeneratedScript } from '../model/types.js';
import { advise } from './advise.js';
import { collectorScript } from './collector.js';
import { analyzeInput } from './plans/plan-tester.js';
import { plans } from './plans/index.js';
import {
  cmdFactProblems,
  commandNames,
  parsePowerShell,
  powerShellProblems,
} from './script-check-test-support.js';
import { scriptsFor } from './scripts.js';
import { psQuote } from './template.js';

const ROOT = packageRoot();
const OPEN = 'PDXFACT';
const CLOSE = 'TCAFXDP';

/** Facts a log could carry that must stay data: each is marked for the cmd checker. */
const HOSTILE = [
  "x'; Invoke-Pwned; '",
  'x"; Invoke-Pwned; "',
  '$(Invoke-Pwned)',
  '`$(Invoke-Pwned)`',
  'a\nInvoke-Pwned\n# b',
  'a\r\nInvoke-Pwned',
  '; rm -r -fo C:\\ ; ',
  'x\u2019; Invoke-Pwned; \u2018',
  'amd64_组件-ünïcødé-Ω_31bf3856ad364e35_10.0.17763.1_none_0123456789abcdef',
  'C:\\Windows\\WinSxS\\Ω 补丁\\a.dll',
  '& calc.exe | more > out < in ^ %PATH% !x! "q"',
].map((h) => `${OPEN}${h}${CLOSE}`);

/** Checks one script: the grammar accepts it, it runs no command a fact named, and cmd fact text is inert. */
function checkScript(
  s: GeneratedScript | { name: string; shell: string; content: string },
  where: string,
): void {
  const at = `${where} ${s.name}`;
  if (s.shell === 'powershell') {
    assert.deepEqual(powerShellProblems(s.content), [], `${at}: the PowerShell grammar rejects it`);
    const names = commandNames(s.content);
    for (const bad of ['Invoke-Pwned', 'rm', 'calc.exe'])
      assert.ok(!names.includes(bad), `${at}: runs ${bad}, from a fact`);
    // Outside comments and single-quoted strings, no fact text at all.
    const leaks: string[] = [];
    const walk = (n: ReturnType<typeof parsePowerShell>['rootNode']): void => {
      if (n.type === 'comment' || n.type === 'verbatim_string_characters') return;
      if (n.childCount === 0 && n.text.includes('Pwned')) leaks.push(`${n.type} ${n.startPosition.row + 1}`);
      for (const c of n.children) walk(c);
    };
    walk(parsePowerShell(s.content).rootNode);
    assert.deepEqual(leaks, [], `${at}: fact text outside a comment or single-quoted string`);
  } else {
    assert.deepEqual(cmdFactProblems(s.content, OPEN, CLOSE), [], `${at}: fact text cmd would act on`);
  }
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

/** A diagnosis of `log` with `h` in every place a fact can reach a script, beside its real findings. */
function hostile(log: string, h: string): Diagnosis {
  const d = analyzePath(join(ROOT, log));
  d.machine.osBuildSource = h;
  for (const s of d.sources) s.file = `${s.file}${h}`;
  for (const f of d.findings) for (const e of f.evidence) e.file = `${e.file}${h}`;
  const facts = {
    component: h,
    file: h,
    path: h,
    package: h,
    kb: h,
    expectedHash: h,
    actualHash: h,
    version: h,
    prerequisites: h,
    targetBuild: h,
  };
  const ev = [{ file: h, line: 7, text: h }];
  const real =
    d.findings[0]?.facts.component ?? 'amd64_x_31bf3856ad364e35_10.0.17763.1_none_0123456789abcdef';
  d.findings.push(
    ...[
      'cbs-manifest-corrupt',
      'cbs-file-hash-mismatch',
      'cbs-package-manifest-unreadable',
      'cbs-store-mum-missing',
      'cbs-delta-hydration-failed',
      'cbs-not-found',
      'x-download-then-install-failed',
    ].map((rule, i) => finding({ id: `fh${i}`, rule, facts, evidence: ev })),
    finding({
      id: 'fh-file',
      rule: 'cbs-file-hash-mismatch',
      facts: { component: real, file: h },
      evidence: ev,
    }),
    finding({ id: 'fh-gap', rule: 'x-update-gap', root: false, facts, evidence: ev }),
  );
  return d;
}

const LOGS = [
  'examples/CBS.log',
  'fixtures/seeds/seed-003-manifest-hash.log',
  'fixtures/seeds/seed-004-not-found.log',
];

test('the collector: the PowerShell grammar accepts it', () => {
  checkScript({ name: 'collect.ps1', shell: 'powershell', content: collectorScript() }, 'collector');
});

test('the scripts of the sample and seed logs: the PowerShell grammar accepts every one', () => {
  let n = 0;
  for (const log of LOGS) {
    for (const s of scriptsFor(analyzePath(join(ROOT, log)))) {
      checkScript(s, log);
      n++;
    }
  }
  assert.ok(n >= 9, `${n} scripts`);
});

test('every script of every plan case: the PowerShell grammar accepts it', async () => {
  let cases = 0;
  let scripts = 0;
  const shells = new Set<string>();
  for (const p of plans) {
    for (const c of p.cases) {
      const d = await analyzeInput(c.input);
      cases++;
      // The scripts the plans link, and every script the facts give work to.
      for (const s of [...advise(d).scripts, ...scriptsFor(d)]) {
        checkScript(s, `${p.rule} / ${c.name}`);
        shells.add(s.shell);
        scripts++;
      }
    }
  }
  assert.ok(cases >= plans.length, `${cases} plan cases`);
  assert.ok(scripts > 0 && shells.has('powershell') && shells.has('cmd'), `${scripts} scripts`);
});

test('hostile facts (quotes, $(…), backticks, newlines, `; rm`, unicode) in every script: still valid, still inert', () => {
  const names = new Set<string>();
  for (const log of LOGS) {
    for (const h of HOSTILE) {
      const scripts = scriptsFor(hostile(log, h));
      assert.ok(scripts.length > 0, `${log}: scripts`);
      for (const s of scripts) {
        checkScript(s, `${log} with ${JSON.stringify(h)}`);
        names.add(s.name);
      }
    }
  }
  // Every kind of script met the hostile facts, the .cmd too.
  assert.deepEqual([...names].sort(), [
    'Install-Updates.ps1',
    'New-SourcePack.ps1',
    'Repair-FromSourcePack.ps1',
    'Reset-WindowsUpdateCache.ps1',
    'Test-StoreFiles.ps1',
    'reset-wu-cache.cmd',
  ]);
});

test('the grammar check catches a broken if, a missing brace and a fact pasted in as code', () => {
  const c = collectorScript();
  const good = 'if (-not (Test-IsAdmin)) {';
  assert.ok(c.includes(good));
  const brokenIf = c.replace(good, 'if (-not (Test-IsAdmin) {');
  assert.notDeepEqual(powerShellProblems(brokenIf), [], 'an if without its closing parenthesis');
  const p = powerShellProblems('if ($x) {\n    Write-Host 1\n');
  assert.ok(p.length > 0 && p.some((x) => x.kind === 'MISSING' || x.kind === 'ERROR'), 'a missing brace');
  assert.deepEqual(powerShellProblems('if ($x) {\n    Write-Host 1\n}\n'), []);
  // A quoting bug (the fact not doubled) would run the fact: the check sees the command.
  const fact = "x'; Invoke-Pwned; '";
  assert.ok(commandNames(`$Name = '${fact}'`).includes('Invoke-Pwned'));
  assert.ok(!commandNames(`$Name = ${psQuote(fact)}`).includes('Invoke-Pwned'));
  assert.ok(commandNames(`$Name = "$(Invoke-Pwned)"`).includes('Invoke-Pwned'));
});

test('the cmd checker: unescaped metacharacters and newlines in fact text, escaped ones and template code are fine', () => {
  const f = (s: string): string => `${OPEN}${s}${CLOSE}`;
  const what = (script: string): string[] =>
    cmdFactProblems(script, OPEN, CLOSE).map((p) => `${p.line}${p.what}`);
  assert.deepEqual(what(`REM seen in ${f('CBS.log:7')}\r\necho %STAMP% & exit /b 1`), []);
  assert.deepEqual(what(`REM ${f('a & calc')}`), ['1&']);
  assert.deepEqual(what(`echo ${f('a | b > c < d')}`), ['1|', '1>', '1<']);
  assert.deepEqual(what(`echo ${f('50% %PATH%')}`), ['1%', '1%', '1%']);
  assert.deepEqual(what(`echo ${f('50%% done')}`), []);
  assert.deepEqual(what(`echo ${f('a ^& b ^| c ^^ d ^^! e')}`), []);
  assert.deepEqual(what(`echo ${f('x! "q" ^')}`), ['1!', '1"', '1"', '1^']);
  assert.deepEqual(what(`REM ${f('a\r\ncalc')}`), ['2newline'], 'a newline lets the fact out of its line');
  assert.deepEqual(what(`REM ${OPEN}cut short by the sanitiser...`), []);
  assert.deepEqual(what(`REM ${f('one')} and ${f('two & three')}`), ['1&']);
});
