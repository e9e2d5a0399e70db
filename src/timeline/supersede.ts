// A failed update that a later one made moot: the same update installed at a later try (retried), or a later
// cumulative update of the same product installed after it (superseded). Cumulative updates carry every
// earlier month's changes, so once a later one is installed the failed one no longer needs to be. What makes
// two updates "the same product, later": one package family with a higher version (Package_for_RollupFix
// 17763.3165 → 17763.3287), one update title but for its month and KB ("2023-05 Cumulative Update for
// Windows 10 Version 22H2 …" → "2023-06 …"), or the knowledge table (same OS build, cumulative, later date).

import type { Attempt } from '../model/types.js';
import { updateByKb, type UpdateInfo } from '../knowledge/builds.js';
import { packageFamily } from '../parse/identity.js';
import { writtenMs } from './clock.js';

/** What resolved a failed attempt. */
export interface Resolution {
  how: 'retried' | 'superseded';
  /** The attempt that installed the update (or its successor). */
  by: Attempt;
}

/** Titles of updates that carry every earlier one of their product (any language Windows Update shows). */
const CUMULATIVE_TITLE =
  /Cumulative Update|Monthly Quality Rollup|Definition Update|Security Intelligence Update|累积更新|累積更新|安全智能更新|定义更新|누적 업데이트/i;
/** Month prefix and KB of a title: `2023-05 Cumulative Update for … (KB5026361)`. */
const TITLE_MONTH = /^\s*(\d{4}-\d{2})\s+/;
const TITLE_KB = /\s*\(KB\d{6,8}\)\s*/gi;
/** Definition updates name their version: `(Definition 1.247.865.0)`, `(版本 1.391.3478.0)`. */
const TITLE_VERSION = /\s*[-–]?\s*\((?:Definition|Version|版本|버전)\s*[\d.]+\)\s*/gi;
const PACKAGE_VERSION = /~(\d+(?:\.\d+){1,3})$/;

function time(a: Attempt, end = false): number {
  const t = end ? (a.endUtc ?? a.end ?? a.startUtc ?? a.start) : (a.startUtc ?? a.start);
  return writtenMs(t ?? '');
}

function compareVersions(a: string, b: string): number {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** `cumulative|<title without month, KB and version>` and its month, for a cumulative update's title. */
function titleProduct(title: string | null): { product: string; month: string | null } | null {
  if (!title || !CUMULATIVE_TITLE.test(title)) return null;
  const month = TITLE_MONTH.exec(title)?.[1] ?? null;
  // Runs of spaces are made one first: the patterns start with `\s*` and are tried at every position, so a
  // long run would cost its length squared (fuzz seed 1, inputs 4674 and 6249: minutes on one title).
  const product = title
    .replace(/\s+/g, ' ')
    .replace(TITLE_MONTH, '')
    .replace(TITLE_KB, ' ')
    .replace(TITLE_VERSION, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return product ? { product: product.toLowerCase(), month } : null;
}

/** A CBS package identity's family and version (`package_for_rollupfix~amd64`, `17763.3165.1.10`). */
function packageParts(pkg: string | null): { family: string; version: string } | null {
  if (!pkg || !pkg.includes('~')) return null;
  const v = PACKAGE_VERSION.exec(pkg.trim());
  return v ? { family: packageFamily(pkg), version: v[1]! } : null;
}

const CUMULATIVE_KINDS = new Set<UpdateInfo['kind']>(['CU', 'preview', 'OOB', 'NET']);

/** True when `later` is a later cumulative update of the product `failed` belongs to. */
export function supersedes(later: Attempt, failed: Attempt): boolean {
  if (later.kb && failed.kb && later.kb.toUpperCase() === failed.kb.toUpperCase()) return false;
  const a = packageParts(failed.package);
  const b = packageParts(later.package);
  if (a && b && a.family === b.family && /rollup/i.test(a.family))
    return compareVersions(b.version, a.version) > 0;
  const ta = titleProduct(failed.package);
  const tb = titleProduct(later.package);
  if (ta && tb && ta.product === tb.product) {
    if (ta.month && tb.month) return tb.month > ta.month;
    return time(later) > time(failed);
  }
  const ka = failed.kb ? updateByKb(failed.kb) : null;
  const kb = later.kb ? updateByKb(later.kb) : null;
  if (
    ka &&
    kb &&
    ka.osBuild === kb.osBuild &&
    CUMULATIVE_KINDS.has(ka.kind) &&
    CUMULATIVE_KINDS.has(kb.kind)
  ) {
    // .NET and OS cumulative updates are different products.
    if ((ka.kind === 'NET') !== (kb.kind === 'NET')) return false;
    return !!ka.date && !!kb.date && kb.date > ka.date;
  }
  return false;
}

function sameUpdate(a: Attempt, b: Attempt): boolean {
  if (a.kb && b.kb) return a.kb.toUpperCase() === b.kb.toUpperCase();
  return !!a.package && a.package === b.package;
}

/**
 * Marks each failed update attempt that a later successful install made moot: `retried` when the same
 * update installed later, `superseded` when a later cumulative update of its product did. Returns what
 * resolved each marked attempt, by attempt id. Store apps (kind `other`) and repairs are left alone.
 */
export function resolveLaterInstalls(attempts: Attempt[]): Map<string, Resolution> {
  const installed = attempts
    .filter((a) => a.kind === 'package' && (a.outcome === 'succeeded' || a.outcome === 'pending'))
    .map((a) => ({ a, at: time(a, true) }))
    .filter((x) => !Number.isNaN(x.at));
  const out = new Map<string, Resolution>();
  if (installed.length === 0) return out;
  for (const f of attempts) {
    if (f.outcome !== 'failed' || (f.kind !== 'package' && f.kind !== 'download')) continue;
    const at = time(f);
    if (Number.isNaN(at)) continue;
    const later = installed.filter((x) => x.at > at).sort((x, y) => x.at - y.at);
    const same = later.find((x) => sameUpdate(x.a, f));
    if (same) {
      out.set(f.id, { how: 'retried', by: same.a });
      continue;
    }
    const next = later.find((x) => supersedes(x.a, f));
    if (next) out.set(f.id, { how: 'superseded', by: next.a });
  }
  return out;
}
