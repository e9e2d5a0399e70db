// File names of the generated scripts: the steps of a plan name the scripts that carry them out by these.

/** File names of the generated scripts (plans refer to them by these names). */
export const SCRIPT_NAMES = {
  testStoreFiles: 'Test-StoreFiles.ps1',
  resetCache: 'Reset-WindowsUpdateCache.ps1',
  resetCacheCmd: 'reset-wu-cache.cmd',
  installUpdates: 'Install-Updates.ps1',
  newSourcePack: 'New-SourcePack.ps1',
  repairFromSourcePack: 'Repair-FromSourcePack.ps1',
} as const;

/** The name of a generated script. */
export type ScriptName = (typeof SCRIPT_NAMES)[keyof typeof SCRIPT_NAMES];
