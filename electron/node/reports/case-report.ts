/**
 * The case report as a PDF (pdfkit), built from plain data gathered by ReportService.
 *
 * Deterministic: the same bundle gives the same bytes. The document dates are the bundle's `asOf`
 * (the time of the newest recorded event the report covers), pdfkit's file ID is a hash of the
 * document info, the embedded font subsets (fonts.ts) are named from the fonts' order of use, and
 * images are embedded in the order they appear.
 */
import PDFDocument from 'pdfkit';
import { formatLikelihoodRatio } from '../../common/likelihood-ratio.js';
import { FACE_REGION_LABELS } from '../../common/explanations.js';
import type {
  Analysis,
  AnalysisLikelihoodRatio,
  Calibration,
  Case,
  Account,
  Decision,
  EvidenceItem,
  MapKind,
  Pair,
  RegionShare,
  XssabParameters,
  XssabResult,
} from '../../common/api.js';
import {
  CONCLUSION_WORDING,
  INTEGRITY_STATEMENT,
  LR_METHOD_STATEMENT,
  METHOD_STATEMENT,
  REPORT_TITLE,
  ROLE_WORDING,
} from './wording.js';
import { FONT, registerReportFonts, writeText, type ReportFont } from './fonts.js';

/** An image shown in the report, with the SHA-256 of the stored file it comes from. */
export interface ReportImage {
  /** PNG or JPEG bytes. */
  bytes: Buffer;
  sha256: string;
}

export type AnalysisImageKind = 'crop' | MapKind;

export interface ReportAnalysis {
  analysis: Analysis;
  /** The LR recorded for the analysis, with the calibration it came from. */
  likelihoodRatio?: { lr: AnalysisLikelihoodRatio; calibration: Calibration };
  parameters: XssabParameters;
  result: XssabResult;
  /** The aligned crop and the three maps of each side, from the analysis artifacts (hashes verified). */
  images: Record<'a' | 'b', Record<AnalysisImageKind, ReportImage>>;
}

export interface ReportPair {
  pair: Pair;
  a: EvidenceItem;
  b: EvidenceItem;
  analyses: ReportAnalysis[];
  /** Each with the account that signed it (null: recorded before accounts existed). */
  decisions: (Decision & { signer: Account | null })[];
}

export interface CaseReportBundle {
  software: { name: string; version: string };
  /** SHA-256 of the recorded data the report presents: the report's identity, on every page. */
  identifier: string;
  /** Time of the newest audit event of the case the report covers; the document's date. */
  asOf: string;
  case: Case;
  /** Each evidence item with a downscaled picture of its (hash-verified) original. */
  evidence: { item: EvidenceItem; thumbnail: Buffer }[];
  pairs: ReportPair[];
  /** The newest event of the case the report covers (the chain was verified intact up to it). */
  anchor: { seq: number; at: string; hash: string };
  /** The anchor (chain length and head hash) signed by the workstation key, as its checkpoints are. */
  signedAnchor: { keyFingerprint: string; signature: string };
}

export interface CaseReportPdf {
  bytes: Buffer;
  pages: number;
}

const PAGE = { width: 595.28, height: 841.89 };
const MARGIN = { top: 78, bottom: 66, left: 56, right: 56 };
const CONTENT_WIDTH = PAGE.width - MARGIN.left - MARGIN.right;
const LABEL_WIDTH = 128;
const INK = '#111111';
const MUTED = '#555555';
const RULE = '#999999';

const IMAGE_TITLES: Record<AnalysisImageKind, string> = {
  crop: 'Aligned face crop',
  combined: 'Combined map',
  pos: 'Positive map (for)',
  neg: 'Negative map (against)',
};
const IMAGE_ORDER: AnalysisImageKind[] = ['crop', 'combined', 'pos', 'neg'];

type Row = [label: string, value: string, style?: 'mono'];

export async function buildCaseReport(bundle: CaseReportBundle): Promise<CaseReportPdf> {
  const date = new Date(bundle.asOf);
  const doc = new PDFDocument({
    size: 'A4',
    margins: MARGIN,
    bufferPages: true,
    pdfVersion: '1.7',
    lang: 'en',
    displayTitle: true,
    info: {
      Title: `${REPORT_TITLE}, case ${bundle.case.caseNumber}`,
      Subject: `Report ${bundle.identifier}`,
      Keywords: `case ${bundle.case.caseNumber}; report ${bundle.identifier}`,
      Creator: `${bundle.software.name} ${bundle.software.version}`,
      Producer: `${bundle.software.name} ${bundle.software.version} (PDFKit)`,
      CreationDate: date,
      ModDate: date,
    },
  });
  registerReportFonts(doc);
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<void>((resolve, reject) => {
    doc.on('end', resolve);
    doc.on('error', reject);
  });

  new ReportWriter(doc).write(bundle);
  const pages = doc.bufferedPageRange().count;
  for (let index = 0; index < pages; index += 1) {
    doc.switchToPage(index);
    drawHeaderAndFooter(doc, bundle, index + 1, pages);
  }
  doc.end();
  await ended;
  return { bytes: Buffer.concat(chunks), pages };
}

/** Header and footer on every page, drawn once the page count is known. */
function drawHeaderAndFooter(doc: PDFKit.PDFDocument, bundle: CaseReportBundle, page: number, pages: number) {
  // Text below the bottom margin would make pdfkit open a new page; lift the margin meanwhile.
  const bottomMargin = doc.page.margins.bottom;
  doc.page.margins.bottom = 0;
  const left = MARGIN.left;
  const right = PAGE.width - MARGIN.right;
  doc.fontSize(9).fillColor(INK);
  writeText(doc, FONT.bold, `Case ${bundle.case.caseNumber}`, left, 40, {
    width: CONTENT_WIDTH / 2,
    lineBreak: false,
  });
  doc.font(FONT.regular).fillColor(MUTED);
  doc.text(REPORT_TITLE, left + CONTENT_WIDTH / 2, 40, {
    width: CONTENT_WIDTH / 2,
    align: 'right',
    lineBreak: false,
  });
  doc.moveTo(left, 54).lineTo(right, 54).lineWidth(0.5).strokeColor(RULE).stroke();

  const footerY = PAGE.height - 46;
  doc
    .moveTo(left, footerY - 6)
    .lineTo(right, footerY - 6)
    .lineWidth(0.5)
    .strokeColor(RULE)
    .stroke();
  doc.font(FONT.regular).fontSize(7.5).fillColor(MUTED);
  doc.text(`Report identifier ${bundle.identifier}`, left, footerY, {
    width: CONTENT_WIDTH - 80,
    lineBreak: false,
  });
  doc.text(`Page ${page} of ${pages}`, right - 80, footerY, { width: 80, align: 'right', lineBreak: false });
  doc.text(
    `${bundle.software.name} ${bundle.software.version} · data as of ${formatTime(bundle.asOf)}`,
    left,
    footerY + 10,
    {
      width: CONTENT_WIDTH,
      lineBreak: false,
    },
  );
  doc.page.margins.bottom = bottomMargin;
}

/** Writes the body top to bottom, opening pages as the content needs them. */
class ReportWriter {
  constructor(private readonly doc: PDFKit.PDFDocument) {}

  write(bundle: CaseReportBundle): void {
    const { doc } = this;
    const c = bundle.case;
    doc.font(FONT.bold).fontSize(17).fillColor(INK).text(REPORT_TITLE, MARGIN.left, MARGIN.top);
    doc.moveDown(0.2);
    doc.fontSize(11).fillColor(MUTED);
    writeText(doc, FONT.regular, `Case ${c.caseNumber}: ${c.title}`);
    doc.moveDown(0.8);

    this.rows([
      ['Case number', c.caseNumber],
      ['Title', c.title],
      ['Requesting agency', c.requestingAgency || '—'],
      ['Responsible examiner', c.examiner || '—'],
      ['Case status', c.status.replace('_', ' ')],
      ['Case opened', formatTime(c.createdAt)],
      ['Last change', formatTime(c.updatedAt)],
      ...(c.notes ? [['Notes', c.notes] as Row] : []),
    ]);
    this.gap();
    this.rows([
      ['Report identifier', bundle.identifier, 'mono'],
      ['Data as of', `${formatTime(bundle.asOf)} (audit event #${bundle.anchor.seq})`],
      ['Software', `${bundle.software.name} ${bundle.software.version}`],
      [
        'Contents',
        `${count(bundle.evidence.length, 'evidence item')}, ${count(bundle.pairs.length, 'compared pair')}, ` +
          `${count(
            bundle.pairs.reduce((n, p) => n + p.analyses.length, 0),
            'analysis',
            'analyses',
          )}, ` +
          `${count(
            bundle.pairs.reduce((n, p) => n + p.decisions.length, 0),
            'recorded decision',
          )}`,
      ],
    ]);

    this.heading('1  Evidence');
    if (bundle.evidence.length === 0) this.note('No evidence has been imported into this case.');
    bundle.evidence.forEach(({ item, thumbnail }) => this.evidenceItem(item, thumbnail));

    this.heading('2  Comparisons');
    if (bundle.pairs.length === 0) this.note('No pair of images has been compared in this case.');
    bundle.pairs.forEach((pair, index) => this.pair(pair, index + 1));

    this.heading('3  Method and limits of the explanation maps');
    for (const paragraph of METHOD_STATEMENT) this.paragraph(paragraph);
    if (bundle.pairs.some((p) => p.analyses.some((a) => a.likelihoodRatio)))
      for (const paragraph of LR_METHOD_STATEMENT) this.paragraph(paragraph);
    for (const [model, statement] of validityByModel(bundle)) this.paragraph(`${model}: ${statement}`);

    this.heading('4  Integrity');
    this.paragraph(INTEGRITY_STATEMENT);
    this.rows([
      [
        'Audit trail',
        'hash chain, its signed checkpoint and every stored row of the case verified when the report was generated',
      ],
      ['Covered up to', `event #${bundle.anchor.seq}, ${formatTime(bundle.anchor.at)}`],
      ['Hash of that event', bundle.anchor.hash, 'mono'],
      ['Workstation key', bundle.signedAnchor.keyFingerprint, 'mono'],
      ['Signed checkpoint', bundle.signedAnchor.signature, 'mono'],
    ]);
  }

  private evidenceItem(item: EvidenceItem, thumbnail: Buffer): void {
    const { doc } = this;
    const box = 112;
    const x = MARGIN.left + box + 14;
    const width = CONTENT_WIDTH - box - 14;
    const rows: Row[] = [
      ['Evidence', `#${item.id}  ${item.originalName}`],
      ['SHA-256', item.sha256, 'mono'],
      ['Size', `${item.byteSize.toLocaleString('en-GB')} bytes, ${item.mediaType}`],
      ['Dimensions', item.width && item.height ? `${item.width} × ${item.height} pixels` : 'unknown'],
      ['Imported', `${formatTime(item.importedAt)} by ${item.importedBy}`],
    ];
    const labelWidth = 66;
    const height = Math.max(box, this.rowsHeight(rows, width, labelWidth)) + 12;
    this.ensure(height);
    const top = doc.y;
    doc.rect(MARGIN.left, top, box, box).lineWidth(0.5).strokeColor(RULE).stroke();
    doc.image(thumbnail, MARGIN.left + 2, top + 2, {
      fit: [box - 4, box - 4],
      align: 'center',
      valign: 'center',
    });
    this.rows(rows, x, width, labelWidth);
    doc.y = top + height;
    doc.x = MARGIN.left;
  }

  private pair(report: ReportPair, number: number): void {
    const { doc } = this;
    this.subheading(
      `2.${number}  Pair ${report.pair.id}: A = evidence #${report.a.id}, B = evidence #${report.b.id}`,
    );
    this.rows([
      ['Image A', `#${report.a.id}  ${report.a.originalName}`],
      ['', report.a.sha256, 'mono'],
      ['Image B', `#${report.b.id}  ${report.b.originalName}`],
      ['', report.b.sha256, 'mono'],
      ['Pair created', formatTime(report.pair.createdAt)],
    ]);
    if (report.analyses.length === 0) this.note('This pair has not been analysed.');
    for (const analysis of report.analyses) this.analysis(report, analysis);

    this.minorHeading('Decisions');
    if (report.decisions.length === 0) this.note('No conclusion has been recorded on this pair.');
    for (const decision of report.decisions) {
      this.rows([
        [ROLE_WORDING[decision.role], `${decision.examiner}, ${formatTime(decision.createdAt)}`],
        ['Conclusion', decision.conclusion === null ? 'sealed' : CONCLUSION_WORDING[decision.conclusion]],
        ...decisionStateRows(decision),
        [
          'Based on',
          decision.analysisId === null ? 'the examination of the images' : `analysis #${decision.analysisId}`,
        ],
        ['Rationale', decision.rationale],
        ...signatureRows(decision),
      ]);
      this.gap(6);
    }
    doc.x = MARGIN.left;
  }

  private analysis(
    report: ReportPair,
    { analysis, parameters, result, images, likelihoodRatio }: ReportAnalysis,
  ): void {
    const calibration = parameters.calibration;
    const calibrationNote = calibration
      ? `${calibration.provisional ? 'provisional, ' : ''}n = ${calibration.n} pairs, ${calibration.method} on ${calibration.dataset}`
      : 'given for this analysis, not calibrated';
    const rows: Row[] = [
      ...(likelihoodRatio ? likelihoodRatioRows(likelihoodRatio.lr, likelihoodRatio.calibration) : []),
      ['Model', `${analysis.modelName} (${analysis.modelId})`],
      ['Model ONNX SHA-256', analysis.modelSha256, 'mono'],
      ['Score', formatNumber(analysis.score)],
      ['Threshold', `${formatNumber(analysis.threshold)} (${calibrationNote})`],
      ['Model decision', result.decision],
      [
        'Split stability',
        `minimum gap ${result.stability.minGap.toExponential(2)} to the bound ${parameters.bound.toExponential(3)}; ` +
          `${count(result.stability.nearBound, 'dimension')} within 1e-4 of it (of ${parameters.dim})`,
      ],
      ...(parameters.flipAveraging
        ? [
            [
              'Test-time augmentation',
              "horizontal flip: mean of the face's and its mirror image's normalised embeddings; the maps explain that mean",
            ] satisfies Row,
          ]
        : []),
      ...(['a', 'b'] as const).map((side): Row => [
        `Face ${side.toUpperCase()}`,
        describeFace(result.photos[side]),
      ]),
      ...(result.maps ? [['Colour scales', describeScales(result.maps)] as Row] : []),
      ['Execution provider', analysis.provider],
      ['Input A SHA-256', analysis.inputASha256, 'mono'],
      ['Input B SHA-256', analysis.inputBSha256, 'mono'],
      ...result.warnings.map((warning): Row => ['Warning', warning]),
      ['Explanation validity', result.explanations?.statement ?? NOT_VALIDATED],
      ...(['a', 'b'] as const).flatMap((side): Row[] =>
        result.regions ? [[`Regions of ${side.toUpperCase()}`, regionLine(result.regions[side])]] : [],
      ),
    ];
    // The heading and the figures stay together on one page.
    this.ensure(30 + this.rowsHeight(rows));
    this.minorHeading(`Analysis #${analysis.id} (${analysis.method}), ${formatTime(analysis.createdAt)}`);
    this.rows(rows);
    this.gap(4);
    for (const side of ['a', 'b'] as const) {
      const item = side === 'a' ? report.a : report.b;
      this.imageRow(`Image ${side.toUpperCase()}: evidence #${item.id}, ${item.originalName}`, images[side]);
    }
  }

  /** The crop and the three maps of one side, side by side, each captioned with its file's hash. */
  private imageRow(title: string, images: Record<AnalysisImageKind, ReportImage>): void {
    const { doc } = this;
    const gutter = 8;
    const width = (CONTENT_WIDTH - gutter * (IMAGE_ORDER.length - 1)) / IMAGE_ORDER.length;
    const imageHeight = width * 1.08;
    this.ensure(14 + imageHeight + 30);
    doc.fontSize(8.5).fillColor(INK);
    writeText(doc, FONT.bold, title, MARGIN.left, doc.y);
    const top = doc.y + 3;
    IMAGE_ORDER.forEach((kind, index) => {
      const x = MARGIN.left + index * (width + gutter);
      doc.image(images[kind].bytes, x, top, { fit: [width, imageHeight], align: 'center' });
      doc.font(FONT.regular).fontSize(7.5).fillColor(INK);
      doc.text(IMAGE_TITLES[kind], x, top + imageHeight + 3, { width, align: 'center' });
      doc.font(FONT.mono).fontSize(5.6).fillColor(MUTED);
      doc.text(images[kind].sha256.slice(0, 32), x, doc.y + 1, { width, align: 'center' });
      doc.text(images[kind].sha256.slice(32), x, doc.y, { width, align: 'center' });
    });
    doc.x = MARGIN.left;
    doc.y = top + imageHeight + 34;
  }

  private heading(text: string): void {
    this.ensure(60);
    this.gap(10);
    const { doc } = this;
    doc.font(FONT.bold).fontSize(13).fillColor(INK).text(text, MARGIN.left, doc.y);
    const y = doc.y + 2;
    doc
      .moveTo(MARGIN.left, y)
      .lineTo(MARGIN.left + CONTENT_WIDTH, y)
      .lineWidth(0.8)
      .strokeColor(INK)
      .stroke();
    doc.y = y + 8;
  }

  private subheading(text: string): void {
    this.ensure(90);
    this.gap(6);
    this.doc.fontSize(11).fillColor(INK);
    writeText(this.doc, FONT.bold, text, MARGIN.left, this.doc.y);
    this.gap(4);
  }

  private minorHeading(text: string): void {
    this.ensure(60);
    this.gap(6);
    this.doc.fontSize(9.5).fillColor(INK);
    writeText(this.doc, FONT.bold, text, MARGIN.left, this.doc.y);
    this.gap(3);
  }

  private paragraph(text: string): void {
    const { doc } = this;
    doc.font(FONT.regular).fontSize(9.5).fillColor(INK);
    this.ensure(doc.heightOfString(text, { width: CONTENT_WIDTH, lineGap: 1.5 }) + 6);
    doc.text(text, MARGIN.left, doc.y, { width: CONTENT_WIDTH, align: 'justify', lineGap: 1.5 });
    this.gap(6);
  }

  private note(text: string): void {
    this.ensure(20);
    this.doc
      .font(FONT.italic)
      .fontSize(9)
      .fillColor(MUTED)
      .text(text, MARGIN.left, this.doc.y, { width: CONTENT_WIDTH });
    this.gap(4);
  }

  /** Label/value lines; a row splits across pages only when it is longer than a page. */
  private rows(rows: Row[], x = MARGIN.left, width = CONTENT_WIDTH, labelWidth = LABEL_WIDTH): void {
    const { doc } = this;
    const valueWidth = width - labelWidth;
    for (const [label, value, style] of rows) {
      const height = this.rowHeight(value, style, valueWidth);
      const fitsOnAPage = height <= PAGE.height - MARGIN.top - MARGIN.bottom;
      this.ensure(fitsOnAPage ? height : 40);
      const top = doc.y;
      doc.fontSize(8.5).fillColor(MUTED);
      // Label and value share one top, so that text extraction reads the label before a wrapped value.
      writeText(doc, FONT.bold, label, x, top, { width: labelWidth - 8 });
      doc.fillColor(INK);
      writeText(doc, this.valueFont(style), value, x + labelWidth, top, { width: valueWidth });
      // A longer value has flowed onto further pages; pdfkit's position is already below it.
      if (fitsOnAPage) doc.y = top + height;
    }
    doc.x = MARGIN.left;
  }

  private rowsHeight(rows: Row[], width = CONTENT_WIDTH, labelWidth = LABEL_WIDTH): number {
    return rows.reduce((sum, [, value, style]) => sum + this.rowHeight(value, style, width - labelWidth), 0);
  }

  private rowHeight(value: string, style: Row[2], width: number): number {
    this.valueFont(style);
    return this.doc.heightOfString(value, { width }) + 3;
  }

  /** Sets the value's font and size; returns the font. */
  private valueFont(style: Row[2]): ReportFont {
    const font = style === 'mono' ? FONT.mono : FONT.regular;
    this.doc.font(font).fontSize(style === 'mono' ? 7.5 : 9);
    return font;
  }

  private gap(points = 10): void {
    this.doc.y += points;
  }

  /** Opens a new page unless `height` points still fit on this one. */
  private ensure(height: number): void {
    if (this.doc.y + height > PAGE.height - MARGIN.bottom) {
      this.doc.addPage();
      this.doc.x = MARGIN.left;
      this.doc.y = MARGIN.top;
    }
  }
}

/** The LR first, then how it was calibrated and how well that calibration performs. */
function likelihoodRatioRows(lr: AnalysisLikelihoodRatio, calibration: Calibration): Row[] {
  const bits = (value: number) => `${value.toFixed(3)} bits`;
  const figures = (performance: Calibration['validation']['performance']) =>
    `Cllr ${bits(performance.cllr)}, Cllr_min ${bits(performance.cllrMin)}, Cllr_cal ${bits(performance.cllrCal)}; ` +
    `misleading: ${percent(performance.misleading.sameSourceBelowOne)} of same-source LRs < 1, ` +
    `${percent(performance.misleading.differentSourceAboveOne)} of different-source LRs > 1`;
  const { set } = calibration;
  const boundNote =
    lr.bound === null ? '' : `; limited to the ELUB ${lr.bound} bound (the calibration set supports no more)`;
  return [
    [
      'Likelihood ratio',
      `LR = ${formatLikelihoodRatio(lr.log10Lr)} (log10 LR = ${lr.log10Lr.toFixed(2)})${boundNote}`,
    ],
    ['Verbal equivalent', `${lr.verbal} (ENFSI scale)`],
    [
      'Calibration',
      `#${calibration.id}, ${calibration.method === 'pav' ? 'PAV (isotonic)' : 'logistic regression'} on "${set.name}"` +
        `${calibration.condition === null ? '' : ` (condition "${calibration.condition}")`}: ` +
        `${set.sameSource} same-source and ${set.differentSource} different-source pairs`,
    ],
    ['Calibration set SHA-256', set.setSha256, 'mono'],
    [
      'ELUB bounds',
      `LR from ${formatLikelihoodRatio(calibration.bounds.lowerLog10)} to ${formatLikelihoodRatio(calibration.bounds.upperLog10)}`,
    ],
    [`Validation (${calibration.folds}-fold)`, figures(calibration.validation.performance)],
    ...calibration.evaluations.map((e): Row => [
      `Validation on "${e.set.name}"`,
      figures(e.validation.performance),
    ]),
    ...(lr.withinCalibrationRange
      ? []
      : [
          [
            'Outside the data',
            `the score ${lr.score.toFixed(4)} lies outside the calibration scores ` +
              `(${calibration.scoreRange.min.toFixed(4)} to ${calibration.scoreRange.max.toFixed(4)}): the LR is extrapolated`,
          ] as Row,
        ]),
  ];
}

function percent(value: number): string {
  return `${(100 * value).toFixed(1)} %`;
}

const NOT_VALIDATED =
  'Explanations not validated: the analysis was made before models carried a validation record.';

/** Each model's validity statement, from its newest analysis in the report, in model order. */
function validityByModel(bundle: CaseReportBundle): [string, string][] {
  const byModel = new Map<string, string>();
  const analyses = bundle.pairs
    .flatMap((pair) => pair.analyses)
    .sort((x, y) => x.analysis.id - y.analysis.id);
  for (const { analysis, result } of analyses) {
    byModel.set(
      `${analysis.modelName} (${analysis.modelId})`,
      result.explanations?.statement ?? NOT_VALIDATED,
    );
  }
  return [...byModel].sort(([a], [b]) => a.localeCompare(b));
}

/** "Mouth 31 % / 12 %, …": each region's share of support and opposition in the integrated-gradients map. */
function regionLine(regions: RegionShare[]): string {
  const shares = regions
    .filter((r) => r.pixels > 0)
    .map(
      (r) =>
        `${FACE_REGION_LABELS[r.region]} ${Math.round(100 * r.support)} % / ${Math.round(100 * r.opposition)} %`,
    );
  return `support / opposition: ${shares.join(', ')}`;
}

function formatTime(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}

function formatNumber(value: number | null): string {
  return value === null ? '—' : value.toFixed(4);
}

function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}

/** Which decision a decision verifies, amends or settles, and whether it disagrees or was amended. */
function decisionStateRows(decision: Decision): Row[] {
  const rows: Row[] = [];
  if (decision.role === 'verifier' && decision.verifiesId !== null) {
    rows.push(['Verifies', `decision #${decision.verifiesId}, without having seen its conclusion`]);
  }
  if (decision.role === 'consultation' && decision.verifiesId !== null) {
    rows.push(['Settles', `the disagreement on decision #${decision.verifiesId}`]);
  }
  if (decision.supersedesId !== null) rows.push(['Amends', `decision #${decision.supersedesId}`]);
  if (decision.disagreement) rows.push(['Disagreement', 'not yet resolved by a consultation']);
  if (decision.superseded) rows.push(['Superseded', 'amended by a later decision']);
  return rows;
}

/** The signature block of a decision: signing account, its key and the signature. */
function signatureRows(decision: Decision & { signer: Account | null }): Row[] {
  if (decision.signer === null || decision.signature === null) {
    return [['Signature', 'none (recorded before examiner accounts)']];
  }
  const { signer } = decision;
  return [
    [
      'Signed by',
      `${signer.name} (${signer.initials}, ${signer.role}, account ${signer.id}); signature verified`,
    ],
    ['Signing key', signer.keyFingerprint, 'mono'],
    ['Signature', decision.signature, 'mono'],
  ];
}

/** Which face of the photo was compared, and where its landmarks came from. */
function describeFace(photo: XssabResult['photos']['a']): string {
  const found = count(photo.faces, 'face') + ' found';
  const compared =
    photo.faceIndex === null
      ? 'the face at the five landmarks the examiner placed was compared'
      : `face ${photo.faceIndex + 1} of ${photo.faces} (numbered largest first) was compared`;
  const source = photo.landmarkSource
    ? `; landmarks ${photo.landmarkSource === 'manual' ? 'placed by the examiner' : 'detected'}`
    : '';
  return `${found}; ${compared}${source}`;
}

/** The value at 100 % colour strength of each map kind, shared by A and B. */
function describeScales(maps: NonNullable<XssabResult['maps']>): string {
  const kinds = (['combined', 'pos', 'neg'] as const).filter((kind) => maps[`a.${kind}`]);
  const scales = kinds.map(
    (kind) =>
      `${IMAGE_TITLES[kind].toLowerCase()} ${kind === 'combined' ? '±' : ''}100 % = ${maps[`a.${kind}`].span.toExponential(2)}`,
  );
  return `colour strength is the share of the larger maximum of A and B (gradient units): ${scales.join('; ')}`;
}
