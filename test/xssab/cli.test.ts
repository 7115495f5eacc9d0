import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { CliUsageError, type CliIo } from '../../electron/node/cli/command.js';
import { benchCommand } from '../../electron/node/cli/commands/bench.js';
import { explainCommand } from '../../electron/node/cli/commands/explain.js';
import { readNpy } from '../../native-models/onnx/npy.js';

const model = new URL('../fixtures/golden/mobilefacenet/model.onnx', import.meta.url).pathname;
const faces = new URL('../fixtures/faces/', import.meta.url).pathname;
const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

function capture(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t), dataDir: tmpdir() };
}

test('explain writes result.json, six float32 maps of the model input size and six overlays', async () => {
  const out = mkdtempSync(join(tmpdir(), 'xssab-explain-'));
  const [a, b] = [join(faces, 'biden_1.jpg'), join(faces, 'biden_2.jpg')];
  const io = capture();
  const code = await explainCommand.run(
    ['--a', a, '--b', b, '--model', model, '--aligned', '--threshold', '0.2', '--out', out, '--json'],
    io,
  );
  assert.equal(code, 0);
  assert.equal(io.stdout.length, 1, 'exactly one JSON object');
  const printed = JSON.parse(io.stdout[0]);

  const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8'));
  assert.equal(printed.score, result.score);
  assert.equal(result.threshold, 0.2);
  assert.equal(result.dim, 128);
  assert.equal(result.bound, 0.2 / 128);
  assert.equal(result.provider, 'cpu');
  assert.equal(result.model.sha256, sha256(model));
  assert.equal(result.inputs.a.sha256, sha256(a));
  assert.equal(result.inputs.b.sha256, sha256(b));
  assert.ok(result.score > -1 && result.score < 1);
  assert.ok(result.stability.minGap >= 0 && Number.isInteger(result.stability.nearBound));
  assert.ok(result.timings.explainMs > 0);

  for (const side of ['a', 'b']) {
    for (const kind of ['pos', 'neg', 'combined']) {
      const name = `${side}.${kind}`;
      const map = readNpy(join(out, `${name}.npy`));
      assert.deepEqual(map.shape, [112, 112], name);
      assert.ok(map.data instanceof Float32Array, name);
      assert.equal(result.maps[name].max, Math.max(...map.data), name);
      if (kind !== 'combined') assert.ok(Math.min(...map.data) >= 0, `${name} is a mean of magnitudes`);
      const png = await sharp(join(out, `${name}.png`)).metadata();
      assert.equal(png.format, 'png');
      assert.equal(png.width, 448);
      assert.ok(png.height! > 448, 'the legend sits under the face');
    }
  }
  const combined = readNpy(join(out, 'a.combined.npy')).data;
  const pos = readNpy(join(out, 'a.pos.npy')).data;
  const neg = readNpy(join(out, 'a.neg.npy')).data;
  assert.ok(combined.every((v, i) => Math.abs(v - (pos[i] - neg[i])) <= 1e-6 * (pos[i] + neg[i])));
});

test('explain of a raw ONNX model without --threshold is a usage error that says why', async () => {
  const args = ['--a', 'x.png', '--b', 'y.png', '--model', model, '--aligned', '--out', tmpdir()];
  await assert.rejects(explainCommand.run(args, capture()), (error: Error) => {
    assert.ok(error instanceof CliUsageError);
    assert.match(
      error.message,
      /--threshold is required: a raw ONNX model carries no verification threshold/,
    );
    return true;
  });
});

test('explain refuses unaligned inputs and bad flags', async () => {
  const base = ['--a', 'x.png', '--b', 'y.png', '--model', model, '--threshold', '0.3', '--out', tmpdir()];
  await assert.rejects(explainCommand.run(base, capture()), /only aligned face crops are supported/);
  await assert.rejects(
    explainCommand.run([...base, '--aligned', '--color', 'hsv'], capture()),
    /--color must be rgb or bgr/,
  );
  await assert.rejects(
    explainCommand.run([...base, '--aligned', '--ep', 'tpu'], capture()),
    /--ep must be cpu or cuda/,
  );
});

test('bench prints forward and explain medians, their ratio and peak RSS as one JSON object', async () => {
  const io = capture();
  assert.equal(
    await benchCommand.run(['--model', model, '--iterations', '1', '--threads', '1', '--json'], io),
    0,
  );
  const report = JSON.parse(io.stdout.join(''));
  assert.equal(report.ep, 'cpu');
  assert.equal(report.threads, 1);
  assert.ok(report.forwardPairMs > 0 && report.explainPairMs > report.forwardPairMs);
  assert.equal(report.ratio, report.explainPairMs / report.forwardPairMs);
  assert.ok(report.peakRssMb > 0);
});
