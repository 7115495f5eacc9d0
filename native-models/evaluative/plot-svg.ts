/**
 * Tippett and ECE plots as standalone SVG (no library: a few lines and axes), written by
 * `xssab lr evaluate` and `xssab lr calibrate --out`. The same data drives the app's charts and
 * the validation report.
 */
import { tippettSteps, type EceCurves, type TippettCurve } from './metrics.js';

interface Series {
  name: string;
  color: string;
  x: readonly number[];
  y: readonly number[];
  dashed?: boolean;
}

interface Chart {
  title: string;
  xLabel: string;
  yLabel: string;
  x: [number, number];
  y: [number, number];
  series: Series[];
}

const SIZE = { width: 640, height: 420, left: 64, right: 20, top: 40, bottom: 56 };
const fmt = (v: number) => Number(v.toFixed(2)).toString();
const escape = (text: string) =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

function ticks([lo, hi]: [number, number], count: number): number[] {
  const raw = (hi - lo) / count;
  const unit = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * unit).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9; v += step) out.push(Number(v.toFixed(10)));
  return out;
}

function svgChart(chart: Chart): string {
  const plotW = SIZE.width - SIZE.left - SIZE.right;
  const plotH = SIZE.height - SIZE.top - SIZE.bottom;
  const sx = (v: number) => SIZE.left + ((v - chart.x[0]) / (chart.x[1] - chart.x[0])) * plotW;
  const sy = (v: number) => SIZE.top + plotH - ((v - chart.y[0]) / (chart.y[1] - chart.y[0])) * plotH;
  const clampX = (v: number) => Math.min(chart.x[1], Math.max(chart.x[0], v));
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${SIZE.width}" height="${SIZE.height}" viewBox="0 0 ${SIZE.width} ${SIZE.height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    `<rect width="${SIZE.width}" height="${SIZE.height}" fill="#ffffff"/>`,
    `<text x="${SIZE.width / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${escape(chart.title)}</text>`,
  ];
  for (const t of ticks(chart.x, 8)) {
    parts.push(
      `<line x1="${fmt(sx(t))}" y1="${SIZE.top}" x2="${fmt(sx(t))}" y2="${SIZE.top + plotH}" stroke="#e0e0e0"/>`,
      `<text x="${fmt(sx(t))}" y="${SIZE.top + plotH + 16}" text-anchor="middle">${fmt(t)}</text>`,
    );
  }
  for (const t of ticks(chart.y, 5)) {
    parts.push(
      `<line x1="${SIZE.left}" y1="${fmt(sy(t))}" x2="${SIZE.left + plotW}" y2="${fmt(sy(t))}" stroke="#e0e0e0"/>`,
      `<text x="${SIZE.left - 6}" y="${fmt(sy(t) + 4)}" text-anchor="end">${fmt(t)}</text>`,
    );
  }
  parts.push(
    `<rect x="${SIZE.left}" y="${SIZE.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#333333"/>`,
    `<text x="${SIZE.left + plotW / 2}" y="${SIZE.height - 14}" text-anchor="middle">${escape(chart.xLabel)}</text>`,
    `<text transform="translate(16 ${SIZE.top + plotH / 2}) rotate(-90)" text-anchor="middle">${escape(chart.yLabel)}</text>`,
  );
  chart.series.forEach((series, k) => {
    const points: string[] = [];
    series.x.forEach((x, i) => {
      const [px, py] = [fmt(sx(clampX(x))), fmt(sy(series.y[i]))];
      points.push(`${px},${py}`);
    });
    parts.push(
      `<polyline fill="none" stroke="${series.color}" stroke-width="2"${series.dashed ? ' stroke-dasharray="6 4"' : ''} points="${points.join(' ')}"/>`,
      `<line x1="${SIZE.left + plotW - 190}" y1="${SIZE.top + 16 + 18 * k}" x2="${SIZE.left + plotW - 162}" y2="${SIZE.top + 16 + 18 * k}" stroke="${series.color}" stroke-width="2"${series.dashed ? ' stroke-dasharray="6 4"' : ''}/>`,
      `<text x="${SIZE.left + plotW - 156}" y="${SIZE.top + 20 + 18 * k}">${escape(series.name)}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}

/** The x range of a Tippett plot: every finite log10 LR, at least −1 … 1, a little margin. */
function tippettRange(curves: { sameSource: TippettCurve; differentSource: TippettCurve }): [number, number] {
  const values = [...curves.sameSource.log10Lr, ...curves.differentSource.log10Lr].filter(Number.isFinite);
  const lo = Math.min(-1, ...values);
  const hi = Math.max(1, ...values);
  return [Math.floor(lo - 0.5), Math.ceil(hi + 0.5)];
}

export function tippettSvg(
  curves: { sameSource: TippettCurve; differentSource: TippettCurve },
  title: string,
): string {
  const x = tippettRange(curves);
  const steps = (c: TippettCurve) => {
    const points = tippettSteps(c, x[0], x[1]);
    return { x: points.map((p) => p[0]), y: points.map((p) => p[1]) };
  };
  return svgChart({
    title,
    xLabel: 'log10 LR',
    yLabel: 'proportion of LRs ≥ log10 LR',
    x,
    y: [0, 1],
    series: [
      { name: 'same source', color: '#1b7837', ...steps(curves.sameSource) },
      { name: 'different source', color: '#b2182b', ...steps(curves.differentSource) },
    ],
  });
}

export function eceSvg(curves: EceCurves, title: string): string {
  const top = Math.max(1, ...curves.system.filter(Number.isFinite));
  return svgChart({
    title,
    xLabel: 'prior log10 odds of same source',
    yLabel: 'empirical cross-entropy (bits)',
    x: [curves.priorLog10Odds[0], curves.priorLog10Odds[curves.priorLog10Odds.length - 1]],
    y: [0, Math.ceil(top * 10) / 10],
    series: [
      {
        name: 'LRs',
        color: '#b2182b',
        x: curves.priorLog10Odds,
        y: curves.system.map((v) => Math.min(v, top)),
      },
      {
        name: 'after PAV (Cllr_min)',
        color: '#2166ac',
        x: curves.priorLog10Odds,
        y: curves.calibrated,
        dashed: true,
      },
      {
        name: 'LR = 1 (neutral)',
        color: '#555555',
        x: curves.priorLog10Odds,
        y: curves.neutral,
        dashed: true,
      },
    ],
  });
}
