import { useEffect, useRef, useState } from 'react';
import { BENCHMARK_JOB_KIND, type BenchmarkRun } from '../../../electron/common/api.js';
import { api } from '../api/client.js';

/** A run's progress as its events tell it (they do not count skipped pairs). */
export type LiveProgress = Omit<BenchmarkRun['progress'], 'skipped'>;

/** Run id of a benchmark job's events (jobId `benchmark-<id>`). */
function runIdOf(jobId: string): number | null {
  const match = /^benchmark-(\d+)$/.exec(jobId);
  return match ? Number(match[1]) : null;
}

/**
 * Live progress of benchmark runs from the backend's job events, by run id; `onFinished` runs
 * when a run ends (finished, cancelled or failed), so the page can reload what it shows.
 */
export function useBenchmarkEvents(onFinished: (runId: number) => void): Map<number, LiveProgress> {
  const [progress, setProgress] = useState(() => new Map<number, LiveProgress>());
  const onFinishedRef = useRef(onFinished);
  useEffect(() => {
    onFinishedRef.current = onFinished;
  });

  useEffect(
    () =>
      api.onEvent((event) => {
        if (
          (event.type !== 'job.progress' && event.type !== 'job.finished') ||
          event.kind !== BENCHMARK_JOB_KIND
        )
          return;
        const runId = runIdOf(event.jobId);
        if (runId === null) return;
        if (event.type === 'job.finished') {
          setProgress((current) => {
            const next = new Map(current);
            next.delete(runId);
            return next;
          });
          onFinishedRef.current(runId);
          return;
        }
        const { stage, done, total } = event;
        setProgress((current) => new Map(current).set(runId, { stage, done, total }));
      }),
    [],
  );
  return progress;
}
