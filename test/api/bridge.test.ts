/** The API through the real browser-mode bridge: real HTTP, real SQLite, real files. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import { WebSocket } from 'ws';
import type { z } from 'zod';
import {
  apiContract,
  type ApiErrorBody,
  type ApiMethod,
  type ApiParams,
  type ApiResult,
} from '../../electron/common/api.js';
import { createApiHandler } from '../../electron/node/api/handler.js';
import { startHttpBridge, type HttpBridge } from '../../electron/node/bridge/index.js';
import { openWorkspace, type Workspace } from '../../electron/node/services/workspace.js';

let dataDir: string;
let rendererDir: string;
let workspace: Workspace;
let bridge: HttpBridge;

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'xssab-api-'));
  rendererDir = join(dataDir, 'renderer');
  mkdirSync(join(rendererDir, 'assets'), { recursive: true });
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>xssab</title>');
  writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(dataDir, 'secret.txt'), 'outside the renderer');
  workspace = openWorkspace({ dataDir: join(dataDir, 'data'), actor: 'api-tester' });
  bridge = await startHttpBridge({
    handler: createApiHandler(workspace, { transport: 'http', checkResults: true }),
    events: workspace.events,
    rendererDir,
  });
});

after(async () => {
  await bridge.close();
  workspace.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function post(method: string, params: unknown, token: string | null = bridge.token) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const response = await fetch(`${bridge.origin}/api/${method}`, {
    method: 'POST',
    headers,
    body: JSON.stringify(params),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as { error: ApiErrorBody },
  };
}

/** A successful call whose body must also satisfy the method's result schema. */
async function call<M extends ApiMethod>(method: M, params: ApiParams<M>): Promise<ApiResult<M>> {
  const { status, body } = await post(method, params);
  assert.equal(status, 200, JSON.stringify(body));
  return (apiContract[method].result as z.ZodType).parse(body) as ApiResult<M>;
}

/** Raw request, for headers fetch will not let us forge (Host). */
function rawGet(path: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: bridge.port, path, headers }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const pngBytes = (width: number, height: number, red: number) =>
  sharp({ create: { width, height, channels: 3, background: { r: red, g: 20, b: 30 } } })
    .png()
    .toBuffer();

test('the bridge listens on 127.0.0.1 and hands out a 64-hex token in the URL fragment', () => {
  assert.match(bridge.origin, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.match(bridge.token, /^[0-9a-f]{64}$/);
  assert.equal(bridge.url, `${bridge.origin}/#token=${bridge.token}`);
});

test('API calls without the token or with a wrong one get 401', async () => {
  const missing = await post('cases.list', {}, null);
  assert.equal(missing.status, 401);
  assert.equal(missing.body.error.code, 'UNAUTHORIZED');
  const wrong = await post('cases.list', {}, 'f'.repeat(64));
  assert.equal(wrong.status, 401);
  assert.match(wrong.body.error.message, /wrong token/);
});

test('a foreign Host header is refused (DNS rebinding) and a foreign Origin too', async () => {
  const rebound = await rawGet('/', { host: `evil.example:${bridge.port}` });
  assert.equal(rebound.status, 403);
  assert.match(rebound.body, /Host header 'evil.example:\d+' refused/);
  const localhost = await rawGet('/', { host: `localhost:${bridge.port}` });
  assert.equal(localhost.status, 200);
  const crossOrigin = await fetch(`${bridge.origin}/api/cases.list`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${bridge.token}`,
      'content-type': 'application/json',
      origin: 'http://evil.example',
    },
    body: '{}',
  });
  assert.equal(crossOrigin.status, 403);
});

test('app.info tells the transport and data folder', async () => {
  const info = await call('app.info', {});
  assert.equal(info.transport, 'http');
  assert.equal(info.dataDir, workspace.dataDir);
  assert.equal(info.name, 'xssab-workstation');
  assert.equal(info.defaultActor, 'api-tester');
});

test('schema violations are 400 with messages naming each field', async () => {
  const { status, body } = await post('cases.create', { caseNumber: 'bad number!', title: 42 });
  assert.equal(status, 400);
  assert.equal(body.error.code, 'VALIDATION');
  const paths = (body.error.issues ?? []).map((issue) => issue.path).sort();
  assert.deepEqual(paths, ['caseNumber', 'title']);
  assert.match(body.error.message, /caseNumber: may contain only letters, digits and - _ \. \//);
  assert.match(body.error.message, /title: .*expected string/);

  const badId = await post('cases.get', { id: 'one' });
  assert.equal(badId.status, 400);
  assert.match(badId.body.error.message, /^invalid params for cases.get: id: /);
});

test('malformed JSON, wrong content type and an unknown method get clear errors', async () => {
  const garbled = await fetch(`${bridge.origin}/api/cases.list`, {
    method: 'POST',
    headers: { authorization: `Bearer ${bridge.token}`, 'content-type': 'application/json' },
    body: '{"search": ',
  });
  assert.equal(garbled.status, 400);
  assert.match(((await garbled.json()) as { error: ApiErrorBody }).error.message, /not valid JSON/);
  const form = await fetch(`${bridge.origin}/api/cases.list`, {
    method: 'POST',
    headers: { authorization: `Bearer ${bridge.token}`, 'content-type': 'text/plain' },
    body: '{}',
  });
  assert.equal(form.status, 415);
  const unknown = await post('cases.delete', { id: 1 });
  assert.equal(unknown.status, 404);
  assert.equal(unknown.body.error.code, 'NOT_FOUND');
  assert.match(
    unknown.body.error.message,
    /unknown API method 'cases.delete'; known methods: app.info, cases.list/,
  );
});

test('cases: create, duplicate → 409, update, list, get', async () => {
  const created = await call('cases.create', {
    caseNumber: '  2025-ABC/7 ',
    title: 'Shop robbery',
    requestingAgency: 'City Police',
  });
  assert.equal(created.caseNumber, '2025-ABC/7');
  assert.equal(created.status, 'open');
  assert.equal(created.createdAt, created.updatedAt);

  const duplicate = await post('cases.create', { caseNumber: '2025-ABC/7', title: 'Again' });
  assert.equal(duplicate.status, 409);
  assert.equal(duplicate.body.error.code, 'CONFLICT');
  assert.match(duplicate.body.error.message, /2025-ABC\/7 is already used by case/);

  const updated = await call('cases.update', { id: created.id, status: 'in_review', actor: 'Dr. Vega' });
  assert.equal(updated.status, 'in_review');
  assert.equal(updated.title, 'Shop robbery');

  const missing = await post('cases.update', { id: 9999, title: 'x' });
  assert.equal(missing.status, 404);

  const listed = await call('cases.list', { search: 'robbery' });
  assert.deepEqual(
    listed.cases.map((c) => c.id),
    [created.id],
  );
  const detail = await call('cases.get', { id: created.id });
  assert.deepEqual(
    detail.audit.map((event) => [event.action, event.actor]),
    [
      ['case.create', 'api-tester'],
      ['case.update', 'Dr. Vega'],
    ],
  );
});

test('evidence import stores a read-only, content-addressed copy whose SHA-256 matches', async () => {
  const owner = await call('cases.create', { caseNumber: 'EV-1', title: 'Evidence case' });
  const bytes = await pngBytes(32, 24, 200);
  const item = await call('evidence.import', {
    caseId: owner.id,
    fileName: 'suspect.png',
    dataBase64: bytes.toString('base64'),
  });
  const expectedHash = createHash('sha256').update(bytes).digest('hex');
  assert.equal(item.sha256, expectedHash);
  assert.equal(item.mediaType, 'image/png');
  assert.equal(item.byteSize, bytes.length);
  assert.deepEqual([item.width, item.height], [32, 24]);
  assert.equal(item.storedPath, `evidence/${expectedHash.slice(0, 2)}/${expectedHash}.png`);
  const storedFile = join(workspace.dataDir, item.storedPath);
  assert.deepEqual(readFileSync(storedFile), bytes);
  assert.equal(statSync(storedFile).mode & 0o777, 0o444);

  const again = await post('evidence.import', {
    caseId: owner.id,
    fileName: 'copy.png',
    dataBase64: bytes.toString('base64'),
  });
  assert.equal(again.status, 409);
  assert.match(again.body.error.message, /already evidence \d+ of this case \(imported as suspect.png\)/);

  const content = await call('evidence.read', { id: item.id });
  assert.equal(Buffer.from(content.dataBase64, 'base64').compare(bytes), 0);
  const listed = await call('evidence.list', { caseId: owner.id });
  assert.deepEqual(
    listed.evidence.map((e) => e.id),
    [item.id],
  );
  const verification = await call('audit.verify', { caseId: owner.id });
  assert.equal(verification.ok, true);
  assert.equal(verification.caseEvents, 2);
});

test('evidence import rejects non-images by their bytes, not their names, and undecodable images', async () => {
  const owner = await call('cases.create', { caseNumber: 'EV-2', title: 'Rejections' });
  const text = await post('evidence.import', {
    caseId: owner.id,
    fileName: 'photo.jpg',
    dataBase64: Buffer.from('%PDF-1.7 not a picture').toString('base64'),
  });
  assert.equal(text.status, 400);
  assert.deepEqual(
    (text.body.error.issues ?? []).map((issue) => issue.path),
    ['dataBase64'],
  );
  assert.match(text.body.error.message, /photo.jpg is not a JPEG, PNG, WebP or TIFF image/);

  const truncated = (await pngBytes(16, 16, 10)).subarray(0, 20);
  const broken = await post('evidence.import', {
    caseId: owner.id,
    fileName: 'cut.png',
    dataBase64: truncated.toString('base64'),
  });
  assert.equal(broken.status, 400);
  assert.match(broken.body.error.message, /cut.png starts like image\/png but cannot be read/);

  const notBase64 = await post('evidence.import', {
    caseId: owner.id,
    fileName: 'x.png',
    dataBase64: 'ab$c',
  });
  assert.equal(notBase64.status, 400);
  assert.match(notBase64.body.error.message, /dataBase64: must be base64/);

  const noCase = await post('evidence.import', {
    caseId: 4242,
    fileName: 'x.png',
    dataBase64: (await pngBytes(4, 4, 1)).toString('base64'),
  });
  assert.equal(noCase.status, 404);
  assert.deepEqual((await call('evidence.list', { caseId: owner.id })).evidence, []);
});

test('bodies over the limit get 413 before they are read', async () => {
  const status = await new Promise<number>((resolve, reject) => {
    const req = httpRequest({
      host: '127.0.0.1',
      port: bridge.port,
      path: '/api/evidence.import',
      method: 'POST',
      headers: {
        host: `127.0.0.1:${bridge.port}`,
        authorization: `Bearer ${bridge.token}`,
        'content-type': 'application/json',
        'content-length': String(81 * 1024 * 1024),
      },
    });
    req.on('response', (res) => {
      resolve(res.statusCode ?? 0);
      req.destroy();
    });
    req.on('error', reject);
    req.flushHeaders();
  });
  assert.equal(status, 413);
});

test('the renderer is served with the CSP and without directory traversal', async () => {
  const page = await fetch(`${bridge.origin}/`);
  assert.equal(page.status, 200);
  const csp = page.headers.get('content-security-policy') ?? '';
  for (const directive of [
    "default-src 'self'",
    "script-src 'self'",
    "object-src 'none'",
    "frame-ancestors 'none'",
  ]) {
    assert.ok(csp.includes(directive), `CSP lacks ${directive}`);
  }
  assert.equal(page.headers.get('x-content-type-options'), 'nosniff');
  const script = await fetch(`${bridge.origin}/assets/app.js`);
  assert.equal(script.headers.get('content-type'), 'text/javascript; charset=utf-8');
  for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/%00']) {
    const response = await rawGet(path, { host: `127.0.0.1:${bridge.port}` });
    assert.equal(response.status, 404, path);
    assert.doesNotMatch(response.body, /outside the renderer/);
  }
});

function openSocket(url: string): Promise<{ socket: WebSocket } | { refused: number }> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url);
    socket.on('open', () => resolve({ socket }));
    socket.on('unexpected-response', (_request, response) => resolve({ refused: response.statusCode ?? 0 }));
    socket.on('error', () => resolve({ refused: -1 }));
  });
}

test('the /events WebSocket refuses a missing or wrong token and streams events with the right one', async () => {
  const wsOrigin = bridge.origin.replace('http', 'ws');
  assert.deepEqual(await openSocket(`${wsOrigin}/events`), { refused: 401 });
  assert.deepEqual(await openSocket(`${wsOrigin}/events?token=${'0'.repeat(64)}`), { refused: 401 });
  const opened = await openSocket(`${wsOrigin}/events?token=${bridge.token}`);
  assert.ok('socket' in opened);
  const received = new Promise<unknown>((resolve) =>
    opened.socket.once('message', (data) => resolve(JSON.parse(String(data)))),
  );
  const created = await call('cases.create', { caseNumber: 'WS-1', title: 'Pushed' });
  assert.deepEqual(await received, { type: 'case.changed', caseId: created.id });
  opened.socket.close();
});
