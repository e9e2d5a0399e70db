function Assert-Build([bool]$IgnoreUbr = $false) {
    # Refuses to go on unless this is the build (and UBR) the diagnosis saw.
    $os = Get-OsBuild
    $here = [string]$os.Build + '.' + [string]$os.Ubr
    if ($ExpectedBuilds -notcontains $os.Build) {
        throw ('This machine is build ' + $here + ', but the logs show build ' + ($ExpectedBuilds -join '/') + ' (' + $BuildSeenIn + '). Refusing: collect this machine''s logs and diagnose them.')
    }
    if (-not $IgnoreUbr -and $null -ne $ExpectedUbr -and $os.Ubr -ne $ExpectedUbr) {
        throw ('This machine is at ' + $here + ', but the logs show UBR ' + [string]$ExpectedUbr + ' (' + $BuildSeenIn + '). Refusing: the machine changed since the logs were collected; diagnose it again.')
    }
    Write-Step ('OS build ' + $here + ' matches the logs (' + $BuildSeenIn + ').')
    return $os
}
