#!/usr/bin/env bash
# The load check of docs/benchmarks.md ("Several servers on one Redis"): 8 artists x 10 jobs, first against one server
# alone, then against two servers sharing one Redis, on this machine in one run. Needs Debian's redis-server.
# Arguments after the script's own go to both runs in place of the defaults below (see tools/ServerLoadCheck).
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build -c Release tools/ServerLoadCheck >/dev/null
check=tools/ServerLoadCheck/bin/Release/net10.0/ServerLoadCheck
# artists jobsPerArtist seconds steps layers queueCapacity inFlightPerArtist
settings=(${@:-8 10 600 8 2 32 3})
echo "== one server"
"$check" "${settings[@]}" 1
echo "== two servers on one Redis"
"$check" "${settings[@]}" 2
