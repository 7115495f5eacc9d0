"""Plain PyTorch xSSAB (input-only autograd), the reference for the TypeScript implementation.

For a pair (x_A, x_B): u = f/‖f‖, p_i = uA_i·uB_i, bound = t/d, P = {i : p_i ≥ bound}.
s⁺_A = Σ_{i∈P} uA_i·uB_i with uB detached (gradient through the normalisation of fA only),
s⁻_A = Σ_{i∉P} …; g = ∂s/∂x_A; pos = mean_c |g⁺|, neg = mean_c |g⁻|, combined = pos − neg.
Then the same for B against A (uA detached).
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

MAP_NAMES = ["a.pos", "a.neg", "a.combined", "b.pos", "b.neg", "b.combined"]


@dataclass
class Explanation:
    maps: dict[str, torch.Tensor]  # MAP_NAMES → [H, W]
    products: torch.Tensor  # [d]
    positive: torch.Tensor  # bool [d]
    score: float


def _maps(g_pos: torch.Tensor, g_neg: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    pos = g_pos.abs().mean(dim=1)[0]
    neg = g_neg.abs().mean(dim=1)[0]
    return pos, neg, pos - neg


def explain_pair(model: nn.Module, xa: torch.Tensor, xb: torch.Tensor, threshold: float) -> Explanation:
    """Forward of both images (inputs require grad, parameters do not), four backward passes."""
    xa = xa.detach().clone().requires_grad_(True)
    xb = xb.detach().clone().requires_grad_(True)
    fa = model(xa)
    fb = model(xb)
    ua = fa / fa.norm(dim=1, keepdim=True)
    ub = fb / fb.norm(dim=1, keepdim=True)
    products = (ua * ub).detach()[0]
    bound = threshold / products.numel()
    positive = products >= bound
    pmask = positive.to(ua.dtype)
    nmask = 1 - pmask
    # A against B (uB detached)
    pa = ua[0] * ub[0].detach()
    g_pos_a = torch.autograd.grad((pa * pmask).sum(), xa, retain_graph=True)[0]
    g_neg_a = torch.autograd.grad((pa * nmask).sum(), xa)[0]
    # B against A (uA detached)
    pb = ub[0] * ua[0].detach()
    g_pos_b = torch.autograd.grad((pb * pmask).sum(), xb, retain_graph=True)[0]
    g_neg_b = torch.autograd.grad((pb * nmask).sum(), xb)[0]
    maps = dict(zip(MAP_NAMES, [*_maps(g_pos_a, g_neg_a), *_maps(g_pos_b, g_neg_b)]))
    return Explanation(maps, products, positive, float(products.sum()))
