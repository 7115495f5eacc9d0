import '../../../native-models/onnx/ort-offline.js'; // telemetry off in the real environment before a worker starts
import { Worker } from 'node:worker_threads';
import type { BenchmarkJob } from './benchmark-worker.js';
import type { AnalysisJob } from './comparison-worker.js';

/** The worker entry modules next to this file, each with the job it takes as its workerData. */
interface WorkerJobs {
  'benchmark-worker': BenchmarkJob;
  'comparison-worker': AnalysisJob;
}

/**
 * Starts a worker thread on `job`: the compiled .js entry module in a build. From sources under
 * tsx (tests, development) Node 20 does not apply --import hooks to a worker's entry file, so the
 * worker registers tsx itself first (as the engine's worker does), then imports the .ts module.
 */
export function startWorkerJob<M extends keyof WorkerJobs>(moduleName: M, job: WorkerJobs[M]): Worker {
  if (!import.meta.url.endsWith('.ts')) {
    return new Worker(new URL(`./${moduleName}.js`, import.meta.url), { workerData: job });
  }
  const entry = JSON.stringify(new URL(`./${moduleName}.ts`, import.meta.url).href);
  return new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${entry}); })`, {
    eval: true,
    workerData: job,
  });
}
