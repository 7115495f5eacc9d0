/**
 * Sandboxed preload (CommonJS: sandboxed preloads cannot load ES modules, nor any file but
 * 'electron'). Exposes exactly `window.xssab = { call, onEvent }` and nothing else.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { IpcChannels } from '../common/channels.js' with { 'resolution-mode': 'import' };
import type { XssabBridge } from '../common/client.js' with { 'resolution-mode': 'import' };
import type { ProgressEvent, ProgressListener } from '../common/events.js' with {
  'resolution-mode': 'import',
};

/** Repeated from common/channels.ts (no imports at run time); `satisfies` keeps the two equal. */
const CHANNELS = { apiCall: 'xssab:api-call', event: 'xssab:event' } as const satisfies IpcChannels;

const bridge: XssabBridge = {
  call: (method, params) => ipcRenderer.invoke(CHANNELS.apiCall, method, params),
  onEvent(listener: ProgressListener) {
    const forward = (_event: IpcRendererEvent, progress: ProgressEvent) => listener(progress);
    ipcRenderer.on(CHANNELS.event, forward);
    return () => {
      ipcRenderer.removeListener(CHANNELS.event, forward);
    };
  },
};

contextBridge.exposeInMainWorld('xssab', bridge);
