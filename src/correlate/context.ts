// What the cross-source checks see: every attempt on the bundle's one clock (with the file it came from),
// the update histories built from them, the findings of every source, the sources themselves, and the
// Windows Update policy when a registry export gave it.

import type { Attempt, Finding, SourceInfo, UpdateHistory } from '../model/types.js';
import type { FileHash } from '../parse/file-hash.js';

/** Windows Update policy values found in a registry export, with where each was read. */
export interface PolicyFacts {
  wuServer: string | null;
  useWuServer: boolean | null;
  /** Policies that cut the machine off from Microsoft Update (no fallback when WSUS lacks content). */
  noInternetFallback: boolean;
  /** `file:line` of each value, for evidence. */
  evidence: { file: string; line: number; text: string }[];
}

export interface CrossContext {
  attempts: Attempt[];
  histories: UpdateHistory[];
  findings: Finding[];
  sources: SourceInfo[];
  policy: PolicyFacts | null;
  /** Hashes from captured Get-FileHash / certutil outputs, with the file they were read from. */
  fileHashes: (FileHash & { file: string })[];
  nextId: () => string;
}

/** The kinds of source that tell CBS's side of an install. */
export const CBS_KINDS = new Set(['cbs', 'dism']);

/** `2023-05-22T08:22:20Z` → `2023-05-22 08:22:20 UTC`; written times pass unchanged. */
export function showTime(t: string | null): string {
  if (!t) return '?';
  return /Z$/.test(t) ? `${t.replace('T', ' ').replace(/(\.\d+)?Z$/, '')} UTC` : t;
}
