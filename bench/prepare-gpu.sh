#!/usr/bin/env bash
# Prepares everything bench/gpu.sh needs on the GPU machine (no .NET, no internet there) in the ignored folder .gpu/:
#   .gpu/qwenlayered-linux-x64.tar.gz   self-contained qwenlayered, TorchBackend=external (no libtorch inside; the
#                                       machine's pip PyTorch supplies it), trimmed partially, compressed
#   .gpu/tokenizer/                     the Qwen2.5 tokenizer files (random weights still tokenize real prompts)
#   .gpu/diffusers-src.tar.gz           huggingface/diffusers' src/diffusers, for the reference transformer (see docs/benchmarks.md:
#                                       it is copied here by hand from a checkout; this script fetches nothing)
# Usage: bash bench/prepare-gpu.sh [tokenizer folder] [diffusers checkout]
set -euo pipefail
cd "$(dirname "$0")/.."
TOKENIZER=${1:-../shared/fixtures/tokenizer_qwen25/tokenizer}
DIFFUSERS=${2:-.reference/diffusers}
OUT_DIR=.gpu
PUBLISH=$(mktemp -d)
trap 'rm -rf "$PUBLISH"' EXIT
mkdir -p "$OUT_DIR"

# Trim warnings come from TorchSharp (not trim-annotated); partial trimming keeps every assembly that is not marked
# trimmable whole, so they are reported, not errors.
dotnet publish src/Server/QwenLayered.Server.csproj -c Release -r linux-x64 --self-contained \
  -p:TorchBackend=external -p:PublishTrimmed=true -p:TrimMode=partial -p:TreatWarningsAsErrors=false \
  -p:SatelliteResourceLanguages=en -p:DebugType=none -o "$PUBLISH" -nologo -v q
test -f "$PUBLISH/libLibTorchSharp.so" || { echo "the TorchSharp shim is missing from the publish" >&2; exit 1; }
if ls "$PUBLISH"/libtorch*.so >/dev/null 2>&1; then echo "a libtorch was published; expected none (TorchBackend=external)" >&2; exit 1; fi
tar -C "$PUBLISH" -czf "$OUT_DIR/qwenlayered-linux-x64.tar.gz" .
echo "publish: $(du -sh "$PUBLISH" | cut -f1) unpacked, $(du -h "$OUT_DIR/qwenlayered-linux-x64.tar.gz" | cut -f1) packed"

rm -rf "$OUT_DIR/tokenizer" && cp -r "$TOKENIZER" "$OUT_DIR/tokenizer"
if [ -d "$DIFFUSERS/src/diffusers" ]; then
  # The pipelines are not needed for one transformer forward and are most of the size.
  tar -C "$DIFFUSERS/src" --exclude='diffusers/pipelines/*/' --exclude='diffusers/modular_pipelines/*/' -czf "$OUT_DIR/diffusers-src.tar.gz" diffusers
  echo "diffusers: $(du -h "$OUT_DIR/diffusers-src.tar.gz" | cut -f1) packed from $DIFFUSERS ($(git -C "$DIFFUSERS" rev-parse --short HEAD 2>/dev/null || echo '?'))"
else
  echo "no diffusers checkout at $DIFFUSERS: the reference side-by-side will be skipped (docs/benchmarks.md says how to add it)"
fi
du -sh "$OUT_DIR"
