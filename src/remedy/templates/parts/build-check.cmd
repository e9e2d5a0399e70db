set "BUILD_OK="
for %%B in ({{Builds}}) do if "%%B"=="%BUILD%" set "BUILD_OK=1"
if not defined BUILD_OK (
  call :log REFUSED: this machine is build %BUILD%.%UBR%, the logs show build {{BuildsShown}}. Collect and diagnose this machine's logs.
  exit /b 2
)
