#!/usr/bin/env bash
# Publishes qwenlayered-bridge as a self-contained single file for each artist platform into
# .artifacts/bridge/<rid>/, then proves the linux-x64 one runs. Not part of scripts/test.sh: three
# self-contained publishes take about two minutes here. Run it before a release (and in CI when the bridge changes).
set -euo pipefail
cd "$(dirname "$0")/.."
if (($#)); then rids=("$@"); else rids=(win-x64 osx-arm64 linux-x64); fi
for rid in "${rids[@]}"; do
  echo "== publish $rid"
  dotnet publish src/BridgeCli/QwenLayered.BridgeCli.csproj -c Release -r "$rid" -o ".artifacts/bridge/$rid" --nologo -v quiet
  ls -la ".artifacts/bridge/$rid"
done
if [[ " ${rids[*]} " == *" linux-x64 "* ]]; then
  echo "== linux-x64 runs"
  .artifacts/bridge/linux-x64/qwenlayered-bridge --version
  .artifacts/bridge/linux-x64/qwenlayered-bridge --help | grep -q -- "--server"
fi
