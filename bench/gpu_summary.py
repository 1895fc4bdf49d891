#!/usr/bin/env python3
"""Prints the GPU figures side by side: every memory mode's bench-MODE.json in WORK (ours), reference.json (diffusers),
and the plan's device peak for each mode; extrapolates end to end to TARGET_STEPS from the measured run's per-step median.
Writes the modes' reports together to BENCH_OUT ({"resident": {...}, ...}).
Usage: gpu_summary.py WORK REFERENCE TARGET_STEPS PLAN BENCH_OUT"""
import glob, json, os, re, sys

work, reference_path, target, plan_path, bench_out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
order = ["resident", "text-offload", "quantized", "streamed"]
runs = {os.path.basename(p)[len("bench-"):-len(".json")]: json.load(open(p)) for p in glob.glob(os.path.join(work, "bench-*.json"))}
runs = {mode: runs[mode] for mode in sorted(runs, key=lambda m: order.index(m) if m in order else len(order))}
json.dump(runs, open(bench_out, "w"), indent=1)
ref = json.load(open(reference_path)) if os.path.exists(reference_path) else None
gib = lambda b: f"{b / 2**30:.1f} GiB" if b is not None else "-"

# The plan's "device peak" column per mode (| mode | transformer | VAE | activations | text encoder | device peak | host | fits |).
planned = {}
if os.path.exists(plan_path):
    for line in open(plan_path):
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 8 and cells[0] in order:
            planned[cells[0]] = (cells[5], cells[7])

if not runs:
    print("no bench-*.json: our benchmark did not finish in any mode (see gpu.log)")
first = next(iter(runs.values()), None)
if first:
    print(f"ours: {first['model']} {first['dtype']} on {first['device_name'] or first['device']}, {first['width']}x{first['height']}, "
          f"{first['layers']} layers, {first['steps']} steps, {first['tokens_per_step']} tokens per CFG step")
    print(f"{'mode':<13} {'s/CFG step':>10} {'no CFG':>7} {'load s':>7} {'e2e ' + str(first['steps']) + ' steps':>13} "
          f"{'e2e ' + str(target) + ' (extrap.)':>17} {'peak device':>12} {'planned':>11} {'fits':>5}")
for mode, run in runs.items():
    step = run["step_seconds_guided"]
    e2e = run["end_to_end_seconds"] + (target - run["steps"]) * step
    plan_peak, fits = planned.get(mode, ("-", "-"))
    unguided = f"{run['step_seconds_unguided']:.3f}" if run.get("step_seconds_unguided") else "-"
    print(f"{mode:<13} {step:>10.3f} {unguided:>7} {run['load_seconds']:>7.1f} {run['end_to_end_seconds']:>12.1f}s {e2e:>16.1f}s "
          f"{gib(run['peak_device_memory_bytes']):>12} {plan_peak:>11} {fits:>5}")
if runs:
    print(f"(end to end for {target} steps = measured end to end + {target - first['steps']} x the median CFG step; peak device memory is "
          "NVML's used memory, the CUDA context and the caching allocator's reserve included)")
if ref is None:
    print("reference.json missing: no reference figures")
else:
    print(f"reference: {ref['reference']}, torch {ref['torch']}, {ref['parameters'] / 1e9:.2f}B parameters")
    print(f"  seconds per CFG step, two calls (as the diffusers pipeline)  {ref['step_seconds_guided_two_calls']:.3f}")
    print(f"  seconds per CFG step, one batch-2 call                      {ref['step_seconds_guided_batched']:.3f}")
    print(f"  peak memory allocated / reserved      {gib(ref['max_memory_allocated_bytes'])} / {gib(ref['max_memory_reserved_bytes'])} (transformer only)")
    for mode, run in runs.items():
        print(f"ratio ours ({mode}) / reference per CFG step: {run['step_seconds_guided'] / ref['step_seconds_guided_two_calls']:.2f} "
              f"(vs two calls), {run['step_seconds_guided'] / ref['step_seconds_guided_batched']:.2f} (vs batch-2)")
