#!/usr/bin/python3
"""Models exported the way third parties export them, for the `models import` / explain tests
→ test/fixtures/import/. Small nets with seeded weights (facenets.realistic_init), 112×112 input.

    /usr/bin/python3 native-models/tools/make_import_fixtures.py [--out test/fixtures/import]

- mobilefacenet-l2norm.onnx: MobileFaceNet whose forward ends in F.normalize (the embedding is
  L2-normalised inside the model), dynamic batch, opset 13. PyTorch declares the output
  [batch, Divembedding_dim_1]: the size is only known through shape inference.
- opset9.onnx: a small conv net exported at opset 9, using the operators whose form changed by
  opset 11: Pad (pads as attribute), Clip (min/max as attributes, from hardtanh) and Slice
  (starts/ends/axes as attributes). Dynamic batch.
- static-batch.onnx: a small conv net exported with batch 1 fixed and ending in Reshape to
  [1, -1] (as faceplugin's fr_feature.onnx), opset 11.
"""
from __future__ import annotations

import argparse
import os
import sys

import torch
from torch import nn
from torch.nn import functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from facenets import ConvBlock, MobileFaceNet, realistic_init, smooth_noise  # noqa: E402

SEED = 20261203


class NormalizedMobileFaceNet(MobileFaceNet):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.normalize(super().forward(x), dim=1)


class OldOpsetNet(nn.Module):
    """conv(stride 2) → pad → conv → hardtanh → crop (slice) → max pool → linear."""

    def __init__(self) -> None:
        super().__init__()
        self.conv1 = ConvBlock(3, 8, 3, 2, 1)  # 56×56
        self.conv2 = nn.Conv2d(8, 12, 3, 2, 0)  # pad 1 → 58 → 28×28
        self.pool = nn.MaxPool2d(2)  # 26 → 13
        self.fc = nn.Linear(12 * 13 * 13, 64)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.conv2(F.pad(self.conv1(x), (1, 1, 1, 1)))
        x = F.hardtanh(x, -2.0, 2.0)[:, :, 1:-1, 1:-1]
        return self.fc(torch.flatten(self.pool(x), 1))


class StaticBatchNet(nn.Module):
    """conv blocks → global depthwise conv → reshape(1, -1) → linear: batch 1 baked in."""

    def __init__(self) -> None:
        super().__init__()
        self.body = nn.Sequential(ConvBlock(3, 8, 3, 2, 1), ConvBlock(8, 16, 3, 2, 1), ConvBlock(16, 24, 3, 2, 1))
        self.gdc = nn.Conv2d(24, 24, 14, groups=24)
        self.fc = nn.Linear(24, 64)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc(self.gdc(self.body(x)).reshape(1, -1))


def export(model: nn.Module, path: str, opset: int, dynamic: bool) -> None:
    torch.onnx.export(
        model,
        torch.zeros(1, 3, 112, 112),
        path,
        opset_version=opset,
        input_names=["input"],
        output_names=["embedding"],
        dynamic_axes={"input": {0: "batch"}, "embedding": {0: "batch"}} if dynamic else None,
        do_constant_folding=True,
    )
    print(f"{path}: opset {opset}, {'dynamic' if dynamic else 'static'} batch, {os.path.getsize(path)} bytes")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default="test/fixtures/import")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    torch.manual_seed(SEED)
    export(realistic_init(NormalizedMobileFaceNet(), SEED), os.path.join(args.out, "mobilefacenet-l2norm.onnx"), 13, True)
    export(realistic_init(OldOpsetNet(), SEED + 1), os.path.join(args.out, "opset9.onnx"), 9, True)
    # reshape(1, -1) takes one image: BN statistics are calibrated on a single smooth-noise image.
    static = realistic_init(StaticBatchNet(), SEED + 2, smooth_noise(1, torch.Generator().manual_seed(SEED)))
    export(static, os.path.join(args.out, "static-batch.onnx"), 11, False)


if __name__ == "__main__":
    main()
