#!/usr/bin/python3
"""The plain PyTorch xSSAB a researcher would write (input-only autograd: inputs require grad,
parameters do not; forward of both images, four backward passes, six maps), timed against a
forward-only pass of the same pair, on the seeded IResNet of export_iresnet.py.

    /usr/bin/python3 native-models/tools/pytorch_xssab_bench.py --layers 50 --threads 2 --iterations 5 [--warmup 1] --json

--json prints exactly one JSON object:
    {layers, threads, forwardPairMs, explainPairMs, ratio, torchVersion}   (medians; ratio = explain/forward)
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--layers", type=int, choices=[50, 100], default=50)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--iterations", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threshold", type=float, default=0.3)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    if args.iterations < 1 or args.threads < 1 or args.warmup < 0:
        ap.error("--iterations and --threads must be ≥ 1, --warmup ≥ 0")
    # Both before any parallel work: set_num_interop_threads raises once the pool has started.
    torch.set_num_interop_threads(1)
    torch.set_num_threads(args.threads)

    from facenets import benchmark_iresnet, smooth_noise
    from xssab_ref import explain_pair

    model = benchmark_iresnet(args.layers, args.seed)
    g = torch.Generator().manual_seed(args.seed + 2)
    xa, xb = smooth_noise(1, g), smooth_noise(1, g)

    def forward_pair() -> None:
        with torch.no_grad():
            model(xa)
            model(xb)

    def explain() -> None:
        explain_pair(model, xa, xb, args.threshold)

    def median_ms(fn) -> float:
        for _ in range(args.warmup):
            fn()
        times = []
        for _ in range(args.iterations):
            t0 = time.perf_counter()
            fn()
            times.append((time.perf_counter() - t0) * 1000)
        return statistics.median(times)

    forward_ms = median_ms(forward_pair)
    explain_ms = median_ms(explain)
    result = {
        "layers": args.layers, "threads": args.threads, "forwardPairMs": round(forward_ms, 1),
        "explainPairMs": round(explain_ms, 1), "ratio": round(explain_ms / forward_ms, 3),
        "torchVersion": torch.__version__,
    }
    if args.json:
        print(json.dumps(result))
    else:
        print(f"IResNet-{args.layers}, {args.threads} threads, median of {args.iterations}: forward pair "
              f"{forward_ms:.0f} ms, PyTorch xSSAB pair {explain_ms:.0f} ms (×{explain_ms / forward_ms:.2f})")


if __name__ == "__main__":
    main()
