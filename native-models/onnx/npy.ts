import { readFileSync } from 'node:fs';

/** A C-ordered array as stored in a .npy file: little-endian float32 ('<f4') or float64 ('<f8'). */
export interface NpyArray {
  data: Float32Array | Float64Array;
  shape: number[];
}

export class NpyFormatError extends Error {
  override name = 'NpyFormatError';
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

export function decodeNpy(bytes: Uint8Array, source = 'array'): NpyArray {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new NpyFormatError(`${source} is not a .npy file`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6];
  if (major !== 1 && major !== 2 && major !== 3)
    throw new NpyFormatError(`${source}: unsupported .npy version ${major}`);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = major === 1 ? 10 : 12;
  const header = new TextDecoder().decode(bytes.subarray(headerStart, headerStart + headerLength));

  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw new NpyFormatError(`${source}: malformed .npy header (it needs descr, fortran_order and shape)`);
  }
  if (fortran === 'True') throw new NpyFormatError(`${source}: Fortran-ordered arrays are not supported`);
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map(Number);
  const count = shape.reduce((a, b) => a * b, 1);

  const dataStart = headerStart + headerLength;
  const itemSize = descr === '<f4' ? 4 : descr === '<f8' ? 8 : 0;
  if (itemSize === 0)
    throw new NpyFormatError(`${source}: dtype ${descr} is not supported (only <f4 and <f8)`);
  if (bytes.length - dataStart !== count * itemSize) {
    throw new NpyFormatError(
      `${source}: expected ${count * itemSize} data bytes for shape (${shape}), found ${bytes.length - dataStart}`,
    );
  }
  // Copy (Buffer#slice would not) so the typed array owns an aligned buffer.
  const buffer = new Uint8Array(bytes.subarray(dataStart)).buffer;
  return { data: itemSize === 4 ? new Float32Array(buffer) : new Float64Array(buffer), shape };
}

export function encodeNpy(array: NpyArray): Uint8Array {
  const { data, shape } = array;
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length)
    throw new RangeError(`shape (${shape}) holds ${count} values, data has ${data.length}`);
  const descr = data instanceof Float32Array ? '<f4' : '<f8';
  const shapeText = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shapeText}), }`;
  // Version 1.0 while the header fits 16 bits, 2.0 beyond; data starts 64-byte aligned, header ends in '\n'.
  const major = header.length + 11 < 65536 ? 1 : 2;
  const prefix = major === 1 ? 10 : 12;
  header = header.padEnd(Math.ceil((prefix + header.length + 1) / 64) * 64 - prefix - 1, ' ') + '\n';

  const out = new Uint8Array(prefix + header.length + data.byteLength);
  out.set(MAGIC, 0);
  out[6] = major;
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (major === 1) view.setUint16(8, header.length, true);
  else view.setUint32(8, header.length, true);
  out.set(new TextEncoder().encode(header), prefix);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), prefix + header.length);
  return out;
}

export function readNpy(path: string): NpyArray {
  return decodeNpy(readFileSync(path), path);
}
