// Small helpers the rules share: looking around an entry, naming components, and formatting versions.

import type { LogEntry } from '../model/types.js';
import { componentKeys, longIdentities, packageIdentities } from '../parse/identity.js';

/** Entries after `e` in the run (up to `n`), in order. */
export function after(entries: readonly LogEntry[], i: number, n: number): LogEntry[] {
  return entries.slice(i + 1, i + 1 + n);
}

/** The best component name in a text: a component key, else a long-form identity `Name version`. */
export function componentIn(text: string): { component: string; version?: string } | null {
  const k = componentKeys(text)[0];
  if (k) return { component: k.key, version: k.version };
  const l = longIdentities(text)[0];
  if (l)
    return {
      component: `${l.name}, version ${l.version}${l.arch ? `, arch ${l.arch}` : ''}`,
      version: l.version,
    };
  return null;
}

/** The package identity named in a text (`rid = 'Package_8_for_KB…'`, `package: …`). */
export function packageIn(text: string): { package: string; kb: string | null } | null {
  const p = packageIdentities(text)[0];
  return p ? { package: p.id, kb: p.kb } : null;
}

/** `x` if defined and non-empty, else undefined: keeps optional facts out of objects. */
export function opt(x: string | null | undefined): string | undefined {
  return x ? x : undefined;
}

/** The generic tail of any failed operation: the attempt's chain, never a rule's own evidence. */
export const GENERIC_TAIL =
  /^(?:Failed to (?:process single phase|process Multi-phase|execute execution chain|resolve execution chain|stage execution chain|prepare execution|plan execution|FinalizeEx|perform operation)|WER:|Exec: Processing complete|Session: \S+ finalized)/i;

/** A DISM command handler's result line: `… - CPackageManagerCLIHandler::ExecuteCmdLine(hr:0x800f081f)`. */
export const DISM_RESULT = /::ExecuteCmdLine\(hr:(0x[0-9a-fA-F]{8})\)/;

/**
 * The DISM.EXE command a dism.log run belongs to (each run starts at its `Executing command line:` entry),
 * or null for a run of DismApi sessions only.
 */
export function dismCommandOf(entries: readonly LogEntry[]): { entry: LogEntry; command: string } | null {
  const entry = entries[0];
  const m = entry ? /^DISM\.EXE: Executing command line: (.+)$/.exec(entry.message) : null;
  return entry && m ? { entry, command: m[1]! } : null;
}
