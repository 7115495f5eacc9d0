/** `xssab case …` as a user runs it: the built CLI in a child process (needs `npm run build:node`). */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import type { Case, CaseDetail, CaseSummary } from '../../electron/common/api.js';

const bin = resolve('bin/xssab.mjs');
let dataDir: string;

before(() => {
  assert.ok(
    existsSync('dist/electron/node/cli/xssab.js'),
    'the CLI is not built: run `npm run build:node` first',
  );
  dataDir = mkdtempSync(join(tmpdir(), 'xssab-cli-'));
});
after(() => rmSync(dataDir, { recursive: true, force: true }));

function xssab(...args: string[]) {
  const result = spawnSync(process.execPath, [bin, ...args], {
    encoding: 'utf8',
    env: { ...process.env, XSSAB_DATA: '' },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs with --json and parses stdout, which must be exactly one JSON object. */
function xssabJson<T>(...args: string[]): T {
  const result = xssab('--data', dataDir, ...args, '--json');
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout.trim().split('\n').length, 1, 'stdout must be one line of JSON');
  return JSON.parse(result.stdout) as T;
}

test('no arguments prints the usage with every command and exits 2; --help exits 0', () => {
  const bare = xssab();
  assert.equal(bare.code, 2);
  for (const command of ['case create', 'case list', 'case show'])
    assert.match(bare.stdout, new RegExp(command));
  const help = xssab('--help');
  assert.equal(help.code, 0);
  assert.match(help.stdout, /Usage: xssab \[--data DIR\] <command>/);
  const commandHelp = xssab('case', 'create', '--help');
  assert.equal(commandHelp.code, 0);
  assert.match(commandHelp.stdout, /xssab case create --number NUMBER --title TITLE/);
});

test('case create --json prints the created case, ids included', () => {
  const created = xssabJson<Case>(
    'case',
    'create',
    '--number',
    'CLI-2025/1',
    '--title',
    'Bank robbery',
    '--agency',
    'Federal Police',
    '--examiner',
    'Dr. Lind',
  );
  assert.equal(typeof created.id, 'number');
  assert.equal(created.caseNumber, 'CLI-2025/1');
  assert.equal(created.requestingAgency, 'Federal Police');
  assert.equal(created.status, 'open');
  assert.ok(existsSync(join(dataDir, 'xssab.sqlite')));
});

test('a human summary without --json', () => {
  const result = xssab('--data', dataDir, 'case', 'create', '--number', 'CLI-2', '--title', 'Second');
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^Created case \d+: CLI-2 — Second \(open\)\n$/);
  const listing = xssab('--data', dataDir, 'case', 'list');
  assert.match(listing.stdout, /^ID\s+NUMBER\s+STATUS\s+EVIDENCE\s+UPDATED\s+TITLE$/m);
  assert.match(listing.stdout, /CLI-2025\/1 .* Bank robbery$/m);
});

test('case list --search filters and case show finds a case by number or id', () => {
  const listed = xssabJson<{ cases: CaseSummary[] }>('case', 'list', '--search', 'robbery');
  assert.deepEqual(
    listed.cases.map((c) => c.caseNumber),
    ['CLI-2025/1'],
  );
  const byNumber = xssabJson<CaseDetail>('case', 'show', 'CLI-2025/1');
  const byId = xssabJson<CaseDetail>('case', 'show', String(byNumber.id));
  assert.equal(byId.caseNumber, 'CLI-2025/1');
  assert.deepEqual(byNumber.evidence, []);
  assert.deepEqual(
    byNumber.audit.map((e) => e.action),
    ['case.create'],
  );
});

test('a duplicate number fails with exit 1 and a message on stderr, nothing on stdout', () => {
  const result = xssab(
    '--data',
    dataDir,
    'case',
    'create',
    '--number',
    'CLI-2',
    '--title',
    'Again',
    '--json',
  );
  assert.equal(result.code, 1);
  assert.equal(result.stdout, '');
  assert.match(result.stderr, /case number CLI-2 is already used by case \d+/);
});

test('bad input is a usage error (exit 2) naming the option', () => {
  const badNumber = xssab(
    '--data',
    dataDir,
    'case',
    'create',
    '--number',
    'no spaces allowed',
    '--title',
    'T',
  );
  assert.equal(badNumber.code, 2);
  assert.match(badNumber.stderr, /--number: may contain only letters, digits/);
  const missingTitle = xssab('--data', dataDir, 'case', 'create', '--number', 'X-1');
  assert.equal(missingTitle.code, 2);
  assert.match(missingTitle.stderr, /--title is required/);
  const unknownOption = xssab('--data', dataDir, 'case', 'list', '--colour', 'red');
  assert.equal(unknownOption.code, 2);
  assert.match(unknownOption.stderr, /Unknown option '--colour'/);
  const unknownCommand = xssab('--data', dataDir, 'case', 'destroy');
  assert.equal(unknownCommand.code, 2);
  assert.match(unknownCommand.stderr, /unknown command 'case destroy'/);
  const missing = xssab('--data', dataDir, 'case', 'show', 'NOPE-9', '--json');
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /no case has the number or id NOPE-9/);
});
