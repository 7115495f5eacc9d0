/** Negative option values (`--threshold -0.29`): some models' thresholds are below zero. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { commands } from '../../electron/node/cli/commands/index.js';
import { joinNegativeValues, runCli } from '../../electron/node/cli/run-cli.js';

test('a negative number after a long option becomes its value; anything else is left alone', () => {
  assert.deepEqual(joinNegativeValues(['--threshold', '-0.29', '--json']), ['--threshold=-0.29', '--json']);
  assert.deepEqual(joinNegativeValues(['--mean', '-.5', '--std', '-1e-3']), ['--mean=-.5', '--std=-1e-3']);
  assert.deepEqual(joinNegativeValues(['--threshold=-2', '--a', '-x.jpg']), [
    '--threshold=-2',
    '--a',
    '-x.jpg',
  ]);
  assert.deepEqual(joinNegativeValues(['--threshold', '--json']), ['--threshold', '--json']);
  assert.deepEqual(joinNegativeValues(['--threshold', '-']), ['--threshold', '-']);
});

test('xssab verify --threshold -0.29 decides against that threshold', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'xssab-negative-'));
  const faces = resolve('test/fixtures/faces');
  const out: string[] = [];
  const err: string[] = [];
  try {
    const code = await runCli(
      [
        '--data',
        dataDir,
        'verify',
        '--a',
        join(faces, 'kit_harington_1.jpg'),
        '--b',
        join(faces, 'biden_1.jpg'),
        '--threshold',
        '-0.29',
        '--json',
      ],
      commands,
      { out: (text) => out.push(text), err: (text) => err.push(text) },
      {},
    );
    assert.equal(code, 0, err.join('\n'));
    const [score] = JSON.parse(out.join('\n')).scores as {
      score: number;
      threshold: { value: number };
      decision: string;
    }[];
    assert.equal(score.threshold.value, -0.29);
    assert.equal(score.decision, score.score >= -0.29 ? 'match' : 'non-match');
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
