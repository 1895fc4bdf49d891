#!/usr/bin/env bash
# Trains the demo model in models/qwenlayered-demo again from scratch on this machine's CPU, with the settings it was
# trained with: the RGBA-VAE on procedural layered scenes at 128 px, then the transformer (from the adaLN-Zero start the
# VAE stage passes on) on their latents at 64 px, first at a time shift of 3, then at σ from 0.85 to 1, where the model
# learns to pull the layers out of the composite, at a rate falling from 1e-3 to zero, on 12288 scenes it has not seen
# (seeds from 20000; the first stage's are 1-4096): on the first stage's scenes, or on only 4096 at that rate, it learns
# its scenes by heart. Then, from those weights in bf16, the VAE's decoder alone again (the encoder frozen, so the
# transformer's latents keep their meaning) at 64 px with each image's outermost rows and columns weighted 8 times and
# its corners 64 times: the first stage left faint alpha in the corners of every layer, which the zero-padded decoder
# learns only when they count. Then writes the weights in bf16 beside the model's profile (qwenlayered.json). Every step's
# randomness comes from the seed and the step number, so the same steps give the same model. Checkpoints go to
# .artifacts/train-demo; started again, an interrupted stage continues where it stopped.
set -euo pipefail
cd "$(dirname "$0")/.."
demo=models/qwenlayered-demo
work=.artifacts/train-demo
vae_steps=${VAE_STEPS:-1300}
shifted_steps=${SHIFTED_STEPS:-10000}
high_noise_steps=${HIGH_NOISE_STEPS:-3000}
decoder_steps=${DECODER_STEPS:-400}
checkpoint() { printf '%s/checkpoint-%06d' "$1" "$2"; }

dotnet build src/Cli/QwenLayered.Cli.csproj -c Release
qwenlayered=src/Cli/bin/Release/net10.0/qwenlayered

"$qwenlayered" train --stage vae --config demo --tokenizer "$demo/tokenizer" --out "$work/vae" \
  --samples 1024 --size 128 --batch 8 --lr 2e-4 --steps "$vae_steps" --checkpoint-every 50 --seed 0 --resume
"$qwenlayered" train --stage transformer --init "$(checkpoint "$work/vae" "$vae_steps")" --out "$work/transformer-shifted" \
  --samples 4096 --size 64 --batch 32 --lr 2e-3 --steps "$shifted_steps" --checkpoint-every 1000 --seed 1 --sigma-shift 3 --resume
"$qwenlayered" train --stage transformer --init "$(checkpoint "$work/transformer-shifted" "$shifted_steps")" --out "$work/transformer-high-noise" \
  --samples 12288 --size 64 --batch 32 --lr 1e-3 --decay-steps "$high_noise_steps" --steps "$high_noise_steps" --checkpoint-every 1000 \
  --seed 20000 --sigma-shift 1 --min-sigma 0.85 --resume

rm -rf "$work/export" "$work/final"
"$qwenlayered" export --model "$(checkpoint "$work/transformer-high-noise" "$high_noise_steps")" --out "$work/export" --dtype bf16
"$qwenlayered" train --stage decoder --init "$work/export" --out "$work/decoder" \
  --samples 1024 --size 64 --batch 8 --lr 2e-4 --decay-steps 100 --edge-weight 8 --steps "$decoder_steps" --checkpoint-every 100 --seed 0 --resume
"$qwenlayered" export --model "$(checkpoint "$work/decoder" "$decoder_steps")" --out "$work/final" --dtype bf16
cp "$demo/qwenlayered.json" "$work/final/"
rm -rf "$demo" && mv "$work/final" "$demo"
echo "Wrote $demo; measure it with: $qwenlayered eval --out .artifacts/eval"
