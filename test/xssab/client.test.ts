// The engine in a worker thread: results, progress per batch, cancellation, and the main thread
// staying free while it works.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { EngineClient } from '../../native-models/xssab/client.js';
import { readNpy } from '../../native-models/onnx/npy.js';
import type { PairInput } from '../../native-models/xssab/engine.js';

const dir = new URL('../fixtures/golden/mobilefacenet/', import.meta.url).pathname;
const meta = JSON.parse(readFileSync(`${dir}meta.json`, 'utf8'));
const tensor = (name: string) => readNpy(`${dir}${name}`).data as Float32Array;
const pair: PairInput = { a: { tensor: tensor('a.npy') }, b: { tensor: tensor('b.npy') } };
const options = {
  model: `${dir}model.onnx`,
  preprocessing: {
    size: { width: 112, height: 112 },
    mean: 127.5,
    std: 127.5,
    color: 'rgb',
    layout: 'nchw',
  } as const,
  threshold: meta.threshold,
};

test('explains in a worker with progress per batch, without blocking the main thread', async () => {
  const client = await EngineClient.start(options);
  assert.equal((await client.info()).provider, 'cpu');
  const progress: string[] = [];
  let ticks = 0;
  const ticker = setInterval(() => ticks++, 5);
  const results = await client.explain([pair, pair, pair], {
    onProgress: ({ done, total }) => progress.push(`${done}/${total}`),
  });
  clearInterval(ticker);
  await client.close();
  assert.deepEqual(progress, ['1/3', '2/3', '3/3']);
  assert.equal(results.length, 3);
  assert.ok(Math.abs(results[0].score - meta.score) < 1e-5);
  assert.ok(results[0].a.pos instanceof Float32Array && results[0].a.pos.length === 112 * 112);
  assert.ok(ticks > 3, `the main thread's timers ran only ${ticks} times during the explanation`);
});

test('cancelled between batches: rejects with AbortError, and the engine serves the next request', async () => {
  const client = await EngineClient.start(options);
  const controller = new AbortController();
  const done: number[] = [];
  await assert.rejects(
    client.explain([pair, pair, pair, pair], {
      signal: controller.signal,
      onProgress: (p) => {
        done.push(p.done);
        controller.abort();
      },
    }),
    { name: 'AbortError' },
  );
  assert.ok(done.length < 4, 'it stopped before the last batch');
  const [result] = await client.explain([pair]);
  assert.ok(Math.abs(result.score - meta.score) < 1e-5);
  await client.close();
});

test('a worker that does not stop in time is terminated and replaced', async () => {
  const client = await EngineClient.start(options, { cancelGraceMs: 0 });
  const controller = new AbortController();
  const pending = client.explain([pair, pair, pair], {
    signal: controller.signal,
    onProgress: () => controller.abort(),
  });
  await assert.rejects(pending, { name: 'AbortError' });
  const [result] = await client.explain([pair]);
  assert.ok(Math.abs(result.score - meta.score) < 1e-5);
  await client.close();
});

test('a model that cannot be loaded fails start() with its error', async () => {
  await assert.rejects(EngineClient.start({ ...options, model: `${dir}missing.onnx` }), {
    name: 'ModelFormatError',
    message: /model file not found/,
  });
});
