/**
 * Worker-thread side of BenchmarkService: runs one benchmark run and renders its sample pairs, so
 * model compilation and the per-pixel work never block the backend's event loop. A cancellation
 * stops the run after its current pair (see runPatchBenchmark); once every pair is benchmarked the
 * run is finished, and the few sample pictures are rendered even if a cancellation comes then.
 */
import { runPatchBenchmark, type PatchBenchOptions } from '../../../native-models/benchmark/run.js';
import { writeSamples } from './benchmark-samples.js';
import type { JobProgress } from './worker-job.js';
import { serveWorkerJobs } from './worker-serve.js';

export interface BenchmarkJob {
  options: PatchBenchOptions;
  samplePairs: number;
}

export interface BenchmarkProgress extends JobProgress {
  skipped: number;
}

export interface BenchmarkOutcome {
  /** True when the run stopped before every pair was benchmarked (it can be resumed). */
  cancelled: boolean;
}

serveWorkerJobs<'benchmark-worker'>({
  async run(job, { signal, progress }) {
    progress({ stage: 'loading the model', done: 0, total: null, skipped: 0 });
    let last = { done: 0, total: null as number | null, skipped: 0 };
    const result = await runPatchBenchmark(job.options, {
      signal,
      onProgress: ({ done, total, skipped }) => {
        last = { done, total, skipped };
        progress({ stage: 'benchmarking pairs', ...last });
      },
    });
    if (result.cancelled) return { cancelled: true };
    progress({ stage: 'rendering sample pairs', ...last });
    await writeSamples(job.options, result, job.samplePairs);
    return { cancelled: false };
  },
  // A benchmark's options are validated by the service before the run starts.
  inputErrorField: () => undefined,
});
