/**
 * The security settings of every window and web contents the shell creates. Only types come from
 * 'electron', so tests can import exactly what main.ts uses without an Electron binary.
 */
import type {
  App,
  BrowserWindowConstructorOptions,
  Event,
  Session,
  WebContents,
  WebPreferences,
} from 'electron';

/** The renderer is served from this privileged custom scheme, never from file://. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'renderer';
export const APP_ENTRY_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/** True for URLs of our own renderer (app://renderer/...), the only origin allowed anything. */
export function isAppUrl(url: string | undefined | null): boolean {
  if (!url) return false;
  try {
    const parsed = new URL(url);
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST;
  } catch {
    return false;
  }
}

export function secureWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    spellcheck: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
  };
}

export interface WindowBounds {
  x?: number;
  y?: number;
  width: number;
  height: number;
}

function mainWindowOptions(preloadPath: string, bounds: WindowBounds): BrowserWindowConstructorOptions {
  return {
    ...bounds,
    minWidth: 960,
    minHeight: 600,
    show: false,
    title: 'xSSAB Workstation',
    backgroundColor: '#121212',
    webPreferences: secureWebPreferences(preloadPath),
  };
}

/** The parts of WebContents the hardening touches. */
export type HardenableWebContents = Pick<WebContents, 'on' | 'setWindowOpenHandler'>;

/**
 * Denies navigation and redirects away from our own origin, every new window, and webview
 * attachment. Applied to every web contents (see installAppHardening), not only our window's.
 */
function hardenWebContents(contents: HardenableWebContents): void {
  const keepOnAppOrigin = (event: Event, url: string) => {
    if (!isAppUrl(url)) event.preventDefault();
  };
  contents.on('will-navigate', (event) => keepOnAppOrigin(event, event.url));
  contents.on('will-frame-navigate', (event) => keepOnAppOrigin(event, event.url));
  contents.on('will-redirect', (event) => keepOnAppOrigin(event, event.url));
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

/** Refuses every permission (camera, notifications, clipboard reads, …): the app needs none. */
export function hardenSession(
  session: Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'>,
): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}

/** Hardens every web contents the app will ever create, whoever creates it. */
export function installAppHardening(app: Pick<App, 'on'>): void {
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));
}

/** The shell's only way to make a window: secure options, then hardening of its web contents. */
export function createAppWindow<W extends { webContents: HardenableWebContents }>(
  BrowserWindowClass: new (options: BrowserWindowConstructorOptions) => W,
  preloadPath: string,
  bounds: WindowBounds,
): W {
  const window = new BrowserWindowClass(mainWindowOptions(preloadPath, bounds));
  hardenWebContents(window.webContents);
  return window;
}
