/**
 * Explanation validity benchmark runs started from the app (the engine is
 * native-models/benchmark/run.ts, also behind `xssab patch-bench`).
 *
 * - One run at a time, in a worker thread (benchmark-worker.ts); its outputs go to
 *   `<data>/benchmarks/<id>/`: curves.json, summary.json, fmr/fnmr plots, pairs.jsonl (the resumable
 *   state) and samples/ (benchmark-samples.ts).
 * - The benchmark_runs table holds each run's options, status and progress; progress is published
 *   as job.progress events (jobId benchmarkJobId(id), kind BENCHMARK_JOB_KIND) and the end as
 *   job.finished.
 * - A run left 'running' by a backend that stopped becomes 'cancelled' when the data folder is next
 *   opened; benchmarks.resume continues it from pairs.jsonl. Runs owned by another live process
 *   (the app and the CLI may share a data folder) are left alone.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Database } from 'better-sqlite3';
import {
  BENCHMARK_JOB_KIND,
  benchmarkCurvesSchema,
  benchmarkSummarySchema,
  benchmarkJobId,
  benchmarkSampleSchema,
  type ApiResult,
  type BenchmarkCurves,
  type BenchmarkOptions,
  type BenchmarkRun,
  type BenchmarkRunStatus,
  type BenchmarkSample,
  type BenchmarkSampleImage,
  type BenchmarkSummary,
  type BenchmarkSummaryRow,
} from '../../common/api.js';
import {
  findBenchmarkRunRow,
  insertBenchmarkRun,
  listBenchmarkRunRows,
  listRunningBenchmarkRuns,
  markBenchmarkRunInterrupted,
  resumeBenchmarkRun,
  settleBenchmarkRun,
  updateBenchmarkRunProgress,
} from '../store/benchmark-runs.js';
import type { BenchmarkRunRow } from '../store/rows.js';
import { DatasetError, readDataset } from '../../../native-models/benchmark/dataset.js';
import { SUMMARY_FILE, type PatchBenchOptions } from '../../../native-models/benchmark/run.js';
import { modelPaths, projectRoot, readShippedManifests } from '../../../native-models/manifests/load.js';
import { SAMPLE_PAIRS, SAMPLES_DIR, SAMPLES_INDEX, samplePairDir } from './benchmark-samples.js';
import type { BenchmarkJob } from './benchmark-worker.js';
import { ConflictError, InvalidInputError, NotFoundError } from './errors.js';
import type { EventHub } from './event-hub.js';
import { WorkerJobRunner } from './worker-job.js';
import { errorMessage } from '../../common/error-message.js';

export const BENCHMARKS_DIR = 'benchmarks';

type RunDetail = ApiResult<'benchmarks.get'>;
type Defaults = ApiResult<'benchmarks.defaults'>;

const now = () => new Date().toISOString();

export class BenchmarkService {
  private active: {
    runId: number;
    worker: WorkerJobRunner<'benchmark-worker'>;
    cancel: AbortController;
  } | null = null;
  private closed = false;

  constructor(
    private readonly db: Database,
    private readonly dataDir: string,
    private readonly events: EventHub,
  ) {
    this.markInterruptedRuns();
  }

  /** The project's sample faces when this installation has them, and the shipped recognition models. */
  defaults(): Defaults {
    const faces = join(projectRoot(), 'test', 'fixtures', 'faces');
    const pairsCsv = join(faces, 'pairs.csv');
    const labelsCsv = join(faces, 'labels.csv');
    return {
      dataset: existsSync(pairsCsv)
        ? { root: faces, pairsCsv, ...(existsSync(labelsCsv) ? { labelsCsv } : {}) }
        : null,
      models: shippedModels().map(({ id, name, threshold }) => ({ id, name, threshold })),
    };
  }

  start(options: BenchmarkOptions): { runId: number } {
    this.assertIdle();
    const checked = checkOptions(options);
    const runId = insertBenchmarkRun(this.db, JSON.stringify(checked), process.pid, now());
    this.spawn(runId, checked);
    return { runId };
  }

  list(): BenchmarkRun[] {
    return listBenchmarkRunRows(this.db).map((row) => this.toRun(row));
  }

  get(runId: number): RunDetail {
    const run = this.toRun(this.row(runId));
    const finished = run.status === 'finished';
    const validity = finished ? readValidity(run.outDir) : null;
    return {
      run,
      curves: finished ? readCurves(run.outDir) : null,
      summary: validity ? summaryRows(validity) : [],
      validity,
      samples: finished ? readSamples(run.outDir) : [],
    };
  }

  /** One PNG of a sample pair of a finished run. */
  asset(
    runId: number,
    pairIndex: number,
    image: BenchmarkSampleImage,
  ): { mediaType: 'image/png'; dataBase64: string } {
    const run = this.toRun(this.row(runId));
    const sample = readSamples(run.outDir).find((s) => s.pairIndex === pairIndex);
    if (!sample?.images.includes(image)) {
      throw new NotFoundError(`benchmark run ${runId} has no image '${image}' of sample pair ${pairIndex}`);
    }
    const png = readFileSync(join(samplePairDir(run.outDir, pairIndex), `${image}.png`));
    return { mediaType: 'image/png', dataBase64: png.toString('base64') };
  }

  /** Asks the running run to stop after its current pair; it becomes 'cancelled' then (job.finished). */
  cancel(runId: number): BenchmarkRun {
    const row = this.row(runId);
    if (this.active?.runId !== runId) {
      throw new ConflictError(
        row.status === 'running'
          ? `benchmark run ${runId} runs in another process (pid ${row.runner_pid}); stop it there`
          : `benchmark run ${runId} is not running (it is ${row.status})`,
      );
    }
    this.active.cancel.abort();
    this.update(runId, { stage: 'stopping after the current pair' });
    return this.toRun(this.row(runId));
  }

  /** Continues a cancelled or failed run from the pairs it has finished. */
  resume(runId: number): BenchmarkRun {
    const row = this.row(runId);
    if (row.status !== 'cancelled' && row.status !== 'failed') {
      throw new ConflictError(
        `benchmark run ${runId} is ${row.status}; only cancelled or failed runs resume`,
      );
    }
    this.assertIdle();
    const options = JSON.parse(row.options_json) as BenchmarkOptions;
    resumeBenchmarkRun(this.db, runId, process.pid, now());
    this.spawn(runId, options);
    return this.toRun(this.row(runId));
  }

  /**
   * Stops listening: a running run is recorded as cancelled (resumable) and asked to stop after
   * its current pair; its worker then ends on its own without keeping the process alive.
   */
  close(): void {
    this.closed = true;
    const active = this.active;
    if (!active) return;
    this.active = null;
    active.cancel.abort();
    active.worker.release();
    this.settle(active.runId, 'cancelled', 'interrupted: the backend closed; resume to continue');
  }

  private spawn(runId: number, options: BenchmarkOptions): void {
    const job: BenchmarkJob = {
      options: engineOptions(options, this.outDir(runId)),
      samplePairs: SAMPLE_PAIRS,
    };
    const worker = new WorkerJobRunner('benchmark-worker', null);
    const active = { runId, worker, cancel: new AbortController() };
    this.active = active;
    const finish = (status: BenchmarkRunStatus, stage: string, error?: string) => {
      // After close() the run is settled already and its worker released.
      if (this.active !== active) return;
      this.active = null;
      worker.release();
      this.settle(runId, status, stage, error);
    };
    worker
      .run(job, {
        signal: active.cancel.signal,
        onProgress: ({ stage, done, total, skipped }) => {
          this.update(runId, { stage, done, total, skipped });
          this.events.publish({
            type: 'job.progress',
            jobId: benchmarkJobId(runId),
            kind: BENCHMARK_JOB_KIND,
            stage,
            done,
            total,
            caseId: null,
          });
        },
      })
      .then(
        ({ cancelled }) =>
          cancelled
            ? finish('cancelled', 'cancelled by the user; resume to continue')
            : finish('finished', 'finished'),
        (error: unknown) =>
          active.cancel.signal.aborted
            ? finish('cancelled', 'cancelled by the user; resume to continue')
            : finish('failed', 'failed', errorMessage(error)),
      );
  }

  private settle(runId: number, status: BenchmarkRunStatus, stage: string, error?: string): void {
    settleBenchmarkRun(this.db, runId, { status, stage, error: error ?? null }, now());
    if (this.closed) return;
    this.events.publish({
      type: 'job.finished',
      jobId: benchmarkJobId(runId),
      kind: BENCHMARK_JOB_KIND,
      ok: status === 'finished',
      ...(status === 'finished' ? {} : { error: error ?? stage }),
      caseId: null,
    });
  }

  private update(
    runId: number,
    fields: { stage: string; done?: number; total?: number | null; skipped?: number },
  ): void {
    if (this.closed) return;
    const row = this.row(runId);
    updateBenchmarkRunProgress(
      this.db,
      runId,
      {
        stage: fields.stage,
        done: fields.done ?? row.done,
        total: fields.total === undefined ? row.total : fields.total,
        skipped: fields.skipped ?? row.skipped,
      },
      now(),
    );
  }

  private assertIdle(): void {
    if (this.active) {
      throw new ConflictError(
        `benchmark run ${this.active.runId} is still running; wait for it or cancel it first`,
      );
    }
    const elsewhere = listRunningBenchmarkRuns(this.db).at(0);
    if (elsewhere) {
      throw new ConflictError(
        `benchmark run ${elsewhere.id} is running in another process (pid ${elsewhere.runner_pid})`,
      );
    }
  }

  /** Runs recorded as running by a process that is gone (or by an earlier backend in this one). */
  private markInterruptedRuns(): void {
    for (const { id, runner_pid } of listRunningBenchmarkRuns(this.db)) {
      if (runner_pid !== null && runner_pid !== process.pid && processIsAlive(runner_pid)) continue;
      markBenchmarkRunInterrupted(this.db, id, 'interrupted: the backend stopped; resume to continue', now());
    }
  }

  private row(runId: number): BenchmarkRunRow {
    const row = findBenchmarkRunRow(this.db, runId);
    if (!row) throw new NotFoundError(`benchmark run ${runId} does not exist`);
    return row;
  }

  private outDir(runId: number): string {
    return join(this.dataDir, BENCHMARKS_DIR, String(runId));
  }

  private toRun(row: BenchmarkRunRow): BenchmarkRun {
    return {
      id: row.id,
      status: row.status,
      options: JSON.parse(row.options_json) as BenchmarkOptions,
      progress: { stage: row.stage, done: row.done, total: row.total, skipped: row.skipped },
      error: row.error,
      outDir: this.outDir(row.id),
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      finishedAt: row.finished_at,
    };
  }
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

interface ShippedModel {
  id: string;
  name: string;
  threshold: number | null;
}

/** Shipped recognition models whose .onnx file has been generated (`npm run models`). */
function shippedModels(): ShippedModel[] {
  const { models } = modelPaths();
  return readShippedManifests().flatMap((m) =>
    m.kind === 'recognition' && existsSync(join(models, m.onnx.file))
      ? [{ id: m.id, name: m.name, threshold: m.threshold?.value ?? null }]
      : [],
  );
}

const isFile = (path: string) => existsSync(path) && statSync(path).isFile();
const isFolder = (path: string) => existsSync(path) && statSync(path).isDirectory();

/**
 * What a run needs before it starts, each failure naming its field: the dataset's files and
 * pairs list and the model (without a threshold the run takes the equal-error one of its unpatched
 * pairs). Paths come back absolute.
 */
function checkOptions(options: BenchmarkOptions): BenchmarkOptions {
  const root = resolve(options.dataset.root);
  const pairsCsv = resolve(options.dataset.pairsCsv);
  const labelsCsv = options.dataset.labelsCsv === undefined ? undefined : resolve(options.dataset.labelsCsv);
  if (!isFolder(root)) throw new InvalidInputError(`no folder ${root}`, 'dataset.root');
  if (!isFile(pairsCsv)) throw new InvalidInputError(`no file ${pairsCsv}`, 'dataset.pairsCsv');
  if (labelsCsv !== undefined && !isFile(labelsCsv)) {
    throw new InvalidInputError(`no file ${labelsCsv}`, 'dataset.labelsCsv');
  }
  try {
    readDataset({ root, pairs: pairsCsv, labels: labelsCsv });
  } catch (error) {
    if (!(error instanceof DatasetError)) throw error;
    const field = labelsCsv !== undefined && error.message.includes(labelsCsv) ? 'labelsCsv' : 'pairsCsv';
    throw new InvalidInputError(error.message, `dataset.${field}`);
  }

  const byPath = /[\\/]|\.onnx$/i.test(options.model);
  let model = options.model;
  if (byPath) {
    model = resolve(options.model);
    if (!isFile(model)) throw new InvalidInputError(`no model file ${model}`, 'model');
  } else {
    const shipped = shippedModels();
    const found = shipped.find((m) => m.id === options.model);
    if (!found) {
      throw new InvalidInputError(
        `no shipped model '${options.model}'; choose one of ${shipped.map((m) => m.id).join(', ') || '(none: run `npm run models`)'} or give an .onnx path`,
        'model',
      );
    }
  }
  return { ...options, model, dataset: { root, pairsCsv, ...(labelsCsv ? { labelsCsv } : {}) } };
}

function engineOptions(options: BenchmarkOptions, out: string): PatchBenchOptions {
  return {
    root: options.dataset.root,
    pairs: options.dataset.pairsCsv,
    labels: options.dataset.labelsCsv,
    methods: options.methods,
    limit: options.limit,
    model: options.model,
    threshold: options.threshold,
    masks: options.masks,
    seed: options.seed,
    out,
  };
}

function readCurves(out: string): BenchmarkCurves | null {
  const path = join(out, 'curves.json');
  if (!existsSync(path)) return null;
  return benchmarkCurvesSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
}

function readValidity(out: string): BenchmarkSummary | null {
  const path = join(out, SUMMARY_FILE);
  if (!existsSync(path)) return null;
  return benchmarkSummarySchema.parse(JSON.parse(readFileSync(path, 'utf8')));
}

/** One row per method: its best-worst areas beside random replacement's, without the intervals. */
function summaryRows(summary: BenchmarkSummary): BenchmarkSummaryRow[] {
  const value = (interval: { value: number } | null) => interval?.value ?? null;
  return summary.methods.map((m) => ({
    method: m.method,
    aucFmr: { best_worst: value(m.aucFmr), random: value(summary.random.aucFmr) },
    aucFnmr: { best_worst: value(m.aucFnmr), random: value(summary.random.aucFnmr) },
    localisationAuroc: value(m.localisationAuroc),
    msPerImage: m.msPerImage,
  }));
}

function readSamples(out: string): BenchmarkSample[] {
  const path = join(out, SAMPLES_DIR, SAMPLES_INDEX);
  if (!existsSync(path)) return [];
  return benchmarkSampleSchema.array().parse(JSON.parse(readFileSync(path, 'utf8')));
}
