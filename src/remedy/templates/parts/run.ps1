$ExitCode = 0
try {
    Start-Transcript -Path $LogPath -WhatIf:$false | Out-Null
} catch {
    Write-Warning ('No log file: ' + $_.Exception.Message)
}
try {
    if (-not (Test-IsAdmin)) {
        throw 'This script needs an elevated PowerShell: right-click Windows PowerShell, Run as administrator.'
    }
{{Call}}
} catch {
    Write-Host ('patchdx: ' + $_.Exception.Message) -ForegroundColor Red
    $ExitCode = 2
} finally {
    try { Stop-Transcript | Out-Null } catch { }
}
Write-Host ('Log: ' + $LogPath)
exit $ExitCode
