# Store items named by the diagnosis, relative to %windir%. Data only. A * in Name stands for the parts
# of a component key the log did not give; it is resolved on the machine and must match exactly one folder.
$Targets = @(
{{TargetRows}}
)
