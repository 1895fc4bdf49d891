#!/usr/bin/env bash
# The GPU benchmark set, in one run on the GPU machine (torch in Python, no .NET, no internet). Needs the ignored
# folder .gpu/ made by bench/prepare-gpu.sh, carried along. Writes its results under $OUT (at most 8 files):
#   gpu.log         everything printed
#   probe.log       TorchSharp 0.107 on this machine's pip libtorch (../shared/gpu-probe), ldd_r.txt its link check
#   bench.json      qwenlayered bench: full-size random bf16 weights, 640 px, 4 layers, CFG on
#   reference.json  diffusers' transformer forward at the same size, random bf16 weights
#   bench-batch2.json  the same with two jobs in one batch, 4 steps (only when time is left)
#   summary.txt     seconds per CFG step for both, the ratio, peak device memory, end to end for 50 steps
#   eval-demo.md    qwenlayered eval of the demo model on the device (32 held-out scenes)
# Environment: STEPS (20; the 50-step figure is extrapolated from the per-step median), RESOLUTION (640), LAYERS (4),
# DEVICE (cuda), CONFIG (full), TORCH_LIB (default: from python3's torch). DEVICE=cpu CONFIG=tiny is a local dry run.
set -u
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=${OUT:-$ROOT/.gpu/out}
mkdir -p "$OUT"
exec > >(tee "$OUT/gpu.log") 2>&1
STEPS=${STEPS:-20}; RESOLUTION=${RESOLUTION:-640}; LAYERS=${LAYERS:-4}; DEVICE=${DEVICE:-cuda}; CONFIG=${CONFIG:-full}
WORK=$(mktemp -d)
SECONDS=0

echo "== host"; uname -srm; ldd --version 2>&1 | head -1; (nvidia-smi -L || true) 2>&1 | head -4
if [ -z "${TORCH_LIB:-}" ]; then
  TORCH_LIB=$(python3 -c 'import torch,os;print(os.path.join(os.path.dirname(torch.__file__),"lib"))') || { echo "no python torch"; exit 2; }
  python3 -c 'import torch;print("python torch", torch.__version__, "cuda", torch.version.cuda, "available", torch.cuda.is_available())'
fi
echo "TORCH_LIB=$TORCH_LIB"

echo "== unpack"
mkdir -p "$WORK/ql" && tar -C "$WORK/ql" -xzf .gpu/qwenlayered-linux-x64.tar.gz
QL="$WORK/ql/qwenlayered"
test -x "$QL" || { echo "qwenlayered not found in .gpu/qwenlayered-linux-x64.tar.gz: run bench/prepare-gpu.sh"; exit 2; }
# The tokenizer needs ICU for NFC normalisation of non-ASCII text; the benchmark prompts are ASCII, so invariant mode
# gives the same tokens where the machine has no libicu.
if ! ldconfig -p 2>/dev/null | grep -q libicuuc; then
  export DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1; echo "no libicu here: DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 (ASCII prompts tokenize the same)"
fi
# No fallback copy of natives out of a NuGet cache: a load failure must show as one.
export NUGET_PACKAGES=/nonexistent QWENLAYERED_TORCH_LIB=$TORCH_LIB

echo "== 1. probe: TorchSharp on this libtorch ($SECONDS s)"
if [ -f .gpu/gpu-probe.tar.gz ]; then
  mkdir -p "$WORK/probe" && tar -C "$WORK/probe" -xzf .gpu/gpu-probe.tar.gz
  (cd "$WORK/probe" && OUT="$OUT" TORCH_LIB="$TORCH_LIB" timeout 120 bash run_gpu.sh > /dev/null 2>&1; echo "probe rc=$?")
  mv "$OUT/run_gpu.log" "$OUT/probe.log" 2>/dev/null; grep -E "undefined symbols|matmul|autograd|loss|diff|TFLOP|OK|FAILED|rc=" "$OUT/probe.log"
else
  echo "no .gpu/gpu-probe.tar.gz; link check of our own shim only"
  LD_LIBRARY_PATH="$TORCH_LIB" ldd -r "$WORK/ql/libLibTorchSharp.so" > "$OUT/ldd_r.txt" 2>&1
  echo "undefined symbols: $(grep -c 'undefined symbol' "$OUT/ldd_r.txt")"
fi
timeout 30 "$QL" info --device "$DEVICE"; echo "info rc=$?"

echo "== 1b. the demo model on $DEVICE: training steps and a held-out eval ($SECONDS s)"
# Seeded draws come from CPU generators and move to the device; these runs are where a mismatch would show.
timeout 60 "$QL" train --stage transformer --init models/qwenlayered-demo --out "$WORK/train" --samples 64 --size 64 \
  --steps 40 --batch 16 --checkpoint-every 40 --device "$DEVICE" | grep -E "step (1|40)/|checkpoint|rror"
echo "train rc=${PIPESTATUS[0]}"
timeout 60 "$QL" eval --scenes 32 --device "$DEVICE" --dtype fp32 --out "$WORK/eval" | tail -4
echo "eval rc=${PIPESTATUS[0]}"; cp "$WORK/eval/eval-report.md" "$OUT/eval-demo.md" 2>/dev/null

echo "== 2. qwenlayered bench ($SECONDS s)"
timeout 300 "$QL" bench --random-weights --config "$CONFIG" --tokenizer .gpu/tokenizer --device "$DEVICE" --dtype bf16 \
  --resolution "$RESOLUTION" --layers "$LAYERS" --steps "$STEPS" --cfg on --batch 1 --preview-every 5 --other-cfg-steps 3 \
  --json "$OUT/bench.json"
echo "bench rc=$?"

echo "== 3. reference transformer ($SECONDS s)"
if [ -f .gpu/diffusers-src.tar.gz ]; then
  mkdir -p "$WORK/diffusers" && tar -C "$WORK/diffusers" -xzf .gpu/diffusers-src.tar.gz
  TEXT_TOKENS=$(python3 -c 'import json,sys;print(json.load(open(sys.argv[1]))["text_tokens"])' "$OUT/bench.json" 2>/dev/null || echo 40)
  PYTHONUNBUFFERED=1 timeout 150 python3 bench/reference_transformer.py "$WORK/diffusers" "$OUT/reference.json" \
    --resolution "$RESOLUTION" --layers "$LAYERS" --text-tokens "$TEXT_TOKENS"
  echo "reference rc=$?"
else
  echo "no .gpu/diffusers-src.tar.gz: reference skipped"
fi

echo "== 4. two jobs batched, if time is left ($SECONDS s)"
# Whether same-shape jobs gain throughput on this card (they do not on a CPU); skipped when the run is already long.
if [ "$SECONDS" -lt 400 ]; then
  timeout $((560 - SECONDS)) "$QL" bench --random-weights --config "$CONFIG" --tokenizer .gpu/tokenizer --device "$DEVICE" --dtype bf16 \
    --resolution "$RESOLUTION" --layers "$LAYERS" --steps 4 --cfg on --batch 2 --preview-every 0 --other-cfg-steps 0 \
    --json "$OUT/bench-batch2.json"
  echo "batch-2 bench rc=$?"
fi

echo "== summary ($SECONDS s)"
python3 bench/gpu_summary.py "$OUT/bench.json" "$OUT/reference.json" 50 "$OUT/bench-batch2.json" | tee "$OUT/summary.txt"
rm -rf "$WORK"
