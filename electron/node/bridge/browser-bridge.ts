import { createApiHandler } from '../api/handler.js';
import { openWorkspace } from '../services/workspace.js';
import { startHttpBridge, type HttpBridge } from './http-bridge.js';

export interface BrowserBridgeOptions {
  dataDir: string;
  port?: number;
  /** The built renderer; absent: API only. */
  rendererDir?: string;
  /** Recorded as actor when a call names none (default: the OS user). */
  actor?: string;
}

/** Browser mode for one data folder: opens its workspace and serves it; close() closes both. */
export async function startBrowserBridge(options: BrowserBridgeOptions): Promise<HttpBridge> {
  const workspace = openWorkspace({ dataDir: options.dataDir, actor: options.actor });
  try {
    const bridge = await startHttpBridge({
      handler: createApiHandler(workspace, { transport: 'http' }),
      events: workspace.events,
      port: options.port,
      rendererDir: options.rendererDir,
    });
    return {
      ...bridge,
      close: async () => {
        await bridge.close();
        workspace.close();
      },
    };
  } catch (error) {
    workspace.close();
    throw error;
  }
}
