// The xSSAB head on a linear "model" f = flatten(x)·W, whose input gradient is seed·Wᵀ written by
// hand, checked against central differences of s⁺ and s⁻ computed in float64 JavaScript.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import ort from 'onnxruntime-node';
import { encodeModel, onnx } from '../../native-models/onnx/model-io.js';
import { NodeWriter } from '../../native-models/xssab/graph.js';
import {
  appendGradientMap,
  appendGradientSeed,
  appendXssabMaps,
  appendXssabSeeds,
} from '../../native-models/xssab/xssab.js';

const P = 2;
const [C, H, W] = [2, 3, 3];
const n = C * H * W;
const d = 6;
const threshold = 0.3;

function random(seed: number): () => number {
  let s = seed;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
}
const rand = random(7);
const weights = Float32Array.from({ length: n * d }, rand);
const inputs = Float32Array.from({ length: 2 * P * n }, rand);

function floatValue(name: string, shape: number[]) {
  return {
    name,
    type: { tensorType: { elemType: 1, shape: { dim: shape.map((dimValue) => ({ dimValue })) } } },
  };
}

/** Builds and runs the head + hand-written backward + maps for xSSAB (k = 2) or the gradient baseline (k = 1). */
async function runHead(method: 'xssab' | 'gradient', opset: number) {
  const w = new NodeWriter('t', opset);
  const weight = w.float(Array.from(weights), [n, d]);
  const f = w.op('MatMul', [w.op('Reshape', ['x', w.int64([2 * P, n])]), weight]);
  const k = method === 'xssab' ? 2 : 1;
  const seed =
    method === 'xssab'
      ? appendXssabSeeds(
          w,
          { embedding: f, pairs: P, threshold: 'threshold', dim: d },
          { products: 'products', scores: 'scores' },
        ).seed
      : appendGradientSeed(w, { embedding: f, pairs: P }).seed;
  const gradient = w.op('Reshape', [
    w.op('MatMul', [seed, w.op('Transpose', [weight], { perm: [1, 0] })]),
    w.int64([k * 2 * P, C, H, W]),
  ]);
  const outputs =
    method === 'xssab'
      ? (appendXssabMaps(w, gradient, P, { pos: 'pos', neg: 'neg', combined: 'combined' }),
        [
          floatValue('products', [2 * P, d]),
          floatValue('scores', [2 * P]),
          ...['pos', 'neg', 'combined'].map((m) => floatValue(m, [2 * P, H, W])),
        ])
      : (appendGradientMap(w, gradient, 'map'), [floatValue('map', [2 * P, H, W])]);
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: opset }],
    graph: {
      name: 'linear',
      node: w.nodes,
      initializer: w.initializers,
      input: [
        floatValue('x', [2 * P, C, H, W]),
        ...(method === 'xssab' ? [floatValue('threshold', [])] : []),
      ],
      output: outputs,
    },
  });
  const session = await ort.InferenceSession.create(encodeModel(model));
  const feeds: Record<string, ort.Tensor> = { x: new ort.Tensor('float32', inputs, [2 * P, C, H, W]) };
  if (method === 'xssab') feeds.threshold = new ort.Tensor('float32', Float32Array.of(threshold), []);
  const out = await session.run(feeds);
  return Object.fromEntries(
    Object.entries(out).map(([name, t]) => [name, Array.from(t.data as Float32Array)]),
  );
}

// --- float64 reference -------------------------------------------------------------------------

function embed(x: number[]): number[] {
  return Array.from({ length: d }, (_, j) => x.reduce((sum, xi, i) => sum + xi * weights[i * d + j], 0));
}
const unit = (f: number[]) => {
  const norm = Math.hypot(...f);
  return f.map((v) => v / norm);
};
const rowOf = (r: number) => Array.from(inputs.subarray(r * n, (r + 1) * n));
const partnerOf = (r: number) => (r + P) % (2 * P);

/** Channel mean of |∂s/∂x| for row r, s = Σ_{i: mask_i} u(x)_i·v_i with v and the mask fixed. */
function referenceMap(r: number, mask: boolean[]): number[] {
  const v = unit(embed(rowOf(partnerOf(r))));
  const s = (x: number[]) => unit(embed(x)).reduce((sum, ui, i) => sum + (mask[i] ? ui * v[i] : 0), 0);
  const x = rowOf(r);
  const eps = 1e-5;
  const grad = x.map((_, i) => {
    const plus = x.slice();
    const minus = x.slice();
    plus[i] += eps;
    minus[i] -= eps;
    return (s(plus) - s(minus)) / (2 * eps);
  });
  return Array.from({ length: H * W }, (_, px) => (Math.abs(grad[px]) + Math.abs(grad[H * W + px])) / C);
}

function products(r: number): number[] {
  const u = unit(embed(rowOf(r)));
  const v = unit(embed(rowOf(partnerOf(r))));
  return u.map((ui, i) => ui * v[i]);
}

function assertClose(actual: number[], expected: number[], tolerance: number, what: string) {
  assert.equal(actual.length, expected.length, what);
  const scale = Math.max(...expected.map(Math.abs));
  actual.forEach((a, i) =>
    assert.ok(Math.abs(a - expected[i]) <= tolerance * scale, `${what}[${i}]: ${a} vs ${expected[i]}`),
  );
}

// -----------------------------------------------------------------------------------------------

// Opset 11 and 18 bracket the two ways reductions take their axes (attribute / input).
for (const opset of [11, 18]) {
  test(`xSSAB head (opset ${opset}): products, scores and pos/neg/combined maps match float64 differences`, async () => {
    const out = await runHead('xssab', opset);
    const plane = H * W;
    const bound = threshold / d;
    for (let r = 0; r < 2 * P; r++) {
      const p = products(r);
      assertClose(out.products.slice(r * d, (r + 1) * d), p, 1e-5, `products row ${r}`);
      assert.ok(Math.abs(out.scores[r] - p.reduce((a, b) => a + b, 0)) < 1e-5, `score row ${r}`);
      const mask = p.map((pi) => pi >= bound);
      assert.ok(
        mask.some(Boolean) && !mask.every(Boolean),
        'the test pair must have both kinds of arguments',
      );
      const pos = referenceMap(r, mask);
      const neg = referenceMap(
        r,
        mask.map((m) => !m),
      );
      const slice = (name: string) => out[name].slice(r * plane, (r + 1) * plane);
      assertClose(slice('pos'), pos, 1e-4, `pos row ${r}`);
      assertClose(slice('neg'), neg, 1e-4, `neg row ${r}`);
      assertClose(
        slice('combined'),
        pos.map((v, i) => v - neg[i]),
        1e-4,
        `combined row ${r}`,
      );
    }
  });
}

test('gradient baseline: the map of the whole cosine score (no split)', async () => {
  const out = await runHead('gradient', 17);
  const plane = H * W;
  for (let r = 0; r < 2 * P; r++) {
    assertClose(
      out.map.slice(r * plane, (r + 1) * plane),
      referenceMap(r, new Array(d).fill(true)),
      1e-4,
      `map row ${r}`,
    );
  }
});
