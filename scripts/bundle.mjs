// Start-up (issue 16): Node spends most of a short command's time resolving, reading and compiling the ~250
// modules tsc writes, one file each. This step (run by `npm run build`, after tsc) bundles the command line
// into a few files under dist/src/bundle/: the entry, one chunk per command (loaded when that command runs),
// and the thread entries the analysis starts (`new URL('./worker.js', import.meta.url)` and its siblings
// resolve beside the chunk that names them, so the thread entries are bundled under the same names). Packages
// stay external. The library (`dist/src/index.js`) stays unbundled: importers get the modules as tsc wrote them.
// The bundle sits at the same depth as the other dist/src folders, so paths to the package's data resolve
// alike.

import { build } from 'esbuild';
import { chmodSync, copyFileSync, rmSync } from 'node:fs';

const OUT = 'dist/src/bundle';

rmSync(OUT, { recursive: true, force: true });
await build({
  entryPoints: {
    main: 'dist/src/cli/main.js',
    worker: 'dist/src/analyze/worker.js',
    'pool-worker': 'dist/src/pool/pool-worker.js',
    'scan-worker': 'dist/src/web/scan-worker.js',
    'inflate-worker': 'dist/src/ingest/inflate-worker.js',
    'split-worker': 'dist/src/analyze/split-worker.js',
  },
  outdir: OUT,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  // The compiled modules carry their own source maps; the bundle is for start-up only.
  sourcemap: false,
  logLevel: 'warning',
});
// The thread entry piscina loads (CommonJS: it imports the ES module a task names).
copyFileSync('dist/src/pool/esm-entry.cjs', `${OUT}/esm-entry.cjs`);
chmodSync(`${OUT}/main.js`, 0o755);
