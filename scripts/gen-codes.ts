// Regenerates src/knowledge/data/codes.tsv: a verbatim copy of the shared knowledge table (provenance column
// kept), written only after every row validates and the hand-curated table agrees with it.
// Usage: node dist/scripts/gen-codes.js [source.tsv] [--check]
//   source.tsv  default: ../shared/knowledge/codes.tsv relative to the repo root
//   --check     compare only; exit 1 when the data file is out of date

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';

import { dataPath, packageRoot } from '../src/knowledge/paths.js';

const SHARED_HEADER = 'code\tsymbolic_name\tfacility\tmeaning\tsource';
const CURATED_HEADER = 'code\tsymbolic_name\ten\tzh\tcause_en\tcause_zh\tremedy_en\tremedy_zh\tsource';
const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

interface Findings {
  errors: string[];
  warnings: string[];
}

interface SharedStats {
  rows: number;
  named: number;
  unnamed: number;
  placeholderNames: number;
  withMeaning: number;
}

/** Data lines of a TSV with their 1-based line numbers; the header is checked, a final newline is fine. */
function dataLines(text: string, file: string, header: string, f: Findings): [number, string][] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  if (lines[0] !== header) f.errors.push(`${file}:1: header must be ${JSON.stringify(header)}`);
  const out: [number, string][] = [];
  lines.forEach((line, i) => {
    if (i === 0) return;
    if (line.endsWith('\r')) f.errors.push(`${file}:${i + 1}: CRLF line end`);
    out.push([i + 1, line]);
  });
  return out;
}

function checkShared(
  text: string,
  file: string,
  f: Findings,
): { names: Map<string, string | null>; stats: SharedStats } {
  const names = new Map<string, string | null>();
  const byName = new Map<string, string>();
  const stats: SharedStats = { rows: 0, named: 0, unnamed: 0, placeholderNames: 0, withMeaning: 0 };
  for (const [n, line] of dataLines(text, file, SHARED_HEADER, f)) {
    const cols = line.split('\t');
    const where = `${file}:${n}`;
    if (cols.length !== 5) {
      f.errors.push(`${where}: ${cols.length} columns, expected 5`);
      continue;
    }
    const [code = '', name = '', , meaning = '', source = ''] = cols;
    if (!/^0x[0-9A-Fa-f]{8}$/.test(code)) {
      f.errors.push(`${where}: bad code ${JSON.stringify(code)}`);
      continue;
    }
    const key = code.toLowerCase();
    if (names.has(key)) {
      f.errors.push(`${where}: duplicate code ${key}`);
      continue;
    }
    stats.rows++;
    if (meaning !== '' && meaning !== '(name only)') stats.withMeaning++;
    if (source === '') f.warnings.push(`${where}: no source for ${key}`);
    if (name === '') {
      stats.unnamed++;
      names.set(key, null);
    } else if (!NAME_RE.test(name)) {
      stats.placeholderNames++;
      f.warnings.push(`${where}: ${key} has a placeholder, not a symbolic name: ${JSON.stringify(name)}`);
      names.set(key, null);
    } else {
      stats.named++;
      names.set(key, name);
      const other = byName.get(name.toUpperCase());
      if (other !== undefined) f.errors.push(`${where}: name ${name} used by ${other} and ${key}`);
      else byName.set(name.toUpperCase(), key);
    }
  }
  return { names, stats };
}

function checkCurated(
  text: string,
  file: string,
  shared: Map<string, string | null>,
  f: Findings,
): { rows: number; curatedOnly: string[]; withRemedy: number } {
  const seen = new Set<string>();
  const sharedByName = new Map<string, string>();
  for (const [code, name] of shared) if (name !== null) sharedByName.set(name.toUpperCase(), code);
  const curatedOnly: string[] = [];
  let withRemedy = 0;
  for (const [n, line] of dataLines(text, file, CURATED_HEADER, f)) {
    const cols = line.split('\t');
    const where = `${file}:${n}`;
    if (cols.length !== 9) {
      f.errors.push(`${where}: ${cols.length} columns, expected 9`);
      continue;
    }
    const [code = '', name = '', en, zh, causeEn, causeZh, remedyEn, remedyZh, source] = cols;
    if (!/^0x[0-9a-f]{8}$/.test(code)) {
      f.errors.push(`${where}: code must be 0x + 8 lowercase hex digits: ${JSON.stringify(code)}`);
      continue;
    }
    if (seen.has(code)) f.errors.push(`${where}: duplicate code ${code}`);
    seen.add(code);
    if (!en || !zh) f.errors.push(`${where}: ${code} needs both en and zh meanings`);
    if (!causeEn !== !causeZh) f.errors.push(`${where}: ${code} has cause in one language only`);
    if (!remedyEn !== !remedyZh) f.errors.push(`${where}: ${code} has remedy in one language only`);
    if (remedyEn) withRemedy++;
    if (!source) f.errors.push(`${where}: ${code} has no source`);
    if (name !== '' && !NAME_RE.test(name)) f.errors.push(`${where}: ${code} bad symbolic name ${name}`);
    if (!shared.has(code)) {
      curatedOnly.push(code);
    } else if (name !== '') {
      const sharedName = shared.get(code) ?? null;
      if (sharedName === null) f.warnings.push(`${where}: ${code} named ${name} here only`);
      else if (sharedName !== name)
        f.errors.push(`${where}: ${code} is ${name} here but ${sharedName} in codes.tsv`);
    }
    const owner = name === '' ? undefined : sharedByName.get(name.toUpperCase());
    if (owner !== undefined && owner !== code)
      f.errors.push(`${where}: ${name} belongs to ${owner} in codes.tsv`);
  }
  return { rows: seen.size, curatedOnly, withRemedy };
}

function main(argv: string[]): number {
  const check = argv.includes('--check');
  const positional = argv.filter((a) => !a.startsWith('--'));
  const root = packageRoot();
  const sourcePath = positional[0] ? resolve(positional[0]) : resolve(root, '../shared/knowledge/codes.tsv');
  const outPath = dataPath('codes.tsv');
  const curatedPath = dataPath('codes-curated.tsv');
  const show = (p: string): string => relative(process.cwd(), p) || p;

  if (!existsSync(sourcePath)) {
    console.error(`gen-codes: source ${show(sourcePath)} not found; pass its path as the first argument`);
    return 2;
  }
  const f: Findings = { errors: [], warnings: [] };
  const sourceBytes = readFileSync(sourcePath);
  const sourceText = sourceBytes.toString('utf8');
  const { names, stats } = checkShared(sourceText, show(sourcePath), f);
  const curated = existsSync(curatedPath)
    ? checkCurated(readFileSync(curatedPath, 'utf8'), show(curatedPath), names, f)
    : { rows: 0, curatedOnly: [], withRemedy: 0 };
  if (!existsSync(curatedPath)) f.warnings.push(`${show(curatedPath)}: not found`);

  for (const w of f.warnings) console.warn(`warning: ${w}`);
  for (const e of f.errors) console.error(`error: ${e}`);
  console.log(
    `codes.tsv: ${stats.rows} rows (${stats.named} named, ${stats.unnamed} unnamed, ` +
      `${stats.placeholderNames} placeholder names, ${stats.withMeaning} with a meaning)`,
  );
  console.log(
    `codes-curated.tsv: ${curated.rows} rows (${curated.withRemedy} with remedy, ` +
      `${curated.curatedOnly.length} not in codes.tsv: ${curated.curatedOnly.join(' ') || '-'})`,
  );
  console.log(`${f.errors.length} errors, ${f.warnings.length} warnings`);
  if (f.errors.length > 0) {
    console.error(`gen-codes: ${show(outPath)} not written`);
    return 1;
  }

  const current = existsSync(outPath) ? readFileSync(outPath) : null;
  if (current !== null && current.equals(sourceBytes)) {
    console.log(`${show(outPath)} is up to date`);
    return 0;
  }
  if (check) {
    console.error(`gen-codes: ${show(outPath)} is out of date; run npm run gen:codes`);
    return 1;
  }
  writeFileSync(outPath, sourceBytes);
  console.log(`wrote ${show(outPath)}`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
