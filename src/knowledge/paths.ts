// Where the knowledge data files live. The code runs compiled from `dist/src/knowledge/…` while the data
// stays in `src/knowledge/data/` (shipped as-is in the npm package), so paths are resolved from the
// package root, found by walking up from this module to the folder that holds `package.json`.

import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/**
 * The package root: the nearest folder above this module that holds a `package.json`.
 * @throws Error when no such folder exists (a broken installation).
 */
export function packageRoot(): string {
  if (root !== undefined) return root;
  const start = dirname(fileURLToPath(import.meta.url));
  let dir = start;
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) {
      root = dir;
      return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`patchdx: no package.json found above ${start}`);
    dir = parent;
  }
}

/** Absolute path of a file in `src/knowledge/data/` (e.g. `dataPath('codes.tsv')`). */
export function dataPath(name: string): string {
  return join(packageRoot(), 'src', 'knowledge', 'data', name);
}
