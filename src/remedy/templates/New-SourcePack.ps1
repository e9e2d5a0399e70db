{{Help}}

{{> prelude}}

{{> build-data}}
$MinUbr = {{MinUbr}}
$Generator = {{Generator}}

{{> targets}}
{{Skipped}}

{{> common}}
{{AssertHealthyBuild}}
{{> resolve}}
function Invoke-Pack {
    [CmdletBinding(SupportsShouldProcess)]
    param()
    $os = Assert-HealthyBuild
    $plan = New-Object System.Collections.ArrayList
    foreach ($t in $Targets) {
        $rels = @(Resolve-Target $t)
        if ($rels.Count -ne 1) {
            throw ('Expected exactly one match for ' + (Get-TargetText $t) + ' (' + $t.Id + ', finding ' + $t.Finding + ') on this machine, found ' + [string]$rels.Count + ': ' + ($rels -join ', ') + '. Refusing.')
        }
        $rel = $rels[0]
        $full = Join-Path $env:windir $rel
        if (-not (Test-Path -LiteralPath $full)) {
            throw ('This machine does not hold ' + $rel + ' (' + $t.Id + '). Refusing: use a healthy machine that has it.')
        }
        if ($t.Version -and $t.Kind -ne 'package-mum' -and $t.Kind -ne 'package-cat' -and $rel.IndexOf('_' + $t.Version + '_') -lt 0) {
            throw ($rel + ' is not version ' + $t.Version + '. Refusing.')
        }
        $files = @($rel)
        if ($t.Folder) {
            $files = @(Get-ChildItem -LiteralPath $full -Recurse -Force -File | ForEach-Object { $rel + $_.FullName.Substring($full.Length) })
            if ($files.Count -eq 0) { throw ('The folder ' + $rel + ' is empty here. Refusing.') }
        }
        $matchesLog = $null
        if (-not $t.Folder -and $t.Expected) {
            $hash = Get-Sha256 $full
            $matchesLog = ($hash -eq $t.Expected)
            if (-not $matchesLog) {
                $why = 'The SHA-256 of ' + $rel + ' here is ' + $hash + ', not the expected ' + $t.Expected + ' from the log.'
                if (-not $SkipLogHashCheck) {
                    throw ($why + ' Refusing: this copy may be bad too (or the log hash is not over the file bytes: see -SkipLogHashCheck).')
                }
                Write-Warning ($why + ' Packed anyway (-SkipLogHashCheck).')
            }
        }
        [void]$plan.Add([pscustomobject]@{ Target = $t; Rel = $rel; Files = $files; MatchesLog = $matchesLog })
        Write-Step ('Will pack ' + $rel + ' (' + [string]$files.Count + ' file(s)) for ' + $t.Id)
    }
    $name = 'patchdx-sourcepack-' + $env:COMPUTERNAME + '-' + [string]$os.Build + '.' + [string]$os.Ubr + '-' + $Stamp
    $zip = Join-Path $OutputDirectory ($name + '.zip')
    if (-not $PSCmdlet.ShouldProcess($zip, 'Create the source pack')) { return }
    $stage = Join-Path $env:TEMP $name
    $entries = New-Object System.Collections.ArrayList
    $sums = New-Object System.Text.StringBuilder
    foreach ($p in $plan) {
        foreach ($rel in $p.Files) {
            $packPath = 'files/' + ($rel -replace '\\', '/')
            $dst = Join-Path $stage ('files\' + $rel)
            New-Item -ItemType Directory -Path (Split-Path -Path $dst -Parent) -Force -Confirm:$false | Out-Null
            Copy-Item -LiteralPath (Join-Path $env:windir $rel) -Destination $dst -Force -Confirm:$false
            $hash = Get-Sha256 $dst
            [void]$entries.Add([ordered]@{ path = $packPath; bytes = (Get-Item -LiteralPath $dst).Length; sha256 = $hash })
            [void]$sums.Append($hash).Append('  ').Append($packPath).Append([char]10)
        }
    }
    $items = New-Object System.Collections.ArrayList
    foreach ($p in $plan) {
        [void]$items.Add([ordered]@{ id = $p.Target.Id; finding = $p.Target.Finding; target = (Get-TargetText $p.Target); resolved = $p.Rel; folder = [bool]$p.Target.Folder; matchesLogExpectedHash = $p.MatchesLog })
    }
    $manifest = [ordered]@{
        schema = 'patchdx.sourcepack/1'
        generator = $Generator
        created = (Get-Date).ToUniversalTime().ToString('o')
        computer = $env:COMPUTERNAME
        osBuild = $os.Build
        ubr = $os.Ubr
        items = $items
        files = $entries
    }
    Write-Utf8File (Join-Path $stage 'manifest.json') (ConvertTo-Json -InputObject $manifest -Depth 6)
    Write-Utf8File (Join-Path $stage 'SHA256SUMS') $sums.ToString()
    Add-Type -AssemblyName System.IO.Compression.FileSystem
    [IO.Compression.ZipFile]::CreateFromDirectory($stage, $zip)
    Remove-Item -LiteralPath $stage -Recurse -Force -Confirm:$false
    Write-Step ('Source pack: ' + $zip)
    Write-Step ('SHA-256 of the pack: ' + (Get-Sha256 $zip) + ' (send it along so the broken machine can check the copy).')
}

{{> run}}
