#!/usr/bin/python3
"""Export the standard insightface ArcFace IResNet-50/100 (112×112 → 512-d, fp32) with seeded
random weights and realistic BN statistics to ONNX, for benchmarks only (≈170/250 MB: never
commit the output).

    /usr/bin/python3 native-models/tools/export_iresnet.py --layers 50 --out /tmp/iresnet50.onnx [--seed 0] [--opset 13]
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time

import onnx
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from facenets import IRESNET_LAYERS, benchmark_iresnet  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--layers", type=int, choices=[50, 100], required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--opset", type=int, choices=[11, 13], default=13)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    t0 = time.time()
    model = benchmark_iresnet(args.layers, args.seed)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    torch.onnx.export(
        model, torch.zeros(1, 3, 112, 112), args.out, opset_version=args.opset,
        input_names=["input"], output_names=["embedding"],
        dynamic_axes={"input": {0: "batch"}, "embedding": {0: "batch"}}, do_constant_folding=True,
    )
    onnx.checker.check_model(args.out)  # by path: works above the 2 GB protobuf limit too
    print(json.dumps({
        "layers": args.layers, "blocks": IRESNET_LAYERS[args.layers], "seed": args.seed, "opset": args.opset,
        "out": os.path.abspath(args.out), "bytes": os.path.getsize(args.out),
        "seconds": round(time.time() - t0, 1), "torchVersion": torch.__version__,
    }))


if __name__ == "__main__":
    main()
