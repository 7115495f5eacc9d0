"""Face-embedding networks with seeded weights, shared by make_golden.py, export_iresnet.py and
pytorch_xssab_bench.py.

- IResNet: insightface's ArcFace IResNet (recognition/arcface_torch/backbones/iresnet.py),
  generalised to arbitrary stage widths so the same code builds IResNet-50/100 and a small one.
- MobileFaceNet: the MobileFaceNet layout (conv, depthwise conv, bottlenecks, global depthwise
  conv, linear, BatchNorm1d), with small widths.
- realistic_init(): seeded Kaiming weights, non-trivial BN affine parameters and BN running
  statistics calibrated on smooth noise images and then perturbed, so that every BatchNorm has
  running_mean != 0 and running_var != 1 while the activations stay in a realistic range.
"""
from __future__ import annotations

import torch
from torch import nn


def conv3x3(cin: int, cout: int, stride: int = 1, groups: int = 1) -> nn.Conv2d:
    return nn.Conv2d(cin, cout, 3, stride, 1, groups=groups, bias=False)


def conv1x1(cin: int, cout: int, stride: int = 1) -> nn.Conv2d:
    return nn.Conv2d(cin, cout, 1, stride, bias=False)


class IBasicBlock(nn.Module):
    """BN → conv3x3 → BN → PReLU → conv3x3(stride) → BN, plus the (downsampled) identity."""

    expansion = 1

    def __init__(self, inplanes: int, planes: int, stride: int = 1, downsample: nn.Module | None = None):
        super().__init__()
        self.bn1 = nn.BatchNorm2d(inplanes, eps=1e-05)
        self.conv1 = conv3x3(inplanes, planes)
        self.bn2 = nn.BatchNorm2d(planes, eps=1e-05)
        self.prelu = nn.PReLU(planes)
        self.conv2 = conv3x3(planes, planes, stride)
        self.bn3 = nn.BatchNorm2d(planes, eps=1e-05)
        self.downsample = downsample

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        identity = x
        out = self.bn3(self.conv2(self.prelu(self.bn2(self.conv1(self.bn1(x))))))
        if self.downsample is not None:
            identity = self.downsample(x)
        return out + identity


class IResNet(nn.Module):
    fc_scale = 7 * 7

    def __init__(self, layers: list[int], widths: list[int], num_features: int = 512, dropout: float = 0.0):
        super().__init__()
        self.inplanes = widths[0]
        self.conv1 = nn.Conv2d(3, self.inplanes, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(self.inplanes, eps=1e-05)
        self.prelu = nn.PReLU(self.inplanes)
        self.layer1 = self._make_layer(widths[0], layers[0], stride=2)
        self.layer2 = self._make_layer(widths[1], layers[1], stride=2)
        self.layer3 = self._make_layer(widths[2], layers[2], stride=2)
        self.layer4 = self._make_layer(widths[3], layers[3], stride=2)
        self.bn2 = nn.BatchNorm2d(widths[3], eps=1e-05)
        self.dropout = nn.Dropout(p=dropout, inplace=True)
        self.fc = nn.Linear(widths[3] * self.fc_scale, num_features)
        self.features = nn.BatchNorm1d(num_features, eps=1e-05)

    def _make_layer(self, planes: int, blocks: int, stride: int) -> nn.Sequential:
        downsample = None
        if stride != 1 or self.inplanes != planes:
            downsample = nn.Sequential(conv1x1(self.inplanes, planes, stride), nn.BatchNorm2d(planes, eps=1e-05))
        layers = [IBasicBlock(self.inplanes, planes, stride, downsample)]
        self.inplanes = planes
        layers += [IBasicBlock(planes, planes) for _ in range(1, blocks)]
        return nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.prelu(self.bn1(self.conv1(x)))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        x = self.bn2(x)
        x = torch.flatten(x, 1)
        x = self.dropout(x)
        x = self.fc(x)
        return self.features(x)


IRESNET_LAYERS = {18: [2, 2, 2, 2], 34: [3, 4, 6, 3], 50: [3, 4, 14, 3], 100: [3, 13, 30, 3]}
IRESNET_WIDTHS = [64, 128, 256, 512]


def iresnet(depth: int) -> IResNet:
    """The standard insightface IResNet-<depth> (112×112 input, 512-d embedding)."""
    return IResNet(IRESNET_LAYERS[depth], IRESNET_WIDTHS, num_features=512)


def small_iresnet() -> IResNet:
    """A small IResNet for committed fixtures (≈1.6 MB as ONNX), 128-d embedding."""
    return IResNet([1, 1, 2, 1], [16, 24, 32, 48], num_features=128)


class ConvBlock(nn.Module):
    """conv → BN → PReLU (prelu=False: conv → BN, MobileFaceNet's Linear_block)."""

    def __init__(self, cin: int, cout: int, k: int = 1, s: int = 1, p: int = 0, groups: int = 1, prelu: bool = True):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, k, s, p, groups=groups, bias=False)
        self.bn = nn.BatchNorm2d(cout)
        self.prelu = nn.PReLU(cout) if prelu else nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.prelu(self.bn(self.conv(x)))


class Bottleneck(nn.Module):
    """1×1 expand → depthwise 3×3 (stride) → 1×1 project (linear); residual when shapes match."""

    def __init__(self, cin: int, cout: int, expand: int, stride: int):
        super().__init__()
        self.expand = ConvBlock(cin, expand)
        self.dw = ConvBlock(expand, expand, 3, stride, 1, groups=expand)
        self.project = ConvBlock(expand, cout, prelu=False)
        self.residual = stride == 1 and cin == cout

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.project(self.dw(self.expand(x)))
        return x + out if self.residual else out


class MobileFaceNet(nn.Module):
    def __init__(self, num_features: int = 128):
        super().__init__()
        self.conv1 = ConvBlock(3, 16, 3, 2, 1)  # 56×56
        self.conv2_dw = ConvBlock(16, 16, 3, 1, 1, groups=16)
        self.blocks = nn.Sequential(
            Bottleneck(16, 24, 48, 2),  # 28×28
            Bottleneck(24, 24, 48, 1),
            Bottleneck(24, 32, 64, 2),  # 14×14
            Bottleneck(32, 32, 64, 1),
            Bottleneck(32, 48, 96, 2),  # 7×7
            Bottleneck(48, 48, 96, 1),
        )
        self.conv_sep = ConvBlock(48, 128)
        self.gdc = ConvBlock(128, 128, 7, 1, 0, groups=128, prelu=False)  # global depthwise conv
        self.linear = nn.Linear(128, num_features, bias=False)
        self.bn = nn.BatchNorm1d(num_features)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.conv_sep(self.blocks(self.conv2_dw(self.conv1(x))))
        x = torch.flatten(self.gdc(x), 1)
        return self.bn(self.linear(x))


def smooth_noise(n: int, generator: torch.Generator, size: int = 112) -> torch.Tensor:
    """Smooth random images in [-1, 1] (NCHW): upsampled low-resolution noise plus fine noise."""
    coarse = torch.rand(n, 3, 7, 7, generator=generator) * 2 - 1
    x = nn.functional.interpolate(coarse, size=(size, size), mode="bilinear", align_corners=False)
    x = x + 0.1 * (torch.rand(n, 3, size, size, generator=generator) * 2 - 1)
    return x.clamp(-1, 1)


@torch.no_grad()
def realistic_init(model: nn.Module, seed: int, calibration: torch.Tensor | None = None) -> nn.Module:
    """Seeded weights and BN statistics; leaves the model in eval mode, parameters frozen.

    BN running statistics are first measured on `calibration` images (default: 8 smooth noise
    images) with a cumulative average, then perturbed (mean shifted by ±0.2 std, variance scaled
    by 0.6…1.6), so they are non-trivial yet keep activations well scaled.
    """
    g = torch.Generator().manual_seed(seed)
    for m in model.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            fan_in = m.weight[0].numel()
            m.weight.copy_(torch.randn(m.weight.shape, generator=g) * (2.0 / fan_in) ** 0.5)
            if m.bias is not None:
                m.bias.copy_(torch.randn(m.bias.shape, generator=g) * 0.05)
        elif isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
            m.weight.copy_(0.5 + torch.rand(m.weight.shape, generator=g))
            m.bias.copy_(torch.randn(m.bias.shape, generator=g) * 0.1)
            m.reset_running_stats()
            m.momentum = None  # cumulative moving average over the calibration pass
        elif isinstance(m, nn.PReLU):
            m.weight.copy_(0.1 + 0.3 * torch.rand(m.weight.shape, generator=g))
    if calibration is None:
        calibration = smooth_noise(8, g)
    model.train()
    model(calibration)
    for m in model.modules():
        if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
            std = m.running_var.sqrt()
            m.running_mean.add_(0.2 * std * (torch.rand(std.shape, generator=g) * 2 - 1))
            m.running_var.mul_(0.6 + torch.rand(std.shape, generator=g))
            m.momentum = 0.1
    model.eval()
    for p in model.parameters():
        p.requires_grad_(False)
    return model


def benchmark_iresnet(depth: int, seed: int = 0) -> IResNet:
    """The seeded IResNet-<depth> shared by export_iresnet.py and pytorch_xssab_bench.py."""
    torch.manual_seed(seed)
    model = iresnet(depth)
    g = torch.Generator().manual_seed(seed + 1)
    return realistic_init(model, seed, smooth_noise(4, g))
