# Stopped in this order (UsoSvc restarts wuauserv, CryptSvc holds catroot2) and started in reverse.
$Services = @('usosvc', 'wuauserv', 'bits', 'cryptsvc')
$Folders = @('SoftwareDistribution\Download', 'SoftwareDistribution\DataStore', 'System32\catroot2')

function Stop-UpdateServices {
    [CmdletBinding(SupportsShouldProcess)]
    param()
    foreach ($name in $Services) {
        $svc = Get-Service -Name $name -ErrorAction SilentlyContinue
        if (-not $svc) { Write-Step ($name + ' does not exist on this machine.'); continue }
        if ($svc.Status -eq 'Stopped') { continue }
        if ($PSCmdlet.ShouldProcess($name, 'Stop service')) {
            try {
                Stop-Service -Name $name -Force -Confirm:$false -ErrorAction Stop
                $svc.WaitForStatus('Stopped', [TimeSpan]::FromSeconds(60))
                Write-Step ('Stopped ' + $name)
            } catch {
                Write-Warning ('Could not stop ' + $name + ': ' + $_.Exception.Message)
            }
        }
    }
}

function Start-UpdateServices {
    [CmdletBinding(SupportsShouldProcess)]
    param()
    for ($i = $Services.Count - 1; $i -ge 0; $i--) {
        $name = $Services[$i]
        if (-not (Get-Service -Name $name -ErrorAction SilentlyContinue)) { continue }
        if ($PSCmdlet.ShouldProcess($name, 'Start service')) {
            try {
                Start-Service -Name $name -Confirm:$false -ErrorAction Stop
                Write-Step ('Started ' + $name)
            } catch {
                Write-Warning ('Could not start ' + $name + ' (it may start on demand): ' + $_.Exception.Message)
            }
        }
    }
}

function Rename-WithRetry([string]$Path, [string]$NewName) {
    # Windows Update can restart on its own and lock the folder again: stop it and retry a few times.
    for ($try = 1; $try -le 5; $try++) {
        try {
            Rename-Item -LiteralPath $Path -NewName $NewName -Confirm:$false -ErrorAction Stop
            Write-Step ('Renamed ' + $Path + ' to ' + $NewName)
            return
        } catch {
            if ($try -eq 5) { throw ('Could not rename ' + $Path + ': ' + $_.Exception.Message) }
            Stop-Service -Name 'wuauserv' -Force -Confirm:$false -ErrorAction SilentlyContinue
            Stop-Service -Name 'usosvc' -Force -Confirm:$false -ErrorAction SilentlyContinue
            Start-Sleep -Seconds 3
        }
    }
}
