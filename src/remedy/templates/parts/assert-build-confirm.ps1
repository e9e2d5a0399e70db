function Assert-Build([bool]$IgnoreUbr = $false) {
    # The logs name no OS build: the operator has to confirm it (-ConfirmBuild) before anything runs.
    $os = Get-OsBuild
    if ($ConfirmBuild -ne $os.Build) {
        throw ('The logs name no OS build, so this script cannot check that it runs on the machine they came from. Check that it does, then run it again with -ConfirmBuild and this machine''s build number (winver).')
    }
    Write-Step ('OS build ' + [string]$os.Build + '.' + [string]$os.Ubr + ' confirmed by the operator.')
    return $os
}
