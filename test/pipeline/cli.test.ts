/** `xssab verify` and `xssab models` through the CLI dispatcher, in process, on the fixture photos. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import { commands } from '../../electron/node/cli/commands/index.js';
import { runCli } from '../../electron/node/cli/run-cli.js';
import { parseCsv } from '../../native-models/pipeline/csv.js';

const FACES = resolve('test/fixtures/faces');
let dataDir: string;

before(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'xssab-verify-cli-'));
});
after(() => rmSync(dataDir, { recursive: true, force: true }));

async function xssab(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(
    ['--data', dataDir, ...args],
    commands,
    { out: (t) => out.push(t), err: (t) => err.push(t) },
    {},
  );
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

test('batch verify writes every row, gives a photo without a face an error row, and goes on', async () => {
  const root = mkdtempSync(join(dataDir, 'photos-'));
  await sharp({ create: { width: 300, height: 200, channels: 3, background: { r: 90, g: 120, b: 60 } } })
    .jpeg()
    .toFile(join(root, 'lawn.jpg'));
  const pairs = join(root, 'pairs.csv');
  writeFileSync(
    pairs,
    [
      'a,b,note',
      `${FACES}/obama_1.jpg,${FACES}/obama_2.jpg,"same, portrait"`,
      `${FACES}/obama_1.jpg,lawn.jpg,no face`,
      `${FACES}/biden_1.jpg,${FACES}/obama_2.jpg,different`,
    ].join('\n'),
  );
  const out = join(root, 'scores.csv');
  const run = await xssab('verify', '--pairs', pairs, '--root', root, '--out', out, '--json');
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /\[2\/3\] .*lawn\.jpg: no face found in .*lawn\.jpg/);
  const summary = JSON.parse(run.stdout);
  assert.deepEqual([summary.pairs, summary.scored, summary.errors], [3, 2, 1]);
  assert.equal(summary.models[0].id, 'dlib-resnet34');

  const text = readFileSync(out, 'utf8');
  assert.equal(text.split('\n')[0], 'a,b,note,score,decision,faces_a,faces_b,error');
  const rows = parseCsv(text, ['a', 'b', 'score', 'decision', 'faces_a', 'faces_b', 'error']);
  assert.deepEqual(
    rows.map((r) => [r.note, r.decision, r.faces_a, r.faces_b, r.error === '' ? '' : 'error']),
    [
      ['same, portrait', 'match', '1', '1', ''],
      ['no face', '', '', '', 'error'],
      ['different', 'non-match', '1', '1', ''],
    ],
  );
  assert.ok(Number(rows[0].score) > Number(rows[2].score));
});

test('verify of two photos with --all-models reports each model, its threshold and whether they agree', async () => {
  const run = await xssab(
    'verify',
    '--a',
    `${FACES}/kit_harington_1.jpg`,
    '--b',
    `${FACES}/multi_kit_with_rose.jpg`,
    '--face-b',
    '0',
    '--all-models',
    '--json',
  );
  assert.equal(run.code, 0, run.stderr);
  const result = JSON.parse(run.stdout);
  assert.deepEqual(
    result.scores.map((s: { id: string }) => s.id),
    ['dlib-resnet34', 'fr-feature', 'fusion-arcface', 'mobileface'],
  );
  for (const s of result.scores) {
    assert.match(s.sha256, /^[0-9a-f]{64}$/);
    assert.equal(s.threshold.calibration.provisional, true);
    assert.equal(s.decision, s.score >= s.threshold.value ? 'match' : 'non-match');
  }
  assert.equal(result.agree, result.scores[0].decision === result.scores[1].decision);
  assert.ok(result.b.faces >= 2);
  assert.match(result.a.sha256, /^[0-9a-f]{64}$/);

  const human = await xssab('verify', '--a', `${FACES}/obama_1.jpg`, '--b', `${FACES}/obama_3.jpg`);
  assert.equal(human.code, 0, human.stderr);
  assert.match(
    human.stdout,
    /^dlib-resnet34: score 0\.\d{4} vs threshold 0\.9148 \(EER on test\/fixtures\/faces\/pairs\.csv, n = 120, provisional\) → match/,
  );

  const wrongFace = await xssab(
    'verify',
    '--a',
    `${FACES}/obama_1.jpg`,
    '--b',
    `${FACES}/obama_3.jpg`,
    '--face-b',
    '4',
  );
  assert.equal(wrongFace.code, 1);
  assert.match(wrongFace.stderr, /obama_3\.jpg has 1 face \(0 = largest\); there is no face 4/);
});

test('models import, list and a tampered import refused by verify', async () => {
  const imported = await xssab(
    'models',
    'import',
    'test/fixtures/golden/iresnet/model.onnx',
    '--size',
    '112',
    '--mean',
    '127.5',
    '--std',
    '127.5',
    '--color',
    'rgb',
    '--name',
    'Lab IResNet',
    '--threshold',
    '0.25',
  );
  assert.equal(imported.code, 0, imported.stderr);
  assert.match(imported.stdout, /imported lab-iresnet \(Lab IResNet\)/);

  const listed = await xssab('models', 'list', '--json');
  const models = JSON.parse(listed.stdout).models;
  assert.deepEqual(
    models.map((m: { id: string; status: string }) => `${m.id}:${m.status}`),
    [
      'dlib-resnet34:verified',
      'fr-feature:verified',
      'fusion-arcface:verified',
      'mobileface:verified',
      'lab-iresnet:verified',
    ],
  );
  assert.equal(models[4].provenance.importedBy.length > 0, true);
  assert.match(
    (await xssab('models', 'list')).stdout,
    /\* dlib-resnet34 +shipped +150×150 rgb → 128-d +0\.9148 \(provisional, n=120\) +AUC 1\.0000/,
  );

  const bad = await xssab(
    'models',
    'import',
    'test/fixtures/faces/labels.csv',
    '--size',
    '112',
    '--mean',
    '0',
    '--std',
    '1',
    '--color',
    'rgb',
  );
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /cannot import .*labels\.csv: it is not a readable ONNX model/);

  const path = models[4].path as string;
  const bytes = readFileSync(path);
  bytes[200] ^= 0x10;
  writeFileSync(path, bytes);
  const refused = await xssab(
    'verify',
    '--a',
    `${FACES}/obama_1.jpg`,
    '--b',
    `${FACES}/obama_3.jpg`,
    '--model',
    'lab-iresnet',
  );
  assert.equal(refused.code, 1);
  assert.match(
    refused.stderr,
    /refusing .*lab-iresnet\/model\.onnx: its SHA-256 is [0-9a-f]{64} but the manifest says/,
  );
});

test('explain of two photographs with a registered model writes maps over the crops and the photos', async () => {
  const out = join(dataDir, 'explained');
  const run = await xssab(
    'explain',
    '--a',
    `${FACES}/biden_1.jpg`,
    '--b',
    `${FACES}/biden_2.jpg`,
    '--model',
    'mobileface',
    '--integrated-gradients',
    '--threads',
    '1',
    '--out',
    out,
    '--json',
  );
  assert.equal(run.code, 0, run.stderr);
  const result = JSON.parse(run.stdout);
  assert.equal(result.model.id, 'mobileface');
  assert.equal(result.decision, 'match');
  assert.equal(result.calibration.n, 120);
  assert.equal(result.photos.a.faces, 1);
  // pos, neg, combined and the integrated-gradients map of each side
  assert.equal(Object.keys(result.maps).length, 8);
  assert.equal(result.integratedGradients.smoothing, 4);
  assert.equal(result.regions.a.length, 11);
  assert.match(
    result.explanations.statement,
    /^For this model the xSSAB by decision map localises manipulated regions with AUROC/,
  );
  for (const file of [
    'a.crop.png',
    'a.ig.npy',
    'b.ig.photo.png',
    'b.combined.npy',
    'b.combined.png',
    'b.combined.photo.png',
    'result.json',
  ]) {
    assert.ok(readFileSync(join(out, file)).length > 0, file);
  }
  const raw = await xssab('explain', '--a', 'a.png', '--b', 'b.png', '--model', 'net.onnx', '--out', out);
  assert.equal(raw.code, 2);
  assert.match(raw.stderr, /name a registered model \(xssab models list\) to explain photographs/);
});

test('verify and explain need nothing but the two photos (default model, default output folder)', () => {
  const cwd = mkdtempSync(join(dataDir, 'cwd-'));
  const xssabBin = (...args: string[]) =>
    execFileSync(process.execPath, [resolve('bin/xssab.mjs'), ...args], {
      cwd,
      env: { ...process.env, XSSAB_DATA: dataDir },
      encoding: 'utf8',
    });
  const [a, b] = [`${FACES}/obama_1.jpg`, `${FACES}/obama_2.jpg`];
  assert.match(
    xssabBin('verify', '--a', a, '--b', b),
    /^dlib-resnet34: score 0\.\d+ vs threshold .* → match$/m,
  );
  const summary = xssabBin('explain', '--a', a, '--b', b);
  const folder = join(cwd, 'xssab-explain-0930e3aa8cae-a7efcc907375');
  assert.match(summary, new RegExp(`to ${folder}$`, 'm'));
  for (const file of ['result.json', 'a.combined.npy', 'b.pos.photo.png']) {
    assert.ok(existsSync(join(folder, file)), file);
  }
});

test('bench --pipeline times every stage of the photo path', async () => {
  const run = await xssab(
    'bench',
    '--pipeline',
    '--a',
    `${FACES}/obama_1.jpg`,
    '--b',
    `${FACES}/biden_1.jpg`,
    '--model',
    'mobileface',
    '--iterations',
    '1',
    '--threads',
    '1',
    '--json',
  );
  assert.equal(run.code, 0, run.stderr);
  const report = JSON.parse(run.stdout);
  assert.equal(report.model.id, 'mobileface');
  for (const stage of ['decode', 'detect', 'align', 'preprocess', 'embed', 'explain'])
    assert.ok(report.pairMs[stage] > 0, stage);
  assert.ok(report.pairMs.total >= report.pairMs.detect + report.pairMs.explain);
});

test('models list says how far each model’s explanations are validated; models validate names what it lacks', async () => {
  const list = await xssab('models', 'list', '--json');
  assert.equal(list.code, 0, list.stderr);
  const { models } = JSON.parse(list.stdout) as {
    models: { id: string; explanations: { validated: boolean; defaultMap: string; statement: string } }[];
  };
  for (const id of ['dlib-resnet34', 'mobileface']) {
    const { explanations } = models.find((m) => m.id === id)!;
    assert.equal(explanations.validated, true, `${id} ships a validation record`);
    assert.equal(explanations.defaultMap, 'decision', `${id}: the validated xSSAB-by-decision map`);
    assert.match(explanations.statement, /on 150 pairs \(held-out people/);
  }
  const human = await xssab('models', 'list');
  assert.match(human.stdout, /explanations/);
  assert.match(human.stdout, /default map: decision/);

  const missing = await xssab(
    'models',
    'validate',
    '--model',
    'mobileface',
    '--root',
    FACES,
    '--out',
    dataDir,
  );
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /--pairs/);
});
