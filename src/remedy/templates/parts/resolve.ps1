function Get-TargetText($Target) {
    $text = $Target.Parent + '\' + $Target.Name
    if ($Target.Sub) { $text = $text + '\' + $Target.Sub }
    return $text
}

function Resolve-Target($Target) {
    # The paths (relative to %windir%) on this machine that a target names.
    $parent = Join-Path $env:windir $Target.Parent
    $names = @($Target.Name)
    if ($Target.Name.IndexOf('*') -ge 0) {
        $names = @(Get-ChildItem -LiteralPath $parent -Force -Filter $Target.Name -ErrorAction SilentlyContinue |
            Where-Object { $_.Name -like $Target.Name } | ForEach-Object { $_.Name })
    }
    foreach ($n in $names) {
        $rel = $Target.Parent + '\' + $n
        if ($Target.Sub) { $rel = $rel + '\' + $Target.Sub }
        $rel
    }
}
