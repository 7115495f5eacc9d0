import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import sharp from 'sharp';
import { patchBenchCommand } from '../../electron/node/cli/commands/patch-bench.js';
import { benchmarkSummarySchema } from '../../electron/common/api/benchmarks.js';
import { BENCHMARK_METHODS } from '../../electron/common/explanations.js';
import { resolveModelSpec } from '../../native-models/benchmark/model.js';
import { REPLACEMENT_PERCENTS } from '../../native-models/benchmark/replacement.js';
import { equalErrorRate } from '../../native-models/registry/metrics.js';
import {
  STATE_FILE,
  SUMMARY_FILE,
  runPatchBenchmark,
  type PatchBenchOptions,
  type PatchBenchResult,
} from '../../native-models/benchmark/run.js';

const FACES = join(import.meta.dirname, '..', 'fixtures', 'faces');
// A small MobileFaceNet with seeded weights: its scores are not meaningful, the benchmark's mechanics are.
const MODEL = join(import.meta.dirname, '..', 'fixtures', 'golden', 'mobilefacenet', 'model.onnx');

function options(out: string, overrides: Partial<PatchBenchOptions> = {}): PatchBenchOptions {
  return {
    root: FACES,
    pairs: join(FACES, 'pairs.csv'),
    labels: join(FACES, 'labels.csv'),
    model: MODEL,
    threshold: 0.2,
    methods: [...BENCHMARK_METHODS],
    limit: 4,
    masks: 8,
    igSteps: 3,
    seed: 3,
    out,
    ...overrides,
  };
}

const read = (dir: string, file: string) => readFileSync(join(dir, file), 'utf8');
/** summary.json without the timings, which no two runs share. */
const summaryWithoutTimes = (dir: string) => {
  const summary = benchmarkSummarySchema.parse(JSON.parse(read(dir, SUMMARY_FILE)));
  return { ...summary, methods: summary.methods.map((m) => ({ ...m, msPerImage: null })) };
};

interface Record {
  index: number;
  same: boolean;
  originalScore: number;
  patchedScore: number;
  bestWorst: { [method: string]: number[] };
  random: number[];
  oracle: number[];
  auroc: { [method: string]: number };
  ms: unknown;
}
const records = (dir: string) =>
  read(dir, STATE_FILE)
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => JSON.parse(line) as Record);

let full: string;
let fullResult: PatchBenchResult;

before(async () => {
  full = mkdtempSync(join(tmpdir(), 'patch-bench-'));
  fullResult = await runPatchBenchmark(options(full));
});

test('outputs: curves per method and strategy over 0–100 %, summary.json with intervals, SVG and PNG plots', async () => {
  assert.equal(fullResult.cancelled, false);
  assert.deepEqual([fullResult.pairs.genuine, fullResult.pairs.impostor], [2, 2]);
  const curves = JSON.parse(read(full, 'curves.json'));
  assert.deepEqual(Object.keys(curves.methods), [...BENCHMARK_METHODS]);
  assert.equal(curves.oracle.fmr.length, 21);
  for (const method of Object.values(curves.methods) as {
    [strategy: string]: { p: number[]; fmr: number[]; fnmr: number[] };
  }[]) {
    assert.deepEqual(Object.keys(method), ['best_worst', 'random']);
    for (const curve of Object.values(method)) {
      assert.equal(curve.p.length, 19 + 2);
      assert.deepEqual(curve.p, [...REPLACEMENT_PERCENTS]);
      assert.equal(curve.fmr.length, 21);
      assert.equal(curve.fnmr.length, 21);
      assert.ok([...curve.fmr, ...curve.fnmr].every((v) => v >= 0 && v <= 1));
    }
  }
  const summary = benchmarkSummarySchema.parse(JSON.parse(read(full, SUMMARY_FILE)));
  assert.deepEqual(summary, fullResult.summary);
  assert.deepEqual(
    summary.methods.map((m) => m.method),
    [...BENCHMARK_METHODS],
  );
  assert.deepEqual(summary.threshold, { value: 0.2, source: 'given', eer: null });
  assert.deepEqual(summary.pairs, { genuine: 2, impostor: 2, skipped: 0 });
  const intervals = [
    summary.random.aucFmr,
    summary.random.aucFnmr,
    summary.oracle.aucFmr,
    summary.oracle.aucFnmr,
    ...summary.methods.flatMap((m) => [m.aucFmr, m.aucFnmr, m.localisationAuroc]),
  ];
  for (const interval of intervals) {
    assert.ok(interval !== null);
    assert.ok(interval.low <= interval.value && interval.value <= interval.high, JSON.stringify(interval));
  }
  assert.equal(summary.methods.find((m) => m.method === 'xssab')!.deviation, null);
  assert.match(summary.methods.find((m) => m.method === 'xssab-decision')!.deviation!, /not in the paper/);
  for (const rate of ['fmr', 'fnmr']) {
    const svg = read(full, `${rate}.svg`);
    assert.match(svg, /^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    // six best-worst lines, random replacement and the oracle
    assert.equal(svg.match(/<polyline /g)?.length, BENCHMARK_METHODS.length + 2);
    const png = await sharp(join(full, `${rate}.png`))
      .raw()
      .toBuffer({ resolveWithObject: true });
    assert.equal(png.info.format, 'raw');
    assert.ok(png.info.width >= 640 && png.info.height >= 420);
  }
});

test('0 % replaced scores as the patched pair, 100 % as the original pair', () => {
  const lines = records(full);
  assert.equal(lines.length, 4);
  for (const line of lines) {
    assert.notEqual(line.patchedScore, line.originalScore);
    for (const scores of [...Object.values(line.bestWorst), line.random, line.oracle]) {
      assert.equal(scores.length, 21);
      assert.ok(
        Math.abs(scores[0] - line.patchedScore) < 1e-5,
        `${scores[0]} vs patched ${line.patchedScore}`,
      );
      assert.ok(
        Math.abs(scores[20] - line.originalScore) < 1e-5,
        `${scores[20]} vs original ${line.originalScore}`,
      );
    }
    // 27 patches of 16×16 cover at most 6912 of 12544 pixels: at 60 % the oracle has restored them all.
    assert.ok(line.oracle.slice(12).every((s) => Math.abs(s - line.originalScore) < 1e-5));
  }
});

test('default threshold: the equal-error point of the unpatched pairs', async () => {
  const out = mkdtempSync(join(tmpdir(), 'patch-bench-'));
  const result = await runPatchBenchmark(
    options(out, { threshold: undefined, methods: ['random'], limit: 6 }),
  );
  const scores = records(out);
  const eer = equalErrorRate({
    genuine: scores.filter((r) => r.same).map((r) => r.originalScore),
    impostor: scores.filter((r) => !r.same).map((r) => r.originalScore),
  });
  assert.equal(result.threshold, eer.threshold);
  assert.deepEqual(result.summary!.threshold, { value: eer.threshold, source: 'eer', eer: eer.eer });
  assert.equal(result.summary!.unpatched.fmr, eer.fmr);
  assert.equal(result.summary!.unpatched.fnmr, eer.fnmr);
});

test('each shipped model is benchmarked on its own alignment template; the default model when none is named', () => {
  assert.equal(resolveModelSpec().id, 'dlib-resnet34');
  assert.deepEqual(
    [resolveModelSpec('dlib-resnet34').alignment.name, resolveModelSpec('mobileface').alignment.name],
    ['dlib-150', 'arcface-112'],
  );
  assert.equal(resolveModelSpec(MODEL).alignment.name, 'arcface-112');
});

test('the same seed gives the same patches and curves; another seed other ones', async () => {
  const again = mkdtempSync(join(tmpdir(), 'patch-bench-'));
  const other = mkdtempSync(join(tmpdir(), 'patch-bench-'));
  await runPatchBenchmark(options(again, { methods: ['xssab', 'random'] }));
  await runPatchBenchmark(options(other, { methods: ['xssab', 'random'], seed: 4 }));
  const interval = (dir: string) =>
    benchmarkSummarySchema.parse(JSON.parse(read(dir, SUMMARY_FILE))).methods[0].localisationAuroc;
  assert.deepEqual(interval(again), interval(full));
  const subset = (dir: string) =>
    records(dir).map((r) => ({ ...r, bestWorst: r.bestWorst.xssab, auroc: r.auroc.xssab, ms: undefined }));
  assert.deepEqual(subset(again), subset(full));
  const curves = (dir: string) => JSON.parse(read(dir, 'curves.json')).methods.xssab;
  assert.deepEqual(curves(again), curves(full));
  assert.notDeepEqual(
    subset(other).map((r) => r.patchedScore),
    subset(full).map((r) => r.patchedScore),
  );
});

test('an interrupted run resumes where it stopped and ends with the same outputs', async () => {
  const out = mkdtempSync(join(tmpdir(), 'patch-bench-'));
  const controller = new AbortController();
  const stopped = await runPatchBenchmark(options(out), {
    signal: controller.signal,
    onProgress: ({ done }) => done === 2 && controller.abort(),
  });
  assert.equal(stopped.cancelled, true);
  assert.equal(records(out).length, 2);
  assert.equal(existsSync(join(out, 'curves.json')), false);

  const progress: number[] = [];
  const resumed = await runPatchBenchmark(options(out), { onProgress: ({ done }) => progress.push(done) });
  assert.equal(resumed.cancelled, false);
  assert.deepEqual(progress, [2, 3, 4]);
  assert.equal(read(out, 'curves.json'), read(full, 'curves.json'));
  assert.deepEqual(summaryWithoutTimes(out), summaryWithoutTimes(full));
  assert.equal(read(out, 'fmr.svg'), read(full, 'fmr.svg'));
  assert.equal(read(out, 'fnmr.svg'), read(full, 'fnmr.svg'));

  await assert.rejects(runPatchBenchmark(options(out, { seed: 9 })), /other settings \(seed\)/);
});

test('CLI: one JSON object with --json; a usage error for an unknown method', async () => {
  const printed: string[] = [];
  const io = { out: (t: string) => printed.push(t), err: () => {}, dataDir: tmpdir() };
  const base = [
    '--root',
    FACES,
    '--pairs',
    join(FACES, 'pairs.csv'),
    '--labels',
    join(FACES, 'labels.csv'),
    '--model',
    MODEL,
  ];
  const code = await patchBenchCommand.run(
    [
      ...base,
      '--threshold',
      '0.2',
      '--methods',
      BENCHMARK_METHODS.join(','),
      '--limit',
      '4',
      '--masks',
      '8',
      '--ig-steps',
      '3',
      '--seed',
      '3',
      '--out',
      full,
      '--json',
    ],
    io,
  );
  assert.equal(code, 0);
  assert.equal(printed.length, 1);
  const result = JSON.parse(printed[0]) as PatchBenchResult;
  assert.deepEqual(
    result.summary!.methods.map((r) => r.method),
    [...BENCHMARK_METHODS],
  );
  await assert.rejects(
    patchBenchCommand.run([...base, '--methods', 'xssab,lime', '--out', full], io),
    /unknown method\(s\) lime/,
  );
  await assert.rejects(
    patchBenchCommand.run([...base, '--ig-smoothing=-1', '--out', full], io),
    /--ig-smoothing must be 0 or more pixels/,
  );
});
