function Assert-HealthyBuild {
    $os = Get-OsBuild
    if ($ConfirmBuild -ne $os.Build) {
        throw ('The logs name no OS build. Check that this healthy machine has the same build as the broken one, then run again with -ConfirmBuild and its build number.')
    }
    return $os
}
