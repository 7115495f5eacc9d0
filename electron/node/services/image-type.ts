import type { EvidenceMediaType } from '../../common/api.js';

const SIGNATURES: { mediaType: EvidenceMediaType; matches(bytes: Uint8Array): boolean }[] = [
  { mediaType: 'image/jpeg', matches: (b) => startsWith(b, [0xff, 0xd8, 0xff]) },
  { mediaType: 'image/png', matches: (b) => startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) },
  {
    mediaType: 'image/webp',
    matches: (b) => ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'WEBP',
  },
  {
    mediaType: 'image/tiff',
    matches: (b) => startsWith(b, [0x49, 0x49, 0x2a, 0x00]) || startsWith(b, [0x4d, 0x4d, 0x00, 0x2a]),
  },
];

function startsWith(bytes: Uint8Array, prefix: number[]): boolean {
  return bytes.length >= prefix.length && prefix.every((value, index) => bytes[index] === value);
}

function ascii(bytes: Uint8Array, start: number, end: number): string {
  return String.fromCharCode(...bytes.subarray(start, end));
}

/** The image type by the file's magic bytes (never by its name), or null for anything else. */
export function sniffImageType(bytes: Uint8Array): EvidenceMediaType | null {
  return SIGNATURES.find((signature) => signature.matches(bytes))?.mediaType ?? null;
}
