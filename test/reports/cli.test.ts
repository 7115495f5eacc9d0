/** `xssab report` as a user runs it: the built CLI in a child process (needs `npm run build:node`). */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import { openWorkspace } from '../../electron/node/services/workspace.js';
import { TEST_PASSPHRASE } from '../api/handler-harness.js';

const bin = resolve('bin/xssab.mjs');
let dataDir: string;

before(async () => {
  assert.ok(
    existsSync('dist/electron/node/cli/xssab.js'),
    'the CLI is not built: run `npm run build:node` first',
  );
  dataDir = mkdtempSync(join(tmpdir(), 'xssab-report-cli-'));
  const workspace = openWorkspace({ dataDir, actor: 'cli-tester' });
  try {
    const created = workspace.cases.create(
      { caseNumber: 'CLI-RPT/1', title: 'Report from the CLI' },
      'cli-tester',
    );
    const bytes = await sharp(join(import.meta.dirname, '..', 'fixtures', 'faces', 'kit_harington_1.jpg'))
      .resize({ width: 320 })
      .jpeg()
      .toBuffer();
    await workspace.evidence.import(
      { caseId: created.id, fileName: 'kit_harington_1.jpg', bytes },
      'cli-tester',
    );
    workspace.accounts.create(
      { name: 'C. Lerk', initials: 'CL', role: 'examiner', passphrase: TEST_PASSPHRASE },
      null,
    );
  } finally {
    workspace.close();
  }
});
after(() => rmSync(dataDir, { recursive: true, force: true }));

function xssab(...args: string[]) {
  const result = spawnSync(process.execPath, [bin, '--data', dataDir, ...args], {
    encoding: 'utf8',
    env: { ...process.env, XSSAB_PASSPHRASE: TEST_PASSPHRASE },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

test('report --case NUMBER --out writes the stored, verified PDF and prints one JSON object', () => {
  const out = join(dataDir, 'copy.pdf');
  const result = xssab('report', '--case', 'CLI-RPT/1', '--out', out, '--account', 'C. Lerk', '--json');
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout.trim().split('\n').length, 1, 'stdout must be one line of JSON');
  const printed = JSON.parse(result.stdout) as {
    reportId: number;
    sha256: string;
    pages: number;
    storedFile: string;
    out: string;
  };
  assert.equal(printed.out, out);
  assert.equal(sha256(readFileSync(out)), printed.sha256);
  assert.deepEqual(readFileSync(printed.storedFile), readFileSync(out));
  assert.ok(printed.pages >= 1);

  const human = xssab('report', '--case', '1', '--account', 'C. Lerk');
  assert.equal(human.code, 0, human.stderr);
  assert.match(
    human.stdout,
    /Exported report \d+ of case 1: \d+ pages?\n {2}SHA-256: [0-9a-f]{64}\n {2}Stored: /,
  );
  assert.ok(human.stdout.includes(printed.sha256), 'unchanged data gives the same report');
});

test('report without --case, or with an unknown case, fails clearly', () => {
  const missing = xssab('report');
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /--case and --account are required/);
  const unknown = xssab('report', '--case', 'NO-SUCH-CASE', '--account', 'C. Lerk');
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /no case has the number or id NO-SUCH-CASE/);
});
