/** The part of fontkit (pdfkit's font engine, no bundled types) the report uses. */
declare module 'fontkit' {
  export function openSync(path: string): unknown;
}
