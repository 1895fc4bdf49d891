#!/usr/bin/env bash
# Trains the demo model in models/qwenlayered-demo again from scratch, on this machine's CPU: the RGBA-VAE on
# procedural layered scenes, then the transformer on its latents, then writes the weights in bf16 beside the
# model's profile (qwenlayered.json). Same seeds, same steps: the same model. Checkpoints go to .artifacts/train-demo,
# and an interrupted run continues where it stopped when started again.
set -euo pipefail
cd "$(dirname "$0")/.."
demo=models/qwenlayered-demo
work=.artifacts/train-demo
vae_steps=${VAE_STEPS:-1300}
transformer_steps=${TRANSFORMER_STEPS:-__TRANSFORMER_STEPS__}

dotnet build src/Server/QwenLayered.Server.csproj -c Release
qwenlayered=src/Server/bin/Release/net10.0/qwenlayered

"$qwenlayered" train --stage vae --config demo --tokenizer "$demo/tokenizer" --out "$work/vae" \
  --samples 1024 --size 128 --batch 8 --lr 2e-4 --steps "$vae_steps" --checkpoint-every 50 --seed 0 --resume
"$qwenlayered" train --stage transformer --init "$work/vae/checkpoint-$(printf %06d "$vae_steps")" --out "$work/transformer" \
  --samples 2048 --size 128 --batch 8 --lr 3e-4 --steps "$transformer_steps" --checkpoint-every 250 --seed 0 --resume

"$qwenlayered" export --model "$work/transformer/checkpoint-$(printf %06d "$transformer_steps")" --out "$work/export" --dtype bf16
cp "$demo/qwenlayered.json" "$work/export/"
rm -rf "$demo" && mv "$work/export" "$demo"
echo "Wrote $demo; measure it with: $qwenlayered eval --out .artifacts/eval"
