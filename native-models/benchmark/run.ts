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
import type { RgbImage } from '../face/image.js';
import { readDataset, selectPairs } from './dataset.js';
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
import { openBenchModel, resolveModelSpec } from './model.js';
import { makePatchedPair, memoizeAligner, type PatchedPair, type SkippedPair } from './patched-pairs.js';
import { PALETTE, lineChartSvg, type PlotLine } from './plot.js';
import {
  REPLACEMENT_PERCENTS,
  areaUnderCurve,
  auroc,
  bestWorstOrder,
  errorRates,
  replacementSeries,
  type ReplacementStrategy,
} from './replacement.js';
import { DEFAULT_SEED, mulberry32, pairSeed, permutation } from './rng.js';

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
  /** Model registry id or .onnx path. */
  model: string;
  /** CorrRISE occlusion masks per pair (default 500). */
  masks?: number;
  seed?: number;
  /** Decision threshold on the cosine score; default the model's own. */
  threshold?: number;
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

export interface SummaryRow {
  method: MethodName;
  /** Area under FMR (impostor pairs) and FNMR (genuine pairs) over 0–100 % replaced, per strategy. */
  aucFmr: Record<ReplacementStrategy, number | null>;
  aucFnmr: Record<ReplacementStrategy, number | null>;
  /** Mean over pairs of the AUROC of the map separating patch pixels from the rest. */
  localisationAuroc: number | null;
  msPerImage: number;
}

export interface PatchBenchResult {
  out: string;
  /** True when stopped by the signal; rerunning the same options resumes. No outputs are written then. */
  cancelled: boolean;
  model: { id: string; sha256: string };
  threshold: number;
  pairs: { selected: number; genuine: number; impostor: number; skipped: SkippedPair[] };
  summary: SummaryRow[];
  files: string[];
}

/** One pair's results, one line of the run's JSONL state. */
interface PairRecord {
  index: number;
  a: string;
  b: string;
  same: boolean;
  source: string;
  originalScore: number;
  patchedScore: number;
  /** Scores at each replacement percentage: best-worst per method, and random replacement. */
  bestWorst: Record<string, number[]>;
  random: number[];
  auroc: Record<string, number>;
  ms: Record<string, number>;
}

type StateLine = PairRecord | (SkippedPair & { skipped: true });

export const STATE_FILE = 'pairs.jsonl';
const STATE_VERSION = 1;

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

  const spec = resolveModelSpec(options.model);
  const threshold = options.threshold ?? spec.threshold;
  if (threshold === undefined) {
    throw new PatchBenchError(`model ${options.model} declares no threshold; give one with --threshold`);
  }
  const model = await openBenchModel(spec, threshold);
  const aligner = await openFaceAligner().catch(async (error: unknown) => {
    await model.close();
    throw error;
  });
  const align = memoizeAligner(aligner.align);
  try {
    const config = {
      version: STATE_VERSION,
      root: resolve(options.root),
      pairs: fileSha256(options.pairs),
      labels: options.labels ? fileSha256(options.labels) : null,
      methods: options.methods,
      model: model.sha256,
      threshold,
      seed,
      masks,
    };
    const state = openState(join(out, STATE_FILE), config);
    const methods = options.methods.map((name) => createMethod(name, model, seed, { masks }));

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
          : await benchPair(prepared, methods, model, threshold, seed);
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
    const summary = summarise(records, options.methods, threshold);
    const result: PatchBenchResult = {
      out,
      cancelled,
      model: { id: model.id, sha256: model.sha256 },
      threshold,
      pairs: {
        selected: selected.length,
        genuine: records.filter((r) => r.same).length,
        impostor: records.filter((r) => !r.same).length,
        skipped,
      },
      summary,
      files: [],
    };
    if (!cancelled) result.files = await writeOutputs(out, records, result, { seed, masks }, options.methods);
    return result;
  } finally {
    await Promise.all([model.close(), aligner.close()]);
  }
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

  const embeddings = await embedBatched(model, series);
  const scores = embeddings.map((e) => cosine(e, partnerEmbedding));
  const steps = REPLACEMENT_PERCENTS.length;
  methods.forEach((method, m) => (record.bestWorst[method.name] = scores.slice(m * steps, (m + 1) * steps)));
  record.random = scores.slice(methods.length * steps);
  return record;
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

function summarise(records: PairRecord[], methods: MethodName[], threshold: number): SummaryRow[] {
  const curves = curvesOf(records, methods, threshold);
  const area = (y: (number | null)[]) =>
    y.some((v) => v === null) ? null : areaUnderCurve(REPLACEMENT_PERCENTS, y as number[]);
  const mean = (values: number[]) => values.reduce((s, v) => s + v, 0) / values.length;
  return methods.map((method) => ({
    method,
    aucFmr: { best_worst: area(curves[method].best_worst.fmr), random: area(curves[method].random.fmr) },
    aucFnmr: { best_worst: area(curves[method].best_worst.fnmr), random: area(curves[method].random.fnmr) },
    localisationAuroc: records.length ? finite(mean(records.map((r) => r.auroc[method]))) : null,
    msPerImage: records.length ? mean(records.map((r) => r.ms[method])) : Number.NaN,
  }));
}

async function writeOutputs(
  out: string,
  records: PairRecord[],
  result: PatchBenchResult,
  settings: { seed: number; masks: number },
  methods: MethodName[],
): Promise<string[]> {
  const curves = curvesOf(records, methods, result.threshold);
  const curvesJson = {
    model: result.model,
    threshold: result.threshold,
    seed: settings.seed,
    corrRiseMasks: settings.masks,
    pairs: {
      genuine: result.pairs.genuine,
      impostor: result.pairs.impostor,
      skipped: result.pairs.skipped,
    },
    methods: curves,
  };
  const files: Record<string, string | Buffer> = {
    'curves.json': JSON.stringify(curvesJson, null, 2) + '\n',
    'summary.csv': summaryCsv(result.summary),
  };
  for (const rate of ['fmr', 'fnmr'] as const) {
    const svg = plotSvg(curves, rate, result);
    files[`${rate}.svg`] = svg;
    files[`${rate}.png`] = await sharp(Buffer.from(svg), { density: 144 }).png().toBuffer();
  }
  for (const [name, content] of Object.entries(files)) writeFileSync(join(out, name), content);
  return Object.keys(files).map((name) => join(out, name));
}

export const SUMMARY_COLUMNS = [
  'method',
  'auc_fmr_best_worst',
  'auc_fmr_random',
  'auc_fnmr_best_worst',
  'auc_fnmr_random',
  'localisation_auroc',
  'ms_per_image',
] as const;

function summaryCsv(rows: SummaryRow[]): string {
  const f = (v: number | null, digits = 4) => (v === null || !Number.isFinite(v) ? '' : v.toFixed(digits));
  const lines = rows.map((r) =>
    [
      r.method,
      f(r.aucFmr.best_worst),
      f(r.aucFmr.random),
      f(r.aucFnmr.best_worst),
      f(r.aucFnmr.random),
      f(r.localisationAuroc),
      f(r.msPerImage, 1),
    ].join(','),
  );
  return [SUMMARY_COLUMNS.join(','), ...lines].join('\n') + '\n';
}

function plotSvg(
  curves: Record<string, Record<ReplacementStrategy, Curve>>,
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
