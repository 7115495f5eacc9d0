import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  chooseProvider,
  ortBinaryDir,
  prepareCudaLibraries,
  PROVIDER_LIBRARIES,
} from '../../native-models/xssab/providers.js';

function folders() {
  const root = mkdtempSync(join(tmpdir(), 'xssab-providers-'));
  const bin = join(root, 'bin');
  const providers = join(root, 'providers');
  mkdirSync(bin);
  mkdirSync(providers);
  return { bin, providers };
}

test('CPU is used when asked for, with no warning', () => {
  assert.deepEqual(chooseProvider('cpu'), { provider: 'cpu' });
});

test(
  'the bin folder is where onnxruntime-node keeps libonnxruntime.so.1',
  { skip: process.platform !== 'linux' },
  () => {
    assert.ok(existsSync(join(ortBinaryDir(), 'libonnxruntime.so.1')));
  },
);

test('without provider libraries anywhere, CUDA is not ready and the reason names the folder', () => {
  const { bin } = folders();
  const result = prepareCudaLibraries(bin, undefined);
  assert.equal(result.ready, false);
  assert.match((result as { reason: string }).reason, /not in .*bin and XSSAB_ORT_PROVIDER_DIR is not set/);
});

test('XSSAB_ORT_PROVIDER_DIR: its libraries are linked next to libonnxruntime', () => {
  const { bin, providers } = folders();
  for (const lib of PROVIDER_LIBRARIES) writeFileSync(join(providers, lib), '');
  assert.deepEqual(prepareCudaLibraries(bin, providers), { ready: true });
  for (const lib of PROVIDER_LIBRARIES) assert.equal(readlinkSync(join(bin, lib)), join(providers, lib));
  // Idempotent: a second call finds them in place.
  assert.deepEqual(prepareCudaLibraries(bin, providers), { ready: true });
});

test('XSSAB_ORT_PROVIDER_DIR lacking a library: not ready, and which one', () => {
  const { bin, providers } = folders();
  writeFileSync(join(providers, PROVIDER_LIBRARIES[0]), '');
  assert.match(
    (prepareCudaLibraries(bin, providers) as { reason: string }).reason,
    /lacks libonnxruntime_providers_cuda\.so/,
  );
});
