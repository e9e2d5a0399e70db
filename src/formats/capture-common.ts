// What the captured command outputs (dism and sfc console, OS version, package lists, registry exports,
// file hashes, systeminfo, the collector's own notes) share: they are small, read whole and described as a
// source of their kind without a clock.

import { sniffEncoding } from '../ingest/encoding.js';
import type { Input } from '../ingest/inputs.js';
import { parseDismConsole } from '../parse/dism-console.js';
import { parseSfcConsole } from '../parse/sfc-console.js';
import { buildsFromCaptures, dismConsoleFindings, sfcConsoleFindings } from '../timeline/outputs-story.js';
import {
  defineFormat,
  sourceOf,
  splitLines,
  wholeText,
  type BundleContext,
  type Format,
} from './define-format.js';

/** Captured outputs are read whole: a full `reg export` of HKLM\\SOFTWARE runs to tens of MB. */
export const MAX_TEXT_OUTPUT = 64 * 1024 * 1024;

/** Reads a capture whole, lets `use` take its facts, and records it as a source of `kind`. */
export function readCapture(
  input: Input,
  ctx: BundleContext,
  kind: string,
  use: (text: string) => void,
): void {
  const text = wholeText(input, MAX_TEXT_OUTPUT);
  use(text);
  const encoding = sniffEncoding(input.head()).encoding;
  ctx.sources.push(sourceOf(input, kind, splitLines(text).length, encoding));
}

/**
 * A console capture (DISM or sfc): both readers look at it, as a capture may hold a DISM run and an sfc run
 * one after the other.
 */
export function readConsole(input: Input, ctx: BundleContext): void {
  readCapture(input, ctx, 'console', (text) => {
    const dism = parseDismConsole(text);
    ctx.findings.push(...dismConsoleFindings(input.name, text, dism, ctx.nextFinding));
    ctx.findings.push(...sfcConsoleFindings(input.name, text, parseSfcConsole(text), ctx.nextFinding));
    ctx.reportedBuilds.push(...buildsFromCaptures(input.name, [], dism, []));
  });
}

/** A capture format: read whole (up to {@link MAX_TEXT_OUTPUT}), no clock. */
export function defineCapture(format: Omit<Format, 'maxBytes'>): Format {
  return defineFormat({ ...format, maxBytes: MAX_TEXT_OUTPUT });
}
