// Cross-checks the golden fixtures with ONNX Runtime (no Python onnxruntime on Debian):
// each model.onnx must reproduce the PyTorch float32 embeddings, and the recorded
// score/split must follow from the ONNX Runtime embeddings.
//   node native-models/tools/verify_golden.mjs [test/fixtures/golden]
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import ort from 'onnxruntime-node';

function readNpy(path) {
  const buf = readFileSync(path);
  if (buf.toString('latin1', 1, 6) !== 'NUMPY') throw new Error(`${path}: not a .npy file`);
  const headerLen = buf.readUInt16LE(8);
  const header = buf.toString('latin1', 10, 10 + headerLen);
  const descr = /'descr':\s*'([^']+)'/.exec(header)[1];
  const shape = /'shape':\s*\(([^)]*)\)/
    .exec(header)[1]
    .split(',')
    .filter((s) => s.trim())
    .map(Number);
  const body = buf.subarray(10 + headerLen);
  const copy = new Uint8Array(body).buffer;
  const data = descr === '<f4' ? new Float32Array(copy) : descr === '<f8' ? new Float64Array(copy) : null;
  if (!data) throw new Error(`${path}: dtype ${descr}`);
  return { shape, data };
}

const root = process.argv[2] ?? 'test/fixtures/golden';
let failed = false;
for (const net of readdirSync(root, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)) {
  const dir = join(root, net);
  const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8'));
  const session = await ort.InferenceSession.create(join(dir, 'model.onnx'));
  const emb = {};
  let maxDiff = 0;
  for (const side of ['a', 'b']) {
    const x = readNpy(join(dir, `${side}.npy`));
    const out = await session.run({ [meta.inputName]: new ort.Tensor('float32', x.data, x.shape) });
    const e = out[meta.outputName].data;
    const ref = readNpy(join(dir, `embedding.${side}.npy`)).data;
    const scale = Math.max(...ref.map(Math.abs));
    for (let i = 0; i < e.length; i++) maxDiff = Math.max(maxDiff, Math.abs(e[i] - ref[i]) / scale);
    const n = Math.hypot(...e);
    emb[side] = Array.from(e, (v) => v / n);
  }
  const bound = meta.threshold / meta.dim;
  const products = emb.a.map((v, i) => v * emb.b[i]);
  const score = products.reduce((s, v) => s + v, 0);
  const positives = products.filter((p) => p >= bound).length;
  const minGap = Math.min(...products.map((p) => Math.abs(p - bound)));
  const ok = maxDiff < 1e-4 && Math.abs(score - meta.score) < 1e-5 && positives === meta.positives;
  failed ||= !ok;
  console.log(
    `${ok ? 'ok  ' : 'FAIL'} ${net}: embedding max rel diff ${maxDiff.toExponential(2)}, ` +
      `score ${score.toFixed(6)} (ref ${meta.score.toFixed(6)}), |P| ${positives}/${meta.positives}, ` +
      `minGap ${minGap.toExponential(2)}`,
  );
}
process.exit(failed ? 1 : 0);
