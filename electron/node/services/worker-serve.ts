/** Worker-thread side of the job protocol in worker-job.ts. */
import { parentPort, workerData } from 'node:worker_threads';
import type { FromWorker, JobProgress, ToWorker, WorkerModule, WorkerModules } from './worker-job.js';
import { errorMessage } from '../../common/error-message.js';

export interface JobControl<Progress> {
  /** Aborted when the service cancels the job or closes the worker. */
  signal: AbortSignal;
  progress(progress: Progress): void;
}

export interface JobServer<M extends WorkerModule> {
  /** Runs one job; throw to fail it. */
  run(
    job: WorkerModules[M]['job'],
    control: JobControl<WorkerModules[M]['progress']>,
  ): Promise<WorkerModules[M]['result']>;
  /** For an error the user can correct: the parameter to name (or '' for none); undefined otherwise. */
  inputErrorField(error: unknown): string | undefined;
  /** Releases what the worker holds before it exits. */
  close?(): Promise<void>;
}

/** What the service started this worker with. */
export const workerSetup = <M extends WorkerModule>() => workerData as WorkerModules[M]['setup'];

/** Answers the service's messages with `server` until it sends `close`. */
export function serveWorkerJobs<M extends WorkerModule>(server: JobServer<M>): void {
  const port = parentPort!;
  type Message = FromWorker<WorkerModules[M]['result'], WorkerModules[M]['progress']>;
  const send = (message: Message) => port.postMessage(message);
  const running = new Map<number, { controller: AbortController; done: Promise<void> }>();
  let closing = false;

  const run = (jobId: number, job: WorkerModules[M]['job']) => {
    const controller = new AbortController();
    const done = server
      .run(job, {
        signal: controller.signal,
        progress: (progress: JobProgress) => send({ type: 'progress', jobId, ...progress } as Message),
      })
      .then((result) => send({ type: 'done', jobId, result }))
      .catch((error: unknown) => {
        const message = errorMessage(error);
        const field = server.inputErrorField(error);
        if (controller.signal.aborted) send({ type: 'error', jobId, reason: 'cancelled', message });
        else if (field === undefined) send({ type: 'error', jobId, reason: 'failure', message });
        else send({ type: 'error', jobId, reason: 'input', message, ...(field && { field }) });
      })
      .finally(() => running.delete(jobId));
    running.set(jobId, { controller, done });
  };

  port.on('message', async (message: ToWorker<WorkerModules[M]['job']>) => {
    if (message.type === 'run') {
      if (!closing) run(message.jobId, message.job);
    } else if (message.type === 'cancel') {
      running.get(message.jobId)?.controller.abort();
    } else if (!closing) {
      closing = true;
      for (const { controller } of running.values()) controller.abort();
      await Promise.all([...running.values()].map(({ done }) => done));
      await server.close?.();
      port.close();
    }
  });
}
