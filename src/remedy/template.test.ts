// The template filler: values quoted by their shell's one quoting function, code and parts inserted as they
// are, a placeholder without a value refused, and an empty code line left out.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { cmdText, code, comment, fill, psQuote } from './template.js';

test('values are quoted by the shell of the template; code and parts go in as they are', () => {
  const row = fill('parts/update-row.ps1', {
    Kb: "KB1'",
    Kind: 'SSU',
    Role: 'x\u2019y',
    Finding: code('$f'),
  });
  assert.equal(
    row,
    `    @{ Kb = ${psQuote("KB1'")}; Kind = 'SSU'; Role = 'x\u2019\u2019y'; Finding = $f }\n`,
  );
  const cmd = fill('parts/ubr-check.cmd', { Ubr: 774 });
  assert.match(cmd, /^if not "%UBR%"=="774" \($/m);
  assert.equal(cmdText('a %PATH% & "b" (c)!'), 'a ?PATH? ? ?b? ?c??');
});

test('a placeholder without a value is an error, and an empty code line disappears', () => {
  assert.throws(() => fill('parts/update-row.ps1', { Kb: 'KB1' }), /no value for \{\{Kind\}\}/);
  assert.equal(comment('cmd', []).code, '');
  const text = fill('parts/build-data.ps1', {
    ExpectedBuilds: code('17763'),
    ExpectedUbr: null,
    BuildSeenIn: 'x',
  });
  assert.match(text, /^\$ExpectedUbr = \$null$/m);
});
