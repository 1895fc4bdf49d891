#!/usr/bin/env bash
# The GPU benchmark set, in one run on the GPU machine (torch in Python, no .NET, no internet). Needs the ignored
# folder .gpu/ made by bench/prepare-gpu.sh, carried along. Writes its results under $OUT (at most 8 files):
#   gpu.log         everything printed
#   plan.txt        qwenlayered plan for the run's size against this card's memory: which memory modes fit
#   bench.json      qwenlayered bench per memory mode that fits ({"resident": {...}, "quantized": {...}, ...}): full-size
#                   random bf16 weights, 640 px, 4 layers, CFG on
#   reference.json  diffusers' transformer forward at the same size, random bf16 weights
#   summary.txt     per mode: seconds per CFG step, end to end for 50 steps (extrapolated), peak device memory against the
#                   plan; the reference's figures and the ratio
#   ldd_r.txt       the link check of the shim against this libtorch (without the probe)
#   probe.log, eval-demo.md  only with CHECKS=1: TorchSharp on this libtorch, the demo model trained and scored here
# Environment: STEPS (20; the 50-step figure is extrapolated from the per-step median), RESOLUTION (640), LAYERS (4),
# DEVICE (cuda), CONFIG (full), MODES (default: every mode the plan fits on this card, fastest first, text-offload only
# where resident does not fit), CHECKS (0),
# TORCH_LIB (default: from python3's torch). DEVICE=cpu CONFIG=tiny is a local dry run.
set -u
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=${OUT:-$ROOT/.gpu/out}
mkdir -p "$OUT"
exec > >(tee "$OUT/gpu.log") 2>&1
STEPS=${STEPS:-20}; RESOLUTION=${RESOLUTION:-640}; LAYERS=${LAYERS:-4}; DEVICE=${DEVICE:-cuda}; CONFIG=${CONFIG:-full}; CHECKS=${CHECKS:-0}
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
if [ "$CHECKS" = 1 ] && [ -f .gpu/gpu-probe.tar.gz ]; then
  mkdir -p "$WORK/probe" && tar -C "$WORK/probe" -xzf .gpu/gpu-probe.tar.gz
  (cd "$WORK/probe" && OUT="$OUT" TORCH_LIB="$TORCH_LIB" timeout 120 bash run_gpu.sh > /dev/null 2>&1; echo "probe rc=$?")
  mv "$OUT/run_gpu.log" "$OUT/probe.log" 2>/dev/null; grep -E "undefined symbols|matmul|autograd|loss|diff|TFLOP|OK|FAILED|rc=" "$OUT/probe.log"
else
  echo "probe skipped (CHECKS=1 and .gpu/gpu-probe.tar.gz run it); link check of our own shim only"
  LD_LIBRARY_PATH="$TORCH_LIB" ldd -r "$WORK/ql/libLibTorchSharp.so" > "$OUT/ldd_r.txt" 2>&1
  echo "undefined symbols: $(grep -c 'undefined symbol' "$OUT/ldd_r.txt")"
fi
timeout 30 "$QL" info --device "$DEVICE"; echo "info rc=$?"

if [ "$CHECKS" = 1 ]; then
  echo "== 1b. the demo model on $DEVICE: training steps and a held-out eval ($SECONDS s)"
  # Seeded draws come from CPU generators and move to the device; these runs are where a mismatch would show.
  timeout 60 "$QL" train --stage transformer --init models/qwenlayered-demo --out "$WORK/train" --samples 64 --size 64 \
    --steps 40 --batch 16 --checkpoint-every 40 --device "$DEVICE" | grep -E "step (1|40)/|checkpoint|rror"
  echo "train rc=${PIPESTATUS[0]}"
  timeout 60 "$QL" eval --scenes 32 --device "$DEVICE" --dtype fp32 --out "$WORK/eval" | tail -4
  echo "eval rc=${PIPESTATUS[0]}"; cp "$WORK/eval/eval-report.md" "$OUT/eval-demo.md" 2>/dev/null
fi

echo "== 2. memory plan against this card ($SECONDS s)"
CARD_MIB=$( (nvidia-smi --query-gpu=memory.total --format=csv,noheader,nounits 2>/dev/null || true) | head -1 | tr -d ' ')
PLAN_MEMORY=${CARD_MIB:+--device-memory ${CARD_MIB}MiB}
timeout 120 "$QL" plan --config "$CONFIG" --resolution "$RESOLUTION" --layers "$LAYERS" $PLAN_MEMORY | tee "$OUT/plan.txt"
if [ -z "${MODES:-}" ]; then
  # Rows of the plan's table whose last column says yes; without a card's memory (a CPU dry run), every mode. Where
  # resident fits, text-offload is left out: its sampling step is resident's (only the text encoder moves between prompts).
  MODES=$(awk -F'|' '$NF == "" && $(NF-1) ~ /yes|\?/ {gsub(/ /, "", $2); print $2}' "$OUT/plan.txt" | tr '\n' ' ')
  case " $MODES " in *" resident "*) MODES=${MODES/text-offload /} ;; esac
  [ -n "$MODES" ] || { MODES="resident quantized streamed"; echo "no plan (or nothing fits): trying $MODES"; }
fi
echo "modes to run: ${MODES:-none fits}"

run_bench() { # mode, seconds allowed
  echo "-- bench, memory mode $1 ($SECONDS s, at most $2 s)"
  timeout "$2" "$QL" bench --random-weights --config "$CONFIG" --tokenizer .gpu/tokenizer --device "$DEVICE" --dtype bf16 \
    --resolution "$RESOLUTION" --layers "$LAYERS" --steps "$STEPS" --cfg on --batch 1 --preview-every 0 \
    --other-cfg-steps "$([ "$1" = resident ] && echo 3 || echo 0)" --memory "$1" --json "$WORK/bench-$1.json" | tail -25
  echo "bench $1 rc=${PIPESTATUS[0]}"
}

echo "== 3. qwenlayered bench, the fastest mode that fits ($SECONDS s)"
set -- $MODES
[ $# -gt 0 ] && { run_bench "$1" 240; shift; }

echo "== 4. reference transformer ($SECONDS s)"
if [ -f .gpu/diffusers-src.tar.gz ]; then
  mkdir -p "$WORK/diffusers" && tar -C "$WORK/diffusers" -xzf .gpu/diffusers-src.tar.gz
  TEXT_TOKENS=$(python3 -c 'import json,glob;print(json.load(open(sorted(glob.glob("'"$WORK"'/bench-*.json"))[0]))["text_tokens"])' 2>/dev/null || echo 40)
  PYTHONUNBUFFERED=1 timeout 150 python3 bench/reference_transformer.py "$WORK/diffusers" "$OUT/reference.json" \
    --resolution "$RESOLUTION" --layers "$LAYERS" --text-tokens "$TEXT_TOKENS"
  echo "reference rc=$?"
else
  echo "no .gpu/diffusers-src.tar.gz: reference skipped"
fi

echo "== 5. the other modes that fit, while time is left ($SECONDS s)"
for mode in "$@"; do
  left=$((570 - SECONDS))
  [ "$left" -lt 90 ] && { echo "skipped $mode: $left s left"; continue; }
  run_bench "$mode" "$left"
done

echo "== summary ($SECONDS s)"
python3 bench/gpu_summary.py "$WORK" "$OUT/reference.json" 50 "$OUT/plan.txt" "$OUT/bench.json" | tee "$OUT/summary.txt"
rm -rf "$WORK"
