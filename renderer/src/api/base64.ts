/** The bytes of a base64 payload (the API carries files and maps as base64 text). */
export function bytesFromBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** A base64 payload as a Blob of its media type, e.g. for an object URL. */
export function blobFromBase64(text: string, mediaType: string): Blob {
  return new Blob([bytesFromBase64(text)], { type: mediaType });
}
