/**
 * Errors name files, never quote them: a path the caller chose (a "pairs list" that is really
 * /etc/passwd, or any file holding a secret) must not come back in an error message. And a
 * malformed URL is the caller's error (400 with a JSON body), never a 500 or a stack trace.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { BenchmarkOptions } from '../../electron/common/api.js';
import { createApiHandler } from '../../electron/node/api/handler.js';
import { startHttpBridge, type HttpBridge } from '../../electron/node/bridge/index.js';
import { ManifestError, parseManifest } from '../../native-models/manifests/load.js';
import { CsvError, parseCsv } from '../../native-models/pipeline/csv.js';
import { FACES, HandlerHarness } from './handler-harness.js';

const SECRET = 'SECRET-7f3a9c';
let folder: string;
before(() => {
  folder = mkdtempSync(join(tmpdir(), 'xssab-error-messages-'));
});
after(() => rmSync(folder, { recursive: true, force: true }));

function secretFile(name: string, text: string): string {
  const path = join(folder, name);
  writeFileSync(path, text);
  return path;
}

describe('benchmarks.start with files that are not what it asks for', () => {
  const api = new HandlerHarness({ folderPrefix: 'xssab-error-messages-api-', actor: 'error-tester' });
  before(() => api.open());
  after(() => api.close());

  const start = (dataset: Partial<BenchmarkOptions['dataset']>) =>
    api.failure('benchmarks.start', {
      dataset: { root: FACES, pairsCsv: join(FACES, 'pairs.csv'), ...dataset },
      methods: ['xssab'],
      model: 'mobileface',
      threshold: 0.3,
    });

  test('/etc/passwd as the pairs list: refused without a word of it', async () => {
    const error = await start({ pairsCsv: '/etc/passwd' });
    assert.equal(error.code, 'VALIDATION');
    assert.match(error.message, /\/etc\/passwd lacks the column\(s\) a, b, same/);
    const lines = readFileSync('/etc/passwd', 'utf8').split('\n').filter(Boolean);
    for (const fragment of [...lines, ...lines.flatMap((line) => line.split(':'))].filter(
      (f) => f.length > 3,
    ))
      assert.ok(!error.message.includes(fragment), `the message quotes "${fragment}": ${error.message}`);
  });

  const cases: [string, Partial<BenchmarkOptions['dataset']>, RegExp][] = [
    [
      'a header without the columns',
      { pairsCsv: secretFile('header.csv', `${SECRET},x\n1,2\n`) },
      /lacks the column/,
    ],
    [
      'a bad "same" value',
      { pairsCsv: secretFile('same.csv', `a,b,same\np/1.jpg,q/2.jpg,${SECRET}\n`) },
      /line 2: same must be 0 or 1$/,
    ],
    [
      'a malformed LFW line',
      { pairsCsv: secretFile('pairs.txt', `1 1\n${SECRET} 1 2 3 4 5\n`) },
      /line 2: expected "name n1 n2" or "name1 n1 name2 n2", got 6 fields/,
    ],
    [
      'a genuine pair without identities',
      { pairsCsv: secretFile('genuine.csv', `a,b,same\n${SECRET}-a.jpg,${SECRET}-b.jpg,1\n`) },
      /genuine pair on line 2 of .*genuine\.csv needs the identity of its first image/,
    ],
    [
      'a labels file without the columns',
      { labelsCsv: secretFile('labels.csv', `${SECRET}\n`) },
      /labels\.csv lacks the column\(s\) file, identity/,
    ],
  ];
  for (const [what, dataset, message] of cases) {
    test(`${what}: the message names the file and the problem, not the content`, async () => {
      const error = await start(dataset);
      assert.equal(error.code, 'VALIDATION');
      assert.match(error.message, message);
      assert.ok(!error.message.includes(SECRET), error.message);
    });
  }
});

test('CSV and manifest parsers name the file, not its text', () => {
  assert.throws(
    () => parseCsv(`${SECRET},z\n1,2\n`, ['a', 'b'], 'scores.csv'),
    (error: unknown) =>
      error instanceof CsvError &&
      /^scores\.csv lacks columns a, b: its first row must name the columns/.test(error.message) &&
      !error.message.includes(SECRET),
  );
  assert.throws(
    () => parseManifest(`${SECRET} is not a manifest`, 'model.json'),
    (error: unknown) => error instanceof ManifestError && error.message === 'model.json is not valid JSON',
  );
});

describe('the browser-mode bridge and a malformed URL', () => {
  const api = new HandlerHarness({ folderPrefix: 'xssab-error-messages-bridge-', actor: 'error-tester' });
  let bridge: HttpBridge;
  before(async () => {
    api.open();
    bridge = await startHttpBridge({
      handler: createApiHandler(api.workspace, { transport: 'http' }),
      events: api.workspace.events,
    });
  });
  after(async () => {
    await bridge.close();
    api.close();
  });

  for (const path of ['/api/%', '/api/%E0%A4%A', '/api/cases.%ZZlist']) {
    test(`POST ${path} → 400 with a JSON error and no stack trace`, async () => {
      const response = await fetch(`${bridge.origin}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${bridge.token}`, 'content-type': 'application/json' },
        body: '{}',
      });
      assert.equal(response.status, 400);
      assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
      const text = await response.text();
      assert.deepEqual(JSON.parse(text), {
        error: {
          code: 'VALIDATION',
          message: 'the API method in the URL is not valid percent-encoding (POST /api/<method>)',
        },
      });
      assert.doesNotMatch(text, /\bat .*\.(ts|js):\d+/);
    });
  }
});
