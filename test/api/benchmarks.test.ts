/**
 * Benchmark runs through the real browser-mode bridge: a tiny run of the seeded test model in a
 * worker thread, its events over the /events WebSocket, its curves, summary and sample images;
 * cancelling, resuming, and runs interrupted by a restart.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { WebSocket } from 'ws';
import type { z } from 'zod';
import {
  apiContract,
  benchmarkJobId,
  type ApiErrorBody,
  type ApiMethod,
  type ApiParams,
  type ApiResult,
  type BenchmarkOptions,
} from '../../electron/common/api.js';
import { subscribeHttpEvents } from '../../electron/common/client.js';
import type { ProgressEvent } from '../../electron/common/events.js';
import { createApiHandler } from '../../electron/node/api/handler.js';
import { startHttpBridge, type HttpBridge } from '../../electron/node/bridge/index.js';
import { openWorkspace, type Workspace } from '../../electron/node/services/workspace.js';

const FACES = join(import.meta.dirname, '..', 'fixtures', 'faces');
// A small MobileFaceNet with seeded weights: its scores mean nothing, the run's mechanics are tested.
const MODEL = join(import.meta.dirname, '..', 'fixtures', 'golden', 'mobilefacenet', 'model.onnx');

const tiny = (overrides: Partial<BenchmarkOptions> = {}): BenchmarkOptions => ({
  dataset: { root: FACES, pairsCsv: join(FACES, 'pairs.csv'), labelsCsv: join(FACES, 'labels.csv') },
  methods: ['xssab', 'gradient', 'corrrise', 'random'],
  limit: 2,
  model: MODEL,
  threshold: 0.2,
  masks: 8,
  seed: 3,
  ...overrides,
});

let folder: string;
let workspace: Workspace;
let bridge: HttpBridge;
const events: ProgressEvent[] = [];
let unsubscribe: () => void;

before(async () => {
  folder = mkdtempSync(join(tmpdir(), 'xssab-bench-api-'));
  workspace = openWorkspace({ dataDir: folder, actor: 'bench-tester' });
  bridge = await startHttpBridge({
    handler: createApiHandler(workspace, { transport: 'http', checkResults: true }),
    events: workspace.events,
  });
  unsubscribe = subscribeHttpEvents({ token: bridge.token, baseUrl: bridge.origin, WebSocket }, (event) =>
    events.push(event),
  );
});

after(async () => {
  unsubscribe();
  await bridge.close();
  workspace.close();
  rmSync(folder, { recursive: true, force: true });
});

async function post(method: string, params: unknown) {
  const response = await fetch(`${bridge.origin}/api/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${bridge.token}` },
    body: JSON.stringify(params),
  });
  return { status: response.status, body: (await response.json()) as { error: ApiErrorBody } };
}

async function call<M extends ApiMethod>(method: M, params: ApiParams<M>): Promise<ApiResult<M>> {
  const { status, body } = await post(method, params);
  assert.equal(status, 200, JSON.stringify(body));
  return (apiContract[method].result as z.ZodType).parse(body) as ApiResult<M>;
}

async function rejected(method: ApiMethod, params: unknown, status: number) {
  const response = await post(method, params);
  assert.equal(response.status, status, JSON.stringify(response.body));
  return response.body.error;
}

/** Resolves with the first event (already received or still to come) that matches. */
async function nextEvent(
  match: (event: ProgressEvent) => boolean,
  timeoutMs = 60_000,
): Promise<ProgressEvent> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = events.find(match);
    if (found) return found;
    if (Date.now() > deadline)
      throw new Error(`no matching event in ${timeoutMs} ms: ${JSON.stringify(events)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const finishedEvent = (runId: number, after = 0) =>
  nextEvent(
    (e) => e.type === 'job.finished' && e.jobId === benchmarkJobId(runId) && events.indexOf(e) >= after,
  );

test('bad params are refused with the offending field named', async () => {
  let error = await rejected('benchmarks.start', { ...tiny(), methods: [], masks: 1 }, 400);
  assert.equal(error.code, 'VALIDATION');
  assert.deepEqual(
    error.issues?.map((issue) => issue.path),
    ['methods', 'masks'],
  );
  error = await rejected('benchmarks.start', { ...tiny(), methods: ['xssab', 'xssab', 'lime'] }, 400);
  assert.deepEqual([...new Set(error.issues?.map((issue) => issue.path))], ['methods.2']);

  const cases: [Partial<BenchmarkOptions>, string, RegExp][] = [
    [
      { dataset: { root: join(FACES, 'missing'), pairsCsv: join(FACES, 'pairs.csv') } },
      'dataset.root',
      /no folder/,
    ],
    [
      { dataset: { root: FACES, pairsCsv: join(FACES, 'labels.csv') } },
      'dataset.pairsCsv',
      /lacks the column/,
    ],
    [{ model: 'no-such-model' }, 'model', /no shipped model 'no-such-model'/],
  ];
  for (const [overrides, field, message] of cases) {
    error = await rejected('benchmarks.start', tiny(overrides), 400);
    assert.deepEqual(
      error.issues?.map((issue) => issue.path),
      [field],
    );
    assert.match(error.message, message);
  }
  assert.equal((await call('benchmarks.list', {})).runs.length, 0, 'a refused run leaves no row');
  assert.equal((await rejected('benchmarks.get', { runId: 99 }, 404)).code, 'NOT_FOUND');
});

test('a tiny run reports progress, then curves, summary and sample images', async () => {
  const defaults = await call('benchmarks.defaults', {});
  assert.equal(defaults.dataset?.root, FACES);

  const { runId } = await call('benchmarks.start', tiny());
  const running = await call('benchmarks.get', { runId });
  assert.equal(running.run.status, 'running');
  assert.equal(running.curves, null);
  assert.equal((await rejected('benchmarks.start', tiny(), 409)).code, 'CONFLICT', 'one run at a time');

  const finished = await finishedEvent(runId);
  assert.deepEqual(finished, {
    type: 'job.finished',
    jobId: `benchmark-${runId}`,
    kind: 'benchmark',
    ok: true,
    caseId: null,
  });
  const progress = events.filter((e) => e.type === 'job.progress' && e.jobId === benchmarkJobId(runId));
  const pairsDone = progress.flatMap((e) =>
    e.type === 'job.progress' && e.stage === 'benchmarking pairs' ? [e.done] : [],
  );
  assert.deepEqual(pairsDone, [0, 1, 2]);
  assert.ok(progress.some((e) => e.type === 'job.progress' && e.stage === 'rendering sample pairs'));

  const detail = await call('benchmarks.get', { runId });
  assert.equal(detail.run.status, 'finished');
  assert.deepEqual(detail.run.progress, { stage: 'finished', done: 2, total: 2, skipped: 0 });
  assert.equal(detail.run.outDir, join(folder, 'benchmarks', String(runId)));
  assert.deepEqual(Object.keys(detail.curves!.methods), ['xssab', 'gradient', 'corrrise', 'random']);
  assert.deepEqual([detail.curves!.pairs.genuine, detail.curves!.pairs.impostor], [1, 1]);
  for (const curves of Object.values(detail.curves!.methods)) {
    assert.equal(curves.best_worst.p.length, 21);
    assert.deepEqual(curves.random.fmr, detail.curves!.methods.xssab!.random.fmr);
  }
  assert.deepEqual(
    detail.summary.map((row) => row.method),
    ['xssab', 'gradient', 'corrrise', 'random'],
  );
  assert.ok(detail.summary.every((row) => row.msPerImage !== null && row.msPerImage > 0));
  assert.ok(detail.summary.every((row) => row.localisationAuroc !== null));

  assert.deepEqual(
    detail.samples.map((s) => [s.pairIndex, s.same]),
    [
      [0, true],
      [2, false],
    ],
  );
  const sample = detail.samples[0];
  assert.deepEqual(sample.images, [
    'original',
    'patched',
    'partner',
    'mask',
    'map-xssab',
    'map-gradient',
    'map-corrrise',
    'map-random',
  ]);
  for (const image of sample.images) {
    const asset = await call('benchmarks.asset', { runId, pairIndex: sample.pairIndex, image });
    const png = Buffer.from(asset.dataBase64, 'base64');
    assert.deepEqual([...png.subarray(1, 4)], [...Buffer.from('PNG')]);
    assert.ok(png.length < 300_000, `${image} is ${png.length} bytes`);
  }
  assert.equal(
    (await rejected('benchmarks.asset', { runId, pairIndex: 1, image: 'mask' }, 404)).code,
    'NOT_FOUND',
  );

  const { runs } = await call('benchmarks.list', {});
  assert.deepEqual(
    runs.map((run) => [run.id, run.status]),
    [[runId, 'finished']],
  );
  assert.equal((await rejected('benchmarks.cancel', { runId }, 409)).code, 'CONFLICT');
  assert.equal((await rejected('benchmarks.resume', { runId }, 409)).code, 'CONFLICT');
});

test('a cancelled run stops after its current pair and resumes where it stopped', async () => {
  const { runId } = await call('benchmarks.start', tiny({ limit: 4, methods: ['gradient', 'random'] }));
  await nextEvent(
    (e) => e.type === 'job.progress' && e.jobId === benchmarkJobId(runId) && e.stage === 'benchmarking pairs',
  );
  const cancelling = await call('benchmarks.cancel', { runId });
  assert.equal(cancelling.status, 'running');
  assert.equal(cancelling.progress.stage, 'stopping after the current pair');

  const finished = await finishedEvent(runId);
  assert.equal(finished.type === 'job.finished' && finished.ok, false);
  const cancelled = await call('benchmarks.get', { runId });
  assert.equal(cancelled.run.status, 'cancelled');
  assert.ok(cancelled.run.progress.done < 4, `stopped after ${cancelled.run.progress.done} of 4 pairs`);
  assert.equal(cancelled.curves, null);

  const mark = events.length;
  const resumed = await call('benchmarks.resume', { runId });
  assert.equal(resumed.status, 'running');
  await finishedEvent(runId, mark);
  const firstProgress = events
    .slice(mark)
    .find((e) => e.type === 'job.progress' && e.stage === 'benchmarking pairs');
  assert.equal(
    firstProgress?.type === 'job.progress' && firstProgress.done,
    cancelled.run.progress.done,
    'finished pairs are not redone',
  );
  const done = await call('benchmarks.get', { runId });
  assert.equal(done.run.status, 'finished');
  assert.equal(done.run.progress.done, 4);
  assert.deepEqual(
    done.summary.map((row) => row.method),
    ['gradient', 'random'],
  );
});

test('a cancellation while the sample pairs render leaves the benchmarked run finished', async () => {
  const { runId } = await call('benchmarks.start', tiny({ methods: ['random'] }));
  await nextEvent(
    (e) =>
      e.type === 'job.progress' && e.jobId === benchmarkJobId(runId) && e.stage === 'rendering sample pairs',
  );
  await call('benchmarks.cancel', { runId });
  const finished = await finishedEvent(runId);
  assert.equal(finished.type === 'job.finished' && finished.ok, true);
  const run = await call('benchmarks.get', { runId });
  assert.equal(run.run.status, 'finished');
  assert.equal(run.run.progress.done, 2);
  assert.ok(run.samples.length > 0, 'the sample pairs were rendered');
});

test('a run left running by a backend that stopped is cancelled when the data folder reopens', () => {
  const at = new Date().toISOString();
  const insert = workspace.db.prepare(
    `INSERT INTO benchmark_runs (status, options_json, stage, total, runner_pid, created_at, updated_at)
     VALUES ('running', ?, 'benchmarking pairs', 2, ?, ?, ?)`,
  );
  // A pid no process has (above Linux's pid_max), and this process's own pid (an earlier backend in it).
  const gone = Number(insert.run(JSON.stringify(tiny()), 2 ** 22 + 1, at, at).lastInsertRowid);
  const earlier = Number(insert.run(JSON.stringify(tiny()), process.pid, at, at).lastInsertRowid);
  const reopened = openWorkspace({ dataDir: folder });
  try {
    for (const runId of [gone, earlier]) {
      const { run } = reopened.benchmarks.get(runId);
      assert.equal(run.status, 'cancelled');
      assert.match(run.progress.stage, /interrupted/);
    }
  } finally {
    reopened.close();
  }
});
