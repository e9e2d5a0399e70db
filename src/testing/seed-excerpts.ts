// Test support: the CBS log lines quoted in the seed threads (../shared/seeds), each excerpt as its own
// block, e-mail artefacts included, as the engineers pasted them.

import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { seedsPath } from './paths.js';

const seeds = seedsPath();

/** The CBS log excerpts quoted in a seed thread, each as its own block of lines. */
export function seedExcerpts(prefix: string): string[] {
  const file = readdirSync(seeds).find((f) => f.startsWith(prefix));
  if (!file) throw new Error(`seed ${prefix} missing from ${seeds}`);
  const lines = readFileSync(join(seeds, file), 'utf8').split(/\r?\n/);
  const blocks: string[][] = [];
  let cur: string[] | null = null;
  for (const l of lines) {
    if (/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d, /.test(l)) {
      cur ??= [];
      cur.push(l);
    } else if (cur && /^(?:\s|\[gle=)/.test(l) && l.trim() !== '') {
      cur.push(l);
    } else if (cur) {
      blocks.push(cur);
      cur = null;
    }
  }
  if (cur) blocks.push(cur);
  return blocks.map((b) => b.join('\r\n') + '\r\n');
}
