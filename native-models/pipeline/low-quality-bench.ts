/**
 * Verification of low-quality probes: each labelled pair compares photo A as it is (the
 * reference) with photo B degraded the way CCTV stills are — scaled so its face is about
 * `faceWidth` pixels wide, then JPEG-compressed at `quality` — and, as a baseline, with B as it
 * is. The degraded face is aligned from the keypoints found on the original photo scaled down
 * (an examiner marks the landmarks of such probes by hand), so detection failures do not mix into
 * the figures. Every model runs plain and with flip averaging; thresholds are the equal-error
 * thresholds fitted on the original-quality pairs, as a lab would calibrate them.
 *
 *   node dist/native-models/pipeline/low-quality-bench.js [--data DIR] [--models a,b] [--pairs CSV]
 *        [--root DIR] [--face-width 24] [--quality 35] [--threads 2] [--json]
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { alignFace, type AlignedFace } from '../face/align.js';
import type { FaceKeypoints } from '../face/detect.js';
import { loadImage, type DecodedImage } from '../face/image.js';
import { equalErrorRate, operatingPoint, rocAuc, type ScoreSets } from '../registry/metrics.js';
import { ModelRegistry, type RegisteredModel } from '../registry/registry.js';
import { Engine } from '../xssab/engine.js';
import { normalise } from '../xssab/preprocess.js';
import { readLabelledPairs, type LabelledPair } from './calibrate.js';
import { cosine } from './embedder.js';
import { alignTargetOf, detectPhoto, openDetector, preprocessingOf } from './photo.js';

interface LowQualityOptions {
  registry: ModelRegistry;
  models: string[];
  pairs: LabelledPair[];
  root: string;
  faceWidth: number;
  quality: number;
  threads?: number;
}

interface VerificationFigures {
  auc: number;
  eer: number;
  /** At the threshold fitted (equal error) on the original-quality pairs of the same model and variant. */
  fmr: number;
  fnmr: number;
  threshold: number;
  meanGenuine: number;
  meanImpostor: number;
}

interface LowQualityRow {
  model: string;
  flipAveraging: boolean;
  original: VerificationFigures;
  degraded: VerificationFigures;
}

interface PhotoVersions {
  original: { image: DecodedImage; keypoints: FaceKeypoints };
  degraded: { image: DecodedImage; keypoints: FaceKeypoints };
  /** Face width in the degraded photo, from the detected box scaled. */
  degradedFaceWidth: number;
}

function scaleKeypoints(keypoints: FaceKeypoints, s: number): FaceKeypoints {
  return Object.fromEntries(
    Object.entries(keypoints).map(([name, p]) => [name, { x: p.x * s, y: p.y * s }]),
  ) as unknown as FaceKeypoints;
}

async function photoVersions(
  registry: ModelRegistry,
  names: string[],
  root: string,
  faceWidth: number,
  quality: number,
): Promise<Map<string, PhotoVersions>> {
  const detector = await openDetector(registry);
  const versions = new Map<string, PhotoVersions>();
  try {
    for (const name of names) {
      const photo = await detectPhoto(join(root, name), detector);
      const face = photo.faces[0];
      if (!face) throw new Error(`no face found in ${name}`);
      const { image } = photo;
      const width = Math.max(1, Math.round((image.width * faceWidth) / face.box.width));
      const height = Math.max(1, Math.round((image.height * width) / image.width));
      const jpeg = await sharp(image.rgb, { raw: { width: image.width, height: image.height, channels: 3 } })
        .resize(width, height, { kernel: 'lanczos3' })
        .jpeg({ quality })
        .toBuffer();
      const scale = width / image.width;
      versions.set(name, {
        original: { image, keypoints: face.keypoints },
        degraded: { image: await loadImage(jpeg), keypoints: scaleKeypoints(face.keypoints, scale) },
        degradedFaceWidth: face.box.width * scale,
      });
    }
  } finally {
    await detector.release();
  }
  return versions;
}

function figures(sets: ScoreSets, threshold: number): VerificationFigures {
  const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const { fmr, fnmr } = operatingPoint(sets, threshold);
  return {
    auc: rocAuc(sets),
    eer: equalErrorRate(sets).eer,
    fmr,
    fnmr,
    threshold,
    meanGenuine: mean(sets.genuine),
    meanImpostor: mean(sets.impostor),
  };
}

async function embedAll(
  model: RegisteredModel,
  faces: AlignedFace[],
  flipAveraging: boolean,
  threads: number,
): Promise<Float32Array[]> {
  const preprocessing = preprocessingOf(model.manifest);
  const engine = await Engine.create({
    model: model.path,
    preprocessing,
    threshold: 0,
    threads,
    flipAveraging,
  });
  try {
    const { embeddings } = await engine.embed(
      faces.map((face) => ({ tensor: normalise(face.crop.rgb, preprocessing) })),
    );
    return embeddings;
  } finally {
    await engine.dispose();
  }
}

async function lowQualityBench(options: LowQualityOptions): Promise<{
  rows: LowQualityRow[];
  medianDegradedFaceWidth: number;
}> {
  const { registry, pairs, root } = options;
  const names = [...new Set(pairs.flatMap((p) => [p.a, p.b]))].sort();
  const versions = await photoVersions(registry, names, root, options.faceWidth, options.quality);
  const rows: LowQualityRow[] = [];
  for (const id of options.models) {
    const model = registry.getModel(id);
    const target = alignTargetOf(model.manifest);
    const aligned = async (version: 'original' | 'degraded') =>
      Promise.all(
        names.map((name) => {
          const { image, keypoints } = versions.get(name)![version];
          return alignFace(image, { detected: keypoints }, target);
        }),
      );
    const faces = { original: await aligned('original'), degraded: await aligned('degraded') };
    for (const flipAveraging of [false, true]) {
      const threads = options.threads ?? 2;
      const [original, degraded] = await Promise.all([
        embedAll(model, faces.original, flipAveraging, threads),
        embedAll(model, faces.degraded, flipAveraging, threads),
      ]);
      const index = new Map(names.map((name, i) => [name, i]));
      const scoreSets = (probes: Float32Array[]): ScoreSets => {
        const scored = pairs.map((p) => ({
          same: p.same,
          score: cosine(original[index.get(p.a)!], probes[index.get(p.b)!]),
        }));
        return {
          genuine: scored.filter((s) => s.same).map((s) => s.score),
          impostor: scored.filter((s) => !s.same).map((s) => s.score),
        };
      };
      const baseline = scoreSets(original);
      const threshold = equalErrorRate(baseline).threshold;
      rows.push({
        model: id,
        flipAveraging,
        original: figures(baseline, threshold),
        degraded: figures(scoreSets(degraded), threshold),
      });
    }
  }
  const widths = [...versions.values()].map((v) => v.degradedFaceWidth).sort((a, b) => a - b);
  return { rows, medianDegradedFaceWidth: widths[widths.length >> 1] };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      data: { type: 'string' },
      models: { type: 'string' },
      pairs: { type: 'string', default: 'test/fixtures/faces/pairs.csv' },
      root: { type: 'string', default: 'test/fixtures/faces' },
      'face-width': { type: 'string', default: '24' },
      quality: { type: 'string', default: '35' },
      threads: { type: 'string', default: '2' },
      json: { type: 'boolean', default: false },
    },
  });
  // Without --data only the shipped models are known: an empty data folder.
  const registry = new ModelRegistry({
    dataDir: values.data ?? mkdtempSync(join(tmpdir(), 'xssab-low-quality-')),
  });
  const models = values.models?.split(',') ?? registry.listModels().map((m) => m.id);
  const faceWidth = Number(values['face-width']);
  const quality = Number(values.quality);
  const pairs = readLabelledPairs(values.pairs);
  const result = await lowQualityBench({
    registry,
    models,
    pairs,
    root: values.root,
    faceWidth,
    quality,
    threads: Number(values.threads),
  });
  if (values.json) {
    console.log(JSON.stringify({ faceWidth, quality, pairs: values.pairs, ...result }));
    return;
  }
  const genuine = pairs.filter((p) => p.same).length;
  console.log(
    `${values.pairs}: ${genuine} genuine + ${pairs.length - genuine} impostor pairs; probe B ≈ ${faceWidth} px face ` +
      `(median ${result.medianDegradedFaceWidth.toFixed(1)} px), JPEG quality ${quality}; reference A as is`,
  );
  console.log(
    'model            flip  probes    AUC     EER     FMR     FNMR    (threshold)  mean genuine  mean impostor',
  );
  const percent = (x: number) => `${(100 * x).toFixed(1)}%`.padStart(7);
  for (const row of result.rows) {
    for (const probes of ['original', 'degraded'] as const) {
      const f = row[probes];
      console.log(
        [
          row.model.padEnd(16),
          (row.flipAveraging ? 'yes' : 'no').padEnd(5),
          probes.padEnd(9),
          f.auc.toFixed(4),
          percent(f.eer),
          percent(f.fmr),
          percent(f.fnmr),
          `(${f.threshold.toFixed(4)})`.padStart(12),
          f.meanGenuine.toFixed(3).padStart(13),
          f.meanImpostor.toFixed(3).padStart(14),
        ].join(' '),
      );
    }
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
