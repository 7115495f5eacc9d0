/**
 * What every end-to-end suite needs: the real browser-mode backend on a temporary data folder
 * serving the built renderer (dist/renderer), one page of Debian's Chromium on it, and a record of
 * the page's console errors, uncaught errors and CSP violations. A suite creates one harness,
 * starts it in `before` and closes it in `after`.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { ApiMethod, ApiParams, ApiResult } from '../../electron/common/api.js';
import { startBrowserBridge } from '../../electron/node/bridge/index.js';
import { initialsOf, TEST_PASSPHRASE } from '../api/handler-harness.js';

/** The account every suite starts signed in as (the backend holds the session; the page finds it signed in). */
export const E2E_ACCOUNT = 'E2E Examiner';

type Bridge = Awaited<ReturnType<typeof startBrowserBridge>>;

const rendererDir = path.resolve('dist/renderer');
const screenshotDir = process.env.XSSAB_E2E_SCREENSHOTS;

interface E2eHarnessOptions {
  /** Prefix of the temporary data folder's name. */
  dataDirPrefix: string;
  /** Prefix of the screenshot file names (XSSAB_E2E_SCREENSHOTS). */
  screenshotPrefix: string;
  /** Browsers log every 4xx response as a console error; these are the ones the suite provokes. */
  expectedConsoleErrors?: RegExp[];
}

export class E2eHarness {
  /** Console errors, uncaught page errors and CSP violations, each as one line. */
  readonly pageProblems: string[] = [];
  #dataDir: string | undefined;
  #bridge: Bridge | undefined;
  #browser: Browser | undefined;
  #page: Page | undefined;

  constructor(private readonly options: E2eHarnessOptions) {}

  get dataDir(): string {
    return started(this.#dataDir);
  }
  get bridge(): Bridge {
    return started(this.#bridge);
  }
  get page(): Page {
    return started(this.#page);
  }

  async start(): Promise<void> {
    assert.ok(
      existsSync(path.join(rendererDir, 'index.html')),
      'dist/renderer is missing: run `npm run build` first',
    );
    this.#dataDir = await mkdtemp(path.join(tmpdir(), this.options.dataDirPrefix));
    this.#bridge = await startBrowserBridge({ dataDir: this.#dataDir, rendererDir });
    await this.createAccount(E2E_ACCOUNT);
    await this.apiCall('accounts.signIn', { name: E2E_ACCOUNT, passphrase: TEST_PASSPHRASE });
    this.#browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    const context = await this.#browser.newContext({
      colorScheme: 'light',
      viewport: { width: 1360, height: 900 },
    });
    const page = await context.newPage();
    this.#page = page;
    page.setDefaultTimeout(10_000);
    const expectedConsoleErrors = this.options.expectedConsoleErrors ?? [];
    page.on('console', (message) => {
      if (message.type() !== 'error') return;
      const text = `${message.text()} (${message.location().url})`;
      if (!expectedConsoleErrors.some((pattern) => pattern.test(text)))
        this.pageProblems.push(`console: ${text}`);
    });
    page.on('pageerror', (error) => this.pageProblems.push(`page error: ${error.message}`));
    await page.exposeFunction('reportCspViolation', (line: string) => this.pageProblems.push(`CSP: ${line}`));
    // A string, not a function: this file is compiled without DOM types. Init scripts are injected
    // by the browser, so the page's CSP does not block this one.
    await page.addInitScript(`
      document.addEventListener('securitypolicyviolation', (event) => {
        window.reportCspViolation(event.violatedDirective + ' blocked ' + (event.blockedURI || 'inline content'));
      });
    `);
  }

  /** Stops the backend and starts a new one on the same data folder (a new URL and token). */
  async restartBridge(): Promise<void> {
    await this.bridge.close();
    this.#bridge = await startBrowserBridge({ dataDir: this.dataDir, rendererDir });
    await this.apiCall('accounts.signIn', { name: E2E_ACCOUNT, passphrase: TEST_PASSPHRASE });
  }

  /** Calls the backend over HTTP as the page does (same token, same session). */
  async apiCall<M extends ApiMethod>(method: M, params: ApiParams<M>): Promise<ApiResult<M>> {
    const response = await fetch(`${this.bridge.origin}/api/${method}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${this.bridge.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(params),
    });
    const body = (await response.json()) as unknown;
    assert.equal(response.status, 200, `${method}: ${JSON.stringify(body)}`);
    return body as ApiResult<M>;
  }

  /** Creates an examiner account with the test passphrase (by the signed-in account, if any). */
  async createAccount(name: string): Promise<void> {
    await this.apiCall('accounts.create', {
      name,
      initials: initialsOf(name),
      role: 'examiner',
      passphrase: TEST_PASSPHRASE,
    });
  }

  /** Signs out and back in as `name` through the sign-in page. */
  async signInThroughUi(name: string): Promise<void> {
    await this.page.getByRole('button', { name: 'Sign out' }).click();
    const form = this.page.getByRole('form', { name: 'Sign in' });
    await form.getByLabel('Account name').fill(name);
    await form.getByLabel('Passphrase').fill(TEST_PASSPHRASE);
    await form.getByRole('button', { name: 'Sign in' }).click();
    await this.page.getByLabel('Signed-in account').filter({ hasText: name }).waitFor();
  }

  async screenshot(name: string): Promise<void> {
    if (screenshotDir)
      await this.page.screenshot({
        path: path.join(screenshotDir, `${this.options.screenshotPrefix}-${name}.png`),
        fullPage: true,
      });
  }

  async close(): Promise<void> {
    await this.#browser?.close();
    await this.#bridge?.close();
    if (this.#dataDir) await rm(this.#dataDir, { recursive: true, force: true });
  }
}

function started<T>(value: T | undefined): T {
  assert.ok(value !== undefined, 'the e2e harness has not been started');
  return value;
}
