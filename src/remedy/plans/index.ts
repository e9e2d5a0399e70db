// Every remediation plan, one per root-cause rule id, sorted by id (a lint checks it is sorted and complete).

import type { PlanDef } from './define-plan.js';
import cbsDeltaHydrationFailed from './cbs-delta-hydration-failed.js';
import cbsFileCorrupt from './cbs-file-corrupt.js';
import cbsFileHashMismatch from './cbs-file-hash-mismatch.js';
import cbsInstallersFailed from './cbs-installers-failed.js';
import cbsManifestCorrupt from './cbs-manifest-corrupt.js';
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
import dismAppxPackageMissing from './dism-appx-package-missing.js';
import dismAppxVersionConflict from './dism-appx-version-conflict.js';
import dismOfflineHiveLocked from './dism-offline-hive-locked.js';
import dismOutputFailed from './dism-output-failed.js';
import dismOutputHealth from './dism-output-health.js';
import dismSourceInvalid from './dism-source-invalid.js';
import dismUsageError from './dism-usage-error.js';
import dismWorkerStopped from './dism-worker-stopped.js';
import evtSystemInstability from './evt-system-instability.js';
import evtUpdateFailed from './evt-update-failed.js';
import setupSysprepAppxBlocked from './setup-sysprep-appx-blocked.js';
import setupUpgradeFailed from './setup-upgrade-failed.js';
import sfcOutput from './sfc-output.js';
import unexplainedFailure from './unexplained-failure.js';
import wuDetectionFailed from './wu-detection-failed.js';
import wuDownloadFailed from './wu-download-failed.js';
import wuInstallFailed from './wu-install-failed.js';
import xCorruptionMoving from './x-corruption-moving.js';
import xDownloadThenInstallFailed from './x-download-then-install-failed.js';
import xUpdateGap from './x-update-gap.js';
import xWsusDownloadFailed from './x-wsus-download-failed.js';

/** The plans, sorted by rule id. */
export const plans: readonly PlanDef[] = [
  cbsDeltaHydrationFailed,
  cbsFileCorrupt,
  cbsFileHashMismatch,
  cbsInstallersFailed,
  cbsManifestCorrupt,
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
  dismOutputFailed,
  dismOutputHealth,
  dismSourceInvalid,
  dismUsageError,
  dismWorkerStopped,
  evtSystemInstability,
  evtUpdateFailed,
  setupSysprepAppxBlocked,
  setupUpgradeFailed,
  sfcOutput,
  unexplainedFailure,
  wuDetectionFailed,
  wuDownloadFailed,
  wuInstallFailed,
  xCorruptionMoving,
  xDownloadThenInstallFailed,
  xUpdateGap,
  xWsusDownloadFailed,
];

/** The plan of each rule id. */
export const planByRule: ReadonlyMap<string, PlanDef> = new Map(plans.map((p) => [p.rule, p]));
