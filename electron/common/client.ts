/**
 * Typed clients of the API for the renderer: one over the preload bridge (Electron), one over
 * HTTP (browser mode). Both turn an error body into a rejected ApiCallError.
 */
import {
  ApiCallError,
  apiErrorBodySchema,
  type ApiMethod,
  type ApiOutcome,
  type ApiParams,
  type ApiResult,
  type XssabApi,
} from './api.js';
import { progressEventSchema, type ProgressListener } from './events.js';

/**
 * `window.xssab` as the preload script exposes it. `call` resolves to the outcome envelope rather
 * than rejecting, because contextBridge drops custom properties (such as `code`) from errors.
 */
export interface XssabBridge {
  call(method: string, params: unknown): Promise<ApiOutcome>;
  /** Returns a function that removes the listener. */
  onEvent(listener: ProgressListener): () => void;
}

function unwrap<R>(outcome: ApiOutcome): R {
  if (outcome.ok) return outcome.result as R;
  throw new ApiCallError(outcome.error);
}

export function createBridgeApiClient(bridge: XssabBridge): XssabApi {
  return {
    async call<M extends ApiMethod>(method: M, params: ApiParams<M>): Promise<ApiResult<M>> {
      return unwrap<ApiResult<M>>(await bridge.call(method, params));
    },
  };
}

/** Reads the per-launch token from a browser-mode page URL's fragment: `#token=<hex>`. */
export function tokenFromFragment(hash: string): string | null {
  const token = new URLSearchParams(hash.replace(/^#/, '')).get('token');
  return token && /^[0-9a-f]{64}$/.test(token) ? token : null;
}

export interface HttpClientOptions {
  token: string;
  /** Origin of the bridge, e.g. 'http://127.0.0.1:41234'; '' for the page's own origin. */
  baseUrl?: string;
  fetch?: typeof fetch;
}

export function createHttpApiClient(options: HttpClientOptions): XssabApi {
  const doFetch = options.fetch ?? fetch;
  const baseUrl = options.baseUrl ?? '';
  return {
    async call<M extends ApiMethod>(method: M, params: ApiParams<M>): Promise<ApiResult<M>> {
      const response = await doFetch(`${baseUrl}/api/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${options.token}` },
        body: JSON.stringify(params ?? {}),
      });
      const body: unknown = await response.json().catch(() => null);
      if (response.ok) return body as ApiResult<M>;
      const error = apiErrorBodySchema.safeParse((body as { error?: unknown } | null)?.error);
      throw new ApiCallError(
        error.success
          ? error.data
          : { code: 'INTERNAL', message: `HTTP ${response.status} without an error body` },
      );
    },
  };
}

/** Minimal shape of the WebSocket class (browser global or the `ws` package). */
interface WebSocketLike {
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  close(): void;
}

/** Subscribes to browser mode's /events stream; returns a function that closes it. */
export function subscribeHttpEvents(
  options: { token: string; baseUrl: string; WebSocket: new (url: string) => WebSocketLike },
  listener: ProgressListener,
): () => void {
  const url = new URL('/events', options.baseUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.searchParams.set('token', options.token);
  const socket = new options.WebSocket(url.toString());
  socket.addEventListener('message', (message) => {
    if (typeof message.data !== 'string') return;
    let data: unknown;
    try {
      data = JSON.parse(message.data);
    } catch {
      return;
    }
    const parsed = progressEventSchema.safeParse(data);
    if (parsed.success) listener(parsed.data);
  });
  return () => socket.close();
}
