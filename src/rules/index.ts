// The rule registry: every rule, sorted by id. A lint test checks that it is sorted and complete.

import type { Rule } from './define-rule.js';
import cbsDeltaHydrationFailed from './cbs-delta-hydration-failed.js';
import cbsFileCorrupt from './cbs-file-corrupt.js';
import cbsFileHashMismatch from './cbs-file-hash-mismatch.js';
import cbsInstallersFailed from './cbs-installers-failed.js';
import cbsManifestCorrupt from './cbs-manifest-corrupt.js';
import cbsNotApplicable from './cbs-not-applicable.js';
import cbsNotFound from './cbs-not-found.js';
import cbsPackageManifestUnreadable from './cbs-package-manifest-unreadable.js';
import cbsReadinessReport from './cbs-readiness-report.js';
import cbsRebootPending from './cbs-reboot-pending.js';
import cbsServicingStackRequired from './cbs-servicing-stack-required.js';
import cbsSfcResults from './cbs-sfc-results.js';
import cbsSourceMissing from './cbs-source-missing.js';
import cbsStartupFailed from './cbs-startup-failed.js';
import cbsStoreCorrupt from './cbs-store-corrupt.js';
import cbsStoreMumMissing from './cbs-store-mum-missing.js';
import dismSourceInvalid from './dism-source-invalid.js';
import dismWorkerStopped from './dism-worker-stopped.js';

export const rules: readonly Rule[] = [
  cbsDeltaHydrationFailed,
  cbsFileCorrupt,
  cbsFileHashMismatch,
  cbsInstallersFailed,
  cbsManifestCorrupt,
  cbsNotApplicable,
  cbsNotFound,
  cbsPackageManifestUnreadable,
  cbsReadinessReport,
  cbsRebootPending,
  cbsServicingStackRequired,
  cbsSfcResults,
  cbsSourceMissing,
  cbsStartupFailed,
  cbsStoreCorrupt,
  cbsStoreMumMissing,
  dismSourceInvalid,
  dismWorkerStopped,
];
