#!/usr/bin/python3
"""Golden xSSAB fixtures for the TypeScript autodiff/xSSAB tests → test/fixtures/golden/<net>/.

Run with Debian's Python (python3-torch, python3-onnx, python3-pil):
    /usr/bin/python3 native-models/tools/make_golden.py [--out test/fixtures/golden]

Per net directory:
    model.onnx            small face net, seeded weights, realistic BN statistics
    a.npy, b.npy          [1,3,112,112] float32 inputs, (pixel − 127.5)/127.5, RGB, NCHW
    embedding.a.npy/.b.npy  [1,d] float32 PyTorch embeddings (float32 forward)
    ref64/<map>.npy       float64 autograd reference maps [112,112]
    torch32/<map>.npy     float32 PyTorch maps [112,112]
    meta.json             threshold, bound, score, split, float32-vs-float64 errors, …
"""
from __future__ import annotations

import argparse
import copy
import json
import os
import shutil
import sys
import time

import numpy as np
import onnx
import torch
from onnx import version_converter
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from facenets import MobileFaceNet, realistic_init, small_iresnet, smooth_noise  # noqa: E402
from xssab_ref import MAP_NAMES, explain_pair  # noqa: E402

FACES = "/work/shared/fixtures/faces"
# (file, left, top, side): square crops with the eyes at ≈ (0.34, 0.46) and (0.65, 0.46) of the
# crop, i.e. roughly where ArcFace's 5-point alignment puts them; resized to 112×112 (bicubic).
CROPS = {"a": ("obama_1.jpg", 296, 42, 380), "b": ("biden_1.jpg", 353, 108, 465)}
SEED = 20240611


def load_face(name: str) -> np.ndarray:
    file, left, top, side = CROPS[name]
    im = Image.open(os.path.join(FACES, file)).convert("RGB")
    im = im.crop((left, top, left + side, top + side)).resize((112, 112), Image.BICUBIC)
    px = np.asarray(im, dtype=np.float32)  # H, W, RGB
    x = (px - 127.5) / 127.5
    return np.ascontiguousarray(x.transpose(2, 0, 1)[None], dtype=np.float32)


def choose_bound(products: np.ndarray) -> tuple[float, float]:
    """Midpoint of the widest gap between consecutive sorted products among the central half
    (so both P and N hold ≥ d/4 arguments); returns (bound, minGap = min |p_i − bound|)."""
    p = np.sort(products)
    d = len(p)
    lo, hi = d // 4, 3 * d // 4
    gaps = p[lo + 1 : hi + 1] - p[lo:hi]
    k = lo + int(np.argmax(gaps))
    bound = float((p[k] + p[k + 1]) / 2)
    return bound, float(np.min(np.abs(products - bound)))


def rel_l2(m32: np.ndarray, m64: np.ndarray) -> float:
    return float(np.linalg.norm(m32.astype(np.float64) - m64) / np.linalg.norm(m64))


def export(model: torch.nn.Module, path: str, opset: int) -> None:
    dummy = torch.zeros(1, 3, 112, 112)
    torch.onnx.export(
        model, dummy, path, opset_version=opset, input_names=["input"], output_names=["embedding"],
        dynamic_axes={"input": {0: "batch"}, "embedding": {0: "batch"}}, do_constant_folding=True,
    )
    onnx.checker.check_model(onnx.load(path), full_check=True)


def make(net: str, model: torch.nn.Module, opset: int, out: str, xa: np.ndarray, xb: np.ndarray) -> dict:
    t0 = time.time()
    d = out_dir = os.path.join(out, net)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(os.path.join(d, "ref64"))
    os.makedirs(os.path.join(d, "torch32"))
    export(model, os.path.join(d, "model.onnx"), opset)
    np.save(os.path.join(d, "a.npy"), xa)
    np.save(os.path.join(d, "b.npy"), xb)
    ta, tb = torch.from_numpy(xa), torch.from_numpy(xb)
    with torch.no_grad():
        np.save(os.path.join(d, "embedding.a.npy"), model(ta).numpy())
        np.save(os.path.join(d, "embedding.b.npy"), model(tb).numpy())
    m64 = _double(model)
    with torch.no_grad():
        fa, fb = m64(ta.double())[0], m64(tb.double())[0]
        products = ((fa / fa.norm()) * (fb / fb.norm())).numpy()
    dim = len(products)
    bound, min_gap = choose_bound(products)
    threshold = bound * dim
    e64 = explain_pair(m64, ta.double(), tb.double(), threshold)
    e32 = explain_pair(model, ta, tb, threshold)
    if not torch.equal(e64.positive, e32.positive):
        raise SystemExit(f"{net}: float32 and float64 argument splits differ")
    errors = {}
    for name in MAP_NAMES:
        r, m = e64.maps[name].numpy(), e32.maps[name].numpy()
        np.save(os.path.join(d, "ref64", f"{name}.npy"), r.astype(np.float64))
        np.save(os.path.join(d, "torch32", f"{name}.npy"), m.astype(np.float32))
        errors[name] = rel_l2(m, r)
    meta = {
        "net": net, "opset": opset, "inputName": "input", "outputName": "embedding",
        "inputShape": [1, 3, 112, 112], "dim": dim, "threshold": threshold, "bound": bound,
        "score": e64.score, "minGap": min_gap, "positives": int(e64.positive.sum()),
        "float32RelL2": errors, "torchVersion": torch.__version__, "seed": SEED,
        "inputs": {k: {"file": v[0], "crop": {"left": v[1], "top": v[2], "side": v[3]}} for k, v in CROPS.items()},
    }
    write_meta(d, meta)
    print(f"{net}: opset {opset}, d={dim}, t={threshold:.6f}, score={e64.score:.6f}, "
          f"|P|={meta['positives']}, minGap={min_gap:.3e}, max relL2={max(errors.values()):.2e}, "
          f"{os.path.getsize(os.path.join(out_dir, 'model.onnx')) / 1e6:.2f} MB, {time.time() - t0:.1f} s")
    return meta


def _double(model: torch.nn.Module) -> torch.nn.Module:
    return copy.deepcopy(model).double()


def write_meta(d: str, meta: dict) -> None:
    with open(os.path.join(d, "meta.json"), "w") as f:
        json.dump(meta, f, indent=2)
        f.write("\n")


def converted_variant(out: str, src: str, net: str, opset: int) -> None:
    """Same model, inputs and maps as `src`, with the ONNX converted by onnx.version_converter."""
    s, d = os.path.join(out, src), os.path.join(out, net)
    shutil.rmtree(d, ignore_errors=True)
    shutil.copytree(s, d)
    converted = version_converter.convert_version(onnx.load(os.path.join(s, "model.onnx")), opset)
    onnx.checker.check_model(converted, full_check=True)
    onnx.save(converted, os.path.join(d, "model.onnx"))
    with open(os.path.join(s, "meta.json")) as f:
        meta = json.load(f)
    meta.update(net=net, opset=opset, convertedFrom=src)
    write_meta(d, meta)
    print(f"{net}: {src} converted to opset {opset} (onnx {onnx.__version__})")


def main() -> None:
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(root, "test", "fixtures", "golden"))
    args = ap.parse_args()
    torch.set_num_threads(2)
    xa, xb = load_face("a"), load_face("b")
    calib = torch.from_numpy(np.concatenate([xa, xb]))  # the two faces join the noise calibration
    for net, build, opset, seed_offset in [("iresnet", small_iresnet, 11, 0), ("mobilefacenet", MobileFaceNet, 13, 1)]:
        torch.manual_seed(SEED + seed_offset)
        g = torch.Generator().manual_seed(SEED + 100 + seed_offset)
        model = realistic_init(build(), SEED + seed_offset, torch.cat([smooth_noise(6, g), calib]))
        make(net, model, opset, args.out, xa, xb)
    # onnx 1.12 (python3-onnx) knows opsets up to 17; use 18 where the converter supports it.
    latest = min(18, onnx.defs.onnx_opset_version())
    converted_variant(args.out, "iresnet", f"iresnet-opset{latest}", latest)


if __name__ == "__main__":
    main()
