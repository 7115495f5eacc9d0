/** Line charts as standalone SVG: axes, ticks, grid, legend; no dependencies. */

export interface PlotLine {
  label: string;
  x: readonly number[];
  /** null leaves a gap. */
  y: readonly (number | null)[];
  color: string;
  dashed?: boolean;
}

export interface PlotSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  xRange: [number, number];
  yRange: [number, number];
  xTicks: number[];
  yTicks: number[];
  lines: PlotLine[];
}

const WIDTH = 640;
const HEIGHT = 420;
const MARGIN = { left: 64, right: 180, top: 40, bottom: 52 };
const FONT = 'font-family="DejaVu Sans, Arial, sans-serif"';

/** Colours distinguishable in print and for common colour-vision deficiencies (Okabe–Ito). */
export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000'];

export function lineChartSvg(spec: PlotSpec): string {
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const sx = (x: number) => MARGIN.left + ((x - spec.xRange[0]) / (spec.xRange[1] - spec.xRange[0])) * plotW;
  const sy = (y: number) =>
    MARGIN.top + plotH - ((y - spec.yRange[0]) / (spec.yRange[1] - spec.yRange[0])) * plotH;
  const n = (v: number) => Number(v.toFixed(2));
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${WIDTH / 2}" y="24" text-anchor="middle" font-size="15" ${FONT}>${escapeXml(spec.title)}</text>`,
  ];
  for (const t of spec.xTicks) {
    parts.push(
      `<line x1="${n(sx(t))}" y1="${MARGIN.top}" x2="${n(sx(t))}" y2="${MARGIN.top + plotH}" stroke="#e0e0e0"/>`,
      `<line x1="${n(sx(t))}" y1="${MARGIN.top + plotH}" x2="${n(sx(t))}" y2="${MARGIN.top + plotH + 5}" stroke="#000"/>`,
      `<text x="${n(sx(t))}" y="${MARGIN.top + plotH + 18}" text-anchor="middle" font-size="11" ${FONT}>${t}</text>`,
    );
  }
  for (const t of spec.yTicks) {
    parts.push(
      `<line x1="${MARGIN.left}" y1="${n(sy(t))}" x2="${MARGIN.left + plotW}" y2="${n(sy(t))}" stroke="#e0e0e0"/>`,
      `<line x1="${MARGIN.left - 5}" y1="${n(sy(t))}" x2="${MARGIN.left}" y2="${n(sy(t))}" stroke="#000"/>`,
      `<text x="${MARGIN.left - 8}" y="${n(sy(t) + 4)}" text-anchor="end" font-size="11" ${FONT}>${t}</text>`,
    );
  }
  parts.push(
    `<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#000"/>`,
    `<text x="${MARGIN.left + plotW / 2}" y="${HEIGHT - 12}" text-anchor="middle" font-size="12" ${FONT}>${escapeXml(spec.xLabel)}</text>`,
    `<text transform="translate(16 ${MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle" font-size="12" ${FONT}>${escapeXml(spec.yLabel)}</text>`,
  );
  spec.lines.forEach((line, i) => {
    const dash = line.dashed ? ' stroke-dasharray="6 4"' : '';
    for (const run of definedRuns(line)) {
      const points = run.map(([x, y]) => `${n(sx(x))},${n(sy(y))}`).join(' ');
      parts.push(`<polyline points="${points}" fill="none" stroke="${line.color}" stroke-width="2"${dash}/>`);
    }
    const ly = MARGIN.top + 10 + i * 20;
    const lx = MARGIN.left + plotW + 14;
    parts.push(
      `<line x1="${lx}" y1="${ly}" x2="${lx + 26}" y2="${ly}" stroke="${line.color}" stroke-width="2"${dash}/>`,
      `<text x="${lx + 32}" y="${ly + 4}" font-size="11" ${FONT}>${escapeXml(line.label)}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}

/** Consecutive points with a value, split where y is null. */
function definedRuns(line: PlotLine): [number, number][][] {
  const runs: [number, number][][] = [[]];
  line.x.forEach((x, i) => {
    const y = line.y[i];
    if (y === null) runs.push([]);
    else runs[runs.length - 1].push([x, y]);
  });
  return runs.filter((run) => run.length > 0);
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
