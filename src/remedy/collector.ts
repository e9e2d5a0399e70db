// The PowerShell log collector (`patchdx collector > collect.ps1`): run elevated on the broken machine, it
// copies and exports everything patchdx reads, changes nothing, and writes one zip laid out as the collector
// layout declares (src/collector/layout.ts, the contract the analysis checks a bundle against). Each item's
// step is generated from its layout entry (folder copies, single files, command captures, registry and event
// log exports); the items the collector writes itself (os-build, pending, disk space, WindowsUpdate.log, the
// manifest) are the PowerShell below, keyed by their layout path. The script's header lists the layout.

import { COLLECTOR_LAYOUT, type LayoutEntry, type LayoutSource } from '../collector/layout.js';
import { VERSION } from '../version.js';
import { psQuote } from './template.js';

export { COLLECTOR_LAYOUT, type LayoutEntry } from '../collector/layout.js';

const ps = String.raw;

/** The PowerShell of the items the collector writes itself, keyed by layout path (the step's body). */
const SCRIPTED: Record<string, string> = {
  'Commands/os-build.txt': ps`    $lines = @('OS version: ' + $Os.version, 'OS build: ' + [string]$Os.build + '.' + [string]$Os.ubr, 'UBR: ' + [string]$Os.ubr, 'Product: ' + $Os.productName, 'Version: ' + $Os.displayVersion, 'Edition: ' + $Os.editionId, 'Installation type: ' + $Os.installationType)
    Write-Text 'Commands\os-build.txt' (($lines -join [Environment]::NewLine) + [Environment]::NewLine)
    return ([string]$Os.build + '.' + [string]$Os.ubr)`,
  'Commands/disk-space.txt': ps`    $text = ''
    try {
        $text += (Get-Volume | Format-Table -AutoSize -Property @('DriveLetter', 'FileSystemLabel', 'FileSystem', 'DriveType', 'HealthStatus', 'SizeRemaining', 'Size') | Out-String -Width 200)
    } catch {
        $text += 'Get-Volume: ' + $_.Exception.Message + [Environment]::NewLine
    }
    try {
        $disks = Get-CimInstance -ClassName Win32_LogicalDisk -Filter 'DriveType=3'
    } catch {
        $disks = Get-WmiObject -Class Win32_LogicalDisk -Filter 'DriveType=3'
    }
    $text += ($disks | Format-Table -AutoSize -Property @('DeviceID', 'VolumeName', 'FileSystem', 'FreeSpace', 'Size') | Out-String -Width 200)
    Write-Text 'Commands\disk-space.txt' $text
    $c = @($disks | Where-Object { $_.DeviceID -eq $env:SystemDrive })
    if ($c.Count -gt 0) { return ($env:SystemDrive + ' free ' + [string][math]::Round($c[0].FreeSpace / 1073741824, 1) + ' GB') }
    return 'written'`,
  'Commands/pending.txt': ps`    $xml = Join-Path $env:windir 'WinSxS\pending.xml'
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
    return ('pending.xml ' + [string]$Pending.pendingXml)`,
  'WindowsUpdate/WindowsUpdate.log': ps`    $target = Join-Path $Stage 'WindowsUpdate\WindowsUpdate.log'
    if (Get-Command -Name 'Get-WindowsUpdateLog' -ErrorAction SilentlyContinue) {
        Get-WindowsUpdateLog -LogPath $target | Out-Null
        return 'Get-WindowsUpdateLog'
    }
    $old = Join-Path $env:windir 'WindowsUpdate.log'
    if (-not (Test-Path -LiteralPath $old)) { return 'missing: no Get-WindowsUpdateLog and no WindowsUpdate.log' }
    Copy-Shared $old $target
    return $old`,
};

/** A layout path as a path under the staging folder (`Commands\os-build.txt`). */
function stageRel(path: string): string {
  return path.replace(/\/$/, '').replace(/\//g, '\\');
}

/** The PowerShell expression of where a copied path starts. */
function rootOf(source: Extract<LayoutSource, { root: unknown }>): string {
  return source.root === 'windir' ? '$env:windir' : '$env:SystemDrive';
}

/** The body of one collection step, from its layout entry. */
function stepBody(e: LayoutEntry): string {
  const s = e.source;
  const rel = psQuote(stageRel(e.path));
  switch (s.kind) {
    case 'folder':
      return `    Copy-Folder (Join-Path ${rootOf(s)} ${psQuote(s.folder)}) ${rel} @(${s.include.map(psQuote).join(', ')})`;
    case 'file':
      return `    Copy-One (Join-Path ${rootOf(s)} ${psQuote(s.file)}) ${rel}`;
    case 'command':
      return `    Invoke-Capture ${rel} (Join-Path $Sys ${psQuote(s.exe)}) @(${s.args.map(psQuote).join(', ')})`;
    case 'registry':
      return `    Export-Key ${psQuote(s.key)} ${rel}`;
    case 'eventlog':
      return `    Export-EventLog ${psQuote(s.channel)} ${rel}`;
    case 'script': {
      const body = SCRIPTED[e.path];
      if (body === undefined) throw new Error(`patchdx: the collector has no code for ${e.path}`);
      return body;
    }
  }
}

/** Every collection step, in the layout's phases (facts first, the CBS and DISM logs last). */
function steps(): string {
  const entries = COLLECTOR_LAYOUT.filter((e) => e.path !== 'manifest.json');
  for (const path of Object.keys(SCRIPTED)) {
    if (!entries.some((e) => e.path === path && e.source.kind === 'script'))
      throw new Error(`patchdx: collector code for ${path}, which the layout does not declare as scripted`);
  }
  return [...entries]
    .sort((a, b) => a.phase - b.phase)
    .map((e) => `Invoke-Step ${psQuote(e.path)} {\n${stepBody(e)}\n}`)
    .join('\n\n');
}

/**
 * The collector script. Read-only on the machine (it writes only its staging folder in %TEMP% and the
 * zip), PowerShell 5.1, needs an elevated session and says so. Every item runs in its own try/catch: a
 * missing or failing item is recorded in manifest.json and the rest is still collected.
 */
export function collectorScript(opts: { version?: string } = {}): string {
  const version = (opts.version ?? VERSION).replace(/[^0-9A-Za-z.+-]/g, '');
  const width = Math.max(...COLLECTOR_LAYOUT.map((e) => e.path.length)) + 2;
  const layout = COLLECTOR_LAYOUT.map((e) => `#   ${e.path.padEnd(width)}${e.what}`);
  const folders = [
    ...new Set(
      COLLECTOR_LAYOUT.filter((e) => e.path.includes('/')).map((e) =>
        stageRel(e.path.replace(/\/[^/]*$/, '')),
      ),
    ),
    ...COLLECTOR_LAYOUT.filter((e) => e.path.endsWith('/')).map((e) => stageRel(e.path)),
  ];
  const dirs = [...new Set(folders)].sort();
  const head = [
    '# .SYNOPSIS',
    `# patchdx log collector (patchdx ${version}): collects the Windows servicing logs of this machine into`,
    '# one zip for `patchdx analyze`. It changes nothing on the machine.',
    '#',
    '# .DESCRIPTION',
    '# Run it from an elevated Windows PowerShell (5.1 or later). It copies the CBS, DISM and Panther (setup)',
    '# logs, builds WindowsUpdate.log, exports the Setup, System, Application and Windows Update event logs,',
    '# records systeminfo, the DISM CheckHealth result, the installed packages, pending operations, free disk',
    '# space, the OS build and UBR, and the Windows Update policy keys, into',
    '# patchdx-collect-<computer>-<timestamp>.zip on the Desktop (or -OutputDirectory). Each item is collected',
    '# on its own: one that is missing or fails is recorded in manifest.json and the rest is still collected.',
    '# The CBS and DISM logs are copied last so that they include the CheckHealth and get-packages runs. The',
    '# staging folder in %TEMP% is removed once the zip is written.',
    '#',
    '# Layout of the zip (patchdx checks a bundle against it):',
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

# The zip classes: Windows PowerShell 5.1 does not load these assemblies by itself.
Add-Type -AssemblyName System.IO.Compression
Add-Type -AssemblyName System.IO.Compression.FileSystem

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
foreach ($dir in @(${dirs.map(psQuote).join(', ')})) {
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

function Copy-One([string]$Source, [string]$Rel) {
    if (-not (Test-Path -LiteralPath $Source)) { return ('missing: ' + $Source + ' does not exist') }
    Copy-Shared $Source (Join-Path $Stage $Rel)
    return $Source
}

function Copy-Folder([string]$Source, [string]$Rel, [string[]]$Include) {
    # The files of one folder (not its subfolders) whose names match one of the Include patterns.
    if (-not (Test-Path -LiteralPath $Source)) { return ('missing: ' + $Source + ' does not exist') }
    $copied = 0
    foreach ($f in @(Get-ChildItem -LiteralPath $Source -File -Force)) {
        $name = $f.Name
        if (@($Include | Where-Object { $name -like $_ }).Count -eq 0) { continue }
        try {
            Copy-Shared $f.FullName (Join-Path (Join-Path $Stage $Rel) $name)
            $copied++
        } catch {
            [void]$Errors.Add($Rel + '\' + $name + ': ' + $_.Exception.Message)
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

function Export-EventLog([string]$Channel, [string]$Rel) {
    $target = Join-Path $Stage $Rel
    $result = Invoke-Capture ($Rel + '.out') (Join-Path $Sys 'wevtutil.exe') @('epl', ('"' + $Channel + '"'), ('"' + $target + '"'))
    Remove-Item -LiteralPath (Join-Path $Stage ($Rel + '.out')) -Force -ErrorAction SilentlyContinue
    if (-not (Test-Path -LiteralPath $target)) { throw ('wevtutil epl ' + $Channel + ' wrote nothing (' + $result + ')') }
    return $result
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
$Pending = [ordered]@{ pendingXml = $false; rebootPending = $false; rebootRequired = $false; pendingFileRenames = $false }

`}${steps()}

${ps`$Files = New-Object System.Collections.ArrayList
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
