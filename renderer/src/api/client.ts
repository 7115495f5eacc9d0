import type { XssabApi } from '../../../electron/common/api.js';
import {
  createBridgeApiClient,
  createHttpApiClient,
  subscribeHttpEvents,
  tokenFromFragment,
  type XssabBridge,
} from '../../../electron/common/client.js';
import type { ProgressListener } from '../../../electron/common/events.js';

export { ApiCallError } from '../../../electron/common/api.js';

declare global {
  interface Window {
    /** Exposed by the Electron preload script; absent in browser mode. */
    xssab?: XssabBridge;
  }
}

/** The API plus the backend's push events, over whichever transport this page runs on. */
export interface RendererApiClient extends XssabApi {
  onEvent(listener: ProgressListener): () => void;
}

/** Why the page cannot reach the backend at all (browser mode opened without its token link). */
class MissingTokenError extends Error {
  override name = 'MissingTokenError';
  constructor() {
    super(
      'This page was opened without its access token. Open the link printed when the workstation ' +
        'was started (it ends in #token=…).',
    );
  }
}

const tokenStorageKey = 'xssab.token';

/**
 * Browser mode hands the per-launch token over in the URL fragment. It is moved into
 * sessionStorage (survives reloads of this tab, not the browser) and removed from the visible
 * URL, so it is neither bookmarked nor shown over the examiner's shoulder.
 */
function takeBrowserModeToken(): string | null {
  const fromFragment = tokenFromFragment(window.location.hash);
  if (fromFragment) {
    sessionStorage.setItem(tokenStorageKey, fromFragment);
    window.history.replaceState(null, '', `${window.location.pathname}${window.location.search}`);
    return fromFragment;
  }
  return sessionStorage.getItem(tokenStorageKey);
}

function createRendererApiClient(): RendererApiClient {
  const bridge = window.xssab;
  if (bridge) {
    return { ...createBridgeApiClient(bridge), onEvent: (listener) => bridge.onEvent(listener) };
  }
  const token = takeBrowserModeToken();
  if (!token) {
    return {
      call: () => Promise.reject(new MissingTokenError()),
      onEvent: () => () => {},
    };
  }
  const baseUrl = window.location.origin;
  return {
    ...createHttpApiClient({ token, baseUrl }),
    onEvent: (listener) => subscribeHttpEvents({ token, baseUrl, WebSocket }, listener),
  };
}

export const api: RendererApiClient = createRendererApiClient();
