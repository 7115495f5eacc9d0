/** `npm start` (needs `npm run build:node`): Electron detection and the browser-mode fallback. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';
import { findElectronBinary } from '../../electron/node/launcher/electron-binary.js';

const folder = mkdtempSync(join(tmpdir(), 'xssab-launcher-'));
after(() => rmSync(folder, { recursive: true, force: true }));

test('a package without a downloaded binary is reported with the reason, without starting a download', () => {
  const packageDir = join(folder, 'electron-without-binary');
  mkdirSync(packageDir);
  const result = findElectronBinary(packageDir, {});
  assert.equal(result.found, false);
  assert.match(!result.found ? result.reason : '', /its installer downloads it from the internet/);
  assert.ok(!existsSync(join(packageDir, 'dist')), 'nothing may be downloaded or created');
});

test('a downloaded binary is found where path.txt says, or under ELECTRON_OVERRIDE_DIST_PATH', () => {
  const packageDir = join(folder, 'electron-with-binary');
  mkdirSync(join(packageDir, 'dist'), { recursive: true });
  writeFileSync(join(packageDir, 'path.txt'), 'electron');
  assert.equal(findElectronBinary(packageDir, {}).found, false);
  writeFileSync(join(packageDir, 'dist', 'electron'), '');
  assert.deepEqual(findElectronBinary(packageDir, {}), {
    found: true,
    path: join(packageDir, 'dist', 'electron'),
  });
  const override = join(folder, 'override');
  mkdirSync(override);
  writeFileSync(join(override, 'electron'), '');
  assert.deepEqual(findElectronBinary(packageDir, { ELECTRON_OVERRIDE_DIST_PATH: override }), {
    found: true,
    path: join(override, 'electron'),
  });
  assert.equal(findElectronBinary(null, {}).found, false);
});

test('--browser serves the API at the printed token link and SIGTERM shuts down cleanly', async () => {
  const entry = resolve('dist/electron/node/launcher/start.js');
  assert.ok(existsSync(entry), 'not built: run `npm run build:node` first');
  const dataDir = join(folder, 'data');
  const child = spawn(process.execPath, [entry, '--browser', '--data', dataDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  const link = await new Promise<string>((resolveLink, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk;
      const match = /open (http:\/\/127\.0\.0\.1:\d+\/#token=[0-9a-f]{64})/.exec(stdout);
      if (match) resolveLink(match[1]);
    });
    child.on('exit', (code) =>
      reject(new Error(`launcher exited with ${code} before printing a link: ${stdout}`)),
    );
  });
  const url = new URL(link);
  const token = url.hash.slice('#token='.length);
  const response = await fetch(`${url.origin}/api/app.info`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: '{}',
  });
  const info = (await response.json()) as { dataDir: string; transport: string };
  assert.deepEqual([info.dataDir, info.transport], [dataDir, 'http']);
  assert.ok(existsSync(join(dataDir, 'xssab.sqlite')));

  const exitCode = new Promise<number | null>((resolveExit) => child.on('exit', (code) => resolveExit(code)));
  child.kill('SIGTERM');
  assert.equal(await exitCode, 0);
  await assert.rejects(fetch(`${url.origin}/`), 'the server must be closed after SIGTERM');
});

test('SIGTERM to `npm start` reaches the server and stops it', async () => {
  const child = spawn('npm', ['start', '--', '--browser', '--data', join(folder, 'npm-data')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  const origin = await new Promise<string>((resolveOrigin, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk;
      const match = /open (http:\/\/127\.0\.0\.1:\d+)\//.exec(stdout);
      if (match) resolveOrigin(match[1]);
    });
    child.on('exit', (code) =>
      reject(new Error(`npm start exited with ${code} before printing a link: ${stdout}`)),
    );
  });
  const exited = new Promise<void>((resolveExit) => child.on('exit', () => resolveExit()));
  child.kill('SIGTERM');
  await exited;
  // The server closes its port when it stops; a server orphaned by npm would still answer.
  let refused = false;
  for (let attempt = 0; attempt < 50 && !refused; attempt++) {
    refused = await fetch(`${origin}/`).then(
      () => false,
      () => true,
    );
    if (!refused) await new Promise((wait) => setTimeout(wait, 100));
  }
  assert.ok(refused, `the server at ${origin} still answers after SIGTERM to npm start`);
});
