#!/usr/bin/env bash
# Runs every test of QwenLayered: restores what it needs, builds in Release, runs the .NET tests and the
# panel's tests, checks that a published server loads libtorch, and prints one closing total.
set -uo pipefail
cd "$(dirname "$0")/.."
results=.artifacts/test-results
rm -rf "$results" && mkdir -p "$results"
failed_steps=()

step() { # step NAME COMMAND...: runs a step, remembering a failure instead of stopping.
  local name=$1; shift
  echo "== $name"
  "$@" || failed_steps+=("$name")
}

step "restore" dotnet restore QwenLayered.sln
step "build" dotnet build QwenLayered.sln -c Release --no-restore
# Before the .NET tests: the panel end-to-end tests run the panel's own modules, which need its packages.
step "panel install" bash -c "cd plugin-uxp && npm ci --no-audit --no-fund"
step ".NET tests" bash -c "dotnet test --solution QwenLayered.sln -c Release --no-build 2>&1 | tee $results/dotnet.txt; exit \${PIPESTATUS[0]}"
step "panel tests" bash -c "cd plugin-uxp && npx vitest run --reporter=default --reporter=json --outputFile=../$results/vitest.json"
step "publish" dotnet publish src/Cli/QwenLayered.Cli.csproj -c Release --no-build -o .artifacts/publish
step "published server loads libtorch" .artifacts/publish/qwenlayered info --device cpu

dotnet_passed=$(awk '/^ *succeeded:/ {n += $2} END {print n + 0}' "$results/dotnet.txt" 2>/dev/null || echo 0)
dotnet_failed=$(awk '/^ *failed:/ {n += $2} END {print n + 0}' "$results/dotnet.txt" 2>/dev/null || echo 0)
read -r panel_passed panel_failed < <(node -e '
  try { const r = require(process.argv[1]); console.log(r.numPassedTests, r.numFailedTests); }
  catch { console.log(0, 0); }' "$PWD/$results/vitest.json")
step_failures=${#failed_steps[@]}
passed=$((dotnet_passed + panel_passed))
failed=$((dotnet_failed + panel_failed))

echo
echo "dotnet: $dotnet_passed passed, $dotnet_failed failed; panel: $panel_passed passed, $panel_failed failed"
if ((step_failures > 0)); then
  echo "failed steps: ${failed_steps[*]}"
  # A step that failed without a failing test (a build error, say) still counts as a failure.
  ((failed == 0)) && failed=$step_failures
fi
echo "$passed passed, $failed failed"
((failed == 0 && step_failures == 0))
