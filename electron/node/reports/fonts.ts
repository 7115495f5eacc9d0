/**
 * The report's fonts, embedded (pdfkit subsets them to the glyphs used): Noto Sans for Latin
 * (Extended included), Greek and Cyrillic, and Noto Sans SC for the CJK characters Noto Sans lacks,
 * both from pinned npm packages. pdfkit has no font fallback, so `writeText` splits a string into
 * runs by which font has their glyphs and writes them as one continued text.
 */
import { createRequire } from 'node:module';
import * as fontkit from 'fontkit';

const require = createRequire(import.meta.url);

const FILES = {
  Sans: '@expo-google-fonts/noto-sans/400Regular/NotoSans_400Regular.ttf',
  'Sans-Bold': '@expo-google-fonts/noto-sans/700Bold/NotoSans_700Bold.ttf',
  'Sans-Italic': '@expo-google-fonts/noto-sans/400Regular_Italic/NotoSans_400Regular_Italic.ttf',
  CJK: '@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf',
  'CJK-Bold': '@expo-google-fonts/noto-sans-sc/700Bold/NotoSansSC_700Bold.ttf',
} as const;

/** The report's text styles: the font each is written in, and its CJK fallback. */
export const FONT = { regular: 'Sans', bold: 'Sans-Bold', italic: 'Sans-Italic', mono: 'Courier' } as const;
export type ReportFont = (typeof FONT)[keyof typeof FONT];
const FALLBACK: Record<ReportFont, keyof typeof FILES | null> = {
  Sans: 'CJK',
  'Sans-Bold': 'CJK-Bold',
  'Sans-Italic': 'CJK',
  // Only hashes and identifiers are written in the monospaced font.
  Courier: null,
};

type GlyphCoverage = { hasGlyphForCodePoint(codePoint: number): boolean };
const coverage = new Map<string, GlyphCoverage>();
function covers(font: keyof typeof FILES, codePoint: number): boolean {
  let loaded = coverage.get(font);
  if (!loaded) {
    loaded = fontkit.openSync(require.resolve(FILES[font])) as unknown as GlyphCoverage;
    coverage.set(font, loaded);
  }
  return loaded.hasGlyphForCodePoint(codePoint);
}

export function registerReportFonts(doc: PDFKit.PDFDocument): void {
  for (const [name, file] of Object.entries(FILES)) doc.registerFont(name, require.resolve(file));
}

/** Runs of `text`, each with the font to write it in: the style's font unless only the fallback has the glyph. */
function fontRuns(text: string, font: ReportFont): { font: string; text: string }[] {
  const fallback = FALLBACK[font];
  const runs: { font: string; text: string }[] = [];
  for (const char of text) {
    const codePoint = char.codePointAt(0)!;
    const primary = font === 'Courier' || covers(font as keyof typeof FILES, codePoint);
    const chosen = !primary && fallback && covers(fallback, codePoint) ? fallback : font;
    const last = runs.at(-1);
    if (last?.font === chosen) last.text += char;
    else runs.push({ font: chosen, text: char });
  }
  return runs;
}

/** `doc.font(font).text(text, x, y, options)`, with the characters the font lacks in its fallback. */
export function writeText(
  doc: PDFKit.PDFDocument,
  font: ReportFont,
  text: string,
  x?: number,
  y?: number,
  options: PDFKit.Mixins.TextOptions = {},
): void {
  const runs = fontRuns(text, font);
  if (runs.length <= 1) {
    doc.font(runs[0]?.font ?? font).text(text, x, y, options);
    doc.font(font);
    return;
  }
  runs.forEach((run, index) => {
    const continued = index < runs.length - 1;
    doc.font(run.font);
    if (index === 0) doc.text(run.text, x, y, { ...options, continued });
    else doc.text(run.text, { ...options, continued });
  });
  doc.font(font);
}
