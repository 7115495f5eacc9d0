import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import type { FaceInput } from '../../../../native-models/xssab/engine.js';
import { loadAlignedFace, syntheticFace } from '../../../../native-models/xssab/preprocess.js';
import { CliUsageError, type CliCommand, type CliIo } from '../command.js';
import { positiveIntOption, printResult, requireOptions } from '../options.js';
import { MODEL_FLAGS, modelRun, runtimeFlags, thresholdFlag } from './model-flags.js';

const PYTORCH_BENCH = 'native-models/tools/pytorch_xssab_bench.py';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Runs the PyTorch reference bench in a child process and returns its JSON. */
function pytorchReference(
  layers: string,
  threads: number,
  iterations: number,
): { explainPairMs: number; forwardPairMs?: number } {
  const child = spawnSync(
    '/usr/bin/python3',
    [
      PYTORCH_BENCH,
      '--layers',
      layers,
      '--threads',
      String(threads),
      '--iterations',
      String(iterations),
      '--json',
    ],
    { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
  );
  if (child.error || child.status !== 0) {
    throw new Error(
      `${PYTORCH_BENCH} failed: ${child.error?.message ?? child.stderr.trim().split('\n').pop()}`,
    );
  }
  return JSON.parse(child.stdout.trim().split('\n').pop()!);
}

/** `--pipeline`: the photo path stage by stage, with a registered model (default: the registry's). */
async function benchPipeline(
  values: { a: string; b: string; model?: string; ep: string; threads: string; json: boolean },
  iterations: number,
  io: CliIo,
): Promise<number> {
  const { provider, threads } = runtimeFlags(values);
  const { ModelRegistry } = await import('../../../../native-models/registry/registry.js');
  // Imported here so that ONNX Runtime loads only for the commands that run a model.
  const { benchPhotoPipeline } = await import('../../../../native-models/pipeline/bench.js');
  const report = await benchPhotoPipeline(new ModelRegistry({ dataDir: io.dataDir }), {
    a: values.a,
    b: values.b,
    iterations,
    provider,
    threads,
    ...(values.model !== undefined && { model: values.model }),
  });
  printResult(io, values.json, report, () => {
    const stages = Object.entries(report.pairMs)
      .map(([stage, ms]) => `${stage} ${ms.toFixed(1)}`)
      .join(', ');
    return (
      `${report.model.id} on ${report.provider}, ${threads} threads, median of ${iterations} (ms per pair): ${stages}; ` +
      `start-up: detector ${report.startup.detectorLoadMs.toFixed(0)} ms, engine ${report.startup.engineLoadMs.toFixed(0)} ms`
    );
  });
  return 0;
}

export const benchCommand: CliCommand = {
  path: ['bench'],
  summary: 'Time explaining one pair (all six xSSAB maps) against embedding it (forward only)',
  usage:
    'xssab bench --model PATH.onnx [--mean 127.5] [--std 127.5] [--color rgb|bgr] [--threshold 0.3] [--ep cpu|cuda] ' +
    '[--threads 2] [--iterations 10] [--a A.png --b B.png] [--pytorch-reference LAYERS] [--json]\n' +
    '       xssab bench --pipeline --a A.jpg --b B.jpg [--model ID] [--ep cpu|cuda] [--threads 2] [--iterations 10] [--json]' +
    '   (photographs: decode, detect, align, embed, explain)',
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: {
        ...MODEL_FLAGS,
        a: { type: 'string' },
        b: { type: 'string' },
        iterations: { type: 'string', default: '10' },
        'pytorch-reference': { type: 'string' },
        pipeline: { type: 'boolean', default: false },
      },
      strict: true,
    });
    const iterations = positiveIntOption('iterations', values.iterations);
    if (Boolean(values.a) !== Boolean(values.b))
      throw new CliUsageError('give both --a and --b, or neither for synthetic inputs');
    if (values.pipeline) {
      requireOptions(values, ['a', 'b'], '--pipeline times two photographs: give --a and --b');
      return benchPipeline(values, iterations, io);
    }
    const run = modelRun(values);
    // The split's position does not change the work done, so any threshold times the same.
    const threshold = values.threshold === undefined ? 0.3 : thresholdFlag(values.threshold);

    const [a, b]: FaceInput[] =
      values.a && values.b
        ? await Promise.all([
            loadAlignedFace(values.a, run.preprocessing),
            loadAlignedFace(values.b, run.preprocessing),
          ])
        : [syntheticFace(run.preprocessing, 1), syntheticFace(run.preprocessing, 2)];
    // Imported here so that ONNX Runtime loads only for the commands that run a model.
    const { Engine } = await import('../../../../native-models/xssab/engine.js');
    const engine = await Engine.create({ ...run, threshold });
    const forward: number[] = [];
    const explain: number[] = [];
    // One untimed round first: session warm-up (allocations, thread pool start).
    for (let i = 0; i <= iterations; i++) {
      const { runMs } = await engine.embed([a, b]);
      const [result] = await engine.explain([{ a, b }]);
      if (i > 0) {
        forward.push(runMs);
        explain.push(result.timings.runMs);
      }
    }
    const forwardPairMs = median(forward);
    const explainPairMs = median(explain);
    const report: Record<string, unknown> = {
      model: run.model,
      ep: engine.provider,
      threads: run.threads,
      iterations,
      inputs: values.a ? 'aligned crops' : 'synthetic',
      forwardPairMs,
      explainPairMs,
      ratio: explainPairMs / forwardPairMs,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
    };
    await engine.dispose();
    if (values['pytorch-reference']) {
      const reference = pytorchReference(values['pytorch-reference'], run.threads, iterations);
      report.pytorchForwardPairMs = reference.forwardPairMs;
      report.pytorchExplainPairMs = reference.explainPairMs;
      report.speedup = reference.explainPairMs / explainPairMs;
    }
    for (const warning of engine.warnings) io.err(`warning: ${warning}`);
    printResult(
      io,
      values.json,
      report,
      () =>
        `${engine.provider}, ${run.threads} threads: forward ${forwardPairMs.toFixed(1)} ms/pair, ` +
        `explain ${explainPairMs.toFixed(1)} ms/pair, ratio ${(explainPairMs / forwardPairMs).toFixed(2)}, peak RSS ${(report.peakRssMb as number).toFixed(0)} MB` +
        (report.speedup
          ? `; PyTorch explain ${(report.pytorchExplainPairMs as number).toFixed(1)} ms/pair (speedup ${(report.speedup as number).toFixed(2)}×)`
          : ''),
    );
    return 0;
  },
};
