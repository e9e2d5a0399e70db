// Identity extractors shared by the servicing formats: component keys, long-form component identities,
// package identities, KB numbers, update names, file paths and the hashes CSI prints.

/** `amd64_microsoft-windows-servicingstack_31bf3856ad364e35_10.0.17763.2980_none_56b389839943c990`. */
export interface ComponentKey {
  key: string;
  arch: string;
  name: string;
  /** True when CSI shortened the name with `..` (it cannot be expanded without the manifest). */
  shortened: boolean;
  token: string;
  version: string;
  culture: string;
  hash: string;
}

const KEY_RE =
  /\b(amd64|x86|wow64|msil|arm64|arm|ia64)_([a-z0-9][a-z0-9._+-]*?)_([0-9a-f]{16})_(\d+\.\d+\.\d+\.\d+)_([a-z]{2,3}(?:-[a-z0-9]{2,8})*|none)_([0-9a-f]{16})\b/gi;

/** All component keys in a text, first occurrence order, without duplicates. */
export function componentKeys(text: string): ComponentKey[] {
  const out: ComponentKey[] = [];
  KEY_RE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = KEY_RE.exec(text)) !== null) {
    const key = m[0];
    if (out.some((k) => k.key.toLowerCase() === key.toLowerCase())) continue;
    out.push({
      key,
      arch: m[1]!.toLowerCase(),
      name: m[2]!,
      shortened: m[2]!.includes('..'),
      token: m[3]!.toLowerCase(),
      version: m[4]!,
      culture: m[5]!,
      hash: m[6]!.toLowerCase(),
    });
  }
  return out;
}

/** `Microsoft-Windows-Foo, version 10.0.20348.2849, arch amd64, nonSxS, pkt {l:8 b:31bf3856ad364e35}`. */
export interface LongIdentity {
  text: string;
  name: string;
  version: string;
  arch: string | null;
  token: string | null;
}

const LONG_RE =
  /([A-Za-z0-9][\w.\-+]*), (?:version|Version =) (\d+\.\d+\.\d+\.\d+)(?:, (?:arch|pA =) ([\w ()]+?))?(?:, [^{}]*?)?(?:pkt|PublicKeyToken =) \{l:8 b:([0-9a-f]{16})\}/g;

/** All long-form component identities in a text. */
export function longIdentities(text: string): LongIdentity[] {
  const out: LongIdentity[] = [];
  LONG_RE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = LONG_RE.exec(text)) !== null) {
    const arch = m[3] ? archName(m[3]) : null;
    out.push({ text: m[0], name: m[1]!, version: m[2]!, arch, token: m[4]! });
  }
  return out;
}

/** `PROCESSOR_ARCHITECTURE_INTEL (0)` (Win7 form) or `amd64` (Win10 form) → the component-key name. */
function archName(raw: string): string {
  const m = /PROCESSOR_ARCHITECTURE_(\w+)/.exec(raw);
  if (!m) return raw.trim().toLowerCase();
  const map: Record<string, string> = {
    INTEL: 'x86',
    AMD64: 'amd64',
    IA32_ON_WIN64: 'wow64',
    ARM64: 'arm64',
    ARM: 'arm',
    IA64: 'ia64',
    MSIL: 'msil',
  };
  return map[m[1]!] ?? m[1]!.toLowerCase();
}

/** `Package_8_for_KB5017270~31bf3856ad364e35~amd64~~10.0.3991.1`. */
export interface PackageIdentity {
  id: string;
  name: string;
  token: string;
  arch: string;
  language: string;
  version: string;
  kb: string | null;
}

const PKG_RE = /\b([A-Za-z][\w.-]*?)~([0-9a-f]{16})~(\w*)~([\w-]*)~(\d+(?:\.\d+){1,3})/g;

/** All package identities in a text. */
export function packageIdentities(text: string): PackageIdentity[] {
  const out: PackageIdentity[] = [];
  PKG_RE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = PKG_RE.exec(text)) !== null) {
    const id = m[0];
    if (out.some((p) => p.id === id)) continue;
    out.push({
      id,
      name: m[1]!,
      token: m[2]!,
      arch: m[3]!,
      language: m[4]!,
      version: m[5]!,
      kb: kbOf(m[1]!),
    });
  }
  return out;
}

/** KB number carried by a package name or title (`Package_8_for_KB5017270` → `KB5017270`). */
export function kbOf(text: string): string | null {
  const m = /KB(\d{6,7})(?!\d)/i.exec(text);
  return m ? `KB${m[1]}` : null;
}

/** KB number from an update name (`5017270-219_neutral` → `KB5017270`). */
export function kbOfUpdateName(text: string): string | null {
  const m = /\b(\d{6,7})-\d+_[a-z]+/i.exec(text);
  return m ? `KB${m[1]}` : null;
}

/** Expected/actual hash pair from a CSI hash-mismatch record, hex (SHA-256) or the Win7 base64 form. */
export interface HashPair {
  file: string | null;
  expected: string;
  actual: string;
  form: 'hex' | 'base64';
}

const HASH_VALUE = String.raw`\{l:(\d+)(?: ml:\d+)? b:([0-9A-Za-z+/=]+)\}`;
const EXPECTED_RE = new RegExp(String.raw`Expected:\s*` + HASH_VALUE);
const ACTUAL_RE = new RegExp(String.raw`(?:Actual|Found):\s*` + HASH_VALUE);
const MEMBER_RE = /file member (?:\[l:\d+(?:\{\d+\})?\]['"]([^'"]+)['"]|(\S+) do not match)/;

/** Hash pair of a `Hashes for file member … do not match. Expected: {…}. Actual: {…}.` record. */
export function hashPair(text: string): HashPair | null {
  const e = EXPECTED_RE.exec(text);
  const a = ACTUAL_RE.exec(text);
  if (!e || !a) return null;
  const hex = /^[0-9a-f]+$/i.test(e[2]!) && /^[0-9a-f]+$/i.test(a[2]!);
  const m = MEMBER_RE.exec(text);
  return {
    file: m ? (m[1] ?? m[2] ?? null) : null,
    expected: hex ? e[2]!.toLowerCase() : base64ToHex(e[2]!),
    actual: hex ? a[2]!.toLowerCase() : base64ToHex(a[2]!),
    form: hex ? 'hex' : 'base64',
  };
}

function base64ToHex(b64: string): string {
  return Buffer.from(b64, 'base64').toString('hex');
}

/** A length-prefixed CSI string: `[l:23]'name'`, `[l:34{17}]"name"`, `[37]'\??\C:\x'`. */
export function csiStrings(text: string): string[] {
  const out: string[] = [];
  const re = /\[(?:l:)?\d+(?:\{\d+\})?(?: ml:\d+)?\](['"])(.*?)\1/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) out.push(m[2]!);
  return out;
}

/** Normalise an NT or Win32 path to a plain drive path (`\??\C:\x`, `\\?\C:\x` → `C:\x`). */
export function plainPath(p: string): string {
  return p.replace(/^\\\?\?\\/, '').replace(/^\\\\\?\\/, '');
}

// Families: an identity without its version, the same thing across builds, rounds and machines.

const FAMILY_KEY =
  /^(amd64|x86|wow64|msil|arm64|arm|ia64)_(.+?)_([0-9a-f]{16})_\d+\.\d+\.\d+\.\d+_([a-z-]+|none)_[0-9a-f]{16}$/i;
const LONG_IDENTITY = /^([^,]+), version [\d.]+(?:, arch (\w+))?/i;
const PACKAGE_IDENTITY = /^([^~]+)~([0-9a-f]{16})?~(\w*)~([\w-]*)~[\d.]+$/i;
const TRAILING_VERSION = /[\s_~]v?\d+(?:\.\d+){2,3}$/;

/** `amd64_microsoft-windows-servicingstack_31bf…_10.0.17763.2980_none_56b3…` → `amd64_microsoft-windows-servicingstack`. */
export function componentFamily(component: string): string {
  const c = component.trim();
  const key = FAMILY_KEY.exec(c);
  if (key) return `${key[1]}_${key[2]}${key[4] && key[4] !== 'none' ? `_${key[4]}` : ''}`.toLowerCase();
  const long = LONG_IDENTITY.exec(c);
  if (long) return `${long[2] ? `${long[2]}_` : ''}${long[1]!.trim()}`.toLowerCase();
  const pkg = PACKAGE_IDENTITY.exec(c);
  if (pkg) return packageFamily(c);
  return c.replace(TRAILING_VERSION, '').toLowerCase();
}

/**
 * `Package_1861_for_KB5017315~31bf…~amd64~~10.0.1.5` → `package_for_kb5017315~amd64`;
 * `Package_for_RollupFix~31bf…~amd64~~17763.3165.1.10` → `package_for_rollupfix~amd64`.
 */
export function packageFamily(pkg: string): string {
  const p = pkg.trim().replace(/\.mum$/i, '');
  const m = PACKAGE_IDENTITY.exec(p);
  const name = (m ? m[1]! : p.replace(TRAILING_VERSION, '')).replace(/^(Package)_\d+_for_/i, '$1_for_');
  const arch = m?.[3] ? `~${m[3]}` : '';
  const lang = m?.[4] ? `~${m[4]}` : '';
  return `${name}${arch}${lang}`.toLowerCase();
}

/** `\??\C:\Windows\System32\wkscli.dll` → `wkscli.dll`. */
export function fileFamily(file: string): string {
  const parts = file.trim().split(/[\\/]/);
  return (parts[parts.length - 1] || file).toLowerCase();
}
