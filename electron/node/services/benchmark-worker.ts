/**
 * Worker-thread side of BenchmarkService: runs one benchmark run and renders its sample pairs, so
 * model compilation and the per-pixel work never block the backend's event loop. The service
 * posts `cancel`; the run then stops after its current pair (see runPatchBenchmark).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runPatchBenchmark, type PatchBenchOptions } from '../../../native-models/benchmark/run.js';
import { writeSamples } from './benchmark-samples.js';

export interface BenchmarkJob {
  options: PatchBenchOptions;
  samplePairs: number;
}

export type ToBenchmarkWorker = { type: 'cancel' };

export type FromBenchmarkWorker =
  | { type: 'progress'; stage: string; done: number; total: number | null; skipped: number }
  | { type: 'done'; cancelled: boolean }
  | { type: 'error'; message: string };

const port = parentPort!;
const job = workerData as BenchmarkJob;
const controller = new AbortController();
port.on('message', (message: ToBenchmarkWorker) => {
  if (message.type === 'cancel') controller.abort();
});
const send = (message: FromBenchmarkWorker) => port.postMessage(message);

try {
  send({ type: 'progress', stage: 'loading the model', done: 0, total: null, skipped: 0 });
  let last = { done: 0, total: null as number | null, skipped: 0 };
  const result = await runPatchBenchmark(job.options, {
    signal: controller.signal,
    onProgress: ({ done, total, skipped }) => {
      last = { done, total, skipped };
      send({ type: 'progress', stage: 'benchmarking pairs', ...last });
    },
  });
  let cancelled = result.cancelled;
  if (!cancelled) {
    send({ type: 'progress', stage: 'rendering sample pairs', ...last });
    cancelled = !(await writeSamples(job.options, result, job.samplePairs, controller.signal));
  }
  send({ type: 'done', cancelled });
} catch (error) {
  send({ type: 'error', message: error instanceof Error ? error.message : String(error) });
} finally {
  port.close();
}
