function Invoke-Native {
    # Runs a program, copies its output into the log, and throws unless the exit code is an accepted one.
    param([string]$FilePath, [string[]]$Arguments, [int[]]$OkExitCodes = @(0))
    $ErrorActionPreference = 'Continue'
    Write-Step ('> ' + $FilePath + ' ' + ($Arguments -join ' '))
    $output = & $FilePath @Arguments 2>&1 | ForEach-Object { $_.ToString() }
    $code = $LASTEXITCODE
    foreach ($line in $output) {
        if ($line.Trim()) { Write-Host ('    ' + $line) }
    }
    if ($OkExitCodes -notcontains $code) {
        throw ($FilePath + ' failed with exit code ' + [string]$code + '.')
    }
    return $code
}
