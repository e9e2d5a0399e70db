// Removes compiled files under dist/ whose TypeScript source is gone (a moved or deleted module would
// otherwise linger in dist/ and be tested or packed). Runs before every build; plain JS so it needs none.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');

function walk(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p);
    else {
      const m = /^(.*)\.(?:js|d\.ts|js\.map|d\.ts\.map)$/.exec(relative(dist, p));
      if (m && !existsSync(join(root, `${m[1]}.ts`))) rmSync(p);
    }
  }
}

if (existsSync(dist))
  for (const top of ['src', 'bench', 'scripts']) if (existsSync(join(dist, top))) walk(join(dist, top));
