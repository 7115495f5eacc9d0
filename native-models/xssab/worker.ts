/** Worker-thread side of the engine: owns one Engine, answers the client's messages (see client.ts). */
import { parentPort, workerData } from 'node:worker_threads';
import { Engine, type EngineOptions, type PairExplanation } from './engine.js';
import type { ToClient, ToWorker } from './client.js';

const port = parentPort!;
const send = (message: ToClient, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);
const serialise = (error: unknown) => ({
  name: (error as Error).name ?? 'Error',
  message: (error as Error).message ?? String(error),
});

const running = new Map<number, { controller: AbortController; done: Promise<void> }>();
let closing = false;

try {
  const engine = await Engine.create(workerData as EngineOptions);
  port.on('message', async (message: ToWorker) => {
    if (message.type === 'cancel') {
      running.get(message.id)?.controller.abort();
    } else if (message.type === 'close') {
      closing = true;
      for (const { controller } of running.values()) controller.abort();
      await Promise.all([...running.values()].map((r) => r.done));
      await engine.dispose();
      port.close();
    } else if (!closing) {
      explain(engine, message);
    }
  });
  send({
    type: 'ready',
    provider: engine.provider,
    warnings: engine.warnings,
    signature: engine.signature,
    modelSha256: engine.modelSha256,
  });
} catch (error) {
  send({ type: 'init-error', error: serialise(error) });
}

function explain(engine: Engine, message: Extract<ToWorker, { type: 'explain' }>): void {
  const controller = new AbortController();
  const done = engine
    .explain(message.pairs, {
      signal: controller.signal,
      onProgress: (progress) => send({ type: 'progress', id: message.id, ...progress }),
    })
    .then((results) => send({ type: 'result', id: message.id, results }, transferables(results)))
    .catch((error) => send({ type: 'error', id: message.id, error: serialise(error) }))
    .finally(() => running.delete(message.id));
  running.set(message.id, { controller, done });
}

function transferables(results: PairExplanation[]): ArrayBuffer[] {
  return results.flatMap((r) =>
    [r.a, r.b].flatMap((m) => [m.pos, m.neg, m.combined].map((a) => a.buffer as ArrayBuffer)),
  );
}
