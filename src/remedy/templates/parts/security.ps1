function Assert-SafeRel([string]$Rel) {
    # Only store paths of the expected shape, with no . or .. segment, are ever written to.
    if ($Rel -notmatch $SafeRel) { throw ('Not a store path this script may write: ' + $Rel) }
    foreach ($seg in $Rel.Split('\')) {
        if ($seg -eq '.' -or $seg -eq '..') { throw ('Not a store path this script may write: ' + $Rel) }
    }
}

function Grant-AdminAccess([string]$Path, [bool]$Folder) {
    # takeown + icacls on the item itself (and each item in a folder): never on WinSxS or Manifests as a whole.
    $items = New-Object System.Collections.ArrayList
    [void]$items.Add($Path)
    if ($Folder) {
        foreach ($i in @(Get-ChildItem -LiteralPath $Path -Recurse -Force)) { [void]$items.Add($i.FullName) }
    }
    foreach ($i in $items) {
        $null = Invoke-Native -FilePath 'takeown.exe' -Arguments @('/f', $i, '/a')
        $null = Invoke-Native -FilePath 'icacls.exe' -Arguments @($i, '/grant', '*S-1-5-32-544:F', '/c')
    }
}

function Set-TrustedInstallerOwner([string]$Path, [bool]$Folder) {
    $arguments = @($Path, '/setowner', 'NT SERVICE\TrustedInstaller', '/c')
    if ($Folder) { $arguments += '/t' }
    $null = Invoke-Native -FilePath 'icacls.exe' -Arguments $arguments
}

function Restore-Security([string]$Path, [string]$AclFile, [bool]$Folder) {
    # icacls /save stores the DACL only, with names relative to the parent: restore it there, then the owner.
    if ($AclFile -and (Test-Path -LiteralPath $AclFile)) {
        $null = Invoke-Native -FilePath 'icacls.exe' -Arguments @((Split-Path -Path $Path -Parent), '/restore', $AclFile, '/c')
    }
    Set-TrustedInstallerOwner -Path $Path -Folder $Folder
}

function Sync-Item([string]$From, [string]$To, [bool]$Folder, [string[]]$Files, [bool]$Existing, [string[]]$Keep = @()) {
    # Makes $To hold exactly $Files (relative to $From; '' = $From is the file itself), and $Keep untouched.
    if ($Folder -and $Existing) {
        $keep = @{}
        foreach ($f in @($Files) + @($Keep)) { if ($f) { $keep[(Join-Path $To $f).ToLowerInvariant()] = $true } }
        foreach ($e in @(Get-ChildItem -LiteralPath $To -Recurse -Force -File)) {
            if (-not $keep.ContainsKey($e.FullName.ToLowerInvariant())) {
                Write-Step ('Removing ' + $e.FullName + ' (not in the copy being restored; the backup keeps it)')
                Remove-Item -LiteralPath $e.FullName -Force -Confirm:$false
            }
        }
    }
    foreach ($f in $Files) {
        $src = $From
        $dst = $To
        if ($f) {
            $src = Join-Path $From $f
            $dst = Join-Path $To $f
        }
        if ($Existing) {
            $dir = Split-Path -Path $dst -Parent
            if (-not (Test-Path -LiteralPath $dir)) { New-Item -ItemType Directory -Path $dir -Force -Confirm:$false | Out-Null }
            Copy-Item -LiteralPath $src -Destination $dst -Force -Confirm:$false
        } else {
            # A new item in a TrustedInstaller-only folder: robocopy /B writes it with the backup privilege, so
            # the ACL of WinSxS, Manifests or Packages itself is never touched.
            $null = Invoke-Native -FilePath 'robocopy.exe' -Arguments @((Split-Path -Path $src -Parent), (Split-Path -Path $dst -Parent), (Split-Path -Path $src -Leaf), '/B', '/COPY:DAT', '/R:0', '/W:0', '/NP', '/NJH', '/NJS') -OkExitCodes @(0, 1, 2, 3, 4, 5, 6, 7)
        }
    }
}

function Confirm-Hashes([string]$To, $Files) {
    foreach ($f in $Files) {
        $dst = $To
        if ($f.Rel) { $dst = Join-Path $To $f.Rel }
        $hash = Get-Sha256 $dst
        if ($hash -ne $f.Sha256) { throw ('After copying, ' + $dst + ' has SHA-256 ' + $hash + ', not ' + $f.Sha256 + '. Stopped: undo with -Undo.') }
    }
}

function Find-Backup([string]$StateFile) {
    $dir = $BackupPath
    if (-not $dir) {
        $last = Get-ChildItem -LiteralPath $BackupRoot -Directory -Filter ($ScriptName + '-*') -ErrorAction SilentlyContinue | Sort-Object Name | Select-Object -Last 1
        if (-not $last) { throw ('No backup of ' + $ScriptName + ' under ' + $BackupRoot + ': give -BackupPath.') }
        $dir = $last.FullName
    }
    if (-not (Test-Path -LiteralPath (Join-Path $dir $StateFile))) { throw ('No ' + $StateFile + ' in ' + $dir + '.') }
    Write-Step ('Undoing from ' + $dir)
    return $dir
}
