/**
 * The validation report of one likelihood-ratio calibration (pdfkit): what it was fitted on, its
 * bounds, its cross-validated figures with Tippett and ECE plots, and its evaluations on other
 * labelled sets. Deterministic as the case report: dated by the newest record it shows, standard
 * PDF fonts, vector plots, so the same calibration gives the same bytes.
 */
import { createHash } from 'node:crypto';
import PDFDocument from 'pdfkit';
import type { Calibration, LrValidation } from '../../common/api.js';
import { formatLikelihoodRatio } from '../../common/likelihood-ratio.js';
import { tippettSteps, type TippettCurve } from '../../../native-models/evaluative/metrics.js';
import { LR_METHOD_STATEMENT } from './wording.js';

const PAGE = { width: 595.28, height: 841.89 };
const MARGIN = 56;
const CONTENT_WIDTH = PAGE.width - 2 * MARGIN;
const LABEL_WIDTH = 150;
const FONT = { regular: 'Helvetica', bold: 'Helvetica-Bold', mono: 'Courier' };
const COLORS = { same: '#1b7837', different: '#b2182b', pav: '#2166ac', neutral: '#555555', grid: '#dddddd' };

const VALIDATION_REPORT_TITLE = 'Validation of a likelihood-ratio calibration';

export interface ValidationReportPdf {
  bytes: Buffer;
  pages: number;
  sha256: string;
}

export async function buildValidationReport(calibration: Calibration): Promise<ValidationReportPdf> {
  const asOf = new Date(
    [calibration.createdAt, ...calibration.evaluations.map((e) => e.createdAt)].sort().reverse()[0],
  );
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    bufferPages: true,
    pdfVersion: '1.7',
    lang: 'en',
    info: {
      Title: `${VALIDATION_REPORT_TITLE} #${calibration.id}`,
      Subject: `Calibration set ${calibration.set.setSha256}`,
      Creator: 'xssab-workstation',
      Producer: 'xssab-workstation (PDFKit)',
      CreationDate: asOf,
      ModDate: asOf,
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<void>((resolve, reject) => {
    doc.on('end', resolve);
    doc.on('error', reject);
  });
  write(doc, calibration);
  const pages = doc.bufferedPageRange().count;
  for (let index = 0; index < pages; index++) {
    doc.switchToPage(index);
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.font(FONT.regular).fontSize(7.5).fillColor(COLORS.neutral);
    doc.text(
      `Calibration #${calibration.id} · set ${calibration.set.setSha256} · page ${index + 1} of ${pages}`,
      MARGIN,
      PAGE.height - 40,
      { width: CONTENT_WIDTH, lineBreak: false },
    );
    doc.page.margins.bottom = bottom;
  }
  doc.end();
  await ended;
  const bytes = Buffer.concat(chunks);
  return { bytes, pages, sha256: createHash('sha256').update(bytes).digest('hex') };
}

function write(doc: PDFKit.PDFDocument, calibration: Calibration): void {
  const { set } = calibration;
  doc.font(FONT.bold).fontSize(16).fillColor('#111111').text(`${VALIDATION_REPORT_TITLE} #${calibration.id}`);
  doc.moveDown(0.6);
  rows(doc, [
    ['Model', set.modelId],
    ['Model ONNX SHA-256', set.modelSha256, true],
    ['Calibration set', `#${set.id} "${set.name}" (${set.pairsSource}, photos under ${set.root})`],
    ['Set SHA-256', set.setSha256, true],
    [
      'Pairs',
      `${set.sameSource} same-source, ${set.differentSource} different-source` +
        (set.failures.length ? `; ${set.failures.length} could not be scored and are left out` : ''),
    ],
    ['Conditions in the set', set.conditions.length ? set.conditions.join(', ') : 'none tagged'],
    [
      'Method',
      `${calibration.method === 'pav' ? 'PAV (isotonic regression)' : 'logistic regression'}` +
        (calibration.condition === null
          ? ', all pairs'
          : `, pairs with condition "${calibration.condition}" only`),
    ],
    [
      'ELUB bounds',
      `LR from ${formatLikelihoodRatio(calibration.bounds.lowerLog10)} to ${formatLikelihoodRatio(calibration.bounds.upperLog10)} ` +
        `(log10 ${calibration.bounds.lowerLog10.toFixed(2)} to ${calibration.bounds.upperLog10.toFixed(2)})`,
    ],
    ['Score range', `${calibration.scoreRange.min.toFixed(4)} to ${calibration.scoreRange.max.toFixed(4)}`],
    ['Fitted', `${calibration.createdAt} by ${calibration.createdBy}`],
  ]);
  validationSection(
    doc,
    `${calibration.folds}-fold cross-validation on the calibration set`,
    calibration.validation,
  );
  for (const evaluation of calibration.evaluations) {
    validationSection(
      doc,
      `Evaluation on "${evaluation.set.name}" (set #${evaluation.set.id}, ${evaluation.createdAt})`,
      evaluation.validation,
      evaluation.set.setSha256,
    );
  }
  heading(doc, 'Method');
  for (const paragraph of LR_METHOD_STATEMENT) {
    doc
      .font(FONT.regular)
      .fontSize(9)
      .fillColor('#111111')
      .text(paragraph, { width: CONTENT_WIDTH, align: 'justify' });
    doc.moveDown(0.5);
  }
}

function heading(doc: PDFKit.PDFDocument, text: string): void {
  if (doc.y > PAGE.height - 140) doc.addPage();
  doc.moveDown(0.8);
  doc.font(FONT.bold).fontSize(12).fillColor('#111111').text(text, MARGIN, doc.y, { width: CONTENT_WIDTH });
  doc.moveDown(0.3);
}

function rows(doc: PDFKit.PDFDocument, entries: [string, string, boolean?][]): void {
  for (const [label, value, mono] of entries) {
    const top = doc.y;
    doc
      .font(FONT.bold)
      .fontSize(8.5)
      .fillColor('#555555')
      .text(label, MARGIN, top, { width: LABEL_WIDTH - 8 });
    doc
      .font(mono ? FONT.mono : FONT.regular)
      .fontSize(mono ? 7.5 : 9)
      .fillColor('#111111')
      .text(value, MARGIN + LABEL_WIDTH, top, { width: CONTENT_WIDTH - LABEL_WIDTH });
    doc.y = Math.max(doc.y, top + 12) + 2;
  }
  doc.x = MARGIN;
}

function validationSection(
  doc: PDFKit.PDFDocument,
  title: string,
  validation: LrValidation,
  setSha256?: string,
): void {
  const p = validation.performance;
  const pct = (v: number) => `${(100 * v).toFixed(1)} %`;
  heading(doc, title);
  rows(doc, [
    ...(setSha256 ? [['Set SHA-256', setSha256, true] as [string, string, boolean]] : []),
    ['Pairs', `${p.sameSource} same-source, ${p.differentSource} different-source`],
    ['Cllr', `${p.cllr.toFixed(3)} bits`],
    ['Cllr_min', `${p.cllrMin.toFixed(3)} bits (discrimination)`],
    ['Cllr_cal', `${p.cllrCal.toFixed(3)} bits (calibration loss)`],
    ['Misleading, same source', `${pct(p.misleading.sameSourceBelowOne)} of same-source LRs below 1`],
    [
      'Misleading, different source',
      `${pct(p.misleading.differentSourceAboveOne)} of different-source LRs above 1`,
    ],
  ]);
  const width = (CONTENT_WIDTH - 16) / 2;
  const height = width * 0.8;
  if (doc.y + height + 40 > PAGE.height - MARGIN) doc.addPage();
  const top = doc.y + 8;
  const tippett = validation.tippett;
  const values = [...tippett.sameSource.log10Lr, ...tippett.differentSource.log10Lr];
  const xRange: [number, number] = [
    Math.floor(Math.min(-1, ...values) - 0.5),
    Math.ceil(Math.max(1, ...values) + 0.5),
  ];
  const steps = (c: TippettCurve) => tippettSteps(c, xRange[0], xRange[1]);
  chart(doc, MARGIN, top, width, height, {
    title: 'Tippett plot',
    xLabel: 'log10 LR',
    yLabel: 'proportion of LRs at or above',
    x: xRange,
    y: [0, 1],
    series: [
      { color: COLORS.same, label: 'same source', points: steps(tippett.sameSource) },
      { color: COLORS.different, label: 'different source', points: steps(tippett.differentSource) },
    ],
  });
  const ece = validation.ece;
  const priors = ece.priorLog10Odds;
  const yTop = Math.ceil(Math.max(1, ...ece.system) * 10) / 10;
  const curve = (ys: number[]) => priors.map((x, i): [number, number] => [x, Math.min(ys[i], yTop)]);
  chart(doc, MARGIN + width + 16, top, width, height, {
    title: 'ECE plot',
    xLabel: 'prior log10 odds of same source',
    yLabel: 'empirical cross-entropy (bits)',
    x: [priors[0], priors[priors.length - 1]],
    y: [0, yTop],
    series: [
      { color: COLORS.different, label: 'LRs', points: curve(ece.system) },
      { color: COLORS.pav, label: 'after PAV', points: curve(ece.calibrated), dashed: true },
      { color: COLORS.neutral, label: 'LR = 1', points: curve(ece.neutral), dashed: true },
    ],
  });
  doc.x = MARGIN;
  doc.y = top + height + 36;
}

interface PdfChart {
  title: string;
  xLabel: string;
  yLabel: string;
  x: [number, number];
  y: [number, number];
  series: { color: string; label: string; points: [number, number][]; dashed?: boolean }[];
}

function chart(
  doc: PDFKit.PDFDocument,
  left: number,
  top: number,
  width: number,
  height: number,
  spec: PdfChart,
): void {
  const plot = { left: left + 40, top: top + 14, width: width - 46, height: height - 40 };
  const sx = (v: number) =>
    plot.left +
    ((Math.min(spec.x[1], Math.max(spec.x[0], v)) - spec.x[0]) / (spec.x[1] - spec.x[0])) * plot.width;
  const sy = (v: number) =>
    plot.top + plot.height - ((v - spec.y[0]) / (spec.y[1] - spec.y[0])) * plot.height;
  doc
    .font(FONT.bold)
    .fontSize(9)
    .fillColor('#111111')
    .text(spec.title, left, top, { width, align: 'center' });
  doc.font(FONT.regular).fontSize(6.5).fillColor('#555555');
  for (let i = 0; i <= 4; i++) {
    const yv = spec.y[0] + ((spec.y[1] - spec.y[0]) * i) / 4;
    doc
      .moveTo(plot.left, sy(yv))
      .lineTo(plot.left + plot.width, sy(yv))
      .lineWidth(0.3)
      .strokeColor(COLORS.grid)
      .stroke();
    doc.text(yv.toFixed(2), left + 10, sy(yv) - 3, { width: 26, align: 'right', lineBreak: false });
    const xv = spec.x[0] + ((spec.x[1] - spec.x[0]) * i) / 4;
    doc.text(Number(xv.toFixed(2)).toString(), sx(xv) - 15, plot.top + plot.height + 3, {
      width: 30,
      align: 'center',
      lineBreak: false,
    });
  }
  doc.rect(plot.left, plot.top, plot.width, plot.height).lineWidth(0.6).strokeColor('#333333').stroke();
  doc.text(spec.xLabel, plot.left, plot.top + plot.height + 12, {
    width: plot.width,
    align: 'center',
    lineBreak: false,
  });
  spec.series.forEach((series, k) => {
    const [first, ...rest] = series.points;
    doc.moveTo(sx(first[0]), sy(first[1]));
    for (const [x, y] of rest) doc.lineTo(sx(x), sy(y));
    if (series.dashed) doc.dash(3, { space: 2 });
    doc.lineWidth(1.1).strokeColor(series.color).stroke();
    doc.undash();
    const ly = plot.top + 6 + 9 * k;
    doc
      .moveTo(plot.left + plot.width - 70, ly)
      .lineTo(plot.left + plot.width - 58, ly)
      .lineWidth(1.1)
      .strokeColor(series.color)
      .stroke();
    doc
      .fillColor('#111111')
      .text(series.label, plot.left + plot.width - 55, ly - 3, { width: 55, lineBreak: false });
  });
  // The y label reads bottom to top along the axis.
  doc.save();
  doc.rotate(-90, { origin: [left + 2, plot.top + plot.height] });
  doc.fillColor('#555555').text(spec.yLabel, left + 2, plot.top + plot.height - 8, {
    width: plot.height,
    align: 'center',
    lineBreak: false,
  });
  doc.restore();
}
