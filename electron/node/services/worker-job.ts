/**
 * The one protocol between a service and its worker threads, and the helper that starts one.
 *
 * A worker serves jobs (serveWorkerJobs in worker-serve.ts): the service sends `run` with a job id,
 * may send `cancel` for it, and `close` when it no longer needs the worker. The worker answers
 * each job with `progress` messages and then exactly one `done` or `error`. An error carries its
 * `reason`, decided where it was raised: 'input' (the user can correct it; `field` names the
 * parameter), 'cancelled', or 'failure'. A worker may serve many jobs (the comparison worker stays
 * warm between analyses) or one (a benchmark run).
 */
import { once } from 'node:events';
import '../../../native-models/onnx/ort-offline.js'; // telemetry off in the real environment before a worker starts
import { Worker } from 'node:worker_threads';
import type { BenchmarkJob, BenchmarkOutcome, BenchmarkProgress } from './benchmark-worker.js';
import type { AnalysisJob, AnalysisWorkerSetup, PhotoExplanationSummary } from './comparison-worker.js';
import type { FaceJob, FaceJobResult, FaceWorkerSetup } from './face-worker.js';
import { ConflictError, InvalidInputError } from './errors.js';

/** Each worker module next to this file: what it is started with, its job, result and progress. */
export interface WorkerModules {
  'benchmark-worker': {
    setup: null;
    job: BenchmarkJob;
    result: BenchmarkOutcome;
    progress: BenchmarkProgress;
  };
  'comparison-worker': {
    setup: AnalysisWorkerSetup;
    job: AnalysisJob;
    result: PhotoExplanationSummary;
    progress: JobProgress;
  };
  'face-worker': { setup: FaceWorkerSetup; job: FaceJob; result: FaceJobResult; progress: JobProgress };
}
export type WorkerModule = keyof WorkerModules;

export interface JobProgress {
  stage: string;
  done: number;
  /** null while the amount of work is not known yet. */
  total: number | null;
}

export type ToWorker<Job> =
  | { type: 'run'; jobId: number; job: Job }
  | { type: 'cancel'; jobId: number }
  /** Cancel what runs, release resources, exit. */
  | { type: 'close' };

export type ErrorReason = 'input' | 'cancelled' | 'failure';

export type FromWorker<Result, Progress extends JobProgress> =
  | ({ type: 'progress'; jobId: number } & Progress)
  | { type: 'done'; jobId: number; result: Result }
  | { type: 'error'; jobId: number; reason: ErrorReason; message: string; field?: string };

export interface RunOptions<Progress> {
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
}

interface Pending<Result, Progress> {
  resolve(result: Result): void;
  reject(error: Error): void;
  onProgress?: (progress: Progress) => void;
}

/**
 * A started worker thread and the jobs it runs. A job's promise rejects with InvalidInputError for
 * an 'input' error, ConflictError when it was cancelled, else Error. Workers are never
 * terminated (terminating one inside an ONNX Runtime run aborts the whole process): `close` asks
 * the worker to stop after cancelling its jobs.
 */
export class WorkerJobRunner<M extends WorkerModule> {
  private readonly worker: Worker;
  private readonly exited: Promise<unknown>;
  private readonly pending = new Map<
    number,
    Pending<WorkerModules[M]['result'], WorkerModules[M]['progress']>
  >();
  private nextId = 1;
  private stopped: Error | null = null;

  constructor(moduleName: M, setup: WorkerModules[M]['setup']) {
    this.worker = startWorker(moduleName, setup);
    this.exited = once(this.worker, 'exit');
    type Message = FromWorker<WorkerModules[M]['result'], WorkerModules[M]['progress']>;
    this.worker.on('message', (message: Message) => this.onMessage(message));
    this.worker.on('error', (error) => this.stop(error));
    this.worker.on('exit', (code) => this.stop(new Error(`the ${moduleName} stopped (exit code ${code})`)));
  }

  /** False once the worker has exited or failed: start a new runner then. */
  get alive(): boolean {
    return this.stopped === null;
  }

  run(
    job: WorkerModules[M]['job'],
    { signal, onProgress }: RunOptions<WorkerModules[M]['progress']> = {},
  ): Promise<WorkerModules[M]['result']> {
    if (this.stopped) return Promise.reject(this.stopped);
    if (signal?.aborted) return Promise.reject(cancelled());
    const jobId = this.nextId++;
    return new Promise((resolve, reject) => {
      const onAbort = () => this.post({ type: 'cancel', jobId });
      signal?.addEventListener('abort', onAbort, { once: true });
      const settle = () => signal?.removeEventListener('abort', onAbort);
      this.pending.set(jobId, {
        resolve: (result) => (settle(), resolve(result)),
        reject: (error) => (settle(), reject(error)),
        ...(onProgress && { onProgress }),
      });
      this.post({ type: 'run', jobId, job });
    });
  }

  /** Cancels the running jobs and lets the worker exit; resolves when it has. */
  async close(): Promise<void> {
    if (this.alive) this.post({ type: 'close' });
    await this.exited;
  }

  /** Like close, without waiting and without keeping the process alive for the worker. */
  release(): void {
    if (this.alive) this.post({ type: 'close' });
    this.worker.unref();
  }

  private post(message: ToWorker<WorkerModules[M]['job']>): void {
    this.worker.postMessage(message);
  }

  private onMessage(message: FromWorker<WorkerModules[M]['result'], WorkerModules[M]['progress']>): void {
    const pending = this.pending.get(message.jobId);
    if (!pending) return;
    if (message.type === 'done') {
      this.pending.delete(message.jobId);
      pending.resolve(message.result);
    } else if (message.type === 'error') {
      this.pending.delete(message.jobId);
      if (message.reason === 'input') pending.reject(new InvalidInputError(message.message, message.field));
      else if (message.reason === 'cancelled') pending.reject(cancelled());
      else pending.reject(new Error(message.message));
    } else {
      const { type: _, jobId: __, ...progress } = message as { type: 'progress'; jobId: number };
      pending.onProgress?.(progress as WorkerModules[M]['progress']);
    }
  }

  private stop(error: Error): void {
    this.stopped ??= error;
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
  }
}

const cancelled = () => new ConflictError('the job was cancelled before it finished; nothing was stored');

/**
 * Starts a worker thread: the compiled .js entry module in a build. From sources under tsx (tests,
 * development) Node 20 does not apply --import hooks to a worker's entry file, so the worker
 * registers tsx itself first, then imports the .ts module.
 */
function startWorker(moduleName: WorkerModule, workerData: unknown): Worker {
  if (!import.meta.url.endsWith('.ts')) {
    return new Worker(new URL(`./${moduleName}.js`, import.meta.url), { workerData });
  }
  const entry = JSON.stringify(new URL(`./${moduleName}.ts`, import.meta.url).href);
  return new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${entry}); })`, {
    eval: true,
    workerData,
  });
}
