if not "%UBR%"=="{{Ubr}}" (
  call :log REFUSED: this machine is at %BUILD%.%UBR%, the logs show UBR {{Ubr}}. Diagnose it again.
  exit /b 2
)
