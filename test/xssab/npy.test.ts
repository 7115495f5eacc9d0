// fixtures/*.npy were written by numpy (np.save, and np.lib.format.write_array version=(2, 0)).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { decodeNpy, encodeNpy, readNpy, NpyFormatError } from '../../native-models/onnx/npy.js';

const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url).pathname;

test('reads numpy-written float32 v1.0, float64 v1.0 and float32 v2.0 files', () => {
  const f4 = readNpy(fixture('f4-v1.npy'));
  assert.deepEqual(f4.shape, [2, 3, 4]);
  assert.ok(f4.data instanceof Float32Array);
  assert.deepEqual(
    Array.from(f4.data),
    Array.from({ length: 24 }, (_, i) => i / 8 - 1),
  );

  const f8 = readNpy(fixture('f8-v1.npy'));
  assert.deepEqual(f8.shape, [3]);
  assert.ok(f8.data instanceof Float64Array);
  assert.deepEqual(Array.from(f8.data), [1.5, -2.25, 3e-300]);

  const v2 = readNpy(fixture('f4-v2.npy'));
  assert.deepEqual(v2.shape, [1, 2]);
  assert.deepEqual(Array.from(v2.data), [0.5, -0.25]);
});

test('writes byte-for-byte what numpy writes', () => {
  for (const name of ['f4-v1.npy', 'f8-v1.npy']) {
    const bytes = readFileSync(fixture(name));
    assert.deepEqual(Buffer.from(encodeNpy(decodeNpy(bytes))), bytes, name);
  }
});

test('round-trips shapes including scalars and 1-D arrays', () => {
  for (const shape of [[], [5], [2, 0], [3, 112, 112]]) {
    const count = shape.reduce((a, b) => a * b, 1);
    const data = Float64Array.from({ length: count }, (_, i) => Math.sin(i));
    const back = decodeNpy(encodeNpy({ data, shape }));
    assert.deepEqual(back.shape, shape);
    assert.deepEqual(back.data, data);
  }
});

test('rejects what it cannot read', () => {
  assert.throws(() => decodeNpy(new Uint8Array(20)), NpyFormatError);
  const ints = encodeNpy({ data: new Float32Array(2), shape: [2] });
  const header = Buffer.from(ints).toString('latin1').replace("'<f4'", "'<i4'");
  assert.throws(() => decodeNpy(Buffer.from(header, 'latin1')), /dtype <i4 is not supported/);
  const truncated = encodeNpy({ data: new Float32Array(4), shape: [4] }).subarray(0, -4);
  assert.throws(() => decodeNpy(truncated), /expected 16 data bytes/);
  assert.throws(() => encodeNpy({ data: new Float32Array(3), shape: [2, 2] }), RangeError);
});
