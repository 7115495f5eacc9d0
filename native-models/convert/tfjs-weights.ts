/** TF.js weights manifests (`weightsManifest` of a model.json, or a `*-weights_manifest.json`). */

export interface WeightQuantization {
  dtype: 'uint8' | 'uint16' | 'float16';
  scale?: number;
  min?: number;
}

export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: WeightQuantization;
}

export interface WeightsManifestGroup {
  paths: string[];
  weights: WeightSpec[];
}

export interface DecodedWeight {
  dtype: 'float32' | 'int32';
  shape: number[];
  data: Float32Array | Int32Array;
}

export class WeightsFormatError extends Error {
  override name = 'WeightsFormatError';
}

const BYTES: Record<string, number> = { float32: 4, int32: 4, uint8: 1, uint16: 2, float16: 2 };

/**
 * Decodes every weight the way tfjs-core's `decodeWeights` does (dequantised values are
 * `q * scale + min` rounded once to float32, int32 weights are rounded to integers), so a
 * converted model holds exactly the numbers TF.js would compute with.
 * `readPath` returns the bytes of one of the manifest's weight files.
 */
export function decodeWeights(
  manifest: WeightsManifestGroup[],
  readPath: (path: string) => Uint8Array,
): Map<string, DecodedWeight> {
  const weights = new Map<string, DecodedWeight>();
  for (const group of manifest) {
    const bytes = concat(group.paths.map(readPath));
    let offset = 0;
    for (const spec of group.weights) {
      if (spec.dtype !== 'float32' && spec.dtype !== 'int32') {
        throw new WeightsFormatError(
          `weight ${spec.name}: dtype ${spec.dtype} is not supported (float32 and int32 are)`,
        );
      }
      const size = spec.shape.reduce((a, b) => a * b, 1);
      const stored = spec.quantization?.dtype ?? spec.dtype;
      const byteLength = size * (BYTES[stored] ?? Number.NaN);
      if (!Number.isFinite(byteLength))
        throw new WeightsFormatError(`weight ${spec.name}: unknown quantization ${stored}`);
      if (offset + byteLength > bytes.length) {
        throw new WeightsFormatError(
          `weight ${spec.name} lies past the end of ${group.paths.join(', ')} (${bytes.length} bytes)`,
        );
      }
      const chunk = new Uint8Array(bytes.subarray(offset, offset + byteLength)); // a copy: aligned, own buffer
      offset += byteLength;
      weights.set(spec.name, { dtype: spec.dtype, shape: spec.shape, data: decodeOne(spec, chunk.buffer) });
    }
    if (offset !== bytes.length) {
      throw new WeightsFormatError(
        `${group.paths.join(', ')}: ${bytes.length - offset} bytes left after the last weight`,
      );
    }
  }
  return weights;
}

function decodeOne(spec: WeightSpec, buffer: ArrayBuffer): Float32Array | Int32Array {
  const q = spec.quantization;
  if (!q) return spec.dtype === 'float32' ? new Float32Array(buffer) : new Int32Array(buffer);
  if (q.dtype === 'float16') {
    if (spec.dtype !== 'float32')
      throw new WeightsFormatError(`weight ${spec.name}: float16 quantization of ${spec.dtype}`);
    return Float32Array.from(new Uint16Array(buffer), halfToFloat);
  }
  const { scale, min } = q;
  if (scale === undefined || min === undefined)
    throw new WeightsFormatError(`weight ${spec.name}: ${q.dtype} quantization lacks scale/min`);
  const quantized = q.dtype === 'uint8' ? new Uint8Array(buffer) : new Uint16Array(buffer);
  return spec.dtype === 'float32'
    ? Float32Array.from(quantized, (v) => v * scale + min)
    : Int32Array.from(quantized, (v) => Math.round(v * scale + min));
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
