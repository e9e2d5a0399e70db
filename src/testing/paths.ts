// Test support: where the repository's own samples live (examples/, fixtures/) and the shared real logs
// and seed threads beside the checkout (../shared/corpus, ../shared/seeds). Not part of the package.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../knowledge/paths.js';

/** The repository root (the folder that holds package.json). */
export function repoRoot(): string {
  return packageRoot();
}

/** A path under `examples/`. */
export function examplePath(...parts: string[]): string {
  return join(packageRoot(), 'examples', ...parts);
}

/** A path under `fixtures/` (constructed fixtures, each folder with a README). */
export function fixturePath(...parts: string[]): string {
  return join(packageRoot(), 'fixtures', ...parts);
}

/** A path under the shared corpus of real logs (`../shared/corpus`). */
export function corpusPath(...parts: string[]): string {
  return join(packageRoot(), '..', 'shared', 'corpus', ...parts);
}

/** A path under the shared seed threads (`../shared/seeds`). */
export function seedsPath(...parts: string[]): string {
  return join(packageRoot(), '..', 'shared', 'seeds', ...parts);
}

/** The command-line entry as installed: package.json's `bin` (the bundle `npm run build` writes). */
export function binPath(): string {
  const pkg = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as {
    bin: Record<string, string>;
  };
  return join(packageRoot(), pkg.bin.patchdx!);
}
