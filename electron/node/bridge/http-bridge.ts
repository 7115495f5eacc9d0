/**
 * Browser mode: the API over HTTP and the event stream over WebSocket, for when Electron's binary
 * is missing (or --browser is given). Protocol:
 *
 * - Listens on 127.0.0.1 only, on the given port or a free one.
 * - A random token is made per launch (32 random bytes, hex). The launcher prints
 *   `http://127.0.0.1:PORT/#token=TOKEN`; the page reads it from the fragment, which browsers never
 *   send to servers, so it stays out of logs and Referer headers.
 * - Every request whose Host header is not `127.0.0.1:PORT` or `localhost:PORT` is refused (403),
 *   which defeats DNS rebinding; a request with an Origin header of another origin is refused too.
 * - `POST /api/<method>` with `Authorization: Bearer TOKEN`, `Content-Type: application/json` and
 *   the params as JSON body (empty body = {}), at most 80 MB:
 *     200 → the result as JSON;
 *     4xx/5xx → `{"error": ApiErrorBody}`: 400 VALIDATION, 401 UNAUTHORIZED (missing or wrong
 *     token), 404 NOT_FOUND (also unknown methods), 409 CONFLICT, 413 (body too large),
 *     415 (not JSON), 500 INTERNAL.
 * - `GET /events` upgraded to WebSocket, token as `?token=TOKEN` (browsers cannot set headers on
 *   WebSocket) or as the Authorization header; each message is one ProgressEvent as JSON. Refused
 *   with 401 before the upgrade without a valid token.
 * - Any other GET serves the built renderer (dist/renderer) with a strict CSP; no token needed,
 *   the page holds no data until it calls the API.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { HTTP_STATUS_BY_ERROR_CODE, type ApiErrorBody } from '../../common/api.js';
import type { ApiHandler } from '../api/handler.js';
import type { EventHub } from '../services/event-hub.js';
import { resolveRendererFile, SECURITY_HEADERS } from './static-files.js';

/** Evidence travels base64-encoded in the body: 50 MB of file is about 67 MB of JSON. */
const MAX_BODY_BYTES = 80 * 1024 * 1024;

export interface HttpBridgeOptions {
  handler: ApiHandler;
  events: EventHub;
  /** 0 or absent: any free port. */
  port?: number;
  /** Folder with the built renderer (index.html + assets); absent: API only. */
  rendererDir?: string;
}

export interface HttpBridge {
  /** The page to open: `http://127.0.0.1:PORT/#token=TOKEN`. */
  url: string;
  /** `http://127.0.0.1:PORT`, the base of /api and /events. */
  origin: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

class HttpFailure extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiErrorBody,
  ) {
    super(body.message);
  }
}

const unauthorized = (message: string) => new HttpFailure(401, { code: 'UNAUTHORIZED', message });

export async function startHttpBridge(options: HttpBridgeOptions): Promise<HttpBridge> {
  const token = randomBytes(32).toString('hex');
  const tokenBytes = Buffer.from(token);
  let port = 0;

  const hasToken = (presented: string | null | undefined) => {
    const bytes = Buffer.from(presented ?? '');
    return bytes.length === tokenBytes.length && timingSafeEqual(bytes, tokenBytes);
  };
  const bearer = (request: IncomingMessage) =>
    /^Bearer (\S+)$/.exec(request.headers.authorization ?? '')?.[1];

  /** Host and Origin checks shared by plain requests and WebSocket upgrades. */
  const checkOrigin = (request: IncomingMessage) => {
    const allowedHosts = [`127.0.0.1:${port}`, `localhost:${port}`];
    if (!allowedHosts.includes(request.headers.host ?? '')) {
      throw new HttpFailure(403, {
        code: 'UNAUTHORIZED',
        message: `Host header '${request.headers.host ?? ''}' refused: use http://127.0.0.1:${port}/`,
      });
    }
    const origin = request.headers.origin;
    if (origin !== undefined && !allowedHosts.some((host) => origin === `http://${host}`)) {
      throw new HttpFailure(403, {
        code: 'UNAUTHORIZED',
        message: `cross-origin request from ${origin} refused`,
      });
    }
  };

  const server = createServer((request, response) => {
    handleRequest(request, response).catch((error: unknown) => {
      if (error instanceof HttpFailure) return sendJson(response, error.status, { error: error.body });
      console.error('xssab bridge: request failed:', error);
      sendJson(response, 500, {
        error: { code: 'INTERNAL', message: 'the bridge failed to answer this request' },
      });
    });
  });

  async function handleRequest(request: IncomingMessage, response: ServerResponse): Promise<void> {
    checkOrigin(request);
    const { pathname } = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (pathname.startsWith('/api/')) return handleApi(request, response, pathname.slice('/api/'.length));
    if (pathname === '/events') {
      throw new HttpFailure(426, { code: 'VALIDATION', message: '/events is a WebSocket endpoint' });
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('Allow', 'GET, HEAD');
      throw new HttpFailure(405, { code: 'VALIDATION', message: `${request.method} is not allowed here` });
    }
    serveRendererFile(request, response, pathname);
  }

  async function handleApi(
    request: IncomingMessage,
    response: ServerResponse,
    method: string,
  ): Promise<void> {
    if (!hasToken(bearer(request))) {
      throw unauthorized(
        request.headers.authorization ? 'wrong token' : 'missing Authorization: Bearer <token>',
      );
    }
    if (request.method !== 'POST') {
      response.setHeader('Allow', 'POST');
      throw new HttpFailure(405, { code: 'VALIDATION', message: 'API calls use POST' });
    }
    const contentType = request.headers['content-type'] ?? '';
    if (!/^application\/json\s*(;|$)/i.test(contentType)) {
      throw new HttpFailure(415, {
        code: 'VALIDATION',
        message: 'API calls need Content-Type: application/json',
      });
    }
    const body = await readBody(request);
    let params: unknown = {};
    if (body.length > 0) {
      try {
        params = JSON.parse(body.toString('utf8'));
      } catch (error) {
        throw new HttpFailure(400, {
          code: 'VALIDATION',
          message: `request body is not valid JSON: ${(error as Error).message}`,
        });
      }
    }
    const outcome = await options.handler.handle(decodeMethodName(method), params);
    if (outcome.ok) sendJson(response, 200, outcome.result);
    else sendJson(response, HTTP_STATUS_BY_ERROR_CODE[outcome.error.code], { error: outcome.error });
  }

  function serveRendererFile(request: IncomingMessage, response: ServerResponse, pathname: string): void {
    const file = options.rendererDir ? resolveRendererFile(options.rendererDir, pathname) : null;
    if (!file) {
      const notBuilt = options.rendererDir && !resolveRendererFile(options.rendererDir, '/');
      const message = notBuilt
        ? 'the renderer is not built: run `npm run build:renderer`'
        : `not found: ${pathname}`;
      response.writeHead(404, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' });
      response.end(message + '\n');
      return;
    }
    response.writeHead(200, {
      ...SECURITY_HEADERS,
      'Content-Type': file.contentType,
      'Cache-Control': 'no-cache',
    });
    if (request.method === 'HEAD') response.end();
    else createReadStream(file.path).pipe(response);
  }

  const sockets = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    try {
      checkOrigin(request);
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      if (url.pathname !== '/events')
        throw new HttpFailure(404, { code: 'NOT_FOUND', message: 'no such endpoint' });
      if (!hasToken(url.searchParams.get('token') ?? bearer(request)))
        throw unauthorized('missing or wrong token');
    } catch (error) {
      const status = error instanceof HttpFailure ? error.status : 500;
      socket.end(
        `HTTP/1.1 ${status} ${status === 401 ? 'Unauthorized' : 'Refused'}\r\nConnection: close\r\n\r\n`,
      );
      return;
    }
    sockets.handleUpgrade(request, socket, head, (client: WebSocket) => {
      const unsubscribe = options.events.subscribe((event) => client.send(JSON.stringify(event)));
      client.on('close', unsubscribe);
      client.on('error', unsubscribe);
    });
  });

  await new Promise<void>((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', rejectListen);
      resolveListen();
    });
  });
  port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;

  return {
    url: `${origin}/#token=${token}`,
    origin,
    port,
    token,
    close: async () => {
      for (const client of sockets.clients) client.terminate();
      sockets.close();
      server.closeAllConnections();
      await new Promise<void>((resolveClose) => server.close(() => resolveClose()));
    },
  };
}

/** The method name of `/api/<method>`; malformed percent-encoding (`/api/%`) is the caller's error. */
function decodeMethodName(encoded: string): string {
  try {
    return decodeURIComponent(encoded);
  } catch {
    throw new HttpFailure(400, {
      code: 'VALIDATION',
      message: 'the API method in the URL is not valid percent-encoding (POST /api/<method>)',
    });
  }
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  const text = JSON.stringify(body);
  response.writeHead(status, {
    ...SECURITY_HEADERS,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
  });
  response.end(text);
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const tooLarge = () =>
    new HttpFailure(413, {
      code: 'VALIDATION',
      message: `request body over ${MAX_BODY_BYTES / 1024 ** 2} MB refused`,
    });
  if (Number(request.headers['content-length'] ?? 0) > MAX_BODY_BYTES) {
    request.resume();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      request.resume();
      throw tooLarge();
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
