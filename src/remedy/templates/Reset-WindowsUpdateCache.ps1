{{Help}}

{{> prelude}}

{{> build-data}}
{{> common}}
{{AssertBuild}}
{{> services}}
function Invoke-Apply {
    [CmdletBinding(SupportsShouldProcess)]
    param()
    $os = Assert-Build
    $suffix = 'patchdx-' + $Stamp
    Stop-UpdateServices
    try {
        foreach ($f in $Folders) {
            $path = Join-Path $env:windir $f
            if (-not (Test-Path -LiteralPath $path)) { Write-Step ($path + ' does not exist.'); continue }
            $newName = (Split-Path -Path $path -Leaf) + '.' + $suffix
            if ($PSCmdlet.ShouldProcess($path, 'Rename to ' + $newName)) { Rename-WithRetry $path $newName }
        }
    } finally {
        Start-UpdateServices
    }
    Write-Step ('To undo: .\' + $ScriptName + '.ps1 -Undo -Suffix ' + $suffix)
}

function Invoke-Undo {
    [CmdletBinding(SupportsShouldProcess)]
    param()
    $os = Assert-Build
    $suffix = $Suffix
    if (-not $suffix) {
        $last = Get-ChildItem -LiteralPath (Join-Path $env:windir 'SoftwareDistribution') -Directory -Filter 'Download.patchdx-*' -ErrorAction SilentlyContinue |
            Where-Object { $_.Name -notlike '*.patchdx-replaced-*' } | Sort-Object Name | Select-Object -Last 1
        if (-not $last) { throw 'No folder saved by this script was found: give -Suffix.' }
        $suffix = $last.Name.Substring('Download.'.Length)
    }
    if ($suffix -notmatch '^patchdx-[0-9]{8}-[0-9]{6}$') { throw ('Not a suffix this script makes: ' + $suffix) }
    Write-Step ('Undoing the reset ' + $suffix)
    Stop-UpdateServices
    try {
        foreach ($f in $Folders) {
            $path = Join-Path $env:windir $f
            $leaf = Split-Path -Path $path -Leaf
            $saved = $path + '.' + $suffix
            if (-not (Test-Path -LiteralPath $saved)) { Write-Step ('No saved ' + $saved); continue }
            if (-not $PSCmdlet.ShouldProcess($saved, 'Rename back to ' + $leaf)) { continue }
            if (Test-Path -LiteralPath $path) { Rename-WithRetry $path ($leaf + '.patchdx-replaced-' + $Stamp) }
            Rename-WithRetry $saved $leaf
        }
    } finally {
        Start-UpdateServices
    }
}

{{> run}}
