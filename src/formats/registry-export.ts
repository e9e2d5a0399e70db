// Registry captures: a regedit `.reg` export or `reg query` output. The Windows Update policy they set
// (WSUS server, no Internet fallback) becomes the bundle's policy facts, with the lines that set it.

import type { PolicyFacts } from '../correlate/context.js';
import {
  parseRegistryExport,
  detectRegistryExport,
  samples,
  windowsUpdatePolicy,
} from '../parse/registry-export.js';
import { defineCapture, readCapture } from './capture-common.js';
import { splitLines } from './define-format.js';

/** The Windows Update policy a registry export sets, with the lines that set it; null when it sets none. */
function policyFacts(
  file: string,
  text: string,
  p: ReturnType<typeof windowsUpdatePolicy>,
): PolicyFacts | null {
  if (Object.values(p).every((v) => v === null)) return null;
  const lines = splitLines(text);
  // The values the WSUS check reasons with are its evidence.
  const cited = [
    p.wuServer,
    p.useWUServer,
    p.doNotConnectToWindowsUpdateInternetLocations,
    p.disableWindowsUpdateAccess,
  ];
  return {
    wuServer: p.wuServer?.value ?? null,
    useWuServer: p.useWUServer ? p.useWUServer.value === 1 : null,
    noInternetFallback:
      p.doNotConnectToWindowsUpdateInternetLocations?.value === 1 ||
      p.disableWindowsUpdateAccess?.value === 1,
    evidence: cited
      .filter((v): v is NonNullable<typeof v> => v !== null)
      .map((v) => ({ file, line: v.line, text: (lines[v.line - 1] ?? '').trim() })),
  };
}

/** A .reg export or reg query output. */
export default defineCapture({
  id: 'registry-export',
  kind: 'registry',
  summary: 'registry capture: .reg export or reg query output',
  sniff: (head) => detectRegistryExport(head.lines),
  read: (input, ctx) =>
    readCapture(input, ctx, 'registry', (text) => {
      const policy = windowsUpdatePolicy(parseRegistryExport(text));
      ctx.policy = policyFacts(input.name, text, policy) ?? ctx.policy;
    }),
  samples: samples.map((s, i) => ({ name: `registry ${i + 1}`, text: s.text })),
});
