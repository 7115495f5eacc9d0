/**
 * End to end: the case view's evidence table shows each stored file's integrity, re-checked when
 * the case is loaded: "Verified" after import, "Modified" and "Missing" after the data folder was
 * altered outside the workstation. Needs `npm run build` first.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import { evidenceRelativePath, resolveStoredPath } from '../../electron/node/store/data-folder.js';
import { E2eHarness } from './harness.js';

const e2e = new E2eHarness({
  dataDirPrefix: 'xssab-e2e-integrity-',
  screenshotPrefix: 'integrity',
  // The previews of the altered files are refused by the backend.
  expectedConsoleErrors: [/status of 500 \(Internal Server Error\)/],
});
before(() => e2e.start());
after(() => e2e.close());

async function photo(name: string, shade: number) {
  const buffer = await sharp({
    create: { width: 48, height: 64, channels: 3, background: { r: shade, g: 120, b: 90 } },
  })
    .png()
    .toBuffer();
  return { name, mimeType: 'image/png', buffer };
}

test('the evidence table shows verified, modified and missing files', async () => {
  await e2e.page.goto(e2e.bridge.url);
  await e2e.page.getByRole('button', { name: 'New case' }).click();
  const dialog = e2e.page.getByRole('dialog', { name: 'New case' });
  await dialog.getByLabel('Case number').fill('2024-INT-0001');
  await dialog.getByLabel('Title').fill('Integrity');
  await dialog.getByRole('button', { name: 'Create case' }).click();
  await e2e.page
    .getByRole('table', { name: 'Cases' })
    .getByRole('row')
    .filter({ hasText: '2024-INT-0001' })
    .click();

  const evidence = e2e.page.getByRole('region', { name: 'Evidence' });
  const chooser = e2e.page.waitForEvent('filechooser');
  await evidence.getByRole('button', { name: 'Import evidence' }).click();
  const files = [
    await photo('kept.png', 200),
    await photo('edited.png', 150),
    await photo('deleted.png', 100),
  ];
  await (await chooser).setFiles(files);
  const row = (name: string) => evidence.getByRole('row').filter({ hasText: name });
  for (const { name } of files) await row(name).getByText('Verified').waitFor();

  await e2e.screenshot('verified');

  const storedFile = (buffer: Buffer) =>
    resolveStoredPath(
      e2e.dataDir,
      evidenceRelativePath(createHash('sha256').update(buffer).digest('hex'), 'image/png'),
    );
  const edited = storedFile(files[1].buffer);
  chmodSync(edited, 0o644);
  writeFileSync(edited, Buffer.concat([readFileSync(edited), Buffer.from([0])]));
  rmSync(storedFile(files[2].buffer));

  await e2e.page.reload();
  await row('edited.png').getByText('Modified').waitFor();
  await row('deleted.png').getByText('Missing').waitFor();
  await row('kept.png').getByText('Verified').waitFor();
  await e2e.screenshot('altered');
  assert.deepEqual(e2e.pageProblems, [], 'no console errors, page errors or CSP violations');
});
