/**
 * The whole case scripted from the CLI, on the same API as the app: case create → evidence add →
 * pair create → analyse → audit verify, each with --json; then an evidence file altered outside
 * the workstation is found by audit verify (exit 1) and refused by analyse.
 */
import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type {
  Analysis,
  AuditVerification,
  Case,
  EvidenceIntegrity,
  EvidenceItem,
  Pair,
} from '../../electron/common/api.js';
import { resolveStoredPath } from '../../electron/node/store/data-folder.js';
import { assertCliBuilt, xssab, xssabJson } from './cli-harness.js';

const FACES = join(import.meta.dirname, '..', 'fixtures', 'faces');
let dataDir: string;
let photos: string;

before(() => {
  assertCliBuilt();
  dataDir = mkdtempSync(join(tmpdir(), 'xssab-case-flow-'));
  photos = mkdtempSync(join(tmpdir(), 'xssab-case-flow-photos-'));
  for (const name of ['obama_1.jpg', 'obama_2.jpg']) copyFileSync(join(FACES, name), join(photos, name));
  writeFileSync(join(photos, 'notes.txt'), 'not a photograph\n');
});
after(() => {
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(photos, { recursive: true, force: true });
});

interface Verified {
  ok: boolean;
  audit: AuditVerification;
  evidence: EvidenceIntegrity[];
}

test('a case from the command line: evidence, pair, analysis, verification', async (t) => {
  const created = xssabJson<Case>(dataDir, 'case', 'create', '--number', 'CF-1', '--title', 'Scripted case');

  let evidence: EvidenceItem[] = [];
  await t.test('evidence add imports the files by name, hashed, into the case found by number', () => {
    ({ evidence } = xssabJson<{ evidence: EvidenceItem[] }>(
      dataDir,
      'evidence',
      'add',
      '--case',
      'CF-1',
      join(photos, 'obama_1.jpg'),
      join(photos, 'obama_2.jpg'),
    ));
    assert.deepEqual(
      evidence.map((item) => [item.caseId, item.originalName, item.mediaType]),
      [
        [created.id, 'obama_1.jpg', 'image/jpeg'],
        [created.id, 'obama_2.jpg', 'image/jpeg'],
      ],
    );
    assert.deepEqual(
      readFileSync(resolveStoredPath(dataDir, evidence[0].storedPath)),
      readFileSync(join(photos, 'obama_1.jpg')),
    );
  });

  await t.test('evidence add refuses a missing file and a non-image with exit 2, naming the file', () => {
    const missing = xssab(dataDir, 'evidence', 'add', '--case', 'CF-1', join(photos, 'nope.jpg'));
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /file not found: .*nope\.jpg/);
    const text = xssab(dataDir, 'evidence', 'add', '--case', 'CF-1', join(photos, 'notes.txt'), '--json');
    assert.equal(text.code, 2);
    assert.equal(text.stdout, '');
    assert.match(text.stderr, /FILE: notes\.txt is not a JPEG, PNG, WebP or TIFF image/);
    const noCase = xssab(dataDir, 'evidence', 'add', join(photos, 'obama_1.jpg'));
    assert.equal(noCase.code, 2);
    assert.match(noCase.stderr, /--case is required/);
  });

  let pair: Pair;
  await t.test('pair create pairs two items; a human summary without --json', () => {
    const bad = xssab(dataDir, 'pair', 'create', '--case', 'CF-1', '--a', String(evidence[0].id), '--b', 'x');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--b must be a number, got "x"/);
    const same = xssab(dataDir, 'pair', 'create', '--case', 'CF-1', '--a', '1', '--b', '1');
    assert.equal(same.code, 2);
    assert.match(same.stderr, /--b: a pair needs two different evidence items/);
    const human = xssab(
      dataDir,
      'pair',
      'create',
      '--case',
      'CF-1',
      '--a',
      String(evidence[0].id),
      '--b',
      String(evidence[1].id),
    );
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, /^Created pair (\d+): evidence \d+ and \d+ of case CF-1\n$/);
    pair = xssabJson<{ pairs: Pair[] }>(dataDir, 'case', 'show', 'CF-1').pairs[0];
    assert.deepEqual([pair.evidenceAId, pair.evidenceBId], [evidence[0].id, evidence[1].id]);
  });

  await t.test('analyse records the xSSAB analysis with the model and input hashes', () => {
    const analysis = xssabJson<Analysis>(dataDir, 'analyse', '--pair', String(pair.id));
    assert.equal(analysis.pairId, pair.id);
    assert.equal(analysis.modelId, 'dlib-resnet34');
    assert.deepEqual(
      [analysis.inputASha256, analysis.inputBSha256],
      [evidence[0].sha256, evidence[1].sha256],
    );
    assert.ok(analysis.score !== null && analysis.threshold !== null && analysis.score > analysis.threshold);
    assert.ok(analysis.artifacts.length > 10);
    const unknownPair = xssab(dataDir, 'analyse', '--pair', '99');
    assert.equal(unknownPair.code, 1);
    assert.match(unknownPair.stderr, /pair 99 does not exist/);
  });

  await t.test('audit verify: everything intact, exit 0', () => {
    const verified = xssabJson<Verified>(dataDir, 'audit', 'verify', '--case', 'CF-1');
    assert.equal(verified.ok, true);
    assert.equal(verified.audit.ok, true);
    assert.deepEqual(
      verified.audit.caseEvents,
      xssabJson<{ audit: unknown[] }>(dataDir, 'case', 'show', 'CF-1').audit.length,
    );
    assert.deepEqual(
      verified.evidence.map((item) => item.state),
      ['verified', 'verified'],
    );
    const human = xssab(dataDir, 'audit', 'verify');
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, /^Audit trail intact: \d+ events/);
    assert.match(human.stdout, /Evidence files: 2 of 2 verified/);
  });

  await t.test('an altered evidence file: audit verify exits 1 naming it, analyse refuses the pair', () => {
    const stored = resolveStoredPath(dataDir, evidence[1].storedPath);
    chmodSync(stored, 0o644);
    const bytes = readFileSync(stored);
    bytes[bytes.length >> 1] ^= 0xff;
    writeFileSync(stored, bytes);

    const verify = xssab(dataDir, 'audit', 'verify', '--case', String(created.id), '--json');
    assert.equal(verify.code, 1);
    const verified = JSON.parse(verify.stdout) as Verified;
    assert.equal(verified.ok, false);
    assert.deepEqual(
      verified.evidence.map((item) => [item.evidenceId, item.state]),
      [
        [evidence[0].id, 'verified'],
        [evidence[1].id, 'modified'],
      ],
    );
    assert.match(verify.stderr, /verification failed \(1 evidence file not as recorded\)/);
    const human = xssab(dataDir, 'audit', 'verify', '--case', 'CF-1');
    assert.match(human.stdout, new RegExp(`evidence ${evidence[1].id}: MODIFIED`));

    const analyse = xssab(dataDir, 'analyse', '--pair', String(pair.id));
    assert.equal(analyse.code, 1);
    assert.match(
      analyse.stderr,
      new RegExp(`stored file of evidence ${evidence[1].id} no longer matches its SHA-256`),
    );
  });
});
