/**
 * Electron main process, kept thin: security settings, the app:// protocol serving the built
 * renderer, and IPC wiring to the same API implementation browser mode uses.
 * Data folder: XSSAB_DATA (the launcher passes --data through it), else the CLI's default, so the
 * app and `xssab` always share one folder; Electron's userData is pointed at it.
 */
import '../../native-models/onnx/ort-offline.js'; // before onnxruntime-node loads: telemetry off
import { app, BrowserWindow, ipcMain, net, protocol, screen, session } from 'electron';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { IPC_CHANNELS } from '../common/channels.js';
import { createApiHandler } from '../node/api/handler.js';
import { resolveRendererFile, SECURITY_HEADERS } from '../node/bridge/static-files.js';
import { openWorkspace, type Workspace } from '../node/services/workspace.js';
import { resolveDataDir } from '../node/store/data-folder.js';
import { createIpcApiListener } from './ipc.js';
import {
  APP_ENTRY_URL,
  APP_HOST,
  APP_SCHEME,
  createAppWindow,
  hardenSession,
  installAppHardening,
} from './window-options.js';
import { loadWindowState, placeOnScreen, saveWindowState } from './window-state.js';

const preloadPath = fileURLToPath(new URL('../preload/preload.cjs', import.meta.url));
const rendererDir = fileURLToPath(new URL('../../renderer/', import.meta.url));

protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);
app.setPath('userData', resolveDataDir(undefined));
app.enableSandbox();
installAppHardening(app);

let mainWindow: BrowserWindow | null = null;
let workspace: Workspace | null = null;

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.on('window-all-closed', () => app.quit());
  app.on('will-quit', () => workspace?.close());
  app.whenReady().then(start, (error: unknown) => {
    console.error('xssab: Electron failed to start:', error);
    app.exit(1);
  });
}

async function serveRendererRequest(request: Request): Promise<Response> {
  const url = new URL(request.url);
  const file = url.host === APP_HOST ? resolveRendererFile(rendererDir, url.pathname) : null;
  if (!file) return new Response('not found', { status: 404, headers: SECURITY_HEADERS });
  const body = await net.fetch(pathToFileURL(file.path).toString());
  return new Response(body.body, {
    status: 200,
    headers: { ...SECURITY_HEADERS, 'Content-Type': file.contentType },
  });
}

function start(): void {
  const dataDir = app.getPath('userData');
  workspace = openWorkspace({ dataDir });
  hardenSession(session.defaultSession);
  protocol.handle(APP_SCHEME, serveRendererRequest);
  ipcMain.handle(
    IPC_CHANNELS.apiCall,
    createIpcApiListener(createApiHandler(workspace, { transport: 'ipc' })),
  );
  workspace.events.subscribe((event) => {
    for (const window of BrowserWindow.getAllWindows()) window.webContents.send(IPC_CHANNELS.event, event);
  });
  openMainWindow(join(dataDir, 'window-state.json'));
}

function openMainWindow(stateFile: string): void {
  const state = placeOnScreen(
    loadWindowState(stateFile),
    screen.getAllDisplays().map((display) => display.workArea),
  );
  const window = createAppWindow(BrowserWindow, preloadPath, state);
  mainWindow = window;
  if (state.maximized) window.maximize();
  window.once('ready-to-show', () => window.show());
  window.on('close', () => {
    saveWindowState(stateFile, { ...window.getNormalBounds(), maximized: window.isMaximized() });
  });
  window.on('closed', () => {
    mainWindow = null;
  });
  void window.loadURL(APP_ENTRY_URL);
}
