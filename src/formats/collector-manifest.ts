// The collector's manifest.json (`patchdx collector`, schema `patchdx.collect/1`): what was collected, and
// who and when — the computer's name, when the collection started and finished (UTC), the time zone and its
// offset. Those become the bundle's identity.

import type { InputIdentity } from '../model/types.js';
import { defineFormat, sourceOf, splitLines, wholeText } from './define-format.js';

const MAX_MANIFEST = 16 * 1024 * 1024;

/** The identity a manifest gives; fields it lacks or that have the wrong type are left out. */
export function manifestIdentity(manifest: unknown): Partial<InputIdentity> {
  if (!manifest || typeof manifest !== 'object') return {};
  const m = manifest as Record<string, unknown>;
  const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
  const out: Partial<InputIdentity> = {};
  const computer = text(m.computer);
  if (computer) out.computer = computer;
  const collectedAt = text(m.finishedUtc) ?? text(m.startedUtc);
  if (collectedAt) out.collectedAt = collectedAt;
  const timeZone = text(m.timeZone);
  if (timeZone) out.timeZone = timeZone;
  if (typeof m.utcOffsetMinutes === 'number' && Number.isInteger(m.utcOffsetMinutes))
    out.utcOffsetMinutes = m.utcOffsetMinutes;
  return out;
}

/** What the collector says it could not collect: items it found missing or that failed, with its reason. */
export function manifestItemProblems(manifest: unknown): { level: 'warning' | 'info'; message: string }[] {
  const items = (manifest as { items?: unknown } | null)?.items;
  if (!Array.isArray(items)) return [];
  const out: { level: 'warning' | 'info'; message: string }[] = [];
  for (const it of items as unknown[]) {
    if (!it || typeof it !== 'object') continue;
    const { item, status, detail } = it as Record<string, unknown>;
    if (typeof item !== 'string' || (status !== 'error' && status !== 'missing')) continue;
    const why = typeof detail === 'string' ? detail.replace(/^missing:\s*/, '').slice(0, 300) : '';
    out.push(
      status === 'error'
        ? { level: 'warning', message: `the collector could not collect ${item}: ${why}` }
        : { level: 'info', message: `the collector found nothing to collect for ${item}: ${why}` },
    );
  }
  return out;
}

/** The collector's manifest.json. */
export default defineFormat({
  id: 'collector-manifest',
  kind: 'manifest',
  summary: "patchdx collector's manifest.json: computer, collection time, time zone",
  // PowerShell's ConvertTo-Json writes `"schema":  "patchdx.collect/1"` (two spaces) near the top.
  sniff: (head) =>
    head.lines.slice(0, 5).join('\n').trimStart().startsWith('{') &&
    /"schema"\s*:\s*"patchdx\.collect\/\d+"/.test(head.lines.slice(0, 20).join('\n')),
  maxBytes: MAX_MANIFEST,
  read(input, ctx) {
    const text = wholeText(input, MAX_MANIFEST);
    try {
      const manifest: unknown = JSON.parse(text.replace(/^\uFEFF/, ''));
      Object.assign(ctx.identity, manifestIdentity(manifest));
      for (const p of manifestItemProblems(manifest)) ctx.diagnostics.push({ ...p, file: input.name });
    } catch (err) {
      ctx.diagnostics.push({
        level: 'warning',
        file: input.name,
        message: `the collector's manifest is not valid JSON (${(err as Error).message}); the computer and collection time are unknown`,
      });
    }
    ctx.sources.push(sourceOf(input, 'manifest', splitLines(text).length, 'utf8'));
  },
  samples: [
    {
      // Constructed from the manifest collectorScript() writes (remedy/collector.ts), ConvertTo-Json layout.
      name: 'manifest.json',
      text: [
        '{',
        '    "schema":  "patchdx.collect/1",',
        '    "collector":  "patchdx collector 0.1.0",',
        '    "startedUtc":  "2023-05-23T07:40:02.1234567Z",',
        '    "finishedUtc":  "2023-05-23T07:41:15.7654321Z",',
        '    "timeZone":  "China Standard Time",',
        '    "utcOffsetMinutes":  480,',
        '    "computer":  "DESKTOP-RVU7BLR",',
        '    "os":  {',
        '               "version":  "10.0.19045.0",',
        '               "build":  19045,',
        '               "ubr":  2965',
        '           },',
        '    "items":  [',
        '              ],',
        '    "errors":  [',
        '               ],',
        '    "files":  [',
        '              ]',
        '}',
      ].join('\r\n'),
      expect: {
        identity: {
          computer: 'DESKTOP-RVU7BLR',
          collectedAt: '2023-05-23T07:41:15.7654321Z',
          timeZone: 'China Standard Time',
          utcOffsetMinutes: 480,
        },
      },
    },
  ],
});
