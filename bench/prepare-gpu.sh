#!/usr/bin/env bash
# Prepares everything bench/gpu.sh needs on the GPU machine (no .NET, no internet there) in the ignored folder .gpu/:
#   .gpu/qwenlayered-linux-x64.tar.gz   self-contained qwenlayered, TorchBackend=external (no libtorch inside; the
#                                       machine's pip PyTorch supplies it), trimmed partially, compressed
#   .gpu/gpu-probe.tar.gz               ../shared/gpu-probe with its app published self-contained and the shim patched
#   .gpu/tokenizer/                     the Qwen2.5 tokenizer files (random weights still tokenize real prompts)
#   .gpu/diffusers-src.tar.gz           huggingface/diffusers' src/diffusers, for the reference transformer (see docs/benchmarks.md:
#                                       it is copied here by hand from a checkout; this script fetches nothing)
# Usage: bash bench/prepare-gpu.sh [tokenizer folder] [diffusers copy holding src/diffusers] [gpu-probe folder]
set -euo pipefail
cd "$(dirname "$0")/.."
TOKENIZER=${1:-models/qwenlayered-demo/tokenizer}
DIFFUSERS=${2:-.reference/diffusers}
PROBE=${3:-../shared/gpu-probe}
OUT_DIR=.gpu
PUBLISH=$(mktemp -d)
trap 'rm -rf "$PUBLISH"' EXIT
mkdir -p "$OUT_DIR" && rm -rf "$OUT_DIR/out"  # a local dry run's results must not travel

# Partial trimming trims only assemblies marked trimmable (the framework) and keeps ours and TorchSharp whole, so their
# trim warnings are silenced rather than errors; config and report JSON use reflection, which trimming would turn off.
dotnet publish src/Cli/QwenLayered.Cli.csproj -c Release -r linux-x64 --self-contained \
  -p:TorchBackend=external -p:PublishTrimmed=true -p:TrimMode=partial -p:TreatWarningsAsErrors=false -p:SuppressTrimAnalysisWarnings=true -p:JsonSerializerIsReflectionEnabledByDefault=true \
  -p:SatelliteResourceLanguages=en -p:DebugType=none -o "$PUBLISH" -nologo -v q
test -f "$PUBLISH/libLibTorchSharp.so" || { echo "the TorchSharp shim is missing from the publish" >&2; exit 1; }
if ls "$PUBLISH"/libtorch*.so >/dev/null 2>&1; then echo "a libtorch was published; expected none (TorchBackend=external)" >&2; exit 1; fi
# The benchmark writes no PSD files: ImageMagick's native library (38 MB) stays home so the tree fits the 64 MiB carry.
rm -f "$PUBLISH"/Magick.Native-*.so
tar -C "$PUBLISH" -czf "$OUT_DIR/qwenlayered-linux-x64.tar.gz" .
echo "publish: $(du -sh "$PUBLISH" | cut -f1) unpacked, $(du -h "$OUT_DIR/qwenlayered-linux-x64.tar.gz" | cut -f1) packed"

# The probe app, as ../shared/gpu-probe/run_gpu.sh expects it: published into app/ beside the script, shim patched.
PROBE_WORK=$(mktemp -d)
trap 'rm -rf "$PUBLISH" "$PROBE_WORK"' EXIT
cp -r "$PROBE/." "$PROBE_WORK/" && chmod -R u+w "$PROBE_WORK"
mv "$PROBE_WORK/app" "$PROBE_WORK/app-src"
dotnet publish "$PROBE_WORK/app-src/app.csproj" -c Release -r linux-x64 --self-contained -p:PublishTrimmed=true -p:TrimMode=partial \
  -p:SuppressTrimAnalysisWarnings=true -p:DebugType=none -o "$PROBE_WORK/app" -nologo -v q
python3 "$PROBE_WORK/weaken_verneed.py" "$PROBE_WORK/app/libLibTorchSharp.so" "$PROBE_WORK/app/libLibTorchSharp.so" GLIBCXX_3.4.32
rm -rf "$PROBE_WORK/app-src"
tar -C "$PROBE_WORK" -czf "$OUT_DIR/gpu-probe.tar.gz" .
echo "probe: $(du -h "$OUT_DIR/gpu-probe.tar.gz" | cut -f1) packed"

rm -rf "$OUT_DIR/tokenizer" && cp -r "$TOKENIZER" "$OUT_DIR/tokenizer"
if [ -d "$DIFFUSERS/src/diffusers" ]; then
  tar -C "$DIFFUSERS/src" -czf "$OUT_DIR/diffusers-src.tar.gz" diffusers
  echo "diffusers: $(du -h "$OUT_DIR/diffusers-src.tar.gz" | cut -f1) packed from $DIFFUSERS (commit $(cat "$DIFFUSERS/COMMIT" 2>/dev/null || echo '?'))"
else
  echo "no diffusers checkout at $DIFFUSERS: the reference side-by-side will be skipped (docs/benchmarks.md says how to add it)"
fi
du -sh "$OUT_DIR"
