/**
 * The shell's security settings, tested through the very functions main.ts uses. Electron's binary
 * is not available to tests, so web contents, sessions and the app are small recording stand-ins
 * exposing only the methods the hardening calls.
 */
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';
import type { App, BrowserWindowConstructorOptions, Session } from 'electron';
import { createIpcApiListener } from '../../electron/main/ipc.js';
import {
  APP_ENTRY_URL,
  createAppWindow,
  hardenSession,
  installAppHardening,
  isAppUrl,
  secureWebPreferences,
  type HardenableWebContents,
} from '../../electron/main/window-options.js';
import { createApiHandler } from '../../electron/node/api/handler.js';
import { openWorkspace } from '../../electron/node/services/workspace.js';

type Listener = (...args: unknown[]) => unknown;

class RecordingWebContents {
  readonly listeners = new Map<string, Listener>();
  windowOpenHandler: Listener | undefined;
  on(name: string, listener: Listener) {
    this.listeners.set(name, listener);
    return this;
  }
  setWindowOpenHandler(handler: Listener) {
    this.windowOpenHandler = handler;
  }
  /** Fires a navigation-like event and says whether the hardening cancelled it. */
  fire(name: string, url?: string): boolean {
    let prevented = false;
    const event = { url, preventDefault: () => (prevented = true) };
    const listener = this.listeners.get(name);
    assert.ok(listener, `no listener for ${name}`);
    listener(event, url);
    return prevented;
  }
  asWebContents() {
    return this as unknown as HardenableWebContents;
  }
}

function assertHardened(contents: RecordingWebContents) {
  assert.equal(contents.fire('will-navigate', 'https://evil.example/'), true);
  assert.equal(contents.fire('will-navigate', 'file:///etc/passwd'), true);
  assert.equal(contents.fire('will-navigate', 'app://other/index.html'), true);
  assert.equal(contents.fire('will-navigate', `${APP_ENTRY_URL}#/cases/1`), false);
  assert.equal(contents.fire('will-frame-navigate', 'https://evil.example/'), true);
  assert.equal(contents.fire('will-redirect', 'http://127.0.0.1:9/'), true);
  assert.equal(contents.fire('will-attach-webview'), true);
  assert.deepEqual(contents.windowOpenHandler?.({ url: 'https://evil.example/' }), { action: 'deny' });
  assert.deepEqual(contents.windowOpenHandler?.({ url: APP_ENTRY_URL }), { action: 'deny' });
}

test('web preferences turn on every isolation and turn off every Node and web escape hatch', () => {
  const preferences = secureWebPreferences('/app/preload.cjs');
  assert.equal(preferences.preload, '/app/preload.cjs');
  assert.equal(preferences.contextIsolation, true);
  assert.equal(preferences.sandbox, true);
  assert.equal(preferences.nodeIntegration, false);
  assert.equal(preferences.nodeIntegrationInWorker, false);
  assert.equal(preferences.nodeIntegrationInSubFrames, false);
  assert.equal(preferences.webSecurity, true);
  assert.equal(preferences.allowRunningInsecureContent, false);
  assert.equal(preferences.webviewTag, false);
  assert.equal(preferences.spellcheck, false);
});

test('createAppWindow builds the window with the secure options and hardens its web contents', () => {
  const created: BrowserWindowConstructorOptions[] = [];
  class RecordingWindow {
    readonly recorder = new RecordingWebContents();
    readonly webContents = this.recorder.asWebContents();
    constructor(options: BrowserWindowConstructorOptions) {
      created.push(options);
    }
  }
  const window = createAppWindow(RecordingWindow, '/app/preload.cjs', {
    x: 10,
    y: 20,
    width: 1200,
    height: 800,
  });
  assert.equal(created.length, 1);
  assert.deepEqual(created[0].webPreferences, secureWebPreferences('/app/preload.cjs'));
  assert.deepEqual([created[0].x, created[0].y, created[0].width, created[0].height], [10, 20, 1200, 800]);
  assertHardened(window.recorder);
});

test('installAppHardening hardens every web contents the app creates', () => {
  const app = new EventEmitter();
  installAppHardening(app as unknown as Pick<App, 'on'>);
  for (let index = 0; index < 2; index += 1) {
    const contents = new RecordingWebContents();
    app.emit('web-contents-created', {}, contents);
    assertHardened(contents);
  }
});

test('hardenSession denies every permission request and check', () => {
  let requestHandler: Listener | undefined;
  let checkHandler: Listener | undefined;
  const session = {
    setPermissionRequestHandler: (handler: Listener) => (requestHandler = handler),
    setPermissionCheckHandler: (handler: Listener) => (checkHandler = handler),
  };
  hardenSession(
    session as unknown as Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'>,
  );
  for (const permission of ['media', 'notifications', 'clipboard-read', 'openExternal']) {
    let granted: boolean | undefined;
    requestHandler?.({}, permission, (answer: boolean) => (granted = answer), {});
    assert.equal(granted, false, permission);
    assert.equal(checkHandler?.(null, permission, 'app://renderer', {}), false, permission);
  }
});

test('isAppUrl accepts only our app://renderer origin', () => {
  assert.equal(isAppUrl('app://renderer/index.html'), true);
  for (const url of [
    'app://renderer.evil/x',
    'https://renderer/',
    'file:///app/index.html',
    '',
    'not a url',
    null,
  ]) {
    assert.equal(isAppUrl(url), false, String(url));
  }
});

test('IPC API calls are dispatched only for frames on the app origin', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'xssab-ipc-'));
  const workspace = openWorkspace({ dataDir, actor: 'ipc-tester' });
  t.after(() => {
    workspace.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const listener = createIpcApiListener(
    createApiHandler(workspace, { transport: 'ipc', checkResults: true }),
  );
  const fromApp = await listener({ senderFrame: { url: APP_ENTRY_URL } }, 'app.info', {});
  assert.equal(fromApp.ok, true);
  assert.equal(fromApp.ok && (fromApp.result as { transport: string }).transport, 'ipc');
  for (const senderFrame of [{ url: 'https://evil.example/' }, null]) {
    const refused = await listener({ senderFrame }, 'cases.list', {});
    assert.equal(refused.ok, false);
    assert.equal(!refused.ok && refused.error.code, 'UNAUTHORIZED');
  }
  const badMethod = await listener({ senderFrame: { url: APP_ENTRY_URL } }, 42, {});
  assert.equal(!badMethod.ok && badMethod.error.code, 'VALIDATION');
});

test('main.ts makes windows only through createAppWindow and installs the app-wide hardening', () => {
  const path = join(import.meta.dirname, '../../electron/main/main.ts');
  const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.ES2022, true);
  const constructed: string[] = [];
  const called: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isNewExpression(node)) constructed.push(node.expression.getText(source));
    if (ts.isCallExpression(node)) called.push(node.expression.getText(source));
    ts.forEachChild(node, visit);
  };
  visit(source);
  assert.ok(!constructed.includes('BrowserWindow'), 'main.ts must not call new BrowserWindow directly');
  assert.ok(called.includes('createAppWindow'));
  assert.ok(called.includes('installAppHardening'));
  assert.ok(called.includes('hardenSession'));
  assert.ok(called.includes('app.enableSandbox'));
  // installAppHardening must run at load, before any web contents can exist.
  const topLevelCalls = source.statements
    .filter(ts.isExpressionStatement)
    .map((statement) => statement.expression)
    .filter(ts.isCallExpression)
    .map((call) => call.expression.getText(source));
  assert.ok(topLevelCalls.includes('installAppHardening'));
});
