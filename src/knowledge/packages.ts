// Published digests of update package files (.msu, .cab, .exe), so that a hash capture (Get-FileHash,
// certutil) or `explain` can tell whether a downloaded package is the genuine one. One data file,
// `data/packages.tsv`: the KB, the file name, the algorithm (SHA256, SHA1), the digest, a confidence and the
// evidence of each row. Rows come only from what a source shows (a seed's verified capture, a Windows Update
// download name in a corpus log); a leaf module.

import { eachDataLine } from './data-file.js';

/** How sure the table is of a row: as in builds.tsv. */
export type PackageConfidence = 'high' | 'medium' | 'low';

/** One published digest of one package file of an update. */
export interface PackageHash {
  /** `KB` + digits. */
  kb: string;
  /** The file's name (as published, or as the source shows it). */
  file: string;
  /** `SHA256` or `SHA1`. */
  algorithm: 'SHA256' | 'SHA1';
  /** Lower-case hex. */
  hash: string;
  confidence: PackageConfidence;
  /** Where the digest comes from. */
  evidence: string;
}

const FILE = 'packages.tsv';
const LENGTH = { SHA256: 64, SHA1: 40 } as const;

let table: { rows: PackageHash[]; problems: string[] } | undefined;

function load(): { rows: PackageHash[]; problems: string[] } {
  if (table) return table;
  const rows: PackageHash[] = [];
  const problems: string[] = [];
  eachDataLine(FILE, problems, (line, where) => {
    const c = line.split('\t');
    const [kb, file, algorithm, hash, confidence, evidence] = c;
    if (c.length !== 6) return void problems.push(`${where}: ${c.length} columns, expected 6`);
    if (!/^KB\d{6,7}$/.test(kb!)) return void problems.push(`${where}: bad KB ${kb}`);
    if (algorithm !== 'SHA256' && algorithm !== 'SHA1') return void problems.push(`${where}: bad algorithm`);
    if (!new RegExp(`^[0-9a-f]{${LENGTH[algorithm]}}$`).test(hash!))
      return void problems.push(`${where}: bad ${algorithm} digest`);
    if (confidence !== 'high' && confidence !== 'medium' && confidence !== 'low')
      return void problems.push(`${where}: bad confidence`);
    if (!file || !evidence || evidence.length < 20)
      return void problems.push(`${where}: file and evidence needed`);
    if (rows.some((r) => r.hash === hash)) return void problems.push(`${where}: duplicate digest`);
    rows.push({ kb: kb!, file, algorithm, hash: hash!, confidence, evidence });
  });
  table = { rows, problems };
  return table;
}

/** Problems met while loading the table; empty when clean. */
export function packageTableProblems(): string[] {
  return [...load().problems];
}

/** The published digests of a KB's package files (`KB5014692`, `kb5014692`, `5014692`). */
export function packagesOfKb(kb: string): PackageHash[] {
  const m = /^\s*(?:KB\s*)?(\d{6,7})\s*$/i.exec(kb);
  return m
    ? load()
        .rows.filter((r) => r.kb === `KB${m[1]}`)
        .map((r) => ({ ...r }))
    : [];
}

/** The package file a digest belongs to (any case, SHA-256 or SHA-1), or null. */
export function packageByHash(hash: string): PackageHash | null {
  const h = hash.trim().toLowerCase();
  const row = load().rows.find((r) => r.hash === h);
  return row ? { ...row } : null;
}
