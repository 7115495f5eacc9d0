/**
 * `kill -9` during an analysis, then the next one: the killed process leaves its staging folder;
 * a crash between renaming that folder to artifacts/<id> and committing the row leaves an artifact
 * folder without a row; a crash inside a write leaves a `.partial` file. The next workspace to
 * open removes all three, and the next analysis is recorded (no ENOTEMPTY, no raw failure).
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Analysis } from '../../electron/common/api.js';
import { openWorkspace } from '../../electron/node/services/workspace.js';
import { assertCliBuilt, caseWithPair, spawnXssab, xssabJson } from './cli-harness.js';

const FACES = join(import.meta.dirname, '..', 'fixtures', 'faces');
let dataDir: string;

before(() => {
  assertCliBuilt();
  dataDir = mkdtempSync(join(tmpdir(), 'xssab-crash-'));
});
after(() => rmSync(dataDir, { recursive: true, force: true }));

const artifacts = () => join(dataDir, 'artifacts');
const stagingFolders = () =>
  existsSync(artifacts()) ? readdirSync(artifacts()).filter((name) => name.startsWith('.staging-')) : [];

/** A pid no process has: the highest possible one on Linux plus one. */
const DEAD_PID = 4_194_305;

test('an analysis killed with SIGKILL leaves nothing that stops the next one', async () => {
  const { evidence, pair } = caseWithPair(dataDir, 'CRASH-1', 'Killed analysis', [
    join(FACES, 'obama_1.jpg'),
    join(FACES, 'obama_2.jpg'),
  ]);

  // Killed while the worker writes its maps to the staging folder.
  const child = spawnXssab(dataDir, 'analyse', '--pair', String(pair.id));
  const exited = once(child, 'exit');
  const deadline = Date.now() + 120_000;
  while (stagingFolders().length === 0) {
    assert.ok(Date.now() < deadline, 'the analysis never started writing its maps');
    assert.equal(child.exitCode, null, 'the analysis finished before it could be killed');
    await sleep(5);
  }
  child.kill('SIGKILL');
  const [, signal] = await exited;
  assert.equal(signal, 'SIGKILL');
  const [staging] = stagingFolders();
  assert.match(staging, /^\.staging-\d+-[0-9a-f]+$/);

  // What a kill at the other two moments leaves: the folder of the id the row would have had,
  // and a half-written file of a dead process.
  mkdirSync(join(artifacts(), '1'));
  writeFileSync(join(artifacts(), '1', 'a.combined.png'), 'half a map');
  const evidenceFolder = join(dataDir, 'evidence', evidence[0].sha256.slice(0, 2));
  const partial = join(evidenceFolder, `${evidence[0].sha256}.jpg.${DEAD_PID}-0a1b2c3d4e5f.partial`);
  writeFileSync(partial, 'half a photo');
  // A temporary file of a process that still runs (this one) is left alone.
  const live = join(evidenceFolder, `other.jpg.${process.pid}-0a1b2c3d4e5f.partial`);
  copyFileSync(join(FACES, 'obama_1.jpg'), live);

  const workspace = openWorkspace({ dataDir });
  workspace.close();
  assert.deepEqual(stagingFolders(), []);
  assert.ok(!existsSync(join(artifacts(), '1')), 'the folder without a row is removed');
  assert.ok(!existsSync(partial), 'the .partial file of a dead process is removed');
  assert.ok(existsSync(live), "a live process's .partial file stays");
  rmSync(live);

  const analysis = xssabJson<Analysis>(dataDir, 'analyse', '--pair', String(pair.id));
  assert.equal(analysis.id, 1);
  assert.ok(analysis.score !== null && analysis.threshold !== null && analysis.score > analysis.threshold);
  assert.ok(readdirSync(join(artifacts(), '1')).length === analysis.artifacts.length);
});

test('a folder without a row under the next id is replaced by the analysis recorded there', async () => {
  const workspace = openWorkspace({ dataDir });
  try {
    // Left behind while this workspace is open (e.g. by another process that crashed).
    mkdirSync(join(artifacts(), '2'));
    writeFileSync(join(artifacts(), '2', 'stale.png'), 'stale');
    const pair = workspace.comparisons.pair(1);
    const analysisId = await workspace.comparisons.runAnalysis(pair.id, undefined, 'crash-tester');
    assert.equal(analysisId, 2);
    assert.ok(!existsSync(join(artifacts(), '2', 'stale.png')));
    assert.equal(
      readdirSync(join(artifacts(), '2')).length,
      workspace.comparisons.analysis(2).artifacts.length,
    );
  } finally {
    workspace.close();
  }
});
