// Start-up (issue 16): Node spends most of a short command's time resolving, reading and compiling the ~250
// modules tsc writes, one file each. This step (run by `npm run build`, after tsc) bundles them with esbuild
// into dist/src/bundle/:
// - the command line (src/cli/main.ts) as one CommonJS script, cli.cjs, which the bin (src/cli/launch.cts) runs
//   through V8's code cache; the commands' modules still run only when their command does (esbuild wraps
//   each lazily loaded module). The cache is made here by a first run of the bundled sample;
// - the thread entries the analysis starts (`new URL('./worker.js', import.meta.url)` and its siblings
//   resolve beside the script that names them, so they are bundled under the same names), as ES modules
//   sharing chunks.
// Packages stay external. The library (`dist/src/index.js`) stays unbundled: importers get the modules as tsc
// wrote them. The bundle sits at the same depth as the other dist/src folders, so paths to the package's
// data resolve alike.

import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import process from 'node:process';
import { chmodSync, copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';

const OUT = 'dist/src/bundle';
const API = resolve('dist/src/index.js');

/**
 * A module that imports one name of the public API (src/index.ts, re-exports only) would, bundled, start
 * every module the API names (their code, the Node modules they load) before its first line runs. This plugin
 * points each import of the API at the module that defines the name, as a bundler that follows re-exports
 * does: the same bindings, and `patchdx explain` starts the knowledge tables only.
 */
function throughApi() {
  const byName = new Map();
  const rest = readFileSync(API, 'utf8')
    .replace(/\/\/[^\n]*/g, '')
    .replace(/export\s*\{([^}]*)\}\s*from\s*'([^']+)';/g, (_, names, from) => {
      for (const spec of names
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean)) {
        const [name, as = name] = spec.split(/\s+as\s+/);
        byName.set(as, { name, file: resolve(dirname(API), from) });
      }
      return '';
    });
  if (rest.trim() !== '') throw new Error(`${API} must only re-export; found: ${rest.trim().slice(0, 200)}`);
  return {
    name: 'through-api',
    setup(b) {
      b.onLoad({ filter: /\.js$/ }, (args) => {
        const code = readFileSync(args.path, 'utf8');
        if (args.path === API || !code.includes('index.js')) return undefined;
        const dir = dirname(args.path);
        const isApi = (from) => from.startsWith('.') && resolve(dir, from) === API;
        const contents = code.replace(/import\s*\{([^}]*)\}\s*from\s*'([^']+)';/g, (whole, names, from) => {
          if (!isApi(from)) return whole;
          return names
            .split(',')
            .map((x) => x.trim())
            .filter(Boolean)
            .map((spec) => {
              const [name, local = name] = spec.split(/\s+as\s+/);
              const def = byName.get(name);
              if (!def) throw new Error(`${args.path}: ${name} is not exported by ${API}`);
              const to = relative(dir, def.file);
              return `import { ${def.name} as ${local} } from '${to.startsWith('.') ? to : `./${to}`}';`;
            })
            .join('\n');
        });
        for (const m of contents.matchAll(/(?:import|export)[^;]*?from\s*'([^']+)'/g))
          if (isApi(m[1]))
            throw new Error(`${args.path}: an import of the API this step cannot follow: ${m[0]}`);
        return { contents, loader: 'js', resolveDir: dir };
      });
    },
  };
}

rmSync(OUT, { recursive: true, force: true });
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  packages: 'external',
  // The compiled modules carry their own source maps; the bundle is for start-up only.
  sourcemap: false,
  logLevel: 'warning',
  plugins: [throughApi()],
};
await build({
  ...common,
  entryPoints: {
    worker: 'dist/src/analyze/worker.js',
    'pool-worker': 'dist/src/pool/pool-worker.js',
    'scan-worker': 'dist/src/web/scan-worker.js',
    'inflate-worker': 'dist/src/ingest/inflate-worker.js',
    'split-worker': 'dist/src/analyze/split-worker.js',
  },
  outdir: OUT,
  splitting: true,
  format: 'esm',
});
/**
 * Node 20 loses the dynamic-import callback of a script run from V8's code cache (`import()` then fails: "A
 * dynamic import callback was not specified"). In the command-line script a package's `import()` is a
 * `require()` of it instead, handed over as Node hands a CommonJS module to `import()` (`default` is
 * `module.exports`); every package the program imports so has a CommonJS build.
 */
function importsAsRequires() {
  return {
    name: 'imports-as-requires',
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, (args) =>
        args.kind === 'dynamic-import' ? { path: args.path, namespace: 'required' } : undefined,
      );
      b.onLoad({ filter: /.*/, namespace: 'required' }, (args) => ({
        contents: `module.exports = require(${JSON.stringify(args.path)});`,
        loader: 'js',
        resolveDir: resolve('.'),
      }));
    },
  };
}

await build({
  ...common,
  plugins: [...common.plugins, importsAsRequires()],
  entryPoints: ['dist/src/cli/main.js'],
  outfile: `${OUT}/cli.cjs`,
  format: 'cjs',
  charset: 'ascii',
  minifyWhitespace: true,
  // `import.meta.url` (threads, data files) is the script's own URL, as for the module it came from.
  define: { 'import.meta.url': '__moduleUrl' },
  banner: { js: 'var __moduleUrl = require("node:url").pathToFileURL(__filename).href;' },
});
// The launcher wraps the script in a function: a `#!` line kept from main.js would not parse there. esbuild
// escapes non-ASCII text except in regular expression literals (`/[:：]/`), where `\uFF1A` means the same:
// escaped here, the script is ASCII, read quickly and held by V8 at one byte a character.
const cli = readFileSync(`${OUT}/cli.cjs`, 'utf8')
  .replace(/^#!/, '//')
  .replace(/[^\0-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
writeFileSync(`${OUT}/cli.cjs`, cli);
if (/\bimport\(/.test(cli))
  throw new Error(`${OUT}/cli.cjs still has an import(): it would fail when run from the code cache`);
// The thread entry piscina loads (CommonJS: it imports the ES module a task names).
copyFileSync('dist/src/pool/esm-entry.cjs', `${OUT}/esm-entry.cjs`);
chmodSync('dist/src/cli/launch.cjs', 0o755);
// The code cache: made on the exit of a first run (an analysis of the bundled sample, which compiles the
// analysis, advice and report code a command runs; exit 1: the sample's failure is diagnosed).
const first = spawnSync(process.execPath, ['dist/src/cli/launch.cjs', 'analyze', 'examples/CBS.log'], {
  stdio: ['ignore', 'ignore', 'inherit'],
  env: { ...process.env, LANG: 'C' },
});
if (first.status !== 1)
  throw new Error(`the first run of the bundled command line exited with ${first.status}`);
readFileSync(`${OUT}/cli.cjs.cache`);
