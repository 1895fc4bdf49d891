#!/usr/bin/env python3
"""Prints the GPU figures side by side from bench.json (ours) and reference.json (diffusers), and extrapolates the
end-to-end time to TARGET_STEPS from the measured run's per-step median; with BATCH2, the two-job batch's step per job.
Usage: gpu_summary.py BENCH REFERENCE TARGET_STEPS [BATCH2]"""
import json, os, sys

bench_path, reference_path, target = sys.argv[1], sys.argv[2], int(sys.argv[3])
ours = json.load(open(bench_path)) if os.path.exists(bench_path) else None
ref = json.load(open(reference_path)) if os.path.exists(reference_path) else None
gib = lambda b: f"{b / 2**30:.1f} GiB" if b is not None else "-"
if ours is None:
    print("bench.json missing: our benchmark did not finish (see gpu.log)")
else:
    step = ours["step_seconds_guided"]
    e2e = ours["end_to_end_seconds"] + (target - ours["steps"]) * step
    print(f"ours:      {ours['model']} {ours['dtype']} on {ours['device_name'] or ours['device']}, {ours['width']}x{ours['height']}, "
          f"{ours['layers']} layers, {ours['tokens_per_step']} tokens per CFG step")
    print(f"  seconds per CFG step (median, batched)  {step:.3f}")
    print(f"  seconds per step without CFG           {ours['step_seconds_unguided']:.3f}" if ours["step_seconds_unguided"] else "")
    print(f"  load / text encoding / VAE encode      {ours['load_seconds']:.2f} / {ours['text_encoding_seconds']:.3f} / {ours['vae_encode_seconds']:.3f} s")
    print(f"  VAE decode per layer                   {ours['vae_decode_seconds_per_layer']:.3f} s")
    print(f"  end to end, {ours['steps']} steps (measured)      {ours['end_to_end_seconds']:.1f} s")
    print(f"  end to end, {target} steps (extrapolated)  {e2e:.1f} s = measured + {target - ours['steps']} x step median")
    print(f"  time to first preview                  {ours['time_to_first_preview_seconds']}")
    print(f"  peak device memory (NVML used)         {gib(ours['peak_device_memory_bytes'])} (baseline {gib(ours['device_memory_baseline_bytes'])})")
if ref is None:
    print("reference.json missing: no reference figures")
else:
    print(f"reference: {ref['reference']}, torch {ref['torch']}, {ref['parameters'] / 1e9:.2f}B parameters")
    print(f"  seconds per CFG step, two calls (as the diffusers pipeline)  {ref['step_seconds_guided_two_calls']:.3f}")
    print(f"  seconds per CFG step, one batch-2 call                      {ref['step_seconds_guided_batched']:.3f}")
    print(f"  peak memory allocated / reserved      {gib(ref['max_memory_allocated_bytes'])} / {gib(ref['max_memory_reserved_bytes'])} (transformer only)")
batch2_path = sys.argv[4] if len(sys.argv) > 4 else ""
if ours and os.path.exists(batch2_path):
    two = json.load(open(batch2_path))
    print(f"two jobs in one batch: {two['step_seconds_guided']:.3f} s per CFG step = {two['step_seconds_guided'] / 2:.3f} per job "
          f"(one job: {ours['step_seconds_guided']:.3f}); peak device memory {gib(two['peak_device_memory_bytes'])}")
if ours and ref:
    print(f"ratio ours / reference per CFG step: {ours['step_seconds_guided'] / ref['step_seconds_guided_two_calls']:.2f} "
          f"(vs two calls), {ours['step_seconds_guided'] / ref['step_seconds_guided_batched']:.2f} (vs batch-2)")
