// The rule registries, each sorted by id: the CBS/dism entry rules the engine runs over each TrustedInstaller
// run, and the bundle-level rules (story, enrichment, engine fallback) whose findings the timeline, the
// enrichment and the engine make through their definitions. Lint tests check both are sorted and complete;
// catalog.ts lists them with the cross-source checks.

import type { Rule } from './define-rule.js';
import type { StoryRule } from './define-story-rule.js';
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
import collectorDiskSpaceLow from './collector-disk-space-low.js';
import collectorRebootPending from './collector-reboot-pending.js';
import dismAppxPackageMissing from './dism-appx-package-missing.js';
import dismAppxVersionConflict from './dism-appx-version-conflict.js';
import dismOfflineHiveLocked from './dism-offline-hive-locked.js';
import dismSourceInvalid from './dism-source-invalid.js';
import dismUsageError from './dism-usage-error.js';
import dismWorkerStopped from './dism-worker-stopped.js';
import dismOutputFailed from './dism-output-failed.js';
import dismOutputHealth from './dism-output-health.js';
import evtSystemInstability from './evt-system-instability.js';
import evtUpdateFailed from './evt-update-failed.js';
import packagesPending from './packages-pending.js';
import setupSysprepAppxBlocked from './setup-sysprep-appx-blocked.js';
import setupUpgradeFailed from './setup-upgrade-failed.js';
import setupUserCancelled from './setup-user-cancelled.js';
import sfcOutput from './sfc-output.js';
import unexplainedFailure from './unexplained-failure.js';
import wuAutoUpdateDisabled from './wu-auto-update-disabled.js';
import wuDetectionFailed from './wu-detection-failed.js';
import wuDownloadFailed from './wu-download-failed.js';
import wuInstallFailed from './wu-install-failed.js';
import xUpdateGap from './x-update-gap.js';

/** CBS and dism entry rules. */
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
  dismAppxPackageMissing,
  dismAppxVersionConflict,
  dismOfflineHiveLocked,
  dismSourceInvalid,
  dismUsageError,
  dismWorkerStopped,
];

/** Bundle-level rules: findings made from the reconstructed story, the enrichment and the engine's fallback. */
export const storyRules: readonly StoryRule[] = [
  collectorDiskSpaceLow,
  collectorRebootPending,
  dismOutputFailed,
  dismOutputHealth,
  evtSystemInstability,
  evtUpdateFailed,
  packagesPending,
  setupSysprepAppxBlocked,
  setupUpgradeFailed,
  setupUserCancelled,
  sfcOutput,
  unexplainedFailure,
  wuAutoUpdateDisabled,
  wuDetectionFailed,
  wuDownloadFailed,
  wuInstallFailed,
  xUpdateGap,
];
