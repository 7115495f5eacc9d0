/**
 * End to end: the Calibration page and the LR of an analysis in the built renderer (dist/renderer)
 * in Debian's Chromium, against the real browser-mode backend. The lab's calibration (fixture
 * identities A) and its evaluation (identities B) are made as `xssab lr` makes them, on the same
 * data folder; a case with one analysed pair is made through the API. Needs `npm run build` first.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { createApiHandler } from '../../electron/node/api/handler.js';
import { openWorkspace } from '../../electron/node/services/workspace.js';
import { fixturePhotoBase64 } from '../api/handler-harness.js';
import { E2eHarness } from './harness.js';

const FACES = path.resolve('test/fixtures/faces');
const e2e = new E2eHarness({
  dataDirPrefix: 'xssab-calibration-e2e-',
  screenshotPrefix: 'calibration',
  // The form's bad path is answered with a 400, which the browser logs.
  expectedConsoleErrors: [/status of 400 \(Bad Request\)/],
});

before(async () => {
  await e2e.start();
  const workspace = openWorkspace({ dataDir: e2e.dataDir, actor: 'lab-e2e' });
  try {
    const { calibrations } = workspace;
    const training = await calibrations.importSet(
      {
        modelId: 'dlib-resnet34',
        pairsCsv: path.resolve('test/fixtures/lr/calibration-pairs.csv'),
        root: FACES,
        name: 'identities A',
      },
      'lab-e2e',
    );
    const calibration = calibrations.calibrate(training.set.id, { method: 'logistic' }, 'lab-e2e');
    const other = await calibrations.importSet(
      {
        modelId: 'dlib-resnet34',
        pairsCsv: path.resolve('test/fixtures/lr/evaluation-pairs.csv'),
        root: FACES,
        name: 'identities B',
      },
      'lab-e2e',
    );
    calibrations.evaluate(calibration.id, other.set.id, 'lab-e2e');
    const handler = createApiHandler(workspace, { transport: 'cli' });
    const call = async (method: string, params: unknown) => {
      const outcome = await handler.handle(method, params);
      assert.ok(outcome.ok, JSON.stringify(outcome));
      return outcome.result as { id: number };
    };
    const created = await call('cases.create', { caseNumber: 'LR-E2E', title: 'Likelihood ratio' });
    const evidence = [];
    for (const name of ['biden_1.jpg', 'biden_2.jpg'])
      evidence.push(
        await call('evidence.import', {
          caseId: created.id,
          fileName: name,
          dataBase64: await fixturePhotoBase64(name),
        }),
      );
    const pair = await call('pairs.create', {
      caseId: created.id,
      evidenceAId: evidence[0].id,
      evidenceBId: evidence[1].id,
    });
    await call('analyses.run', { pairId: pair.id });
  } finally {
    workspace.close();
  }
});
after(() => e2e.close());

test('the lab reads its calibration and the examiner the LR of an analysis', async (t) => {
  await t.test('the Calibration page lists the calibration with its Cllr and bounds', async () => {
    await e2e.page.goto(e2e.bridge.url);
    await e2e.page.getByRole('navigation', { name: 'Main' }).getByText('Calibration').click();
    await e2e.page.getByRole('heading', { level: 1, name: 'Calibration' }).waitFor();
    const row = e2e.page
      .getByRole('table', { name: 'Calibrations' })
      .getByRole('row')
      .filter({ hasText: '#1' });
    await row.getByText('identities A').waitFor();
    await row.getByText('13 / 23').waitFor();
    await row.getByText(/^1\/\d+ to \d+$/).waitFor();
    assert.match(await row.innerText(), /\d\.\d{3} bits/);
    await e2e.screenshot('list');
    await row.click();
  });

  await t.test('a calibration shows its set, both validations and their Tippett and ECE charts', async () => {
    await e2e.page.getByRole('heading', { level: 1, name: 'Calibration #1' }).waitFor();
    const figures = e2e.page.getByRole('table', { name: 'Validation figures' });
    await figures
      .getByRole('row')
      .filter({ hasText: '5-fold cross-validation on the calibration set' })
      .waitFor();
    const evaluation = figures.getByRole('row').filter({ hasText: 'Evaluation on “identities B”' });
    await evaluation.getByText('5 / 16').waitFor();
    const series = {
      'Tippett plot': ['same-source', 'different-source'],
      'ECE plot': ['system', 'calibrated', 'neutral'],
    };
    for (const caption of [
      '5-fold cross-validation on the calibration set',
      'Evaluation on “identities B”',
    ]) {
      for (const [plot, ids] of Object.entries(series)) {
        const figure = e2e.page.getByRole('figure', { name: `${plot} (${caption})` });
        for (const id of ids) {
          const line = figure.locator(`svg path[data-series="${id}"]`).first();
          await line.waitFor({ state: 'attached' });
          assert.match((await line.getAttribute('d')) ?? '', /^M[^L]+L/, `${plot} draws ${id}`);
        }
      }
    }
    await e2e.page.getByText('low resolution').waitFor();
    const download = e2e.page.waitForEvent('download');
    await e2e.page.getByRole('button', { name: 'Validation report (PDF)' }).click();
    assert.equal((await download).suggestedFilename(), 'calibration-1-validation.pdf');
    await e2e.screenshot('detail');
  });

  await t.test(
    'the analysis states its LR, verbal equivalent and calibration, linked to the page',
    async () => {
      await e2e.page.getByRole('navigation', { name: 'Main' }).getByText('Cases').click();
      await e2e.page
        .getByRole('table', { name: 'Cases' })
        .getByRole('row')
        .filter({ hasText: 'LR-E2E' })
        .click();
      const lr = e2e.page.getByRole('group', { name: 'Likelihood ratio' });
      await lr.getByText(/^LR = \d+/).waitFor({ timeout: 30_000 });
      await lr
        .getByText(/support for the proposition that the two images show the same person \(ENFSI scale\)\.$/)
        .waitFor();
      await e2e.screenshot('analysis');
      const link = lr.getByRole('link', { name: /^Calibration #1: identities A, Cllr \d\.\d{3} bits$/ });
      await link.click();
      await e2e.page.getByRole('heading', { level: 1, name: 'Calibration #1' }).waitFor();
    },
  );

  await t.test('the lab calibrates from the page; a bad path is named under its field', async () => {
    await e2e.page
      .getByRole('navigation', { name: 'Breadcrumb' })
      .getByRole('link', { name: 'Calibration' })
      .click();
    const form = e2e.page.getByRole('form', { name: 'Calibrate a model' });
    await form.getByLabel('Labelled pairs (CSV)').fill(path.join(FACES, 'no-such-pairs.csv'));
    await form.getByRole('button', { name: 'Score and calibrate' }).click();
    await form.getByText(/^The pairs file .*no-such-pairs\.csv cannot be read$/).waitFor();
    assert.equal(await form.getByLabel('Labelled pairs (CSV)').getAttribute('aria-invalid'), 'true');
    await form
      .getByLabel('Labelled pairs (CSV)')
      .fill(path.resolve('test/fixtures/lr/calibration-pairs.csv'));
    await form.getByLabel('Method').click();
    await e2e.page.getByRole('option', { name: 'PAV (isotonic)' }).click();
    await form.getByLabel('Name').fill('identities A, PAV');
    await form.getByRole('button', { name: 'Score and calibrate' }).click();
    await e2e.page.getByRole('heading', { level: 1, name: 'Calibration #2' }).waitFor({ timeout: 60_000 });
    await e2e.page.getByText('PAV (isotonic) of dlib-resnet34 scores on “identities A”').waitFor();
    assert.deepEqual(e2e.pageProblems, []);
  });
});
