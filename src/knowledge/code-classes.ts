// Families of codes the cross-source checks reason with: which failures happen while getting an update
// (network, download manager, data store, WSUS protocol), and which an install gives when the files it
// needs are missing or damaged. Families follow the facility ranges of the public headers (wuerror.h,
// winerror.h); single codes are named where a range would say too much.

/** Ranges by code prefix (canonical lowercase `0x…`). */
const DOWNLOAD_SIDE: { prefix: string; what: string }[] = [
  { prefix: '0x80244', what: 'Windows Update protocol/transport (WU_E_PT_*)' },
  { prefix: '0x80246', what: 'Windows Update download manager (WU_E_DM_*)' },
  { prefix: '0x80248', what: 'Windows Update data store (WU_E_DS_*)' },
  { prefix: '0x8024a', what: 'Windows Update automatic updates (WU_E_AU_*)' },
  { prefix: '0x80072e', what: 'WinINet network errors' },
  { prefix: '0x80072f', what: 'WinINet network errors' },
  { prefix: '0x80190', what: 'HTTP status from the update server' },
  { prefix: '0x80d0', what: 'Delivery Optimization' },
];

const DOWNLOAD_SIDE_CODES = new Set([
  '0x80240438', // WU_E_PT_ENDPOINT_UNREACHABLE
  '0x8024401c', // WU_E_PT_HTTP_STATUS_REQUEST_TIMEOUT
  '0x80240022', // WU_E_ALL_UPDATES_FAILED (a whole download/install call)
  '0x800f0906', // CBS_E_DOWNLOAD_FAILURE
  '0x800f0907', // CBS_E_GROUPPOLICY_DISALLOWED
  '0x800f0950',
  '0x800f0954', // CBS_E_... WSUS fallback disallowed
]);

/** Install results that mean the content the install needed was missing, incomplete or damaged. */
const CONTENT_BROKEN = new Set([
  '0x80070490', // ERROR_NOT_FOUND
  '0x80073712', // ERROR_SXS_COMPONENT_STORE_CORRUPT
  '0x800f0986', // PSFX_E_APPLY_FORWARD_DELTA_FAILED
  '0x800f0985', // PSFX_E_APPLY_REVERSE_DELTA_FAILED
  '0x800f0982', // PSFX_E_MATCHING_COMPONENT_NOT_FOUND
  '0x800f081f', // CBS_E_SOURCE_MISSING
  '0x800f0831', // CBS_E_STORE_CORRUPTION
  '0x80070570', // ERROR_FILE_CORRUPT
  '0x8007000d', // ERROR_INVALID_DATA
  '0x80070002', // ERROR_FILE_NOT_FOUND
  '0x80070003', // ERROR_PATH_NOT_FOUND
  '0x8007025d', // ERROR_BAD_COMPRESSION_BUFFER
  '0x80092004', // CRYPT_E_NOT_FOUND
  '0x800b0100', // TRUST_E_NOSIGNATURE
  '0x800b0109', // CERT_E_UNTRUSTEDROOT
]);

/** True for failures while finding or fetching an update (network, WSUS, download manager, data store). */
export function isDownloadSide(code: string | null | undefined): boolean {
  if (!code) return false;
  const c = code.toLowerCase();
  return DOWNLOAD_SIDE_CODES.has(c) || DOWNLOAD_SIDE.some((r) => c.startsWith(r.prefix));
}

/** What family a download-side code belongs to, in words, or null. */
export function downloadSideFamily(code: string): string | null {
  const c = code.toLowerCase();
  return DOWNLOAD_SIDE.find((r) => c.startsWith(r.prefix))?.what ?? null;
}

/** True for install results that say the content was missing or damaged. */
export function isContentBroken(code: string | null | undefined): boolean {
  return !!code && CONTENT_BROKEN.has(code.toLowerCase());
}

/**
 * Failure codes that point at the component store (corrupt, missing or unreadable servicing content): the
 * plans answer them with the store repair after collecting CBS.log, and the e-mail triage says so. One list
 * for both, so the plan and the customer mail never disagree.
 */
const STORE_SIDE = new Set([
  '0x80073712', // ERROR_SXS_COMPONENT_STORE_CORRUPT
  '0x80073701', // ERROR_SXS_ASSEMBLY_MISSING
  '0x8007371b', // ERROR_SXS_TRANSACTION_CLOSURE_INCOMPLETE
  '0x800736cc', // ERROR_SXS_FILE_HASH_MISMATCH
  '0x800f0831', // CBS_E_STORE_CORRUPTION
  '0x800f0900', // CBS_E_XML_PARSER_FAILURE
  '0x800f0922', // CBS_E_INSTALLERS_FAILED
  '0x800f081f', // CBS_E_SOURCE_MISSING
  '0x800f0986', // PSFX_E_APPLY_FORWARD_DELTA_FAILED
  '0x800f0985', // PSFX_E_APPLY_REVERSE_DELTA_FAILED
  '0x800f0988', // PSFX_E_INVALID_DELTA_COMBINATION
  '0x80070570', // ERROR_FILE_CORRUPT
  '0x8007025d', // ERROR_BAD_COMPRESSION_BUFFER
  '0x80070490', // ERROR_NOT_FOUND
]);

/** True for failure codes that point at the component store. */
export function isStoreSide(code: string | null | undefined): boolean {
  return !!code && STORE_SIDE.has(code.toLowerCase());
}
