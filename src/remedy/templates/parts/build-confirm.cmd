if not "%CONFIRM_BUILD%"=="%BUILD%" (
  call :log REFUSED: the logs name no OS build. Check this is the machine they came from, then add /confirmbuild:%BUILD%
  exit /b 2
)
