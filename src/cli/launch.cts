#!/usr/bin/env node
// The installed command (package.json `bin`). It runs the command line (main.ts), bundled by the build into
// one script, bundle/cli.cjs, through V8's code cache kept beside it (bundle/cli.cjs.cache): a short command
// such as `explain` or a small analysis then spends its time working, not compiling over a megabyte of
// JavaScript (Node 20 has no compile cache of its own for modules). The build writes the cache after a first
// run (scripts/bundle.mjs); a run whose cache V8 refuses (another Node, other V8 flags) writes it anew on
// exit, and a cache made for another copy of the script (its size and time in the cache's header) is not
// used. Without the bundle (a tsc-only build) main.js runs as tsc wrote it. Like main.ts, an entry: it may
// touch `process`. CommonJS, so that a command that imports no ES module never starts Node's ES module loader.

import { readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { Script } from 'node:vm';

// main.ts sets this flag too; V8 keeps a cache only for the flags it was made under, so it is set before the
// script is compiled, the same at every run.
setFlagsFromString('--heap-growing-percent=20');

const SCRIPT = join(__dirname, '..', 'bundle', 'cli.cjs');
const CACHE = `${SCRIPT}.cache`;
/** The cache file's header: a mark, then the script's size and modification time the cache was made from. */
const MARK = 0x50445831; // "PDX1"
const HEADER_BYTES = 24;

function header(size: number, mtimeMs: number): Buffer {
  const h = Buffer.alloc(HEADER_BYTES);
  h.writeUInt32BE(MARK, 0);
  h.writeDoubleBE(size, 8);
  h.writeDoubleBE(mtimeMs, 16);
  return h;
}

/** The V8 data of the cache when it was made from this copy of the script; undefined otherwise. */
function cachedData(expected: Buffer): Buffer | undefined {
  try {
    const bytes = readFileSync(CACHE);
    return bytes.length > HEADER_BYTES && bytes.subarray(0, HEADER_BYTES).equals(expected)
      ? bytes.subarray(HEADER_BYTES)
      : undefined;
  } catch {
    return undefined;
  }
}

function run(): boolean {
  let source: string;
  let expected: Buffer;
  try {
    const st = statSync(SCRIPT);
    expected = header(st.size, st.mtimeMs);
    // ASCII (scripts/bundle.mjs): read as one byte a character.
    source = readFileSync(SCRIPT, 'latin1');
  } catch {
    return false;
  }
  const data = cachedData(expected);
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: SCRIPT,
    cachedData: data,
  });
  if (data === undefined || script.cachedDataRejected === true) {
    // Made on exit, when the functions the command ran are compiled too; written whole or not at all.
    process.once('exit', () => {
      const tmp = `${CACHE}.${process.pid}.tmp`;
      try {
        writeFileSync(tmp, Buffer.concat([expected, script.createCachedData()]));
        renameSync(tmp, CACHE);
      } catch {
        // A read-only install: every run compiles, as without a cache.
        try {
          rmSync(tmp, { force: true });
        } catch {
          // Nothing was written.
        }
      }
    });
  }
  const fn = script.runInThisContext() as (...args: unknown[]) => void;
  const module = { exports: {} };
  fn.call(module.exports, module.exports, createRequire(SCRIPT), module, SCRIPT, dirname(SCRIPT));
  return true;
}

if (!run()) {
  import('./main.js').catch((err: unknown) => {
    process.stderr.write(`patchdx: cannot start: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
  });
}
