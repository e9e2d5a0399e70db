// What patchdx knows about one thing a user can name: an error code (any written form), a KB, an OS build,
// a component identity or a package identity. Pure lookups over the knowledge tables; rendering is in report/.

import { lookupCode, type CodeInfo } from './codes.js';
import {
  missingSince,
  parseBuild,
  updateByKb,
  updateForBuild,
  updateShippingVersion,
  type UpdateInfo,
} from './builds.js';
import { packageByHash, packagesOfKb, type PackageHash } from './packages.js';

/** A component key taken apart (`amd64_name_token_version_culture_hash`). */
export interface ComponentParts {
  key: string;
  arch: string;
  name: string;
  shortened: boolean;
  publicKeyToken: string;
  version: string;
  culture: string;
  hash: string;
}

/** A package identity taken apart (`Name~token~arch~language~version`). */
export interface PackageParts {
  id: string;
  name: string;
  publicKeyToken: string;
  arch: string;
  language: string;
  version: string;
  kb: string | null;
}

export type Explained =
  | { kind: 'codes'; query: string; codes: CodeInfo[] }
  | {
      kind: 'update';
      query: string;
      update: UpdateInfo;
      prerequisites: (UpdateInfo | { kb: string })[];
      /** Published digests of the update's package files (a hash capture can be checked against them). */
      packages?: PackageHash[];
      /** When the query was a digest: the package file it is the digest of. */
      matchedPackage?: PackageHash;
    }
  | { kind: 'build'; query: string; build: string; update: UpdateInfo | null; missing: UpdateInfo[] }
  | {
      kind: 'component';
      query: string;
      parts: ComponentParts;
      shippedBy: { update: UpdateInfo; exact: boolean } | null;
    }
  | {
      kind: 'package';
      query: string;
      parts: PackageParts;
      update: UpdateInfo | null;
      shippedBy: { update: UpdateInfo; exact: boolean } | null;
    }
  | { kind: 'unknown'; query: string };

const KEY_RE =
  /^(amd64|x86|wow64|msil|arm64|arm)_([a-z0-9][a-z0-9._+-]*?)_([0-9a-f]{16})_(\d+\.\d+\.\d+\.\d+)_([a-z]{2,3}(?:-[a-z0-9]{2,8})*|none)_([0-9a-f]{16})$/i;
const PKG_RE = /^([A-Za-z][\w.-]*?)~([0-9a-f]{16})~(\w*)~([\w-]*)~(\d+(?:\.\d+){1,3})$/;

/** The update a KB names, with its prerequisites resolved where the table knows them. */
function updateResult(q: string, kb = q, matchedPackage?: PackageHash): Explained | null {
  const u = updateByKb(kb);
  if (!u) return null;
  const packages = packagesOfKb(u.kb);
  return {
    kind: 'update',
    query: q,
    update: u,
    prerequisites: u.prerequisites.map((p) => updateByKb(p) ?? { kb: p }),
    ...(packages.length > 0 ? { packages } : {}),
    ...(matchedPackage ? { matchedPackage } : {}),
  };
}

/** What patchdx knows of an error code, KB, build, component or package identity; never throws. */
export function explain(query: string): Explained {
  const q = query.trim();
  const kb = /^(?:KB)?(\d{6,7})$/i.exec(q);
  if (kb && /^KB/i.test(q)) {
    const u = updateResult(q);
    if (u) return u;
  }
  // A SHA-256 or SHA-1 digest of a downloaded package: the update it is the genuine file of.
  if (/^(?:[0-9a-f]{64}|[0-9a-f]{40})$/i.test(q)) {
    const p = packageByHash(q);
    const u = p ? updateResult(q, p.kb, p) : null;
    if (u) return u;
  }
  const key = KEY_RE.exec(q);
  if (key) {
    const parts: ComponentParts = {
      key: q,
      arch: key[1]!.toLowerCase(),
      name: key[2]!,
      shortened: key[2]!.includes('..'),
      publicKeyToken: key[3]!.toLowerCase(),
      version: key[4]!,
      culture: key[5]!,
      hash: key[6]!.toLowerCase(),
    };
    return { kind: 'component', query: q, parts, shippedBy: updateShippingVersion(parts.version) };
  }
  const pkg = PKG_RE.exec(q);
  if (pkg) {
    const kbm = /KB(\d{6,7})/i.exec(pkg[1]!);
    const parts: PackageParts = {
      id: q,
      name: pkg[1]!,
      publicKeyToken: pkg[2]!,
      arch: pkg[3]!,
      language: pkg[4]!,
      version: pkg[5]!,
      kb: kbm ? `KB${kbm[1]}` : null,
    };
    // A RollupFix version starts with the OS build (`17763.1879.1.5`); other packages carry their own versions.
    const rollup = /RollupFix|ServicingStack/i.test(parts.name) ? parseBuild(parts.version) : null;
    const update = parts.kb
      ? updateByKb(parts.kb)
      : rollup
        ? updateForBuild(`${rollup.osBuild}.${rollup.ubr}`)
        : null;
    return { kind: 'package', query: q, parts, update, shippedBy: null };
  }
  if (/^(?:10\.0\.)?\d{5}\.\d{1,5}$/.test(q)) {
    const b = parseBuild(q);
    if (b) {
      const build = `${b.osBuild}.${b.ubr}`;
      return { kind: 'build', query: q, build, update: updateForBuild(build), missing: missingSince(build) };
    }
  }
  const codes = lookupCode(q);
  if (codes.length > 0) return { kind: 'codes', query: q, codes };
  if (kb) {
    const u = updateResult(q);
    if (u) return u;
  }
  return { kind: 'unknown', query: q };
}
