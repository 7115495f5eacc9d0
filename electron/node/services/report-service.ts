/**
 * Case reports: gathers what the store holds for a case (re-hashing every file it shows), builds
 * the PDF (electron/node/reports) and stores it once, read-only, as
 * `<data>/reports/<caseId>/<sha256>.pdf`, recorded by a `reports` row and an audit event written
 * together. The same store content gives the same PDF, so exporting twice stores one file.
 */
import type { Database } from 'better-sqlite3';
import { chmodSync, rmSync } from 'node:fs';
import sharp from 'sharp';
import {
  MAP_KINDS,
  xssabArtifactRole,
  xssabParametersSchema,
  xssabResultSchema,
  type Analysis,
  type Report,
} from '../../common/api.js';
import { packageInfo } from '../api/package-info.js';
import {
  buildCaseReport,
  type AnalysisImageKind,
  type CaseReportBundle,
  type ReportAnalysis,
  type ReportPair,
} from '../reports/case-report.js';
import { canonicalJson } from '../store/audit-chain.js';
import { latestCaseEvent } from '../store/audit-events.js';
import { resolveStoredPath } from '../store/data-folder.js';
import { findReport, insertReport, setReportSignature } from '../store/reports.js';
import { readSignedRow } from '../store/row-binding.js';
import { signRecord, type AccountService, type Signer } from './account-service.js';
import { describeProblem, type AuditService } from './audit-service.js';
import type { CalibrationService } from './calibration-service.js';
import type { CaseService } from './case-service.js';
import type { ComparisonService } from './comparison-service.js';
import { readVerified, sha256Of, writeOnce } from './content-files.js';
import { ConflictError, IntegrityError, NotFoundError } from './errors.js';
import type { EvidenceService } from './evidence-service.js';

const REPORTS_DIR = 'reports';
const REPORT_EXPORT_ACTION = 'report.export';

export interface ExportedReport {
  report: Report;
  pages: number;
}

/** Longest side of an evidence picture in the report, in pixels. */
const THUMBNAIL_SIZE = 480;
const IMAGE_KINDS: AnalysisImageKind[] = ['crop', ...MAP_KINDS];

export class ReportService {
  constructor(
    private readonly db: Database,
    private readonly dataDir: string,
    private readonly cases: CaseService,
    private readonly evidence: EvidenceService,
    private readonly comparisons: ComparisonService,
    private readonly audit: AuditService,
    private readonly accounts: AccountService,
    private readonly calibrations: CalibrationService,
  ) {}

  /**
   * Builds the case's report and stores it. IntegrityError, with nothing stored, when a file the
   * report shows no longer matches its SHA-256 or the audit trail is broken.
   */
  async export(caseId: number, signer: Signer): Promise<ExportedReport> {
    const actor = signer.account.name;
    const bundle = await this.gather(caseId);
    const { bytes, pages } = await buildCaseReport(bundle);
    const sha256 = sha256Of(bytes);
    const storedPath = `${REPORTS_DIR}/${caseId}/${sha256}.pdf`;
    const path = resolveStoredPath(this.dataDir, storedPath);
    const written = writeOnce(path, bytes, sha256, `stored report ${path}`);
    try {
      return this.audit.transaction(() => {
        if (this.anchorEvent(caseId).seq !== bundle.anchor.seq) {
          throw new ConflictError(
            `case ${bundle.case.caseNumber} changed while its report was being made; export it again`,
          );
        }
        const report = this.get(
          insertReport(this.db, {
            caseId,
            storedPath,
            sha256,
            createdBy: actor,
            createdAt: new Date().toISOString(),
            accountId: signer.account.id,
          }),
        );
        setReportSignature(
          this.db,
          report.id,
          signRecord(signer, readSignedRow(this.db, 'reports', report.id).content),
        );
        this.audit.append({
          actor,
          action: REPORT_EXPORT_ACTION,
          entityType: 'report',
          entityId: report.id,
          caseId,
          details: {
            storedPath,
            sha256,
            pages,
            identifier: bundle.identifier,
            coversEvent: bundle.anchor.seq,
          },
          rows: [{ table: 'reports', id: report.id }],
        });
        return { report: this.get(report.id), pages };
      });
    } catch (error) {
      if (written) {
        chmodSync(path, 0o644);
        rmSync(path, { force: true });
      }
      throw error;
    }
  }

  get(reportId: number): Report {
    const report = findReport(this.db, reportId);
    if (!report) throw new NotFoundError(`report ${reportId} does not exist`);
    return report;
  }

  /** The stored PDF, after checking it still hashes to the recorded SHA-256. */
  read(reportId: number): { report: Report; bytes: Buffer } {
    const report = this.get(reportId);
    const path = resolveStoredPath(this.dataDir, report.storedPath);
    return { report, bytes: readVerified(path, report.sha256, `the stored file of report ${reportId}`) };
  }

  /** Everything the report shows, with every file re-hashed; the audit trail must be intact. */
  async gather(caseId: number): Promise<CaseReportBundle> {
    const { evidence, pairs, analyses, decisions } = this.cases.getDetail(caseId, 'unsealed');
    const reportCase = this.cases.get(caseId);
    const verification = this.audit.verify(caseId);
    if (!verification.ok) {
      const [first, ...more] = verification.problems;
      throw new IntegrityError(
        `no report is made: the store does not match its audit trail: ${describeProblem(first)}` +
          (more.length > 0 ? ` (and ${more.length} more problem${more.length > 1 ? 's' : ''})` : ''),
      );
    }
    const anchor = this.anchorEvent(caseId);
    const evidenceById = new Map(evidence.map((item) => [item.id, item]));

    const pictures = [];
    for (const item of evidence) {
      const { bytes } = verified(() => this.evidence.readContent(item.id));
      pictures.push({ item, thumbnail: await thumbnail(bytes) });
    }
    const reportPairs: ReportPair[] = [];
    for (const pair of pairs) {
      const pairAnalyses = [];
      for (const analysis of analyses.filter((x) => x.pairId === pair.id)) {
        pairAnalyses.push(await this.reportAnalysis(analysis));
      }
      reportPairs.push({
        pair,
        a: evidenceById.get(pair.evidenceAId)!,
        b: evidenceById.get(pair.evidenceBId)!,
        analyses: pairAnalyses,
        decisions: decisions
          .filter((x) => x.pairId === pair.id)
          .map((decision) => ({
            ...decision,
            signer: decision.accountId === null ? null : this.accounts.get(decision.accountId),
          })),
      });
    }
    const software = { name: packageInfo().name, version: packageInfo().version };
    const likelihoodRatios = analyses.flatMap((a) => this.calibrations.analysisLr(a.id) ?? []);
    const identifier = sha256Of(
      Buffer.from(
        canonicalJson({
          software,
          case: reportCase,
          evidence,
          pairs,
          analyses,
          decisions,
          anchor,
          ...(likelihoodRatios.length > 0 && { likelihoodRatios }),
        }),
      ),
    );
    return {
      software,
      identifier,
      asOf: anchor.at,
      case: reportCase,
      evidence: pictures,
      pairs: reportPairs,
      anchor,
      signedAnchor: this.audit.signHead({ length: anchor.seq, headHash: anchor.hash }),
    };
  }

  private async reportAnalysis(analysis: Analysis): Promise<ReportAnalysis> {
    const images = { a: {}, b: {} } as ReportAnalysis['images'];
    for (const side of ['a', 'b'] as const) {
      for (const kind of IMAGE_KINDS) {
        const role = xssabArtifactRole(side, kind, 'png');
        if (!analysis.artifacts.some((x) => x.role === role)) {
          throw new IntegrityError(
            `analysis ${analysis.id} lacks its recorded image ${role}; no report was made`,
          );
        }
        const { sha256, bytes } = verified(() => this.comparisons.readPngArtifact(analysis.id, role));
        images[side][kind] = { sha256, bytes: await opaquePng(bytes) };
      }
    }
    const likelihoodRatio = this.calibrations.analysisLr(analysis.id);
    return {
      analysis,
      ...(likelihoodRatio && {
        likelihoodRatio: {
          lr: likelihoodRatio,
          calibration: this.calibrations.get(likelihoodRatio.calibration.id),
        },
      }),
      parameters: xssabParametersSchema.parse(analysis.parameters),
      result: xssabResultSchema.parse(analysis.result),
      images,
    };
  }

  /** The newest event of the case other than report exports: what a report of it covers. */
  private anchorEvent(caseId: number): { seq: number; at: string; hash: string } {
    const anchor = latestCaseEvent(this.db, caseId, REPORT_EXPORT_ACTION);
    if (!anchor)
      throw new IntegrityError(`case ${caseId} has no audit events: its creation was not recorded`);
    return anchor;
  }
}

/** Runs a hash-checked read; an IntegrityError says that no report was made. */
function verified<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof IntegrityError) {
      throw new IntegrityError(`${error.message}; no report was made`);
    }
    throw error;
  }
}

/** A downscaled, upright JPEG of an original for the report (the original stays untouched). */
function thumbnail(bytes: Buffer): Promise<Buffer> {
  return sharp(bytes)
    .rotate()
    .resize(THUMBNAIL_SIZE, THUMBNAIL_SIZE, { fit: 'inside', withoutEnlargement: true })
    .flatten({ background: '#ffffff' })
    .jpeg({ quality: 85 })
    .toBuffer();
}

/**
 * The image flattened onto white as an opaque, non-interlaced PNG: pdfkit embeds such a PNG as it
 * is, while one with an alpha channel is decoded asynchronously and its objects would be written
 * in whatever order decoding finishes, breaking byte-identical reports.
 */
function opaquePng(bytes: Buffer): Promise<Buffer> {
  return sharp(bytes).flatten({ background: '#ffffff' }).png({ progressive: false }).toBuffer();
}
