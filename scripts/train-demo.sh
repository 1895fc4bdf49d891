#!/usr/bin/env bash
# Trains the demo model in models/qwenlayered-demo again from scratch on this machine's CPU, with the settings it was
# trained with: the RGBA-VAE on procedural layered scenes at 128 px, then the transformer on their latents at 64 px
# (the resolution the model works at, four times cheaper a step than 128 px) with the learning rate falling to zero
# over the last quarter, then writes the weights in bf16 beside the model's profile (qwenlayered.json). Every step's randomness comes from the seed and the step number, so the same
# steps give the same model. Checkpoints go to .artifacts/train-demo; started again, an interrupted stage continues
# where it stopped.
set -euo pipefail
cd "$(dirname "$0")/.."
demo=models/qwenlayered-demo
work=.artifacts/train-demo
vae_steps=${VAE_STEPS:-1300}
transformer_steps=${TRANSFORMER_STEPS:-32000}
checkpoint() { printf '%s/checkpoint-%06d' "$1" "$2"; }

dotnet build src/Server/QwenLayered.Server.csproj -c Release
qwenlayered=src/Server/bin/Release/net10.0/qwenlayered

"$qwenlayered" train --stage vae --config demo --tokenizer "$demo/tokenizer" --out "$work/vae" \
  --samples 1024 --size 128 --batch 8 --lr 2e-4 --steps "$vae_steps" --checkpoint-every 50 --seed 0 --resume
"$qwenlayered" train --stage transformer --init "$(checkpoint "$work/vae" "$vae_steps")" --out "$work/transformer" \
  --samples 8192 --size 64 --batch 8 --lr 3e-4 --steps "$transformer_steps" --decay-steps $((transformer_steps / 4)) \
  --checkpoint-every 1000 --seed 1 --resume

rm -rf "$work/export"
"$qwenlayered" export --model "$(checkpoint "$work/transformer" "$transformer_steps")" --out "$work/export" --dtype bf16
cp "$demo/qwenlayered.json" "$work/export/"
rm -rf "$demo" && mv "$work/export" "$demo"
echo "Wrote $demo; measure it with: $qwenlayered eval --out .artifacts/eval"
