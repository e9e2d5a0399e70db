# The OS build the logs show (builds of one servicing family share component versions).
$ExpectedBuilds = @({{ExpectedBuilds}})
$ExpectedUbr = {{ExpectedUbr}}
$BuildSeenIn = {{BuildSeenIn}}
