import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { patchMakeCommand } from '../../electron/node/cli/commands/patch-make.js';
import type { PatchSetManifest } from '../../native-models/benchmark/patch-set.js';
import { readNpy } from '../../native-models/onnx/npy.js';

const FACES = join(import.meta.dirname, '..', 'fixtures', 'faces');

async function patchMake(args: string[]): Promise<{ code: number; out: string[] }> {
  const out: string[] = [];
  const code = await patchMakeCommand.run(args, {
    out: (t) => out.push(t),
    err: () => {},
    dataDir: tmpdir(),
  });
  return { code, out };
}

/** An LFW-style tree (folder per identity, name_000n.jpg) of a few fixtures, plus a photo without a face. */
function lfwTree(): string {
  const root = mkdtempSync(join(tmpdir(), 'lfw-'));
  const files: [string, string][] = [
    ['obama_1.jpg', 'Barack_Obama/Barack_Obama_0001.jpg'],
    ['obama_2.jpg', 'Barack_Obama/Barack_Obama_0002.jpg'],
    ['biden_1.jpg', 'Joe_Biden/Joe_Biden_0001.jpg'],
    ['kit_harington_1.jpg', 'Kit_Harington/Kit_Harington_0001.jpg'],
  ];
  for (const [from, to] of files) {
    mkdirSync(join(root, to, '..'), { recursive: true });
    copyFileSync(join(FACES, from), join(root, to));
  }
  return root;
}

test('patch-make on LFW pairs.txt: same seed same files, another seed other patches, a photo without a face is skipped', async () => {
  const root = lfwTree();
  mkdirSync(join(root, 'Blank'));
  await sharp({ create: { width: 200, height: 200, channels: 3, background: '#808080' } })
    .jpeg()
    .toFile(join(root, 'Blank', 'Blank_0001.jpg'));
  writeFileSync(
    join(root, 'pairs.txt'),
    '1\t2\nBarack_Obama\t1\t2\nBarack_Obama\t1\tJoe_Biden\t1\nBlank\t1\tJoe_Biden\t1\n',
  );
  const make = async (seed: string, out: string) => {
    const result = await patchMake([
      '--root',
      root,
      '--pairs',
      join(root, 'pairs.txt'),
      '--seed',
      seed,
      '--out',
      out,
    ]);
    assert.equal(result.code, 0);
    return JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as PatchSetManifest;
  };
  const first = await make('5', join(root, 'out1'));
  const again = await make('5', join(root, 'out2'));
  const other = await make('6', join(root, 'out3'));

  assert.equal(first.dataset.format, 'lfw');
  assert.deepEqual(
    first.pairs.map((p) => [p.index, p.same]),
    [
      [0, true],
      [1, false],
    ],
  );
  assert.deepEqual(
    first.skipped.map((s) => [s.index, s.reason]),
    [[2, 'no face found in Blank/Blank_0001.jpg']],
  );
  // The genuine Obama pair takes its patches from another person; the impostor pair from B.
  assert.ok(
    ['Joe_Biden/Joe_Biden_0001.jpg', 'Kit_Harington/Kit_Harington_0001.jpg'].includes(first.pairs[0].source),
  );
  assert.equal(first.pairs[1].source, first.pairs[1].b);
  assert.equal(first.pairs[0].positions.length, 27);

  assert.deepEqual(again.pairs, first.pairs);
  assert.notDeepEqual(other.pairs[0].positions, first.pairs[0].positions);
  assert.notDeepEqual(other.pairs[0].sha256.outputs, first.pairs[0].sha256.outputs);

  const entry = first.pairs[0];
  const mask = readNpy(join(root, 'out1', entry.files.maskNpy));
  assert.deepEqual(mask.shape, [112, 112]);
  const png = await sharp(join(root, 'out1', entry.files.maskPng))
    .raw()
    .toBuffer({ resolveWithObject: true });
  assert.equal(png.info.width, 112);
  for (let i = 0; i < mask.data.length; i++)
    assert.equal(png.data[i * png.info.channels] === 255 ? 1 : 0, mask.data[i]);
  const covered = new Set(
    entry.positions.flatMap(({ x, y }) =>
      Array.from({ length: 256 }, (_, k) => (y + (k >> 4)) * 112 + x + (k & 15)),
    ),
  );
  assert.equal(
    Array.from(mask.data).reduce((s, v) => s + v, 0),
    covered.size,
  );
});
