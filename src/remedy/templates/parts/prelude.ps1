#Requires -Version 5.1
[CmdletBinding(SupportsShouldProcess)]
{{Params}}

$ErrorActionPreference = 'Stop'
$ScriptName = {{ScriptName}}
$Stamp = Get-Date -Format 'yyyyMMdd-HHmmss'
$LogPath = Join-Path $env:TEMP ('patchdx-' + $ScriptName + '-' + $Stamp + '.log')
