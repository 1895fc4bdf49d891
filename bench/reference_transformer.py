#!/usr/bin/env python3
"""Times the reference transformer (diffusers' QwenImageTransformer2DModel, carried as source) at the published
Qwen-Image-Layered size with random bf16 weights, as the diffusers layered pipeline calls it: one CFG step is two
batch-1 forwards (cond, uncond); a batch-2 forward is timed too. Same token counts as our benchmark.

Usage: reference_transformer.py DIFFUSERS_SRC OUT_JSON [--resolution 640] [--layers 4] [--text-tokens N] [--repeats 5]
DIFFUSERS_SRC is the folder holding the `diffusers` package (e.g. an unpacked src/diffusers). Needs torch and CUDA."""
import argparse, json, math, statistics, sys, time

parser = argparse.ArgumentParser()
parser.add_argument("diffusers_src")
parser.add_argument("out_json")
parser.add_argument("--resolution", type=int, default=640)
parser.add_argument("--layers", type=int, default=4)
parser.add_argument("--text-tokens", type=int, default=40)
parser.add_argument("--repeats", type=int, default=5)
args = parser.parse_args()
sys.path.insert(0, args.diffusers_src)

import torch  # noqa: E402
from diffusers.models.transformers.transformer_qwenimage import QwenImageTransformer2DModel  # noqa: E402

# The published transformer/config.json of Qwen-Image-Layered.
CONFIG = dict(patch_size=2, in_channels=64, out_channels=16, num_layers=60, attention_head_dim=128, num_attention_heads=24,
              joint_attention_dim=3584, guidance_embeds=False, axes_dims_rope=(16, 56, 56), zero_cond_t=False,
              use_additional_t_cond=True, use_layer3d_rope=True)
device = torch.device("cuda")
dtype = torch.bfloat16

# Built straight in bf16 on the GPU (an fp32 copy would need 82 GB); weights follow our RandomWeights rule.
torch.manual_seed(0)
torch.set_default_dtype(dtype)
with torch.device(device):
    model = QwenImageTransformer2DModel(**CONFIG)
torch.set_default_dtype(torch.float32)
model.eval().requires_grad_(False)
with torch.no_grad():
    for name, p in model.named_parameters():
        if "norm" in name and name.endswith("weight"):
            p.fill_(1)
        elif p.dim() >= 2:
            p.normal_(0, 1 / math.sqrt(p[0].numel()))
        else:
            p.normal_(0, 0.02)
params = sum(p.numel() for p in model.parameters())

# Working size of a square image at this resolution (multiples of 32, then of 16), as the pipeline computes it.
edge = round(args.resolution / 32) * 32 // 16 * 16
h = w = edge // 8 // 2
frames = args.layers + 2  # composite + layers (noisy) + the condition frame
img_shapes = [(1, h, w)] * frames


def inputs(batch):
    g = torch.Generator(device=device).manual_seed(1)
    return dict(
        hidden_states=torch.randn(batch, frames * h * w, 64, device=device, dtype=dtype, generator=g),
        encoder_hidden_states=torch.randn(batch, args.text_tokens, 3584, device=device, dtype=dtype, generator=g),
        encoder_hidden_states_mask=None,
        timestep=torch.full((batch,), 0.5, device=device, dtype=dtype),
        img_shapes=[img_shapes] * batch,
        additional_t_cond=torch.zeros(batch, dtype=torch.long, device=device),
        return_dict=False,
    )


def timed(fn):
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    fn()  # warm-up
    torch.cuda.synchronize()
    times = []
    for _ in range(args.repeats):
        start.record()
        fn()
        end.record()
        torch.cuda.synchronize()
        times.append(start.elapsed_time(end) / 1000)
    return statistics.median(times), times


one, two = inputs(1), inputs(2)
with torch.inference_mode():
    torch.cuda.reset_peak_memory_stats()
    cfg_two_calls, raw_two_calls = timed(lambda: (model(**one), model(**one)))
    cfg_batched, raw_batched = timed(lambda: model(**two))
    single, _ = timed(lambda: model(**one))
result = dict(
    reference="diffusers QwenImageTransformer2DModel", parameters=params, dtype="bf16", device=torch.cuda.get_device_name(),
    torch=torch.__version__, resolution=edge, layers=args.layers, image_tokens_per_sequence=frames * h * w, text_tokens=args.text_tokens,
    attention_backend="diffusers default dispatch (torch scaled_dot_product_attention)",
    step_seconds_guided_two_calls=cfg_two_calls, step_seconds_guided_batched=cfg_batched, step_seconds_unguided=single,
    raw_guided_two_calls=raw_two_calls, raw_guided_batched=raw_batched,
    max_memory_allocated_bytes=torch.cuda.max_memory_allocated(), max_memory_reserved_bytes=torch.cuda.max_memory_reserved(),
    measured_at=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
)
with open(args.out_json, "w") as f:
    json.dump(result, f, indent=2)
print(json.dumps({k: v for k, v in result.items() if not k.startswith("raw")}, indent=2))
