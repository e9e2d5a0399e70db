function Assert-HealthyBuild {
    # A source pack must come from the same build, at or above the component versions it has to hold.
    $os = Get-OsBuild
    $here = [string]$os.Build + '.' + [string]$os.Ubr
    if ($ExpectedBuilds -notcontains $os.Build) {
        throw ('This machine is build ' + $here + ', the broken one build ' + ($ExpectedBuilds -join '/') + ' (' + $BuildSeenIn + '). Refusing: a source pack must come from the same build.')
    }
    if ($null -eq $os.Ubr -or $os.Ubr -lt $MinUbr) {
        throw ('This machine is at ' + $here + ', older than the component versions the pack must hold (revision ' + [string]$MinUbr + '). Refusing: use a healthy machine that has installed them.')
    }
    if ($null -ne $ExpectedUbr -and $os.Ubr -ne $ExpectedUbr) {
        Write-Warning ('This machine is at ' + $here + ', the broken one at UBR ' + [string]$ExpectedUbr + '. Each item is still checked for its exact version.')
    }
    Write-Step ('OS build ' + $here + ' is usable for a source pack.')
    return $os
}
