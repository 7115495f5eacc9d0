/**
 * Compile-time benchmark: an explanation graph for Relu chains of growing length, timed in two
 * parts — the autodiff compiler (forward → forward + xSSAB head + backward, encoded) and ONNX
 * Runtime's session start on the result, which is a separate cost the compiler does not control.
 *
 *   node dist/native-models/autodiff/compile-bench.js [--nodes 500,1000,2000,4000,20000] [--session-max 2000]
 */
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import ort from 'onnxruntime-node';
import { GraphBuilder, makeValueInfo } from '../onnx/graph-builder.js';
import { onnx, type ModelProto } from '../onnx/model-io.js';
import { compileExplainer } from '../xssab/compile.js';

/** x [N,3,8,8] → `length` Relu nodes → Flatten: the embedding [N,192]. */
function reluChain(length: number): ModelProto {
  const b = new GraphBuilder(13);
  let value = b.input('x', ['N', 3, 8, 8]);
  for (let i = 0; i < length; i++) value = b.node('Relu', [value]);
  const embedding = b.node('Flatten', [value]);
  const model = b.build([embedding]);
  model.graph!.output = [makeValueInfo(embedding, ['N', 3 * 8 * 8])];
  return model;
}

async function sessionStartMs(bytes: Uint8Array, level: 'disabled' | 'all'): Promise<number> {
  const start = performance.now();
  const session = await ort.InferenceSession.create(bytes, {
    graphOptimizationLevel: level,
    intraOpNumThreads: 1,
  });
  const elapsed = performance.now() - start;
  await session.release();
  return elapsed;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      nodes: { type: 'string', default: '500,1000,2000,4000,20000' },
      'session-max': { type: 'string', default: '2000' },
    },
  });
  const lengths = values.nodes.split(',').map(Number);
  const sessionMax = Number(values['session-max']);
  console.log('chain nodes  compile ms  ms/node  graph nodes  ORT start (no opt) ms  ORT start (all opt) ms');
  for (const length of lengths) {
    const model = reluChain(length);
    const start = performance.now();
    const bytes = compileExplainer(model, 1, 'xssab');
    const compileMs = performance.now() - start;
    const graphNodes = onnx.ModelProto.decode(bytes).graph?.node?.length ?? 0;
    const session =
      length <= sessionMax
        ? [await sessionStartMs(bytes, 'disabled'), await sessionStartMs(bytes, 'all')].map((ms) =>
            ms.toFixed(0).padStart(22),
          )
        : ['skipped'.padStart(22), 'skipped'.padStart(22)];
    console.log(
      [
        String(length).padStart(11),
        compileMs.toFixed(0).padStart(11),
        (compileMs / length).toFixed(3).padStart(8),
        String(graphNodes).padStart(12),
        ...session,
      ].join(' '),
    );
  }
}

await main();
