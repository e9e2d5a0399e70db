// The PowerShell log collector (`patchdx collector > collect.ps1`): run elevated on the broken machine, it
// copies and exports everything patchdx reads, changes nothing, and writes one zip laid out as below. The
// analyzer's bundle tests use exactly this layout, so it is declared once here (COLLECTOR_LAYOUT) and the
// script's own header is generated from it:
//
//   manifest.json                      what was collected: files (size, SHA-256), items (ok/missing/error),
//                                      errors, collection times, computer, OS build and UBR
//   CBS/                               %windir%\Logs\CBS: CBS.log, CbsPersist_*.log / *.cab, the rest
//   DISM/                              %windir%\Logs\DISM: dism.log
//   WindowsUpdate/WindowsUpdate.log    Get-WindowsUpdateLog output (or the old plain-text log)
//   WindowsUpdate/ReportingEvents.log  %windir%\SoftwareDistribution\ReportingEvents.log
//   EventLogs/Setup.evtx, System.evtx, Application.evtx, WindowsUpdateClient-Operational.evtx (wevtutil epl)
//   Commands/systeminfo.txt            systeminfo (console code page, e.g. GBK)
//   Commands/dism-checkhealth.txt      DISM /Online /Cleanup-Image /CheckHealth
//   Commands/dism-get-packages.txt     dism /online /get-packages /format:table
//   Commands/pending.txt               pending.xml, RebootPending, RebootRequired, PendingFileRenameOperations
//   Commands/disk-space.txt            Get-Volume and Win32_LogicalDisk
//   Commands/os-build.txt              OS version, build, UBR, edition
//   Registry/WindowsUpdate-policy.reg  reg export HKLM\SOFTWARE\Policies\Microsoft\Windows\WindowsUpdate
//   Registry/CurrentVersion.reg        reg export HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion

import { VERSION } from '../version.js';

/** One entry of the collector's zip layout. */
export interface LayoutEntry {
  /** Path inside the zip, `/`-separated; a trailing `/` is a folder of copied files. */
  path: string;
  what: string;
}

/** The collector's zip layout: the folder names and files the analyzer can rely on. */
export const COLLECTOR_LAYOUT: readonly LayoutEntry[] = [
  {
    path: 'manifest.json',
    what: 'files (bytes, SHA-256), items (ok/missing/error), errors, times, OS build',
  },
  { path: 'CBS/', what: '%windir%\\Logs\\CBS: CBS.log, CbsPersist_*.log and *.cab, and the other files' },
  { path: 'DISM/', what: '%windir%\\Logs\\DISM: dism.log' },
  {
    path: 'WindowsUpdate/WindowsUpdate.log',
    what: 'Get-WindowsUpdateLog output (the plain log on old systems)',
  },
  { path: 'WindowsUpdate/ReportingEvents.log', what: '%windir%\\SoftwareDistribution\\ReportingEvents.log' },
  { path: 'EventLogs/Setup.evtx', what: 'wevtutil epl Setup' },
  { path: 'EventLogs/System.evtx', what: 'wevtutil epl System' },
  { path: 'EventLogs/Application.evtx', what: 'wevtutil epl Application' },
  {
    path: 'EventLogs/WindowsUpdateClient-Operational.evtx',
    what: 'wevtutil epl Microsoft-Windows-WindowsUpdateClient/Operational',
  },
  { path: 'Commands/systeminfo.txt', what: 'systeminfo, in the console code page (GBK on Chinese Windows)' },
  { path: 'Commands/dism-checkhealth.txt', what: 'DISM /Online /Cleanup-Image /CheckHealth' },
  { path: 'Commands/dism-get-packages.txt', what: 'dism /online /get-packages /format:table' },
  {
    path: 'Commands/pending.txt',
    what: 'pending.xml, RebootPending, RebootRequired, PendingFileRenameOperations',
  },
  { path: 'Commands/disk-space.txt', what: 'free space: Get-Volume and Win32_LogicalDisk' },
  { path: 'Commands/os-build.txt', what: 'OS version, build and UBR, product name, edition' },
  {
    path: 'Registry/WindowsUpdate-policy.reg',
    what: 'reg export HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\WindowsUpdate',
  },
  {
    path: 'Registry/CurrentVersion.reg',
    what: 'reg export HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion',
  },
];

const ps = String.raw;

/**
 * The collector script. Read-only on the machine (it writes only its staging folder in %TEMP% and the
 * zip), PowerShell 5.1, needs an elevated session and says so. Every item runs in its own try/catch: a
 * missing or failing item is recorded in manifest.json and the rest is still collected.
 */
export function collectorScript(opts: { version?: string } = {}): string {
  const version = (opts.version ?? VERSION).replace(/[^0-9A-Za-z.+-]/g, '');
  const width = Math.max(...COLLECTOR_LAYOUT.map((e) => e.path.length)) + 2;
  const layout = COLLECTOR_LAYOUT.map((e) => `#   ${e.path.padEnd(width)}${e.what}`);
  const head = [
    '# .SYNOPSIS',
    `# patchdx log collector (patchdx ${version}): collects the Windows servicing logs of this machine into`,
    '# one zip for `patchdx analyze`. It changes nothing on the machine.',
    '#',
    '# .DESCRIPTION',
    '# Run it from an elevated Windows PowerShell (5.1 or later). It copies the CBS and DISM logs, builds',
    '# WindowsUpdate.log, exports the Setup, System and Application event logs, records systeminfo, the',
    '# DISM CheckHealth result, the installed packages, pending operations, free disk space, the OS build',
    '# and UBR, and the Windows Update policy keys, into patchdx-collect-<computer>-<timestamp>.zip on the',
    '# Desktop (or -OutputDirectory). Each item is collected on its own: one that is missing or fails is',
    '# recorded in manifest.json and the rest is still collected. The CBS and DISM logs are copied last so',
    '# that they include the CheckHealth and get-packages runs. The staging folder in %TEMP% is removed',
    '# once the zip is written.',
    '#',
    '# Layout of the zip:',
    ...layout,
    '#',
    '# .PARAMETER OutputDirectory',
    '# Where the zip goes (default: the Desktop).',
    '#',
    '# .EXAMPLE',
    '# powershell -ExecutionPolicy Bypass -File .\\collect.ps1',
  ];
  return `${head.join('\n')}

${ps`#Requires -Version 5.1
[CmdletBinding()]
param(
    [string]$OutputDirectory = ''
)

$ErrorActionPreference = 'Stop'
$Collector = 'patchdx collector ${version}'
$Started = (Get-Date).ToUniversalTime().ToString('o')
$Stamp = Get-Date -Format 'yyyyMMdd-HHmmss'

function Test-IsAdmin {
    $principal = New-Object Security.Principal.WindowsPrincipal ([Security.Principal.WindowsIdentity]::GetCurrent())
    return $principal.IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator)
}

if (-not (Test-IsAdmin)) {
    Write-Host 'patchdx collector needs an elevated PowerShell: right-click Windows PowerShell, choose Run as administrator, and run this script again.' -ForegroundColor Red
    exit 2
}

if (-not $OutputDirectory) {
    $OutputDirectory = [Environment]::GetFolderPath('Desktop')
    if (-not $OutputDirectory -or -not (Test-Path -LiteralPath $OutputDirectory)) { $OutputDirectory = $env:TEMP }
}
$Name = 'patchdx-collect-' + $env:COMPUTERNAME + '-' + $Stamp
$Stage = Join-Path $env:TEMP $Name
$ZipPath = Join-Path $OutputDirectory ($Name + '.zip')
foreach ($dir in @('CBS', 'DISM', 'WindowsUpdate', 'EventLogs', 'Commands', 'Registry')) {
    New-Item -ItemType Directory -Path (Join-Path $Stage $dir) -Force | Out-Null
}
$Items = New-Object System.Collections.ArrayList
$Errors = New-Object System.Collections.ArrayList

if ([Environment]::Is64BitOperatingSystem -and -not [Environment]::Is64BitProcess) {
    $Sys = Join-Path $env:windir 'Sysnative'
} else {
    $Sys = Join-Path $env:windir 'System32'
}

function Invoke-Step([string]$Item, [scriptblock]$Action) {
    # Runs one collection step on its own; a step returns 'missing: why' when there is nothing to collect.
    Write-Host ('[patchdx] ' + $Item)
    try {
        $detail = [string](& $Action)
        $status = 'ok'
        if ($detail.StartsWith('missing:')) { $status = 'missing' }
        [void]$Items.Add([ordered]@{ item = $Item; status = $status; detail = $detail })
    } catch {
        $message = $_.Exception.Message
        [void]$Items.Add([ordered]@{ item = $Item; status = 'error'; detail = $message })
        [void]$Errors.Add($Item + ': ' + $message)
        Write-Warning ($Item + ': ' + $message)
    }
}

function Write-Text([string]$Rel, [string]$Text) {
    [IO.File]::WriteAllText((Join-Path $Stage $Rel), $Text, (New-Object Text.UTF8Encoding $false))
}

function Copy-Shared([string]$Source, [string]$Destination) {
    # Opened with full sharing: CBS.log is still open for writing while TrustedInstaller runs.
    $in = [IO.File]::Open($Source, [IO.FileMode]::Open, [IO.FileAccess]::Read, [IO.FileShare]'ReadWrite, Delete')
    try {
        $out = [IO.File]::Create($Destination)
        try { $in.CopyTo($out) } finally { $out.Dispose() }
    } finally {
        $in.Dispose()
    }
    (Get-Item -LiteralPath $Destination).LastWriteTimeUtc = (Get-Item -LiteralPath $Source).LastWriteTimeUtc
}

function Copy-Folder([string]$Source, [string]$Rel) {
    if (-not (Test-Path -LiteralPath $Source)) { return ('missing: ' + $Source + ' does not exist') }
    $copied = 0
    foreach ($f in @(Get-ChildItem -LiteralPath $Source -File -Force)) {
        try {
            Copy-Shared $f.FullName (Join-Path (Join-Path $Stage $Rel) $f.Name)
            $copied++
        } catch {
            [void]$Errors.Add($Rel + '/' + $f.Name + ': ' + $_.Exception.Message)
        }
    }
    return ([string]$copied + ' file(s) from ' + $Source)
}

function Invoke-Capture([string]$Rel, [string]$FilePath, [string[]]$Arguments, [int]$TimeoutMinutes = 20) {
    # Runs a program with its output redirected byte for byte (console code page) into the stage.
    $out = Join-Path $Stage $Rel
    $err = $out + '.stderr'
    $start = @{ FilePath = $FilePath; RedirectStandardOutput = $out; RedirectStandardError = $err; NoNewWindow = $true; PassThru = $true }
    if ($Arguments.Count -gt 0) { $start.ArgumentList = $Arguments }
    $proc = Start-Process @start
    $null = $proc.Handle
    if (-not $proc.WaitForExit($TimeoutMinutes * 60000)) {
        throw ($FilePath + ' did not finish within ' + [string]$TimeoutMinutes + ' minutes; its output may be partial.')
    }
    if ((Test-Path -LiteralPath $err) -and (Get-Item -LiteralPath $err).Length -eq 0) { Remove-Item -LiteralPath $err -Force }
    return ('exit code ' + [string]$proc.ExitCode)
}

function Export-Key([string]$Key, [string]$Rel) {
    $psPath = $Key -replace '^HKLM\\', 'HKLM:\'
    if (-not (Test-Path -LiteralPath $psPath)) { return ('missing: ' + $Key + ' does not exist') }
    $code = Invoke-Capture ($Rel + '.out') (Join-Path $Sys 'reg.exe') @('export', ('"' + $Key + '"'), ('"' + (Join-Path $Stage $Rel) + '"'), '/y')
    Remove-Item -LiteralPath (Join-Path $Stage ($Rel + '.out')) -Force -ErrorAction SilentlyContinue
    return $code
}

$Cv = $null
try { $Cv = Get-ItemProperty -LiteralPath 'HKLM:\SOFTWARE\Microsoft\Windows NT\CurrentVersion' } catch { $Cv = $null }
$Os = [ordered]@{ version = [Environment]::OSVersion.Version.ToString(); build = [Environment]::OSVersion.Version.Build; ubr = $null; productName = ''; displayVersion = ''; editionId = ''; installationType = '' }
if ($Cv) {
    if ($null -ne $Cv.UBR) { $Os.ubr = [int]$Cv.UBR }
    $Os.productName = [string]$Cv.ProductName
    $Os.displayVersion = [string]$Cv.DisplayVersion
    if (-not $Os.displayVersion) { $Os.displayVersion = [string]$Cv.ReleaseId }
    $Os.editionId = [string]$Cv.EditionID
    $Os.installationType = [string]$Cv.InstallationType
}

Invoke-Step 'Commands/os-build.txt' {
    $lines = @('OS version: ' + $Os.version, 'OS build: ' + [string]$Os.build + '.' + [string]$Os.ubr, 'UBR: ' + [string]$Os.ubr, 'Product: ' + $Os.productName, 'Version: ' + $Os.displayVersion, 'Edition: ' + $Os.editionId, 'Installation type: ' + $Os.installationType)
    Write-Text 'Commands\os-build.txt' (($lines -join [Environment]::NewLine) + [Environment]::NewLine)
    return ([string]$Os.build + '.' + [string]$Os.ubr)
}

Invoke-Step 'Commands/systeminfo.txt' {
    Invoke-Capture 'Commands\systeminfo.txt' (Join-Path $Sys 'systeminfo.exe') @()
}

Invoke-Step 'Commands/disk-space.txt' {
    $text = ''
    try {
        $text += (Get-Volume | Format-Table -AutoSize DriveLetter, FileSystemLabel, FileSystem, DriveType, HealthStatus, SizeRemaining, Size | Out-String -Width 200)
    } catch {
        $text += 'Get-Volume: ' + $_.Exception.Message + [Environment]::NewLine
    }
    try {
        $disks = Get-CimInstance -ClassName Win32_LogicalDisk -Filter 'DriveType=3'
    } catch {
        $disks = Get-WmiObject -Class Win32_LogicalDisk -Filter 'DriveType=3'
    }
    $text += ($disks | Format-Table -AutoSize DeviceID, VolumeName, FileSystem, FreeSpace, Size | Out-String -Width 200)
    Write-Text 'Commands\disk-space.txt' $text
    $c = @($disks | Where-Object { $_.DeviceID -eq $env:SystemDrive })
    if ($c.Count -gt 0) { return ($env:SystemDrive + ' free ' + [string][math]::Round($c[0].FreeSpace / 1GB, 1) + ' GB') }
    return 'written'
}

$Pending = [ordered]@{ pendingXml = $false; rebootPending = $false; rebootRequired = $false; pendingFileRenames = $false }
Invoke-Step 'Commands/pending.txt' {
    $xml = Join-Path $env:windir 'WinSxS\pending.xml'
    $lines = New-Object System.Collections.ArrayList
    if (Test-Path -LiteralPath $xml) {
        $i = Get-Item -LiteralPath $xml -Force
        $Pending.pendingXml = $true
        [void]$lines.Add('pending.xml: present, ' + [string]$i.Length + ' bytes, last written ' + $i.LastWriteTime.ToString('yyyy-MM-dd HH:mm:ss'))
    } else {
        [void]$lines.Add('pending.xml: absent')
    }
    $Pending.rebootPending = Test-Path -LiteralPath 'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Component Based Servicing\RebootPending'
    $Pending.rebootRequired = Test-Path -LiteralPath 'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\WindowsUpdate\Auto Update\RebootRequired'
    $session = Get-ItemProperty -LiteralPath 'HKLM:\SYSTEM\CurrentControlSet\Control\Session Manager' -ErrorAction SilentlyContinue
    $Pending.pendingFileRenames = [bool]($session -and $session.PSObject.Properties['PendingFileRenameOperations'])
    [void]$lines.Add('CBS RebootPending key: ' + [string]$Pending.rebootPending)
    [void]$lines.Add('Windows Update RebootRequired key: ' + [string]$Pending.rebootRequired)
    [void]$lines.Add('PendingFileRenameOperations: ' + [string]$Pending.pendingFileRenames)
    Write-Text 'Commands\pending.txt' (($lines -join [Environment]::NewLine) + [Environment]::NewLine)
    return ('pending.xml ' + [string]$Pending.pendingXml)
}

Invoke-Step 'Registry/WindowsUpdate-policy.reg' {
    Export-Key 'HKLM\SOFTWARE\Policies\Microsoft\Windows\WindowsUpdate' 'Registry\WindowsUpdate-policy.reg'
}

Invoke-Step 'Registry/CurrentVersion.reg' {
    Export-Key 'HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion' 'Registry\CurrentVersion.reg'
}

Invoke-Step 'Commands/dism-get-packages.txt' {
    Invoke-Capture 'Commands\dism-get-packages.txt' (Join-Path $Sys 'dism.exe') @('/English', '/Online', '/Get-Packages', '/Format:Table')
}

Invoke-Step 'Commands/dism-checkhealth.txt' {
    Invoke-Capture 'Commands\dism-checkhealth.txt' (Join-Path $Sys 'dism.exe') @('/English', '/Online', '/Cleanup-Image', '/CheckHealth')
}

foreach ($log in @('Setup', 'System', 'Application', 'Microsoft-Windows-WindowsUpdateClient/Operational')) {
    $file = $log
    if ($log -like 'Microsoft-Windows-WindowsUpdateClient*') { $file = 'WindowsUpdateClient-Operational' }
    Invoke-Step ('EventLogs/' + $file + '.evtx') {
        $target = Join-Path $Stage ('EventLogs\' + $file + '.evtx')
        $result = Invoke-Capture ('EventLogs\' + $file + '.out') (Join-Path $Sys 'wevtutil.exe') @('epl', ('"' + $log + '"'), ('"' + $target + '"'))
        Remove-Item -LiteralPath (Join-Path $Stage ('EventLogs\' + $file + '.out')) -Force -ErrorAction SilentlyContinue
        if (-not (Test-Path -LiteralPath $target)) { throw ('wevtutil epl ' + $log + ' wrote nothing (' + $result + ')') }
        return $result
    }
}

Invoke-Step 'WindowsUpdate/WindowsUpdate.log' {
    $target = Join-Path $Stage 'WindowsUpdate\WindowsUpdate.log'
    if (Get-Command -Name 'Get-WindowsUpdateLog' -ErrorAction SilentlyContinue) {
        Get-WindowsUpdateLog -LogPath $target | Out-Null
        return 'Get-WindowsUpdateLog'
    }
    $old = Join-Path $env:windir 'WindowsUpdate.log'
    if (-not (Test-Path -LiteralPath $old)) { return 'missing: no Get-WindowsUpdateLog and no WindowsUpdate.log' }
    Copy-Shared $old $target
    return $old
}

Invoke-Step 'WindowsUpdate/ReportingEvents.log' {
    $source = Join-Path $env:windir 'SoftwareDistribution\ReportingEvents.log'
    if (-not (Test-Path -LiteralPath $source)) { return ('missing: ' + $source + ' does not exist') }
    Copy-Shared $source (Join-Path $Stage 'WindowsUpdate\ReportingEvents.log')
    return $source
}

# The CBS and DISM logs last, so that they hold the CheckHealth and get-packages runs above.
Invoke-Step 'DISM/' { Copy-Folder (Join-Path $env:windir 'Logs\DISM') 'DISM' }
Invoke-Step 'CBS/' { Copy-Folder (Join-Path $env:windir 'Logs\CBS') 'CBS' }

$Files = New-Object System.Collections.ArrayList
foreach ($f in @(Get-ChildItem -LiteralPath $Stage -Recurse -File -Force | Sort-Object FullName)) {
    $rel = $f.FullName.Substring($Stage.Length + 1).Replace('\', '/')
    $hash = ''
    try { $hash = (Get-FileHash -LiteralPath $f.FullName -Algorithm SHA256).Hash.ToLowerInvariant() } catch { [void]$Errors.Add($rel + ': ' + $_.Exception.Message) }
    [void]$Files.Add([ordered]@{ path = $rel; bytes = $f.Length; sha256 = $hash })
}
$Manifest = [ordered]@{
    schema = 'patchdx.collect/1'
    collector = $Collector
    startedUtc = $Started
    finishedUtc = (Get-Date).ToUniversalTime().ToString('o')
    timeZone = [TimeZoneInfo]::Local.Id
    utcOffsetMinutes = [int]([TimeZoneInfo]::Local.GetUtcOffset((Get-Date)).TotalMinutes)
    computer = $env:COMPUTERNAME
    os = $Os
    pending = $Pending
    items = $Items
    errors = $Errors
    files = $Files
}
[IO.File]::WriteAllText((Join-Path $Stage 'manifest.json'), (ConvertTo-Json -InputObject $Manifest -Depth 6), (New-Object Text.UTF8Encoding $false))

try {
    Add-Type -AssemblyName System.IO.Compression.FileSystem
    [IO.Compression.ZipFile]::CreateFromDirectory($Stage, $ZipPath, [IO.Compression.CompressionLevel]::Optimal, $false)
} catch {
    Write-Host ('patchdx: could not write ' + $ZipPath + ': ' + $_.Exception.Message + '. The files are in ' + $Stage + ': zip that folder by hand.') -ForegroundColor Red
    exit 2
}
Remove-Item -LiteralPath $Stage -Recurse -Force
$zipHash = (Get-FileHash -LiteralPath $ZipPath -Algorithm SHA256).Hash.ToLowerInvariant()
Write-Host ('[patchdx] ' + [string]$Items.Count + ' items, ' + [string]$Errors.Count + ' error(s).')
Write-Host ('[patchdx] Collected: ' + $ZipPath)
Write-Host ('[patchdx] SHA-256: ' + $zipHash)
exit 0`}
`;
}
