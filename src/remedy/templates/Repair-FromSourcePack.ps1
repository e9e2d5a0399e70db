{{Help}}

{{> prelude}}

{{> build-data}}
{{> targets}}
{{Skipped}}
$SafeRel = '^(WinSxS|WinSxS\\Manifests|servicing\\Packages)\\[A-Za-z0-9][A-Za-z0-9_.~+-]*(\\[^\\/:*?"<>|\[\]\x00-\x1f]+)*$'

{{> common}}
{{AssertBuild}}
{{> native}}
{{> security}}
function Get-TargetText($Target) {
    $text = $Target.Parent + '\' + $Target.Name
    if ($Target.Sub) { $text = $text + '\' + $Target.Sub }
    return $text
}

function Open-SourcePack([string]$Path) {
    if (Test-Path -LiteralPath $Path -PathType Container) { return (Resolve-Path -LiteralPath $Path).ProviderPath }
    if (-not (Test-Path -LiteralPath $Path -PathType Leaf)) { throw ('Source pack not found: ' + $Path) }
    Add-Type -AssemblyName System.IO.Compression.FileSystem
    $dir = Join-Path $env:TEMP ('patchdx-pack-' + $Stamp)
    [IO.Compression.ZipFile]::ExtractToDirectory((Resolve-Path -LiteralPath $Path).ProviderPath, $dir)
    $script:ExtractedPack = $dir
    return $dir
}

function Read-Pack([string]$Root) {
    $manifestPath = Join-Path $Root 'manifest.json'
    $sumsPath = Join-Path $Root 'SHA256SUMS'
    if (-not (Test-Path -LiteralPath $manifestPath) -or -not (Test-Path -LiteralPath $sumsPath)) {
        throw 'Not a patchdx source pack: manifest.json or SHA256SUMS is missing.'
    }
    $manifest = Get-Content -LiteralPath $manifestPath -Raw -Encoding UTF8 | ConvertFrom-Json
    if ($manifest.schema -ne 'patchdx.sourcepack/1') { throw ('Unknown source pack format: ' + [string]$manifest.schema) }
    $sums = @{}
    foreach ($line in @(Get-Content -LiteralPath $sumsPath -Encoding UTF8)) {
        if ($line -match '^([0-9a-fA-F]{64}) [ *](.+)$') { $sums[$Matches[2]] = $Matches[1].ToLowerInvariant() }
    }
    return [pscustomobject]@{ Manifest = $manifest; Sums = $sums }
}

function Get-PlanEntry($Target, $Pack, [string]$Root) {
    # Checks one replacement completely before anything changes; $null when the item is already right.
    $text = Get-TargetText $Target
    $item = @($Pack.Manifest.items | Where-Object { $_.target -eq $text })
    if ($item.Count -ne 1) { throw ('The source pack has no item for ' + $text + ' (' + $Target.Id + '). Refusing.') }
    $rel = [string]$item[0].resolved
    Assert-SafeRel $rel
    if (-not ($rel -like $text)) { throw ('The source pack gives ' + $rel + ' for ' + $text + '. Refusing.') }
    if ($Target.Version -and $Target.Kind -ne 'package-mum' -and $Target.Kind -ne 'package-cat' -and $rel.IndexOf('_' + $Target.Version + '_') -lt 0) {
        throw ('The source pack holds ' + $rel + ', not version ' + $Target.Version + ' the logs name. Refusing.')
    }
    $prefix = 'files/' + ($rel -replace '\\', '/')
    $files = New-Object System.Collections.ArrayList
    foreach ($f in @($Pack.Manifest.files | Where-Object { $_.path -eq $prefix -or $_.path -like ($prefix + '/*') })) {
        $packPath = [string]$f.path
        Assert-SafeRel (($packPath.Substring(6)) -replace '/', '\')
        $src = Join-Path $Root ($packPath -replace '/', '\')
        if (-not (Test-Path -LiteralPath $src -PathType Leaf)) { throw ('The source pack lacks ' + $packPath + '. Refusing.') }
        $hash = Get-Sha256 $src
        if ($hash -ne ([string]$f.sha256).ToLowerInvariant()) { throw ($packPath + ' does not match the SHA-256 in manifest.json. Refusing: the pack is damaged.') }
        if ($Pack.Sums[$packPath] -ne $hash) { throw ($packPath + ' does not match SHA256SUMS. Refusing: the pack is damaged.') }
        [void]$files.Add([pscustomobject]@{ Rel = ($packPath.Substring($prefix.Length).TrimStart('/') -replace '/', '\'); Sha256 = $hash })
    }
    if ($files.Count -eq 0 -or (-not $Target.Folder -and $files.Count -ne 1)) { throw ('The source pack holds no usable copy of ' + $rel + '. Refusing.') }
    $dest = Join-Path $env:windir $rel
    $existed = Test-Path -LiteralPath $dest
    if (-not $Target.Folder -and $Target.Expected) {
        if ($files[0].Sha256 -ne $Target.Expected) {
            $why = 'The replacement for ' + $rel + ' has SHA-256 ' + $files[0].Sha256 + ', the log expects ' + $Target.Expected + '.'
            if (-not $SkipLogHashCheck) { throw ($why + ' Refusing (see -SkipLogHashCheck).') }
            Write-Warning ($why + ' Going on (-SkipLogHashCheck).')
        }
    }
    if ($existed -and -not $Target.Folder) {
        $current = ''
        try { $current = Get-Sha256 $dest } catch { Write-Step ($rel + ' cannot be read (' + $_.Exception.Message + '): it will be replaced.') }
        if ($current -eq $files[0].Sha256) {
            Write-Step ($rel + ' already matches the replacement; skipping it.')
            return $null
        }
    }
    return [pscustomobject]@{ Target = $Target; Rel = $rel; Dest = $dest; Folder = [bool]$Target.Folder; Existed = $existed; Files = $files; From = (Join-Path $Root ('files\' + $rel)); AclFile = '' }
}

function Backup-Items($Plan, [string]$Dir) {
    New-Item -ItemType Directory -Path $Dir -Force -Confirm:$false | Out-Null
    $state = New-Object System.Collections.ArrayList
    $n = 0
    foreach ($p in $Plan) {
        $n++
        $hashes = New-Object System.Collections.ArrayList
        $unreadable = New-Object System.Collections.ArrayList
        if ($p.Existed) {
            $copy = Join-Path $Dir ('files\' + $p.Rel)
            $sources = @(Get-Item -LiteralPath $p.Dest -Force)
            if ($p.Folder) { $sources = @(Get-ChildItem -LiteralPath $p.Dest -Recurse -Force -File) }
            foreach ($src in $sources) {
                $rel = $src.FullName.Substring($p.Dest.Length).TrimStart('\')
                $dst = $copy
                if ($rel) { $dst = Join-Path $copy $rel }
                New-Item -ItemType Directory -Path (Split-Path -Path $dst -Parent) -Force -Confirm:$false | Out-Null
                try {
                    Copy-Item -LiteralPath $src.FullName -Destination $dst -Force -Confirm:$false
                    [void]$hashes.Add([ordered]@{ rel = $rel; sha256 = (Get-Sha256 $dst) })
                } catch {
                    # A file that cannot be read is the corruption itself: replacing it cannot make it worse.
                    Write-Warning ('Cannot back up ' + $src.FullName + ': ' + $_.Exception.Message + ' -Undo will leave its replacement in place.')
                    [void]$unreadable.Add($rel)
                }
            }
            $p.AclFile = Join-Path $Dir ('acl-' + [string]$n + '.txt')
            $arguments = @($p.Dest, '/save', $p.AclFile, '/c')
            if ($p.Folder) { $arguments += '/t' }
            $null = Invoke-Native -FilePath 'icacls.exe' -Arguments $arguments
        }
        $acl = ''
        if ($p.AclFile) { $acl = Split-Path -Path $p.AclFile -Leaf }
        [void]$state.Add([ordered]@{ id = $p.Target.Id; finding = $p.Target.Finding; rel = $p.Rel; folder = $p.Folder; existed = $p.Existed; acl = $acl; files = $hashes; unreadable = $unreadable })
    }
    $undo = [ordered]@{ schema = 'patchdx.undo/1'; script = $ScriptName; created = (Get-Date).ToUniversalTime().ToString('o'); items = $state }
    Write-Utf8File (Join-Path $Dir 'undo.json') (ConvertTo-Json -InputObject $undo -Depth 6)
    Write-Step ('Backup: ' + $Dir)
}

function Invoke-Apply {
    [CmdletBinding(SupportsShouldProcess)]
    param()
    $os = Assert-Build
    if (-not $SourcePack) { throw 'Give the source pack: -SourcePack <zip or folder> made by New-SourcePack.ps1 on a healthy machine of the same build.' }
    $root = Open-SourcePack $SourcePack
    $pack = Read-Pack $root
    $packBuild = [int]$pack.Manifest.osBuild
    if ($ExpectedBuilds.Count -gt 0 -and $ExpectedBuilds -notcontains $packBuild) {
        throw ('The source pack comes from build ' + [string]$packBuild + ', this machine is build ' + [string]$os.Build + '. Refusing.')
    }
    Write-Step ('Source pack from ' + [string]$pack.Manifest.computer + ', build ' + [string]$packBuild + '.' + [string]$pack.Manifest.ubr + ', made ' + [string]$pack.Manifest.created)
    $plan = New-Object System.Collections.ArrayList
    foreach ($t in $Targets) {
        $entry = Get-PlanEntry $t $pack $root
        if ($null -ne $entry) { [void]$plan.Add($entry) }
    }
    if ($plan.Count -eq 0) {
        Write-Step 'Nothing to replace: every item already matches its replacement.'
        return
    }
    $backupDir = Join-Path $BackupRoot ($ScriptName + '-' + $Stamp)
    $backedUp = $false
    if ($PSCmdlet.ShouldProcess($backupDir, 'Back up ' + [string]$plan.Count + ' item(s) with their ACLs')) {
        Backup-Items $plan $backupDir
        $backedUp = $true
    }
    foreach ($p in $plan) {
        if (-not $PSCmdlet.ShouldProcess($p.Dest, 'Take ownership, replace from the source pack, restore the saved ACL and the TrustedInstaller owner')) { continue }
        if (-not $backedUp) { throw 'Refusing to replace anything without a backup.' }
        Write-Step ('Replacing ' + $p.Rel + ' (' + $p.Target.Id + ', finding ' + $p.Target.Finding + ')')
        $rels = @($p.Files | ForEach-Object { $_.Rel })
        if ($p.Existed) {
            Grant-AdminAccess -Path $p.Dest -Folder $p.Folder
            Sync-Item -From $p.From -To $p.Dest -Folder $p.Folder -Files $rels -Existing $true
            Restore-Security -Path $p.Dest -AclFile $p.AclFile -Folder $p.Folder
        } else {
            Sync-Item -From $p.From -To $p.Dest -Folder $p.Folder -Files $rels -Existing $false
            Set-TrustedInstallerOwner -Path $p.Dest -Folder $p.Folder
        }
        Confirm-Hashes -To $p.Dest -Files $p.Files
    }
    if ($backedUp) {
        Write-Step ('Done. To undo: .\' + $ScriptName + '.ps1 -Undo -BackupPath ''' + $backupDir + '''')
        Write-Step 'Next: DISM /Online /Cleanup-Image /RestoreHealth, then sfc /scannow, restart, and retry the update.'
    }
    if ($script:ExtractedPack) { Remove-Item -LiteralPath $script:ExtractedPack -Recurse -Force -Confirm:$false -WhatIf:$false }
}

function Invoke-Undo {
    [CmdletBinding(SupportsShouldProcess)]
    param()
    $os = Assert-Build
    $dir = Find-Backup 'undo.json'
    $state = Get-Content -LiteralPath (Join-Path $dir 'undo.json') -Raw -Encoding UTF8 | ConvertFrom-Json
    if ($state.script -ne $ScriptName) { throw ('undo.json in ' + $dir + ' belongs to ' + [string]$state.script + '.') }
    $items = @($state.items)
    for ($i = $items.Count - 1; $i -ge 0; $i--) {
        $u = $items[$i]
        $rel = [string]$u.rel
        Assert-SafeRel $rel
        $dest = Join-Path $env:windir $rel
        $folder = [bool]$u.folder
        if (-not $PSCmdlet.ShouldProcess($dest, 'Restore the backup, its ACL and the TrustedInstaller owner')) { continue }
        if ($u.existed) {
            $files = @($u.files | ForEach-Object { [pscustomobject]@{ Rel = [string]$_.rel; Sha256 = [string]$_.sha256 } })
            $rels = @($files | ForEach-Object { $_.Rel })
            $from = Join-Path $dir ('files\' + $rel)
            $keep = @($u.unreadable | ForEach-Object { [string]$_ })
            foreach ($k in $keep) { Write-Warning ('Unreadable before the repair, so its replacement stays: ' + $rel + ' ' + $k) }
            if ($files.Count -eq 0) {
                Write-Step ('Nothing of ' + $rel + ' could be backed up; only its ACL and owner are restored.')
            } elseif (Test-Path -LiteralPath $dest) {
                Grant-AdminAccess -Path $dest -Folder $folder
                Sync-Item -From $from -To $dest -Folder $folder -Files $rels -Existing $true -Keep $keep
            } else {
                Sync-Item -From $from -To $dest -Folder $folder -Files $rels -Existing $false
            }
            Restore-Security -Path $dest -AclFile (Join-Path $dir ([string]$u.acl)) -Folder $folder
            Confirm-Hashes -To $dest -Files $files
        } elseif (Test-Path -LiteralPath $dest) {
            Grant-AdminAccess -Path $dest -Folder $folder
            Remove-Item -LiteralPath $dest -Recurse -Force -Confirm:$false
        }
        Write-Step ('Restored ' + $rel)
    }
}

{{> run}}
