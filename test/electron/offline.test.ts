/**
 * Offline and contained: the browser-mode server, started as `npm start` starts it, runs an
 * analysis under strace with a fresh HOME and without ORT_DISABLE_TELEMETRY in its environment.
 * It must make no network connection other than to loopback (onnxruntime's telemetry resolves
 * mobile.events.data.microsoft.com about ten seconds after its first session unless the
 * workstation turns it off) and create or change files only inside the data folder (the
 * telemetry's device id and event queue would go under ~/.cache).
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { assertCliBuilt, caseWithPair } from '../cli/cli-harness.js';

/** Seconds after its first session at which onnxruntime 1.29's telemetry first reaches out, plus margin. */
const TELEMETRY_DELAY_MS = 14_000;
const FACES = join(import.meta.dirname, '..', 'fixtures', 'faces');

let folder: string;
before(() => {
  assertCliBuilt();
  assert.equal(spawnSync('strace', ['-V']).status, 0, 'strace is needed (Debian package strace)');
  folder = mkdtempSync(join(tmpdir(), 'xssab-offline-'));
});
after(() => rmSync(folder, { recursive: true, force: true }));

/** `connect`/`sendto`/`sendmsg` to an IPv4 or IPv6 address: the addresses, as strace prints them. */
function networkPeers(log: string): string[] {
  return log
    .split('\n')
    .filter((line) => /\b(connect|sendto|sendmsg|sendmmsg)\(/.test(line) && /AF_INET6?/.test(line))
    .map(
      (line) =>
        /inet_addr\("([^"]+)"\)|inet_pton\(AF_INET6, "([^"]+)"/.exec(line)?.slice(1).find(Boolean) ?? line,
    );
}

const isLoopback = (address: string) =>
  /^127\./.test(address) || address === '::1' || /^::ffff:127\./.test(address);

/** Paths the process created, opened for writing, renamed or removed (successful calls only). */
function writtenPaths(log: string): string[] {
  const paths: string[] = [];
  for (const line of log.split('\n')) {
    if (/= -1 /.test(line)) continue;
    const open = /openat\([^,]+, "([^"]+)", ([A-Z_|]+)/.exec(line);
    if (open && /O_WRONLY|O_RDWR|O_CREAT|O_TRUNC/.test(open[2])) paths.push(open[1]);
    const changed =
      /\b(?:mkdir|mkdirat|rename|renameat2?|unlink|unlinkat|rmdir)\((?:[A-Z_]+, )?"([^"]+)"/.exec(line);
    if (changed) paths.push(changed[1]);
  }
  return paths;
}

test('the server analyses a pair without reaching the network or writing outside its data folder', async () => {
  const dataDir = join(folder, 'data');
  const home = mkdtempSync(join(folder, 'home-'));
  const photos = mkdtempSync(join(folder, 'photos-'));
  for (const name of ['obama_1.jpg', 'obama_2.jpg']) copyFileSync(join(FACES, name), join(photos, name));
  const { pair } = caseWithPair(dataDir, 'OFF-1', 'Offline', [
    join(photos, 'obama_1.jpg'),
    join(photos, 'obama_2.jpg'),
  ]);

  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home };
  for (const name of ['ORT_DISABLE_TELEMETRY', 'XDG_CACHE_HOME', 'XDG_DATA_HOME', 'XSSAB_DATA'])
    delete env[name];
  const log = join(folder, 'strace.log');
  const server = spawn(
    'strace',
    [
      '-f',
      '-qq',
      '-e',
      'trace=connect,sendto,sendmsg,sendmmsg,openat,mkdir,mkdirat,rename,renameat,renameat2,unlink,unlinkat,rmdir',
      '-o',
      log,
      process.execPath,
      resolve('dist/electron/node/launcher/start.js'),
      '--browser',
      '--data',
      dataDir,
      '--port',
      '0',
    ],
    { env, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const exited = once(server, 'exit');
  try {
    let url: URL | undefined;
    for await (const line of createInterface({ input: server.stdout! })) {
      const found = /open (http:\/\/127\.0\.0\.1:\d+\/#token=[0-9a-f]+)/.exec(line);
      if (found) {
        url = new URL(found[1]);
        break;
      }
    }
    assert.ok(url, 'the server printed no link');
    const token = url.hash.slice('#token='.length);
    const response = await fetch(`${url.origin}/api/analyses.run`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ pairId: pair.id }),
    });
    assert.equal(response.status, 200, await response.clone().text());
    assert.equal(((await response.json()) as { analysisId: number }).analysisId, 1);
    await sleep(TELEMETRY_DELAY_MS);
  } finally {
    // strace's first line names the server's own pid; stopping strace instead would leave it running.
    const serverPid = Number(/^(\d+) /.exec(readFileSync(log, 'utf8'))?.[1]);
    if (serverPid > 0) process.kill(serverPid, 'SIGTERM');
    else server.kill('SIGKILL');
    await exited;
  }

  const trace = readFileSync(log, 'utf8');
  // strace followed the analysis into its worker thread: the staged maps became artifacts/1.
  assert.match(trace, /rename\("[^"]*\/artifacts\/\.staging-[^"]+", "[^"]*\/artifacts\/1"\) = 0/);
  assert.deepEqual(
    networkPeers(trace).filter((address) => !isLoopback(address)),
    [],
  );
  const outside = writtenPaths(trace).filter(
    (path) => !path.startsWith(`${dataDir}/`) && path !== dataDir && !path.startsWith('/dev/'),
  );
  assert.deepEqual(outside, []);
  assert.deepEqual(readdirSync(home), [], 'nothing is written to the home folder (~/.cache included)');
});
