{{Help}}

{{> prelude}}

{{> build-data}}
# The updates to install, in order. Data only.
$Updates = @(
{{UpdateRows}}
)
$TargetBuild = {{TargetBuild}}

{{> common}}
{{AssertBuild}}
function Get-System32 {
    # A 32-bit PowerShell on 64-bit Windows must reach the 64-bit wusa and dism through Sysnative.
    if ([Environment]::Is64BitOperatingSystem -and -not [Environment]::Is64BitProcess) { return (Join-Path $env:windir 'Sysnative') }
    return (Join-Path $env:windir 'System32')
}

function Format-Code([int]$Code) {
    return '0x' + ('{0:x8}' -f $Code)
}

function Find-UpdateFile($Update, $Files, [string]$Arch) {
    $number = $Update.Kb.Substring(2)
    $found = @($Files | Where-Object { $_.Name -match ('(?i)kb' + $number + '(?![0-9])') })
    if ($found.Count -gt 1) {
        $byArch = @($found | Where-Object { $_.Name -match ('(?i)[-_.]' + $Arch + '[-_.]') })
        if ($byArch.Count -ge 1) { $found = $byArch }
    }
    if ($found.Count -gt 1) {
        $msu = @($found | Where-Object { $_.Extension -eq '.msu' })
        if ($msu.Count -ge 1) { $found = $msu }
    }
    if ($found.Count -eq 0) { throw ('No .msu or .cab file for ' + $Update.Kb + ' in -UpdatePath. Download it from the Microsoft Update Catalog.') }
    if ($found.Count -gt 1) { throw ('More than one file for ' + $Update.Kb + ': ' + (($found | ForEach-Object { $_.Name }) -join ', ') + '. Keep one.') }
    return $found[0]
}

function Install-UpdateFile($File) {
    $sys = Get-System32
    if ($File.Extension -eq '.msu') {
        $exe = Join-Path $sys 'wusa.exe'
        $arguments = @('"' + $File.FullName + '"', '/quiet', '/norestart')
    } else {
        $exe = Join-Path $sys 'dism.exe'
        $arguments = @('/online', '/add-package', ('/packagepath:"' + $File.FullName + '"'), '/quiet', '/norestart')
    }
    Write-Step ('> ' + $exe + ' ' + ($arguments -join ' '))
    $proc = Start-Process -FilePath $exe -ArgumentList $arguments -Wait -PassThru -NoNewWindow
    return [int]$proc.ExitCode
}

function Save-State([string]$Dir, $State) {
    if (-not (Test-Path -LiteralPath $Dir)) { New-Item -ItemType Directory -Path $Dir -Force -Confirm:$false | Out-Null }
    $record = [ordered]@{ schema = 'patchdx.installed/1'; script = $ScriptName; updates = $State }
    Write-Utf8File (Join-Path $Dir 'installed.json') (ConvertTo-Json -InputObject $record -Depth 5)
}

function Invoke-Apply {
    [CmdletBinding(SupportsShouldProcess)]
    param()
    $os = Assert-Build
    if ($TargetBuild) {
        $targetUbr = [int]($TargetBuild.Split('.')[1])
        if ($null -ne $os.Ubr -and $os.Ubr -ge $targetUbr) {
            throw ('This machine is already at ' + [string]$os.Build + '.' + [string]$os.Ubr + ', at or above ' + $TargetBuild + '. Refusing: nothing to install.')
        }
    }
    if (-not $UpdatePath) {
        throw ('Give the downloaded files: -UpdatePath <folder or files>. Needed, in this order: ' + (($Updates | ForEach-Object { $_.Kb }) -join ', ') + '.')
    }
    $files = New-Object System.Collections.ArrayList
    foreach ($p in $UpdatePath) {
        if (Test-Path -LiteralPath $p -PathType Container) {
            foreach ($f in @(Get-ChildItem -LiteralPath $p -File | Where-Object { $_.Extension -eq '.msu' -or $_.Extension -eq '.cab' })) { [void]$files.Add($f) }
        } elseif (Test-Path -LiteralPath $p -PathType Leaf) {
            [void]$files.Add((Get-Item -LiteralPath $p))
        } else {
            throw ('Not found: ' + $p)
        }
    }
    $arch = 'x86'
    if ($env:PROCESSOR_ARCHITECTURE -eq 'AMD64' -or $env:PROCESSOR_ARCHITEW6432 -eq 'AMD64') { $arch = 'x64' }
    if ($env:PROCESSOR_ARCHITECTURE -eq 'ARM64') { $arch = 'arm64' }
    $steps = New-Object System.Collections.ArrayList
    foreach ($u in $Updates) {
        $file = Find-UpdateFile $u $files $arch
        $sig = Get-AuthenticodeSignature -LiteralPath $file.FullName
        $subject = ''
        if ($sig.SignerCertificate) { $subject = $sig.SignerCertificate.Subject }
        if ($sig.Status -ne 'Valid' -or $subject -notmatch 'O=Microsoft Corporation') {
            throw ($file.Name + ': signature ' + [string]$sig.Status + ' by ' + $subject + '. Refusing to install a file Microsoft''s signature does not vouch for.')
        }
        $hash = Get-Sha256 $file.FullName
        Write-Step ($u.Kb + ' (' + $u.Role + '): ' + $file.FullName + ', SHA-256 ' + $hash)
        [void]$steps.Add([pscustomobject]@{ Update = $u; File = $file; Sha256 = $hash })
    }
    $dir = Join-Path $BackupRoot ($ScriptName + '-' + $Stamp)
    $state = New-Object System.Collections.ArrayList
    for ($i = 0; $i -lt $steps.Count; $i++) {
        $s = $steps[$i]
        $kb = $s.Update.Kb
        if (Get-HotFix -Id $kb -ErrorAction SilentlyContinue) { Write-Step ($kb + ' is already installed; skipping it.'); continue }
        if (-not $PSCmdlet.ShouldProcess($kb + ' (' + $s.File.Name + ')', 'Install')) { continue }
        $code = Install-UpdateFile $s.File
        $result = 'failed'
        if ($code -eq 0) { $result = 'installed' }
        if ($code -eq 3010 -or $code -eq 1641) { $result = 'installed, restart needed' }
        if ($code -eq 2359302) { $result = 'already installed' }
        [void]$state.Add([ordered]@{ kb = $kb; kind = $s.Update.Kind; file = $s.File.FullName; sha256 = $s.Sha256; exitCode = (Format-Code $code); result = $result; installed = ($result -like 'installed*'); time = (Get-Date).ToString('o') })
        Save-State $dir $state
        Write-Step ($kb + ': ' + $result + ' (exit code ' + (Format-Code $code) + ')')
        if ($result -eq 'failed') {
            $hint = ''
            if ($code -eq -2145124329 -or $code -eq -2146498530) { $hint = ' Not applicable: a prerequisite is missing, or the file is for another build or architecture.' }
            throw ($kb + ' did not install (exit code ' + (Format-Code $code) + ').' + $hint + ' See C:\Windows\Logs\CBS\CBS.log.')
        }
        if ($result -eq 'installed, restart needed' -and $i -lt $steps.Count - 1) {
            Write-Step 'Restart Windows, then run this script again with the same -UpdatePath: installed updates are skipped.'
            return
        }
    }
    Write-Step ('Done. Record: ' + $dir + '. Restart Windows to finish.')
}

function Invoke-Undo {
    [CmdletBinding(SupportsShouldProcess)]
    param()
    $os = Assert-Build $true
    $dir = $BackupPath
    if (-not $dir) {
        $last = Get-ChildItem -LiteralPath $BackupRoot -Directory -Filter ($ScriptName + '-*') -ErrorAction SilentlyContinue | Sort-Object Name | Select-Object -Last 1
        if (-not $last) { throw ('No record of ' + $ScriptName + ' under ' + $BackupRoot + ': give -BackupPath.') }
        $dir = $last.FullName
    }
    $record = Get-Content -LiteralPath (Join-Path $dir 'installed.json') -Raw -Encoding UTF8 | ConvertFrom-Json
    $done = @($record.updates)
    for ($i = $done.Count - 1; $i -ge 0; $i--) {
        $e = $done[$i]
        if (-not $e.installed) { continue }
        $kb = [string]$e.kb
        if ($kb -notmatch '^KB[0-9]{6,8}$') { throw ('Not a KB number: ' + $kb) }
        if ($e.kind -eq 'SSU') { Write-Warning ($kb + ' is a servicing stack update: Windows cannot remove it.'); continue }
        if (-not $PSCmdlet.ShouldProcess($kb, 'Uninstall')) { continue }
        $exe = Join-Path (Get-System32) 'wusa.exe'
        $arguments = @('/uninstall', ('/kb:' + $kb.Substring(2)), '/quiet', '/norestart')
        Write-Step ('> ' + $exe + ' ' + ($arguments -join ' '))
        $code = [int](Start-Process -FilePath $exe -ArgumentList $arguments -Wait -PassThru -NoNewWindow).ExitCode
        if ($code -eq 0 -or $code -eq 3010 -or $code -eq 1641) {
            Write-Step ($kb + ' removed (exit code ' + (Format-Code $code) + '); restart to finish.')
        } else {
            Write-Warning ('wusa could not remove ' + $kb + ' (exit code ' + (Format-Code $code) + '). A combined SSU+LCU package can only be removed with DISM: dism /online /get-packages /format:table, then dism /online /remove-package /packagename:<the package of ' + $kb + '>.')
        }
    }
}

{{> run}}
