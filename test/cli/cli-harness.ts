/** The built `xssab` CLI in a child process, as a user runs it (needs `npm run build:node`). */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { EvidenceItem, Pair } from '../../electron/common/api.js';

const bin = resolve('bin/xssab.mjs');

export function assertCliBuilt(): void {
  assert.ok(
    existsSync('dist/electron/node/cli/xssab.js'),
    'the CLI is not built: run `npm run build:node` first',
  );
}

/** Runs `xssab --data DIR ...args` to completion. */
export function xssab(dataDir: string, ...args: string[]) {
  const result = spawnSync(process.execPath, [bin, '--data', dataDir, ...args], {
    encoding: 'utf8',
    env: { ...process.env, XSSAB_DATA: '' },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs with --json, expects exit 0, and parses stdout, which must be exactly one JSON object. */
export function xssabJson<T>(dataDir: string, ...args: string[]): T {
  const result = xssab(dataDir, ...args, '--json');
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout.trim().split('\n').length, 1, 'stdout must be one line of JSON');
  return JSON.parse(result.stdout) as T;
}

/** Creates a case through the CLI, adds the two photos as its evidence and pairs them. */
export function caseWithPair(
  dataDir: string,
  caseNumber: string,
  title: string,
  photos: [string, string],
): { evidence: EvidenceItem[]; pair: Pair } {
  xssabJson(dataDir, 'case', 'create', '--number', caseNumber, '--title', title);
  const { evidence } = xssabJson<{ evidence: EvidenceItem[] }>(
    dataDir,
    'evidence',
    'add',
    '--case',
    caseNumber,
    ...photos,
  );
  const pair = xssabJson<Pair>(
    dataDir,
    'pair',
    'create',
    '--case',
    caseNumber,
    '--a',
    String(evidence[0].id),
    '--b',
    String(evidence[1].id),
  );
  return { evidence, pair };
}

/** Starts `xssab --data DIR ...args` without waiting for it. */
export function spawnXssab(dataDir: string, ...args: string[]): ChildProcess {
  return spawn(process.execPath, [bin, '--data', dataDir, ...args], {
    env: { ...process.env, XSSAB_DATA: '' },
    stdio: 'ignore',
  });
}
