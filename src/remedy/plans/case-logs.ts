// Case inputs more than one plan answers (a DISM report can need a repair source and a store repair).

/** Old-layout ScanHealth report, no timestamps: RestoreHealth finds one corrupt payload and no source (0x800f081f). */
export const RESTORE_HEALTH_NO_SOURCE = `2021-06-01 10:00:00, Info                  CBS    Checking System Update Readiness.
(p)	CSI Payload Corrupt			(n)		amd64_microsoft-windows-a..modernappmanagement_31bf3856ad364e35_10.0.19041.3636_none_23b3b3ece690d77b\\EnterpriseModernAppMgmtCSP.dll
Repair failed: Missing replacement payload.

Summary:
Operation: Detect and Repair 
Operation result: 0x800f081f
Last Successful Step: Remove staged packages completes.
Total Detected Corruption:	1
	CSI Payload Corruption:	1
Total Repaired Corruption:	0
Total Operation Time: 39 seconds.`;
