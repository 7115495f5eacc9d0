/**
 * Main-side client of the engine worker: the engine runs in a worker thread so explanations never
 * block the calling process. Cancellation is checked between batches. A cancelled request is
 * answered within `cancelGraceMs`: if the worker has not stopped by then it is retired (it winds
 * down after its current batch) and a fresh one serves the next request. Workers are never
 * terminated: terminating one inside an ONNX Runtime run aborts the whole process.
 */
import '../onnx/ort-offline.js'; // telemetry off in the real environment before a worker starts
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import type { EngineOptions, PairExplanation, PairInput } from './engine.js';
import type { ModelSignature } from './signature.js';
import type { ProviderName } from './providers.js';

type SerialisedError = { name: string; message: string };

export type ToWorker =
  | { type: 'explain'; id: number; pairs: PairInput[] }
  | { type: 'cancel'; id: number }
  /** Stop after the running batches, release the sessions, exit. */
  | { type: 'close' };

export type ToClient =
  | {
      type: 'ready';
      provider: ProviderName;
      warnings: string[];
      signature: ModelSignature;
      modelSha256: string;
    }
  | { type: 'init-error'; error: SerialisedError }
  | { type: 'progress'; id: number; done: number; total: number }
  | { type: 'result'; id: number; results: PairExplanation[] }
  | { type: 'error'; id: number; error: SerialisedError };

export interface EngineInfo {
  provider: ProviderName;
  warnings: string[];
  signature: ModelSignature;
  modelSha256: string;
}

export interface ClientExplainOptions {
  signal?: AbortSignal;
  onProgress?: (progress: { done: number; total: number }) => void;
}

interface Pending {
  resolve(results: PairExplanation[]): void;
  reject(error: Error): void;
  onProgress?: ClientExplainOptions['onProgress'];
}

function startWorker(workerData: EngineOptions): Worker {
  if (!import.meta.url.endsWith('.ts'))
    return new Worker(new URL('./worker.js', import.meta.url), { workerData });
  // Running from sources under tsx (tests, development): Node 20 does not apply the --import
  // hooks to a worker's entry file, so the worker registers tsx itself before loading it.
  const entry = JSON.stringify(new URL('./worker.ts', import.meta.url).href);
  return new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${entry}); })`, {
    eval: true,
    workerData,
  });
}

function revive(error: SerialisedError): Error {
  const revived = new Error(error.message);
  revived.name = error.name;
  return revived;
}

export class EngineClient {
  private worker!: Worker;
  private ready!: Promise<EngineInfo>;
  private exited!: Promise<unknown>;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  private constructor(
    private readonly options: EngineOptions,
    private readonly cancelGraceMs: number,
  ) {
    this.spawn();
  }

  /** Starts the worker and waits until its engine is ready (or failed to start). */
  static async start(options: EngineOptions, { cancelGraceMs = 2000 } = {}): Promise<EngineClient> {
    const client = new EngineClient(options, cancelGraceMs);
    await client.ready;
    return client;
  }

  info(): Promise<EngineInfo> {
    return this.ready;
  }

  async explain(
    pairs: PairInput[],
    { signal, onProgress }: ClientExplainOptions = {},
  ): Promise<PairExplanation[]> {
    await this.ready;
    signal?.throwIfAborted();
    const id = this.nextId++;
    const worker = this.worker;
    return new Promise<PairExplanation[]>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const onAbort = () => {
        worker.postMessage({ type: 'cancel', id } satisfies ToWorker);
        timer = setTimeout(() => this.replace(worker), this.cancelGraceMs);
      };
      const settle = () => {
        signal?.removeEventListener('abort', onAbort);
        clearTimeout(timer);
      };
      this.pending.set(id, {
        resolve: (results) => (settle(), resolve(results)),
        reject: (error) => (settle(), reject(signal?.aborted ? signal.reason : error)),
        onProgress,
      });
      signal?.addEventListener('abort', onAbort, { once: true });
      worker.postMessage({ type: 'explain', id, pairs } satisfies ToWorker);
    });
  }

  async close(): Promise<void> {
    this.failAll(new Error('the explanation engine was closed'));
    this.worker.postMessage({ type: 'close' } satisfies ToWorker);
    await this.exited;
  }

  private spawn(): void {
    const worker = startWorker(this.options);
    this.worker = worker;
    this.exited = once(worker, 'exit');
    this.ready = new Promise<EngineInfo>((resolve, reject) => {
      worker.on('message', (message: ToClient) => {
        if (message.type === 'ready') {
          const { type: _, ...info } = message;
          resolve(info);
        } else if (message.type === 'init-error') {
          reject(revive(message.error));
        } else {
          this.onMessage(message);
        }
      });
      worker.on('error', (error) => {
        reject(error);
        if (worker === this.worker) this.failAll(error);
      });
      worker.on('exit', (code) => {
        if (worker !== this.worker) return;
        const error = new Error(`the explanation engine stopped (exit code ${code})`);
        reject(error);
        this.failAll(error);
      });
    });
    // A start failure is reported to whoever awaits `ready`; avoid an unhandled rejection meanwhile.
    this.ready.catch(() => {});
  }

  private onMessage(message: Exclude<ToClient, { type: 'ready' | 'init-error' }>): void {
    const pending = this.pending.get(message.id);
    if (!pending) return;
    if (message.type === 'progress') {
      pending.onProgress?.({ done: message.done, total: message.total });
      return;
    }
    this.pending.delete(message.id);
    if (message.type === 'result') pending.resolve(message.results);
    else pending.reject(revive(message.error));
  }

  /** The worker did not stop in time: fail what it was running, retire it, start a fresh one. */
  private replace(worker: Worker): void {
    if (worker !== this.worker) return;
    this.failAll(new Error('the explanation engine was replaced after a cancellation'));
    worker.postMessage({ type: 'close' } satisfies ToWorker);
    this.spawn();
  }

  private failAll(error: Error): void {
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
  }
}
