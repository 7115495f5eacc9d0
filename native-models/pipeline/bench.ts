/**
 * Timing of the whole photo path, stage by stage: decode, detect, align, normalise, embed
 * (forward only) and explain, on two photographs, medians over repeated rounds.
 */
import { performance } from 'node:perf_hooks';
import type { ModelRegistry } from '../registry/registry.js';
import type { ProviderName } from '../xssab/providers.js';
import { detectPhoto, openDetector, prepareFace, preprocessingOf } from './photo.js';

export interface PipelineBenchOptions {
  model?: string;
  a: string;
  b: string;
  iterations?: number;
  provider?: ProviderName;
  threads?: number;
}

export interface PipelineBench {
  model: { id: string; sha256: string };
  provider: ProviderName;
  iterations: number;
  /** One-off start-up: detector sessions, engine (explanation graph compiled, session started). */
  startup: { detectorLoadMs: number; engineLoadMs: number };
  /** Medians per pair (both photos) of each stage. */
  pairMs: {
    decode: number;
    detect: number;
    align: number;
    preprocess: number;
    embed: number;
    explain: number;
    total: number;
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export async function benchPhotoPipeline(
  registry: ModelRegistry,
  options: PipelineBenchOptions,
): Promise<PipelineBench> {
  const iterations = options.iterations ?? 5;
  const model = registry.getModel(options.model);
  let start = performance.now();
  const detector = await openDetector(registry);
  const detectorLoadMs = performance.now() - start;
  start = performance.now();
  const { Engine } = await import('../xssab/engine.js');
  const engine = await Engine.create({
    model: model.path,
    preprocessing: preprocessingOf(model.manifest),
    // The split's position does not change the work done, so any threshold times the same.
    threshold: model.manifest.threshold?.value ?? 0.3,
    ...(options.provider && { provider: options.provider }),
    ...(options.threads && { threads: options.threads }),
  });
  const engineLoadMs = performance.now() - start;
  const rounds: PipelineBench['pairMs'][] = [];
  try {
    // One untimed round first: session warm-up.
    for (let i = 0; i <= iterations; i++) {
      const round = { decode: 0, detect: 0, align: 0, preprocess: 0, embed: 0, explain: 0, total: 0 };
      const roundStart = performance.now();
      const faces = [];
      for (const path of [options.a, options.b]) {
        const photo = await detectPhoto(path, detector);
        const face = await prepareFace(photo, model.manifest);
        round.decode += photo.timings.decodeMs;
        round.detect += photo.timings.detectMs;
        round.align += face.timings.alignMs;
        round.preprocess += face.timings.preprocessMs;
        faces.push(face.input);
      }
      round.embed = (await engine.embed(faces)).runMs;
      start = performance.now();
      await engine.explain([{ a: faces[0], b: faces[1] }]);
      round.explain = performance.now() - start;
      round.total = performance.now() - roundStart;
      if (i > 0) rounds.push(round);
    }
  } finally {
    await Promise.all([engine.dispose(), detector.release()]);
  }
  const keys = Object.keys(rounds[0]) as (keyof PipelineBench['pairMs'])[];
  return {
    model: { id: model.id, sha256: model.sha256 },
    provider: engine.provider,
    iterations,
    startup: { detectorLoadMs, engineLoadMs },
    pairMs: Object.fromEntries(
      keys.map((k) => [k, median(rounds.map((r) => r[k]))]),
    ) as PipelineBench['pairMs'],
  };
}
