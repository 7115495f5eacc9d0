/**
 * The explanation validity benchmark (Huber et al., WACV 2024, patch-based evaluation): patch each
 * pair, explain patched A with each method, restore patched A's pixels in the order each map gives,
 * and see how fast the threshold's errors caused by the patches disappear.
 */
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import sharp from 'sharp';
import type { BenchmarkSummary } from '../../electron/common/api/benchmarks.js';
import type { RgbImage } from '../face/image.js';
import { equalErrorRate } from '../registry/metrics.js';
import { readDataset, selectPairs, type Dataset, type PairSpec } from './dataset.js';
import { openFaceAligner } from './faces.js';
import {
  DEFAULT_CORRRISE_MASKS,
  cosine,
  createMethod,
  embedBatched,
  type BenchModel,
  type ExplanationMethod,
  type MethodName,
} from './methods.js';
import { DEFAULT_IG_SETTINGS, openBenchModel, resolveModelSpec, type BenchModelSpec } from './model.js';
import {
  makePatchedPair,
  memoizeAligner,
  type AlignLargestFace,
  type PatchedPair,
  type SkippedPair,
} from './patched-pairs.js';
import { PALETTE, lineChartSvg, type PlotLine } from './plot.js';
import {
  REPLACEMENT_PERCENTS,
  auroc,
  bestWorstOrder,
  errorRates,
  replacementSeries,
  type ReplacementStrategy,
} from './replacement.js';
import { DEFAULT_SEED, mulberry32, pairSeed, permutation } from './rng.js';
import { buildSummary, type ScoredPair } from './summary.js';

export class PatchBenchError extends Error {
  override name = 'PatchBenchError';
}

export interface PatchBenchOptions {
  /** Dataset root; image paths in the pairs list are relative to it. */
  root: string;
  /** LFW pairs.txt, or CSV a,b,same. */
  pairs: string;
  /** CSV file,identity; without it an image's identity is its folder. */
  labels?: string;
  methods: MethodName[];
  /** At most this many pairs, alternately genuine and impostor (see selectPairs). */
  limit?: number;
  /** Shipped model id, .onnx path, or a registry model's spec; default the registry's default model. */
  model?: string | BenchModelSpec;
  /** CorrRISE occlusion masks per pair (default 500). */
  masks?: number;
  seed?: number;
  /** Decision threshold on the cosine score; default the equal-error threshold on the selected pairs' unpatched crops. */
  threshold?: number;
  /** Integrated-gradients path steps and map smoothing (pixels). */
  igSteps?: number;
  igSmoothing?: number;
  out: string;
}

export interface PatchBenchProgress {
  /** Pairs finished (benchmarked or skipped), this run and earlier ones. */
  done: number;
  total: number;
  skipped: number;
  /** The pair just finished. */
  pair?: { index: number; a: string; b: string };
}

export interface PatchBenchHooks {
  /** Checked between pairs: the current pair finishes, its result is saved, the run stops. */
  signal?: AbortSignal;
  onProgress?: (progress: PatchBenchProgress) => void;
}

export interface PatchBenchResult {
  out: string;
  /** True when stopped by the signal; rerunning the same options resumes. No outputs are written then. */
  cancelled: boolean;
  model: { id: string; sha256: string };
  threshold: number;
  pairs: { selected: number; genuine: number; impostor: number; skipped: SkippedPair[] };
  /** summary.json; null when cancelled or when no pair could be benchmarked. */
  summary: BenchmarkSummary | null;
  files: string[];
}

/** One pair's results, one line of the run's JSONL state. */
interface PairRecord extends ScoredPair {
  index: number;
  a: string;
  b: string;
  source: string;
}

type StateLine = PairRecord | (SkippedPair & { skipped: true });

export const STATE_FILE = 'pairs.jsonl';
const STATE_VERSION = 3;

export async function runPatchBenchmark(
  options: PatchBenchOptions,
  { signal, onProgress }: PatchBenchHooks = {},
): Promise<PatchBenchResult> {
  if (options.methods.length === 0) throw new PatchBenchError('choose at least one method');
  const seed = options.seed ?? DEFAULT_SEED;
  const masks = options.masks ?? DEFAULT_CORRRISE_MASKS;
  const dataset = readDataset(options);
  const selected = selectPairs(dataset.pairs, options.limit);
  const out = resolve(options.out);
  mkdirSync(out, { recursive: true });

  const spec = typeof options.model === 'object' ? options.model : resolveModelSpec(options.model);
  const ig = {
    steps: options.igSteps ?? DEFAULT_IG_SETTINGS.steps,
    smoothing: options.igSmoothing ?? DEFAULT_IG_SETTINGS.smoothing,
  };
  const model = await openBenchModel(spec, ig);
  const aligner = await openFaceAligner(spec.alignment).catch(async (error: unknown) => {
    await model.close();
    throw error;
  });
  const align = memoizeAligner(aligner.align);
  try {
    const threshold =
      options.threshold === undefined
        ? { source: 'eer' as const, ...(await unpatchedEqualError(dataset, selected, align, model)) }
        : { source: 'given' as const, value: options.threshold, eer: null };
    const config = {
      version: STATE_VERSION,
      root: resolve(options.root),
      pairs: fileSha256(options.pairs),
      labels: options.labels ? fileSha256(options.labels) : null,
      methods: options.methods,
      model: model.sha256,
      alignment: spec.alignment.name,
      threshold: threshold.value,
      seed,
      masks,
      ig,
    };
    const state = openState(join(out, STATE_FILE), config);
    const methods = options.methods.map((name) =>
      createMethod(name, model, seed, { threshold: threshold.value, corrRise: { masks } }),
    );

    const total = selected.length;
    let done = selected.filter((spec) => state.has(spec.index)).length;
    const skippedCount = () => selected.filter((spec) => isSkipped(state.get(spec.index))).length;
    onProgress?.({ done, total, skipped: skippedCount() });
    for (const spec of selected) {
      if (state.has(spec.index)) continue;
      if (signal?.aborted) break;
      const prepared = await makePatchedPair(dataset, spec, seed, align);
      const line: StateLine =
        'reason' in prepared
          ? { ...prepared, skipped: true }
          : await benchPair(prepared, methods, model, threshold.value, seed);
      state.append(line);
      done++;
      onProgress?.({
        done,
        total,
        skipped: skippedCount(),
        pair: { index: spec.index, a: spec.a, b: spec.b },
      });
    }

    const lines = selected.flatMap((spec) => state.get(spec.index) ?? []);
    const records = lines.filter((line): line is PairRecord => !isSkipped(line));
    const skipped = lines.filter(isSkipped).map(({ index, a, b, reason }) => ({ index, a, b, reason }));
    const cancelled = lines.length < selected.length;
    const summary =
      cancelled || records.length === 0
        ? null
        : buildSummary(records, {
            model: { id: model.id, sha256: model.sha256, alignment: spec.alignment.name },
            threshold,
            seed,
            corrRiseMasks: masks,
            integratedGradients: ig,
            skipped: skipped.length,
            methods: options.methods,
          });
    const result: PatchBenchResult = {
      out,
      cancelled,
      model: { id: model.id, sha256: model.sha256 },
      threshold: threshold.value,
      pairs: {
        selected: selected.length,
        genuine: records.filter((r) => r.same).length,
        impostor: records.filter((r) => !r.same).length,
        skipped,
      },
      summary,
      files: [],
    };
    if (summary) result.files = await writeOutputs(out, records, result, summary, options.methods);
    return result;
  } finally {
    await Promise.all([model.close(), aligner.close()]);
  }
}

/**
 * The protocol's threshold: the equal-error point of the selected pairs' unpatched crops, scored
 * by the benchmarked model (pairs without a face are left out, as the benchmark skips them).
 */
async function unpatchedEqualError(
  dataset: Dataset,
  selected: PairSpec[],
  align: AlignLargestFace,
  model: BenchModel,
): Promise<{ value: number; eer: number }> {
  const genuine: number[] = [];
  const impostor: number[] = [];
  for (const spec of selected) {
    const [a, b] = await Promise.all([align(join(dataset.root, spec.a)), align(join(dataset.root, spec.b))]);
    if (!a || !b) continue;
    const [ea, eb] = await model.embed([a.face, b.face]);
    (spec.same ? genuine : impostor).push(cosine(ea, eb));
  }
  if (genuine.length === 0 || impostor.length === 0) {
    throw new PatchBenchError(
      `the equal-error threshold needs genuine and impostor pairs with faces; the selection has ` +
        `${genuine.length} genuine and ${impostor.length} impostor (give --threshold, or a larger --limit)`,
    );
  }
  const point = equalErrorRate({ genuine, impostor });
  return { value: point.threshold, eer: point.eer };
}

function isSkipped(line: StateLine | undefined): line is SkippedPair & { skipped: true } {
  return line !== undefined && 'skipped' in line;
}

async function benchPair(
  pair: PatchedPair,
  methods: ExplanationMethod[],
  model: BenchModel,
  threshold: number,
  seed: number,
): Promise<PairRecord> {
  const { spec, original, patched, partner, mask } = pair;
  const [originalEmbedding, patchedEmbedding, partnerEmbedding] = await model.embed([
    original,
    patched,
    partner,
  ]);
  const patchedScore = cosine(patchedEmbedding, partnerEmbedding);
  const accepted = patchedScore >= threshold;

  const series: RgbImage[] = [];
  const record: PairRecord = {
    index: spec.index,
    a: spec.a,
    b: spec.b,
    same: spec.same,
    source: pair.source,
    originalScore: cosine(originalEmbedding, partnerEmbedding),
    patchedScore,
    bestWorst: {},
    random: [],
    oracle: [],
    auroc: {},
    ms: {},
  };
  for (const method of methods) {
    const start = performance.now();
    const map = await method.explainA({
      a: patched,
      b: partner,
      embeddingB: partnerEmbedding,
      pairIndex: spec.index,
    });
    record.ms[method.name] = performance.now() - start;
    // The patches are meant to argue against a genuine pair's match and for an impostor pair's.
    const expected = method.signed && spec.same ? map.map((v) => -v) : map;
    record.auroc[method.name] = auroc(expected, mask);
    series.push(...replacementSeries(patched, original, bestWorstOrder(map, method.signed, accepted)));
  }
  const randomOrder = permutation(mask.length, mulberry32(pairSeed(seed, spec.index, 'random-replacement')));
  series.push(...replacementSeries(patched, original, randomOrder));
  series.push(...replacementSeries(patched, original, patchPixelsFirst(randomOrder, mask)));

  const embeddings = await embedBatched(model, series);
  const scores = embeddings.map((e) => cosine(e, partnerEmbedding));
  const steps = REPLACEMENT_PERCENTS.length;
  methods.forEach((method, m) => (record.bestWorst[method.name] = scores.slice(m * steps, (m + 1) * steps)));
  record.random = scores.slice(methods.length * steps, (methods.length + 1) * steps);
  record.oracle = scores.slice((methods.length + 1) * steps);
  return record;
}

/**
 * The oracle's order: random replacement's order with every patch pixel moved ahead of the rest
 * (which the patches left unchanged), so it differs from random replacement only by knowing the patches.
 */
function patchPixelsFirst(randomOrder: Int32Array, mask: Uint8Array): Int32Array {
  return Int32Array.from([
    ...randomOrder.filter((i) => mask[i] === 1),
    ...randomOrder.filter((i) => mask[i] === 0),
  ]);
}

interface Curve {
  p: number[];
  fmr: (number | null)[];
  fnmr: (number | null)[];
}

function curve(records: PairRecord[], scoresOf: (r: PairRecord) => number[], threshold: number): Curve {
  const genuine = records.map((r) => r.same);
  const rates = REPLACEMENT_PERCENTS.map((_, k) =>
    errorRates(
      records.map((r) => scoresOf(r)[k]),
      genuine,
      threshold,
    ),
  );
  return {
    p: [...REPLACEMENT_PERCENTS],
    fmr: rates.map((r) => finite(r.fmr)),
    fnmr: rates.map((r) => finite(r.fnmr)),
  };
}

function curvesOf(
  records: PairRecord[],
  methods: MethodName[],
  threshold: number,
): Record<string, Record<ReplacementStrategy, Curve>> {
  // Random replacement ignores the map: one draw per pair, the same curve under every method.
  const random = curve(records, (r) => r.random, threshold);
  return Object.fromEntries(
    methods.map((m) => [m, { best_worst: curve(records, (r) => r.bestWorst[m], threshold), random }]),
  );
}

async function writeOutputs(
  out: string,
  records: PairRecord[],
  result: PatchBenchResult,
  summary: BenchmarkSummary,
  methods: MethodName[],
): Promise<string[]> {
  const curves = curvesOf(records, methods, result.threshold);
  const oracle = curve(records, (r) => r.oracle, result.threshold);
  const curvesJson = {
    model: result.model,
    threshold: result.threshold,
    seed: summary.seed,
    corrRiseMasks: summary.corrRiseMasks,
    pairs: {
      genuine: result.pairs.genuine,
      impostor: result.pairs.impostor,
      skipped: result.pairs.skipped,
    },
    oracle,
    methods: curves,
  };
  const files: Record<string, string | Buffer> = {
    'curves.json': JSON.stringify(curvesJson, null, 2) + '\n',
    [SUMMARY_FILE]: JSON.stringify(summary, null, 2) + '\n',
  };
  for (const rate of ['fmr', 'fnmr'] as const) {
    const svg = plotSvg(curves, oracle, rate, result);
    files[`${rate}.svg`] = svg;
    files[`${rate}.png`] = await sharp(Buffer.from(svg), { density: 144 }).png().toBuffer();
  }
  for (const [name, content] of Object.entries(files)) writeFileSync(join(out, name), content);
  return Object.keys(files).map((name) => join(out, name));
}

export const SUMMARY_FILE = 'summary.json';

function plotSvg(
  curves: Record<string, Record<ReplacementStrategy, Curve>>,
  oracle: Curve,
  rate: 'fmr' | 'fnmr',
  result: PatchBenchResult,
): string {
  const methods = Object.keys(curves);
  const lines: PlotLine[] = methods.map((method, i) => ({
    label: `${method} best-worst`,
    x: REPLACEMENT_PERCENTS,
    y: curves[method].best_worst[rate],
    color: PALETTE[i % PALETTE.length],
  }));
  if (methods.length > 0) {
    lines.push({
      label: 'random replacement',
      x: REPLACEMENT_PERCENTS,
      y: curves[methods[0]].random[rate],
      color: '#555555',
      dashed: true,
    });
  }
  lines.push({
    label: 'oracle (patch pixels first)',
    x: REPLACEMENT_PERCENTS,
    y: oracle[rate],
    color: '#000000',
    dashed: true,
  });
  const pairs =
    rate === 'fmr' ? `${result.pairs.impostor} impostor pairs` : `${result.pairs.genuine} genuine pairs`;
  const ticks = (step: number, max: number) =>
    Array.from({ length: Math.round(max / step) + 1 }, (_, i) => Number((i * step).toFixed(2)));
  return lineChartSvg({
    title: `${rate.toUpperCase()} at threshold ${result.threshold.toFixed(3)} (${pairs})`,
    xLabel: 'pixels of patched A replaced by original A (%)',
    yLabel: rate.toUpperCase(),
    xRange: [0, 100],
    yRange: [0, 1],
    xTicks: ticks(10, 100),
    yTicks: ticks(0.2, 1),
    lines,
  });
}

function finite(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

function fileSha256(path: string): string {
  try {
    return createHash('sha256').update(readFileSync(path)).digest('hex');
  } catch (error) {
    throw new PatchBenchError(`cannot read ${path}: ${(error as Error).message}`);
  }
}

interface RunState {
  has(index: number): boolean;
  get(index: number): StateLine | undefined;
  append(line: StateLine): void;
}

/**
 * The run's JSONL file: a header line with the settings, then one line per finished pair. A rerun
 * with the same settings continues it; a last line cut short by a crash is dropped.
 */
function openState(path: string, config: Record<string, unknown>): RunState {
  const header = JSON.stringify({ config });
  const lines = new Map<number, StateLine>();
  if (existsSync(path)) {
    const text = readFileSync(path, 'utf8').split('\n');
    if (text[0] !== header) {
      const previous = safeParse(text[0]) as { config?: Record<string, unknown> } | undefined;
      const differing = Object.keys(config).filter(
        (key) => JSON.stringify(previous?.config?.[key]) !== JSON.stringify(config[key]),
      );
      throw new PatchBenchError(
        `${path} belongs to a run with other settings (${differing.join(', ') || 'unreadable header'}); ` +
          'choose another output folder or delete that file',
      );
    }
    const body = text.slice(1).filter((line) => line.length > 0);
    const kept: string[] = [];
    body.forEach((raw, i) => {
      const line = safeParse(raw) as StateLine | undefined;
      if (line === undefined) {
        if (i === body.length - 1) return;
        throw new PatchBenchError(`${path} line ${i + 2} is damaged; delete the file to start over`);
      }
      lines.set(line.index, line);
      kept.push(raw);
    });
    if (kept.length !== body.length) writeFileSync(path, [header, ...kept].join('\n') + '\n');
  } else {
    writeFileSync(path, header + '\n');
  }
  return {
    has: (index) => lines.has(index),
    get: (index) => lines.get(index),
    append(line) {
      // Stored and used as parsed back, so a resumed run aggregates exactly what a fresh one would.
      const raw = JSON.stringify(line);
      appendFileSync(path, raw + '\n');
      lines.set(line.index, JSON.parse(raw) as StateLine);
    },
  };
}

function safeParse(raw: string | undefined): unknown {
  try {
    return raw === undefined ? undefined : JSON.parse(raw);
  } catch {
    return undefined;
  }
}
