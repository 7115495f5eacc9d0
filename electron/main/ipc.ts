import type { ApiOutcome } from '../common/api.js';
import type { ApiHandler } from '../node/api/handler.js';
import { isAppUrl } from './window-options.js';

/** What an IPC invoke event tells about its sender (a subset of IpcMainInvokeEvent). */
export interface IpcSender {
  senderFrame: { url: string } | null;
}

/**
 * The handler of IPC_CHANNELS.apiCall: only frames showing our own app:// origin may call the API;
 * anything else (a frame that navigated elsewhere, a subframe) is refused.
 */
export function createIpcApiListener(handler: ApiHandler) {
  return async (event: IpcSender, method: unknown, params: unknown): Promise<ApiOutcome> => {
    const url = event.senderFrame?.url;
    if (!isAppUrl(url)) {
      return {
        ok: false,
        error: { code: 'UNAUTHORIZED', message: `API calls from ${url ?? 'an unknown frame'} are refused` },
      };
    }
    if (typeof method !== 'string') {
      return { ok: false, error: { code: 'VALIDATION', message: 'the API method name must be a string' } };
    }
    return handler.handle(method, params);
  };
}
