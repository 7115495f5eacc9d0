/**
 * End to end: the built renderer (dist/renderer) in Debian's Chromium, driven through its
 * accessible roles and labels, against the real browser-mode backend on a temporary data folder.
 * Needs `npm run build` first (npm test's pretest does it).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import { TEST_PASSPHRASE } from '../api/handler-harness.js';
import { E2E_ACCOUNT, E2eHarness } from './harness.js';

const e2e = new E2eHarness({
  dataDirPrefix: 'xssab-e2e-',
  screenshotPrefix: 'ui',
  // Browsers log every 4xx response as a console error; these are the ones the test provokes.
  expectedConsoleErrors: [/status of 409 \(Conflict\)/, /status of 401 \(Unauthorized\)/],
});
before(() => e2e.start());
after(() => e2e.close());

const casesTable = () => e2e.page.getByRole('table', { name: 'Cases' });
const caseRow = (caseNumber: string) => casesTable().getByRole('row').filter({ hasText: caseNumber });
const bodyRows = () => casesTable().locator('tbody').getByRole('row');

async function createCase(fields: { caseNumber: string; title: string; agency?: string; examiner?: string }) {
  await e2e.page.getByRole('button', { name: 'New case' }).click();
  const dialog = e2e.page.getByRole('dialog', { name: 'New case' });
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
    await e2e.page.goto(e2e.bridge.url);
    await e2e.page.getByRole('heading', { level: 1, name: 'Cases' }).waitFor();
    await e2e.page.getByText('No cases yet').waitFor();
    assert.doesNotMatch(e2e.page.url(), /token=/, 'the token must not stay in the visible URL');
    await e2e.page.getByText(e2e.dataDir).waitFor();
    await e2e.screenshot('empty-light');
  });

  await t.test('rejects an invalid case with messages under the fields', async () => {
    const dialog = await createCase({ caseNumber: 'case 12!', title: '   ' });
    await dialog.getByText('May contain only letters, digits and - _ . /').waitFor();
    await dialog.getByText('Must not be empty').waitFor();
    assert.equal(await dialog.getByLabel('Case number').getAttribute('aria-invalid'), 'true');
    await e2e.screenshot('dialog-invalid');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    await e2e.page.getByText('No cases yet').waitFor();
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

    await e2e.page.getByLabel('Search cases').fill('robbery');
    await caseRow('2024-FR-0200').waitFor({ state: 'detached' });
    assert.equal(await bodyRows().count(), 1);
    await e2e.screenshot('list-search');

    await e2e.page.getByLabel('Search cases').fill('no such case');
    await e2e.page.getByText('No cases match “no such case”').waitFor();
    await e2e.page.getByRole('button', { name: 'Clear search' }).click();
    await caseRow('2024-FR-0200').waitFor();
  });

  await t.test('opens a case from the keyboard', async () => {
    await caseRow('2024-FR-0117').focus();
    await e2e.page.keyboard.press('Enter');
    await e2e.page.getByRole('heading', { level: 1, name: '2024-FR-0117' }).waitFor();
    assert.match(e2e.page.url(), /#\/cases\/\d+$/);
    await e2e.page.getByText('No evidence imported').waitFor();
  });

  await t.test('edits the title and changes the status', async () => {
    await e2e.page.getByRole('button', { name: 'Edit case' }).click();
    const dialog = e2e.page.getByRole('dialog', { name: 'Edit case 2024-FR-0117' });
    assert.equal(await dialog.getByLabel('Title').inputValue(), 'Bank robbery, Main Street');
    await dialog.getByLabel('Title').fill('Armed robbery, Main Street');
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await dialog.waitFor({ state: 'detached' });
    await e2e.page
      .getByRole('region', { name: 'Case details' })
      .getByText('Armed robbery, Main Street')
      .waitFor();

    await e2e.page.getByLabel('Case status').click();
    await e2e.page.getByRole('option', { name: 'In review' }).click();
    await e2e.page.getByRole('region', { name: 'Case details' }).getByText('In review').waitFor();
    await e2e.page.getByRole('table', { name: 'Audit trail' }).getByText('case.update').first().waitFor();
  });

  await t.test('imports an evidence image and refuses a non-image', async () => {
    const evidence = e2e.page.getByRole('region', { name: 'Evidence' });
    let chooser = e2e.page.waitForEvent('filechooser');
    await evidence.getByRole('button', { name: 'Import evidence' }).click();
    await (await chooser).setFiles({ name: 'probe.png', mimeType: 'image/png', buffer: pngBytes });
    const row = evidence.getByRole('row').filter({ hasText: 'probe.png' });
    await row.getByText(pngSha256).waitFor();
    await row.getByText('64 × 80 px').waitFor();
    await row.getByRole('img', { name: 'Preview of probe.png' }).waitFor();
    await row.getByRole('button', { name: 'Copy SHA-256 of probe.png' }).waitFor();

    chooser = e2e.page.waitForEvent('filechooser');
    await evidence.getByRole('button', { name: 'Import evidence' }).click();
    await (
      await chooser
    ).setFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a face') });
    await evidence.getByRole('alert').filter({ hasText: 'Could not import notes.txt' }).waitFor();
    assert.equal(await evidence.getByRole('row').filter({ hasText: 'notes.txt' }).count(), 0);

    await e2e.page.getByRole('table', { name: 'Audit trail' }).getByText('evidence.import').waitFor();
    await e2e.page.getByText(/Chain verified/).waitFor();
    await e2e.screenshot('case-light');
  });

  await t.test('a closed case is locked until it is reopened with a reason', async () => {
    await e2e.page.getByLabel('Case status').click();
    await e2e.page.getByRole('option', { name: 'Closed' }).click();
    await e2e.page
      .getByRole('dialog', { name: 'Close case 2024-FR-0117?' })
      .getByRole('button', { name: 'Close the case' })
      .click();
    await e2e.page.getByText('This case is closed and locked').waitFor();
    assert.equal(await e2e.page.getByRole('button', { name: 'Edit case' }).count(), 0);
    await e2e.page.getByRole('button', { name: 'Reopen case' }).click();
    const dialog = e2e.page.getByRole('form', { name: 'Reopen case' });
    await dialog.getByLabel('Reason for reopening').fill('The agency sent a second photograph.');
    await dialog.getByRole('button', { name: 'Reopen' }).click();
    await e2e.page.getByRole('button', { name: 'Edit case' }).waitFor();
    const audit = e2e.page.getByRole('table', { name: 'Audit trail' });
    await audit.getByText('case.reopen').waitFor();
    await audit.getByText('The agency sent a second photograph.').waitFor();
  });

  await t.test('signing out shows the sign-in page, which refuses a wrong passphrase', async () => {
    await e2e.page.getByRole('button', { name: 'Sign out' }).click();
    const form = e2e.page.getByRole('form', { name: 'Sign in' });
    await form.getByLabel('Account name').fill(E2E_ACCOUNT);
    await form.getByLabel('Passphrase').fill('not the passphrase');
    await form.getByRole('button', { name: 'Sign in' }).click();
    await form
      .getByRole('alert')
      .filter({ hasText: `wrong passphrase for account ${E2E_ACCOUNT}` })
      .waitFor();
    await form.getByLabel('Passphrase').fill(TEST_PASSPHRASE);
    await form.getByRole('button', { name: 'Sign in' }).click();
    await e2e.page.getByLabel('Signed-in account').filter({ hasText: E2E_ACCOUNT }).waitFor();
    await e2e.page.getByRole('heading', { level: 1, name: '2024-FR-0117' }).waitFor();
  });

  await t.test('remembers the dark theme across a reload', async () => {
    await e2e.page.getByRole('button', { name: 'Switch to dark theme' }).click();
    await e2e.page.reload();
    await e2e.page.getByRole('button', { name: 'Switch to light theme' }).waitFor();
    // The token came from sessionStorage this time: the data must still load.
    await e2e.page.getByRole('heading', { level: 1, name: '2024-FR-0117' }).waitFor();
    await e2e.screenshot('case-dark');
  });

  await t.test('keeps everything after the backend restarts on the same data folder', async () => {
    await e2e.restartBridge();
    await e2e.page.goto(e2e.bridge.url);
    await e2e.page.getByRole('heading', { level: 1, name: 'Cases' }).waitFor();
    await caseRow('2024-FR-0117').getByText('Armed robbery, Main Street').waitFor();
    await caseRow('2024-FR-0117').click();
    const evidence = e2e.page.getByRole('region', { name: 'Evidence' });
    await evidence.getByRole('row').filter({ hasText: 'probe.png' }).getByText(pngSha256).waitFor();
    await e2e.page.getByText(/Chain verified/).waitFor();
  });

  assert.deepEqual(e2e.pageProblems, [], 'no console errors, page errors or CSP violations');
});
