import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { encodeNpy } from '../../../../native-models/onnx/npy.js';
import type { MapSet } from '../../../../native-models/xssab/engine.js';
import { renderOverlay, type MapKind } from '../../../../native-models/xssab/overlay.js';
import { loadAlignedFace } from '../../../../native-models/xssab/preprocess.js';
import { CliUsageError, type CliCommand, type CliIo } from '../command.js';
import { faceIndexOption, numberOption, printResult, requireOptions } from '../options.js';
import { MODEL_FLAGS, modelRun, runtimeFlags, thresholdFlag } from './model-flags.js';

const MAP_KINDS: MapKind[] = ['pos', 'neg', 'combined'];

/** Without --out: `xssab-explain-<sha A>-<sha B>` (12 hex digits each) in the working folder. */
function outputFolder(out: string | undefined, sha256A: string, sha256B: string): string {
  return resolve(out ?? `xssab-explain-${sha256A.slice(0, 12)}-${sha256B.slice(0, 12)}`);
}

/**
 * The photo path: faces detected and aligned for a registered model (default: the registry's),
 * its calibrated threshold unless --threshold; maps written over the crops and the photos.
 */
async function explainPhotos(
  values: {
    a: string;
    b: string;
    out?: string;
    model?: string;
    threshold?: string;
    ep: string;
    threads: string;
    json: boolean;
    'face-a'?: string;
    'face-b'?: string;
    'integrated-gradients': boolean;
  },
  io: CliIo,
): Promise<number> {
  const { provider, threads } = runtimeFlags(values);
  const { ModelRegistry } = await import('../../../../native-models/registry/registry.js');
  // Imported here so that ONNX Runtime loads only for the commands that run a model.
  const { explainPhotoPair, writePhotoExplanation } =
    await import('../../../../native-models/pipeline/explain.js');
  const explained = await explainPhotoPair(new ModelRegistry({ dataDir: io.dataDir }), {
    a: values.a,
    b: values.b,
    faceA: { face: faceIndexOption('face-a', values['face-a']) },
    faceB: { face: faceIndexOption('face-b', values['face-b']) },
    provider,
    threads,
    ...(values['integrated-gradients'] && { integratedGradients: true }),
    ...(values.model !== undefined && { model: values.model }),
    ...(values.threshold !== undefined && { threshold: numberOption('threshold', values.threshold) }),
  });
  const out = outputFolder(values.out, explained.a.photo.image.sha256, explained.b.photo.image.sha256);
  const summary = await writePhotoExplanation(explained, out);
  for (const warning of summary.warnings) io.err(`warning: ${warning}`);
  const { result } = explained;
  const { calibration, photos } = summary;
  printResult(io, values.json, { ...summary, out }, () =>
    [
      `${summary.model.id}: score ${result.score.toFixed(4)} vs threshold ${result.threshold.toFixed(4)}` +
        (calibration
          ? ` (${calibration.method}, n = ${calibration.n}${calibration.provisional ? ', provisional' : ''})`
          : ' (given)') +
        ` → ${summary.decision}`,
      ...(['a', 'b'] as const).map(
        (side) =>
          `${side.toUpperCase()}: ${photos[side].faces} face(s) found, compared ${photos[side].faceIndex === null ? 'the marked face' : `face ${photos[side].faceIndex}`}; sha256 ${photos[side].sha256}`,
      ),
      `split at ${result.bound.toExponential(3)} per dimension (d = ${result.dim}); closest dimension ${result.stability.minGap.toExponential(2)} away`,
      `wrote result.json, the crops and ${Object.keys(summary.maps).length} maps (.npy, over the crop .png, over the photo .photo.png) to ${out}`,
    ].join('\n'),
  );
  return 0;
}

export const explainCommand: CliCommand = {
  path: ['explain'],
  summary: 'Explain why a face-recognition model matches or rejects two faces (xSSAB maps)',
  usage:
    'xssab explain --a A.jpg --b B.jpg [--model ID] [--face-a N] [--face-b N] [--threshold T] [--integrated-gradients] ' +
    '[--ep cpu|cuda] [--threads 2] [--out DIR] [--json]   (photographs, a registered model; --integrated-gradients ' +
    'adds the integrated-gradients maps and region summary)\n' +
    '       xssab explain --a A.png --b B.png --model PATH.onnx --aligned --threshold T [--mean 127.5] [--std 127.5] ' +
    '[--color rgb|bgr] [--ep cpu|cuda] [--threads 2] [--out DIR] [--json]\n' +
    '       without --out, the files go to ./xssab-explain-<sha-256 of A>-<sha-256 of B> (first 12 hex digits each)',
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: {
        ...MODEL_FLAGS,
        a: { type: 'string' },
        b: { type: 'string' },
        aligned: { type: 'boolean', default: false },
        out: { type: 'string' },
        'face-a': { type: 'string' },
        'face-b': { type: 'string' },
        'integrated-gradients': { type: 'boolean', default: false },
      },
      strict: true,
    });
    requireOptions(values, ['a', 'b'], '--a and --b (the two face images) are required');
    if (!values.aligned) {
      if (values.model?.endsWith('.onnx')) {
        throw new CliUsageError(
          'only aligned face crops are supported for a raw ONNX model: pass --aligned for crops already aligned ' +
            'to it, or name a registered model (xssab models list) to explain photographs',
        );
      }
      return explainPhotos(values, io);
    }
    const threshold = thresholdFlag(values.threshold);
    const run = modelRun(values);

    const started = performance.now();
    const [faceA, faceB] = await Promise.all([
      loadAlignedFace(values.a, run.preprocessing),
      loadAlignedFace(values.b, run.preprocessing),
    ]);
    // Imported here so that ONNX Runtime loads only for the commands that run a model.
    const { Engine } = await import('../../../../native-models/xssab/engine.js');
    const engine = await Engine.create({ ...run, threshold });
    const ready = performance.now();
    const [result] = await engine.explain([{ a: faceA, b: faceB }]);
    const explained = performance.now();
    await engine.dispose();

    const out = outputFolder(values.out, faceA.sha256, faceB.sha256);
    await mkdir(out, { recursive: true });
    const { width, height } = result.size;
    const maps: Record<
      string,
      { npy: string; png: string; shape: [number, number]; min: number; max: number }
    > = {};
    for (const [side, set, face] of [
      ['a', result.a, faceA],
      ['b', result.b, faceB],
    ] as const) {
      for (const kind of MAP_KINDS) {
        const name = `${side}.${kind}`;
        const data = (set as MapSet)[kind];
        await writeFile(join(out, `${name}.npy`), encodeNpy({ data, shape: [height, width] }));
        const { png, min, max } = await renderOverlay(face.rgb, data, result.size, kind);
        await writeFile(join(out, `${name}.png`), png);
        maps[name] = { npy: `${name}.npy`, png: `${name}.png`, shape: [height, width], min, max };
      }
    }
    const summary = {
      score: result.score,
      threshold: result.threshold,
      decision: result.score >= result.threshold ? 'match' : 'non-match',
      bound: result.bound,
      dim: result.dim,
      model: result.model,
      inputs: {
        a: { path: resolve(values.a), sha256: result.inputs.a },
        b: { path: resolve(values.b), sha256: result.inputs.b },
      },
      preprocessing: run.preprocessing,
      provider: result.provider,
      requestedProvider: run.provider,
      warnings: engine.warnings,
      threads: run.threads,
      stability: result.stability,
      timings: {
        loadAndCompileMs: ready - started,
        explainMs: explained - ready,
        runMs: result.timings.runMs,
      },
      maps,
    };
    await writeFile(join(out, 'result.json'), `${JSON.stringify(summary, null, 2)}\n`);

    for (const warning of engine.warnings) io.err(`warning: ${warning}`);
    printResult(io, values.json, { ...summary, out }, () =>
      [
        `score ${result.score.toFixed(4)} vs threshold ${result.threshold} → ${summary.decision}`,
        `split at ${result.bound.toExponential(3)} per dimension (d = ${result.dim}); closest dimension ${result.stability.minGap.toExponential(2)} away, ${result.stability.nearBound} within 1e-4`,
        `provider ${result.provider}, explained in ${summary.timings.explainMs.toFixed(0)} ms (run ${result.timings.runMs.toFixed(0)} ms)`,
        `wrote result.json and ${Object.keys(maps).length} maps (.npy + .png) to ${out}`,
      ].join('\n'),
    );
    return 0;
  },
};
