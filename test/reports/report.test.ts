/**
 * The case report through the real API handler: a case with two photos, a pair, an xSSAB analysis
 * and two decisions is exported, rendered back with poppler (pdftoppm, pdftotext), exported again
 * byte-identically, and refused when an analysis image or an evidence file was altered.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import { xssabArtifactRole, type EvidenceItem } from '../../electron/common/api.js';
import { resolveStoredPath } from '../../electron/node/store/data-folder.js';
import type { Workspace } from '../../electron/node/services/workspace.js';
import { fixturePhotoBase64, HandlerHarness } from '../api/handler-harness.js';

const api = new HandlerHarness({ folderPrefix: 'xssab-report-', actor: 'report-tester' });
const { call, failure } = api;
const photo = fixturePhotoBase64;
let folder: string;
let workspace: Workspace;

before(() => {
  api.open();
  ({ folder, workspace } = api);
});
after(() => api.close());

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Appends a byte to a stored read-only file; returns a function that restores it. */
function tamper(path: string): () => void {
  const original = readFileSync(path);
  chmodSync(path, 0o644);
  writeFileSync(path, Buffer.concat([original, Buffer.from([0])]));
  return () => {
    writeFileSync(path, original);
    chmodSync(path, 0o444);
  };
}

const reportCount = (caseId: number) =>
  workspace.db.prepare('SELECT count(*) FROM reports WHERE case_id = ?').pluck().get(caseId) as number;

test('a case report shows evidence, analysis and decisions, and is byte-identical for unchanged data', async (t) => {
  const created = await call('cases.create', {
    caseNumber: 'RPT-2024/017',
    title: 'Identity of the person in the ATM photograph',
    requestingAgency: 'Regional Police, Fraud Unit',
    examiner: 'A. Examiner',
  });
  const evidence: EvidenceItem[] = [];
  for (const name of ['obama_1.jpg', 'obama_2.jpg']) {
    evidence.push(
      await call('evidence.import', { caseId: created.id, fileName: name, dataBase64: await photo(name) }),
    );
  }
  const originals = evidence.map((item) => readFileSync(resolveStoredPath(folder, item.storedPath)));
  const pair = await call('pairs.create', {
    caseId: created.id,
    evidenceAId: evidence[0].id,
    evidenceBId: evidence[1].id,
  });
  const { analysisId } = await call('analyses.run', { pairId: pair.id, integratedGradients: true });
  const analysis = await call('analyses.get', { analysisId });
  const decision = {
    pairId: pair.id,
    analysisId,
    role: 'examiner',
    conclusion: 'moderate_support_same',
  } as const;
  await api.signInAs('A. Examiner');
  await call('decisions.record', {
    ...decision,
    rationale: 'Consistent shape of the ears and the nasal bridge; no unexplained differences.',
  });
  await api.signInAs('B. Verifier');
  await call('decisions.record', {
    ...decision,
    role: 'verifier',
    rationale: 'Agree with the examiner after an independent examination.',
  });
  await api.signInAs('report-tester');

  const detailAtExport = await call('cases.get', { id: created.id });
  const exported = await call('reports.export', { caseId: created.id });
  const pdf = Buffer.from((await call('reports.read', { reportId: exported.reportId })).dataBase64, 'base64');
  const out = join(folder, 'rendered');

  await t.test('the PDF is stored once, read-only, and recorded with an audit event', async () => {
    assert.equal(exported.storedPath, `reports/${created.id}/${exported.sha256}.pdf`);
    assert.equal(sha256(pdf), exported.sha256);
    assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
    const stored = resolveStoredPath(folder, exported.storedPath);
    assert.equal(statSync(stored).mode & 0o777, 0o444);
    const detail = await call('cases.get', { id: created.id });
    assert.deepEqual(
      detail.reports.map((r) => [r.id, r.sha256, r.createdBy]),
      [[exported.reportId, exported.sha256, 'report-tester']],
    );
    const event = detail.audit.at(-1)!;
    assert.equal(event.action, 'report.export');
    assert.equal(event.entityId, exported.reportId);
    assert.equal(event.details.sha256, exported.sha256);
    assert.equal(event.details.pages, exported.pages);
    assert.equal((await call('audit.verify', {})).ok, true);
    evidence.forEach((item, index) =>
      assert.deepEqual(readFileSync(resolveStoredPath(folder, item.storedPath)), originals[index]),
    );
  });

  await t.test('pdftoppm renders every page as a non-blank image', async () => {
    rmSync(out, { recursive: true, force: true });
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'report.pdf'), pdf);
    execFileSync('pdftoppm', ['-png', '-r', '50', join(out, 'report.pdf'), join(out, 'page')]);
    const pages = readdirSync(out)
      .filter((name) => name.startsWith('page'))
      .sort();
    assert.equal(pages.length, exported.pages);
    assert.ok(exported.pages >= 3, `${exported.pages} pages`);
    for (const page of pages) {
      const stats = await sharp(join(out, page)).greyscale().stats();
      const { min, max, stdev } = stats.channels[0];
      assert.ok(
        max - min > 100 && stdev > 5,
        `${page} shows content (min ${min}, max ${max}, stdev ${stdev})`,
      );
    }
  });

  await t.test('pdftotext finds the case, the evidence hashes, the score and the decisions', () => {
    const text = execFileSync('pdftotext', ['-layout', join(out, 'report.pdf'), '-'], { encoding: 'utf8' });
    assert.match(text, /Case RPT-2024\/017/);
    for (const item of evidence) assert.ok(text.includes(item.sha256), `evidence ${item.id} SHA-256`);
    assert.ok(text.includes(analysis.score!.toFixed(4)), 'score');
    assert.ok(text.includes(analysis.threshold!.toFixed(4)), 'threshold');
    assert.ok(text.includes(analysis.modelSha256), 'model SHA-256');
    assert.match(text, /provisional, n = \d+/);
    assert.match(
      text,
      /1 face found; face 1 of 1 \(numbered largest first\) was compared; landmarks\s+detected/,
    );
    assert.match(text, /share of the larger maximum of A and B/);
    assert.match(text, /combined map ±100 % = \d\.\d\de-\d+/);
    assert.match(text, /Moderate support for the proposition that A and B show the same person/);
    assert.match(text, /A\. Examiner/);
    assert.match(text, /B\. Verifier/);
    assert.match(text, /Agree with the examiner after an independent examination\./);
    assert.match(text, /not\s+evidence\s+of\s+identity\s+on\s+their\s+own/);
    // The model's explanation validity, in the analysis and in the method section, and the region rows.
    const flat = text.replace(/\s+/g, ' ');
    assert.equal(
      flat.match(
        /For this model the xSSAB by decision map localises manipulated regions with AUROC \d\.\d\d/g,
      )?.length,
      2,
    );
    assert.match(flat, /Regions of A support \/ opposition: Right eye \d+ % \/ \d+ %/);
    assert.match(flat, /dlib ResNet-34 face descriptor \(128-d\) \(dlib-resnet34\): For this model/);
    const { decisions } = workspace.cases.getDetail(created.id, 'unsealed');
    const compact = text.replace(/\s+/g, '');
    for (const decision of decisions) {
      assert.ok(compact.includes(decision.signature!), `the PDF prints decision ${decision.id}'s signature`);
    }
    assert.match(text, /Signed by\s+A\. Examiner \(AE, examiner, account \d+\); signature verified/);
    assert.match(text, /Verifies\s+decision #\d+, without having seen its conclusion/);
    const anchorEvent = detailAtExport.audit.filter((e) => e.action !== 'report.export').at(-1)!;
    const signedAnchor = workspace.audit.signHead({ length: anchorEvent.seq, headHash: anchorEvent.hash });
    assert.ok(compact.includes(signedAnchor.signature), 'the PDF prints the signed checkpoint of its anchor');
    assert.ok(compact.includes(signedAnchor.keyFingerprint), 'and the workstation key fingerprint');
    assert.match(text, new RegExp(`Page 1 of ${exported.pages}`));
    assert.match(text, new RegExp(`Page ${exported.pages} of ${exported.pages}`));
  });

  await t.test('a second export of unchanged data is byte-identical and stores no second file', async () => {
    const again = await call('reports.export', { caseId: created.id, actor: 'someone-else' });
    assert.notEqual(again.reportId, exported.reportId);
    assert.equal(again.sha256, exported.sha256);
    assert.equal(again.storedPath, exported.storedPath);
    assert.deepEqual(readdirSync(join(folder, 'reports', String(created.id))), [`${exported.sha256}.pdf`]);
  });

  await t.test('a change to the case gives a different report', async () => {
    await call('cases.update', { id: created.id, notes: 'Report requested by the prosecutor.' });
    const changed = await call('reports.export', { caseId: created.id });
    assert.notEqual(changed.sha256, exported.sha256);
  });

  await t.test('an altered analysis image or evidence file stops the export; nothing is stored', async () => {
    const reportsBefore = reportCount(created.id);
    const filesBefore = readdirSync(join(folder, 'reports', String(created.id))).sort();
    const role = xssabArtifactRole('b', 'neg', 'png');
    const restoreMap = tamper(resolveStoredPath(folder, `artifacts/${analysisId}/${role}`));
    const map = await failure('reports.export', { caseId: created.id });
    assert.equal(map.code, 'INTERNAL');
    assert.match(
      map.message,
      new RegExp(
        `artifact '${role.replaceAll('.', '\\.')}'.*no longer matches its SHA-256.*no report was made`,
      ),
    );
    restoreMap();

    const restoreEvidence = tamper(resolveStoredPath(folder, evidence[1].storedPath));
    const original = await failure('reports.export', { caseId: created.id });
    assert.equal(original.code, 'INTERNAL');
    assert.match(
      original.message,
      new RegExp(`evidence ${evidence[1].id} no longer matches its SHA-256.*no report was made`),
    );
    restoreEvidence();

    assert.equal(reportCount(created.id), reportsBefore);
    assert.deepEqual(readdirSync(join(folder, 'reports', String(created.id))).sort(), filesBefore);
    assert.equal(
      (await call('cases.get', { id: created.id })).audit.filter((e) => e.action === 'report.export').length,
      reportsBefore,
    );
  });

  await t.test('reports.read refuses a stored report that was altered', async () => {
    tamper(resolveStoredPath(folder, exported.storedPath));
    const error = await failure('reports.read', { reportId: exported.reportId });
    assert.equal(error.code, 'INTERNAL');
    assert.match(error.message, /no longer matches its SHA-256/);
    assert.equal((await failure('reports.read', { reportId: 9999 })).code, 'NOT_FOUND');
  });
});

test('a case without comparisons still gets a complete report', async () => {
  const created = await call('cases.create', { caseNumber: 'RPT-EMPTY', title: 'Nothing compared yet' });
  await call('evidence.import', {
    caseId: created.id,
    fileName: 'biden_1.jpg',
    dataBase64: await photo('biden_1.jpg'),
  });
  const exported = await call('reports.export', { caseId: created.id });
  const pdf = Buffer.from((await call('reports.read', { reportId: exported.reportId })).dataBase64, 'base64');
  const path = join(folder, 'empty.pdf');
  writeFileSync(path, pdf);
  const text = execFileSync('pdftotext', [path, '-'], { encoding: 'utf8' });
  assert.match(text, /No pair of images has been compared in this case\./);
  assert.match(text, /RPT-EMPTY/);
  assert.equal((await failure('reports.export', { caseId: 4242 })).code, 'NOT_FOUND');
});

test('names in Polish, Cyrillic, Greek and CJK print as written, and the report stays byte-identical', async () => {
  const names = {
    examiner: 'Łukasz Żółć',
    title: 'Опознание: Ελληνική υπόθεση',
    agency: '東京都警察 科学捜査研究所',
    verifier: '王小明',
    evidence: 'снимок_камеры_Ж.jpg',
  };
  const created = await call('cases.create', {
    caseNumber: 'RPT-UNICODE',
    title: names.title,
    requestingAgency: names.agency,
    examiner: names.examiner,
  });
  const a = await call('evidence.import', {
    caseId: created.id,
    fileName: names.evidence,
    dataBase64: await photo('obama_1.jpg'),
  });
  const b = await call('evidence.import', {
    caseId: created.id,
    fileName: 'obama_2.jpg',
    dataBase64: await photo('obama_2.jpg'),
  });
  const pair = await call('pairs.create', { caseId: created.id, evidenceAId: a.id, evidenceBId: b.id });
  const decision = { pairId: pair.id, conclusion: 'inconclusive' } as const;
  await api.signInAs(names.examiner);
  await call('decisions.record', { ...decision, role: 'examiner', rationale: 'Zażółć gęślą jaźń.' });
  await api.signInAs(names.verifier);
  await call('decisions.record', { ...decision, role: 'verifier', rationale: '同意。' });

  const exported = await call('reports.export', { caseId: created.id });
  const pdf = Buffer.from((await call('reports.read', { reportId: exported.reportId })).dataBase64, 'base64');
  const path = join(folder, 'unicode.pdf');
  writeFileSync(path, pdf);
  const text = execFileSync('pdftotext', [path, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
  for (const written of [...Object.values(names), 'Zażółć gęślą jaźń.', '同意。']) {
    assert.ok(text.includes(written), `"${written}" is in the extracted text`);
  }
  const fonts = execFileSync('pdffonts', [path], { encoding: 'utf8' });
  assert.match(fonts, /NotoSans-Regular/);
  assert.match(fonts, /NotoSansSC/);

  const again = await call('reports.export', { caseId: created.id });
  assert.equal(again.sha256, exported.sha256);
});
