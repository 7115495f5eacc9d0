/**
 * End to end: the built renderer (dist/renderer) in Debian's Chromium, driven through its
 * accessible roles and labels, against the real browser-mode backend on a temporary data folder.
 * Needs `npm run build` first (npm test's pretest does it).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import sharp from 'sharp';
import { startBrowserBridge } from '../../electron/node/bridge/index.js';

type Bridge = Awaited<ReturnType<typeof startBrowserBridge>>;

const rendererDir = path.resolve('dist/renderer');
const screenshotDir = process.env.XSSAB_E2E_SCREENSHOTS;

let dataDir: string;
let bridge: Bridge | undefined;
let browser: Browser;
let context: BrowserContext;
let page: Page;
/** Console errors, uncaught page errors and CSP violations, each as one line. */
const pageProblems: string[] = [];
/** Browsers log every 4xx response as a console error; these are the ones the test provokes. */
const expectedConsoleErrors: RegExp[] = [/status of 409 \(Conflict\)/];

before(async () => {
  assert.ok(
    existsSync(path.join(rendererDir, 'index.html')),
    'dist/renderer is missing: run `npm run build` first',
  );
  dataDir = await mkdtemp(path.join(tmpdir(), 'xssab-e2e-'));
  bridge = await startBrowserBridge({ dataDir, rendererDir });
  browser = await chromium.launch({
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
  context = await browser.newContext({ colorScheme: 'light', viewport: { width: 1360, height: 900 } });
  page = await context.newPage();
  page.setDefaultTimeout(10_000);
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const text = `${message.text()} (${message.location().url})`;
    if (!expectedConsoleErrors.some((pattern) => pattern.test(text))) pageProblems.push(`console: ${text}`);
  });
  page.on('pageerror', (error) => pageProblems.push(`page error: ${error.message}`));
  await page.exposeFunction('reportCspViolation', (line: string) => pageProblems.push(`CSP: ${line}`));
  // A string, not a function: this file is compiled without DOM types. Init scripts are injected
  // by the browser, so the page's CSP does not block this one.
  await page.addInitScript(`
    document.addEventListener('securitypolicyviolation', (event) => {
      window.reportCspViolation(event.violatedDirective + ' blocked ' + (event.blockedURI || 'inline content'));
    });
  `);
});

after(async () => {
  await browser?.close();
  await bridge?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

async function screenshot(name: string) {
  if (screenshotDir)
    await page.screenshot({ path: path.join(screenshotDir, `ui-${name}.png`), fullPage: true });
}

const casesTable = () => page.getByRole('table', { name: 'Cases' });
const caseRow = (caseNumber: string) => casesTable().getByRole('row').filter({ hasText: caseNumber });
const bodyRows = () => casesTable().locator('tbody').getByRole('row');

async function createCase(fields: { caseNumber: string; title: string; agency?: string; examiner?: string }) {
  await page.getByRole('button', { name: 'New case' }).click();
  const dialog = page.getByRole('dialog', { name: 'New case' });
  await dialog.getByLabel('Case number').fill(fields.caseNumber);
  await dialog.getByLabel('Title').fill(fields.title);
  if (fields.agency) await dialog.getByLabel('Requesting agency').fill(fields.agency);
  if (fields.examiner) await dialog.getByLabel('Examiner').fill(fields.examiner);
  await dialog.getByRole('button', { name: 'Create case' }).click();
  return dialog;
}

test('an examiner creates, finds, edits and documents a case, and it survives a restart', async (t) => {
  const pngBytes = await sharp({
    create: { width: 64, height: 80, channels: 3, background: { r: 196, g: 164, b: 140 } },
  })
    .png()
    .toBuffer();
  const pngSha256 = createHash('sha256').update(pngBytes).digest('hex');

  await t.test('opens on the token link with an empty case list', async () => {
    await page.goto(bridge!.url);
    await page.getByRole('heading', { level: 1, name: 'Cases' }).waitFor();
    await page.getByText('No cases yet').waitFor();
    assert.doesNotMatch(page.url(), /token=/, 'the token must not stay in the visible URL');
    await page.getByText(dataDir).waitFor();
    await screenshot('empty-light');
  });

  await t.test('rejects an invalid case with messages under the fields', async () => {
    const dialog = await createCase({ caseNumber: 'case 12!', title: '   ' });
    await dialog.getByText('May contain only letters, digits and - _ . /').waitFor();
    await dialog.getByText('Must not be empty').waitFor();
    assert.equal(await dialog.getByLabel('Case number').getAttribute('aria-invalid'), 'true');
    await screenshot('dialog-invalid');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByText('No cases yet').waitFor();
  });

  await t.test('creates cases and lists them', async () => {
    let dialog = await createCase({
      caseNumber: '2024-FR-0117',
      title: 'Bank robbery, Main Street',
      agency: 'Metropolitan Police',
      examiner: 'J. Doe',
    });
    await dialog.waitFor({ state: 'detached' });
    dialog = await createCase({
      caseNumber: '2024-FR-0200',
      title: 'Passport fraud',
      agency: 'Border Agency',
    });
    await dialog.waitFor({ state: 'detached' });
    await caseRow('2024-FR-0117').getByText('Metropolitan Police').waitFor();
    await caseRow('2024-FR-0200').getByText('Open').waitFor();
    assert.equal(await bodyRows().count(), 2);
  });

  await t.test('shows the backend conflict for a duplicate case number in the dialog', async () => {
    const dialog = await createCase({ caseNumber: '2024-FR-0117', title: 'Duplicate' });
    await dialog.getByRole('alert').filter({ hasText: '2024-FR-0117' }).waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    assert.equal(await bodyRows().count(), 2);
  });

  await t.test('sorts by column and searches', async () => {
    await casesTable().getByRole('button', { name: 'Case number' }).click();
    await bodyRows().first().filter({ hasText: '2024-FR-0117' }).waitFor();
    await casesTable().getByRole('button', { name: 'Case number' }).click();
    await bodyRows().first().filter({ hasText: '2024-FR-0200' }).waitFor();

    await page.getByLabel('Search cases').fill('robbery');
    await caseRow('2024-FR-0200').waitFor({ state: 'detached' });
    assert.equal(await bodyRows().count(), 1);
    await screenshot('list-search');

    await page.getByLabel('Search cases').fill('no such case');
    await page.getByText('No cases match “no such case”').waitFor();
    await page.getByRole('button', { name: 'Clear search' }).click();
    await caseRow('2024-FR-0200').waitFor();
  });

  await t.test('opens a case from the keyboard', async () => {
    await caseRow('2024-FR-0117').focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: '2024-FR-0117' }).waitFor();
    assert.match(page.url(), /#\/cases\/\d+$/);
    await page.getByText('No evidence imported').waitFor();
  });

  await t.test('edits the title and changes the status', async () => {
    await page.getByRole('button', { name: 'Edit case' }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit case 2024-FR-0117' });
    assert.equal(await dialog.getByLabel('Title').inputValue(), 'Bank robbery, Main Street');
    await dialog.getByLabel('Title').fill('Armed robbery, Main Street');
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page
      .getByRole('region', { name: 'Case details' })
      .getByText('Armed robbery, Main Street')
      .waitFor();

    await page.getByLabel('Case status').click();
    await page.getByRole('option', { name: 'In review' }).click();
    await page.getByRole('region', { name: 'Case details' }).getByText('In review').waitFor();
    await page.getByRole('table', { name: 'Audit trail' }).getByText('case.update').first().waitFor();
  });

  await t.test('imports an evidence image and refuses a non-image', async () => {
    const evidence = page.getByRole('region', { name: 'Evidence' });
    let chooser = page.waitForEvent('filechooser');
    await evidence.getByRole('button', { name: 'Import evidence' }).click();
    await (await chooser).setFiles({ name: 'probe.png', mimeType: 'image/png', buffer: pngBytes });
    const row = evidence.getByRole('row').filter({ hasText: 'probe.png' });
    await row.getByText(pngSha256).waitFor();
    await row.getByText('64 × 80 px').waitFor();
    await row.getByRole('img', { name: 'Preview of probe.png' }).waitFor();
    await row.getByRole('button', { name: 'Copy SHA-256 of probe.png' }).waitFor();

    chooser = page.waitForEvent('filechooser');
    await evidence.getByRole('button', { name: 'Import evidence' }).click();
    await (
      await chooser
    ).setFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a face') });
    await evidence.getByRole('alert').filter({ hasText: 'Could not import notes.txt' }).waitFor();
    assert.equal(await evidence.getByRole('row').filter({ hasText: 'notes.txt' }).count(), 0);

    await page.getByRole('table', { name: 'Audit trail' }).getByText('evidence.import').waitFor();
    await page.getByText(/Chain verified/).waitFor();
    await screenshot('case-light');
  });

  await t.test('remembers the dark theme across a reload', async () => {
    await page.getByRole('button', { name: 'Switch to dark theme' }).click();
    await page.reload();
    await page.getByRole('button', { name: 'Switch to light theme' }).waitFor();
    // The token came from sessionStorage this time: the data must still load.
    await page.getByRole('heading', { level: 1, name: '2024-FR-0117' }).waitFor();
    await screenshot('case-dark');
  });

  await t.test('keeps everything after the backend restarts on the same data folder', async () => {
    await bridge!.close();
    bridge = await startBrowserBridge({ dataDir, rendererDir });
    await page.goto(bridge.url);
    await page.getByRole('heading', { level: 1, name: 'Cases' }).waitFor();
    await caseRow('2024-FR-0117').getByText('Armed robbery, Main Street').waitFor();
    await caseRow('2024-FR-0117').click();
    const evidence = page.getByRole('region', { name: 'Evidence' });
    await evidence.getByRole('row').filter({ hasText: 'probe.png' }).getByText(pngSha256).waitFor();
    await page.getByText(/Chain verified/).waitFor();
  });

  assert.deepEqual(pageProblems, [], 'no console errors, page errors or CSP violations');
});
