{{Help}}

{{> prelude}}

{{> build-data}}
{{> targets}}
{{Skipped}}

{{> common}}
{{AssertBuild}}
{{> resolve}}
function New-Result($Target, [string]$Rel, [string]$Status, [string]$Sha256, [string]$Note) {
    return [pscustomobject]@{ Id = $Target.Id; Finding = $Target.Finding; Path = $Rel; Status = $Status; Sha256 = $Sha256; Expected = $Target.Expected; Actual = $Target.Actual; Note = $Note }
}

function Test-OneFile($Target, [string]$Rel) {
    $full = Join-Path $env:windir $Rel
    try {
        $hash = Get-Sha256 $full
    } catch {
        return New-Result $Target $Rel 'unreadable' '' $_.Exception.Message
    }
    if ($Target.Expected -and $hash -eq $Target.Expected) {
        return New-Result $Target $Rel 'ok' $hash 'matches the expected hash from the log'
    } elseif ($Target.Actual -and $hash -eq $Target.Actual) {
        return New-Result $Target $Rel 'corrupt' $hash 'still the bad file the log saw (so the log hash is the plain file SHA-256)'
    } elseif ($Target.Expected) {
        return New-Result $Target $Rel 'differs' $hash 'matches neither log hash: changed since the log, or the log hash is not over the file bytes'
    }
    return New-Result $Target $Rel 'present' $hash 'no hash in the log to compare with'
}

function Invoke-Check {
    [CmdletBinding(SupportsShouldProcess)]
    param()
    $os = Assert-Build
    $results = New-Object System.Collections.ArrayList
    foreach ($t in $Targets) {
        $rels = @(Resolve-Target $t)
        if ($rels.Count -eq 0) {
            [void]$results.Add((New-Result $t (Get-TargetText $t) 'missing' '' 'no match on this machine'))
            continue
        }
        foreach ($rel in $rels) {
            $full = Join-Path $env:windir $rel
            if (-not (Test-Path -LiteralPath $full)) {
                [void]$results.Add((New-Result $t $rel 'missing' '' 'not on this machine'))
            } elseif ($t.Folder) {
                $files = @(Get-ChildItem -LiteralPath $full -Recurse -Force -File)
                if ($files.Count -eq 0) { [void]$results.Add((New-Result $t $rel 'missing' '' 'the folder is empty')) }
                foreach ($f in $files) { [void]$results.Add((Test-OneFile $t ($rel + $f.FullName.Substring($full.Length)))) }
            } else {
                [void]$results.Add((Test-OneFile $t $rel))
            }
        }
    }
    $results | Format-List -Property @('Id', 'Finding', 'Status', 'Path', 'Sha256', 'Expected', 'Actual', 'Note') | Out-String -Width 400 | Write-Host
    $bad = @($results | Where-Object { $_.Status -ne 'ok' -and $_.Status -ne 'present' })
    Write-Step ([string]$results.Count + ' item(s) checked, ' + [string]$bad.Count + ' not as they should be.')
    $jsonPath = [IO.Path]::ChangeExtension($LogPath, '.json')
    if ($PSCmdlet.ShouldProcess($jsonPath, 'Write the results')) {
        $payload = [ordered]@{ schema = 'patchdx.storecheck/1'; computer = $env:COMPUTERNAME; osBuild = $os.Build; ubr = $os.Ubr; results = $results }
        Write-Utf8File $jsonPath (ConvertTo-Json -InputObject $payload -Depth 5)
        Write-Step ('Results: ' + $jsonPath)
    }
    if ($bad.Count -gt 0) { $script:ExitCode = 1 }
}

{{> run}}
