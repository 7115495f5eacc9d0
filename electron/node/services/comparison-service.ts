/**
 * The comparison workflow inside a case: pairs of evidence images, xSSAB analyses of a pair, and
 * their files (decisions on a pair: decision-service.ts).
 *
 * An analysis runs in a worker thread (comparison-worker.ts) on the stored originals, after they
 * have been re-hashed; its files are written to a staging folder and only become
 * `<data>/artifacts/<analysisId>/` inside the transaction that records the analysis row, every
 * artifact with its SHA-256, and the audit event. A failure anywhere (a photo without a face
 * included) leaves neither rows nor files behind.
 */
import type { Database } from 'better-sqlite3';
import { chmodSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  ANALYSIS_JOB_KIND,
  analysisJobId,
  type Analysis,
  type EvidenceItem,
  type Pair,
  type XssabParameters,
  type XssabResult,
} from '../../common/api.js';
import { findAnalysis, insertAnalysis, insertAnalysisArtifact } from '../store/analyses.js';
import { resolveStoredPath } from '../store/data-folder.js';
import { findPair, findPairOf, insertPair } from '../store/pairs.js';
import type { RowRef } from '../store/row-binding.js';
import type { AuditService } from './audit-service.js';
import type { CaseService } from './case-service.js';
import { READ_ONLY, readVerified, sha256Of, temporaryTag } from './content-files.js';
import type { AnalysisJob, FromAnalysisWorker, PhotoExplanationSummary } from './comparison-worker.js';
import { ConflictError, IntegrityError, InvalidInputError, NotFoundError } from './errors.js';
import type { EventHub } from './event-hub.js';
import type { EvidenceService } from './evidence-service.js';
import { startWorkerJob } from './worker-job.js';

export const ARTIFACTS_DIR = 'artifacts';
/** An analysis's files are written to artifacts/.staging-<tag>/ until its row is recorded. */
export const STAGING_PREFIX = '.staging-';

/** Worker errors the user can cause (and correct): a photo without a face, an unknown model. */
const INPUT_ERRORS: Record<string, string | undefined> = {
  FaceSelectionError: 'pairId',
  ImageInputError: 'pairId',
  ModelNotFoundError: 'modelId',
  MissingThresholdError: 'modelId',
  UnusableEmbeddingError: 'modelId',
};

const MEDIA_TYPES: Record<string, string> = {
  png: 'image/png',
  npy: 'application/x-npy',
  json: 'application/json',
};

/** Artifacts, like evidence, are never modified once recorded. */

/** Steps of an analysis, reported as done/total in its job.progress events. */
const ANALYSIS_STEPS = 4;

export class ComparisonService {
  /** Pairs whose analysis runs now. */
  private readonly running = new Set<number>();

  constructor(
    private readonly db: Database,
    private readonly dataDir: string,
    private readonly cases: CaseService,
    private readonly evidence: EvidenceService,
    private readonly audit: AuditService,
    private readonly events: EventHub,
  ) {}

  createPair(caseId: number, evidenceAId: number, evidenceBId: number, actor: string): Pair {
    this.cases.assertUnlocked(caseId);
    if (evidenceAId === evidenceBId) {
      throw new InvalidInputError('a pair needs two different evidence items', 'evidenceBId');
    }
    const a = this.evidenceOfCase(caseId, evidenceAId, 'evidenceAId');
    const b = this.evidenceOfCase(caseId, evidenceBId, 'evidenceBId');
    return this.audit.transaction(() => {
      const existing = findPairOf(this.db, caseId, a.id, b.id);
      if (existing !== undefined) {
        throw new ConflictError(
          `${a.originalName} and ${b.originalName} already form pair ${existing} of this case`,
        );
      }
      const pair = this.pair(
        insertPair(this.db, {
          caseId,
          evidenceAId: a.id,
          evidenceBId: b.id,
          createdAt: new Date().toISOString(),
        }),
      );
      this.audit.append({
        actor,
        action: 'pair.create',
        entityType: 'pair',
        entityId: pair.id,
        caseId,
        details: {
          a: { evidenceId: a.id, originalName: a.originalName, sha256: a.sha256 },
          b: { evidenceId: b.id, originalName: b.originalName, sha256: b.sha256 },
        },
        rows: [{ table: 'pairs', id: pair.id }],
      });
      return pair;
    });
  }

  pair(id: number): Pair {
    const found = findPair(this.db, id);
    if (!found) throw new NotFoundError(`pair ${id} does not exist`);
    return found;
  }

  /**
   * Runs xSSAB on the pair and stores the analysis; resolves with its id. Progress goes out as
   * job.progress events (jobId analysisJobId(pairId)), the end as job.finished.
   */
  async runAnalysis(
    pairId: number,
    modelId: string | undefined,
    actor: string,
    options: { flipAveraging?: boolean } = {},
  ): Promise<number> {
    const pair = this.pair(pairId);
    this.cases.assertUnlocked(pair.caseId);
    if (this.running.has(pairId)) {
      throw new ConflictError(`pair ${pairId} is being analysed already; wait for that analysis`);
    }
    this.running.add(pairId);
    const progress = (stage: string, done: number) =>
      this.events.publish({
        type: 'job.progress',
        jobId: analysisJobId(pairId),
        kind: ANALYSIS_JOB_KIND,
        stage,
        done,
        total: ANALYSIS_STEPS,
        caseId: pair.caseId,
      });
    const staging = join(this.dataDir, ARTIFACTS_DIR, `${STAGING_PREFIX}${temporaryTag()}`);
    try {
      progress('checking the evidence files against their SHA-256', 0);
      // readContent refuses a stored file that no longer hashes to its record.
      const a = this.evidence.readContent(pair.evidenceAId).item;
      const b = this.evidence.readContent(pair.evidenceBId).item;
      const paths = {
        a: resolveStoredPath(this.dataDir, a.storedPath),
        b: resolveStoredPath(this.dataDir, b.storedPath),
      };
      const summary = await runWorker(
        {
          dataDir: this.dataDir,
          ...(modelId !== undefined && { modelId }),
          ...(options.flipAveraging && { flipAveraging: true }),
          ...paths,
          out: staging,
        },
        (stage) => progress(stage, 1),
        (message) => message.replaceAll(paths.a, evidenceLabel(a)).replaceAll(paths.b, evidenceLabel(b)),
      );
      progress('recording the analysis', 3);
      const analysisId = this.record(pair, { a, b }, summary, staging, actor);
      this.finished(pair, true);
      return analysisId;
    } catch (error) {
      this.finished(pair, false, error instanceof Error ? error.message : String(error));
      throw error;
    } finally {
      rmSync(staging, { recursive: true, force: true });
      this.running.delete(pairId);
    }
  }

  analysis(analysisId: number): Analysis {
    const found = findAnalysis(this.db, analysisId);
    if (!found) throw new NotFoundError(`analysis ${analysisId} does not exist`);
    return found;
  }

  /** A PNG artifact's bytes, after checking they still hash to the recorded SHA-256. */
  readPngArtifact(analysisId: number, role: string): { sha256: string; bytes: Buffer } {
    const artifact = this.analysis(analysisId).artifacts.find((x) => x.role === role);
    if (!artifact) throw new NotFoundError(`analysis ${analysisId} has no artifact '${role}'`);
    if (artifact.mediaType !== 'image/png') {
      throw new InvalidInputError(`artifact '${role}' is ${artifact.mediaType}, not a PNG image`, 'role');
    }
    const path = resolveStoredPath(this.dataDir, artifact.storedPath);
    const bytes = readVerified(path, artifact.sha256, `artifact '${role}' of analysis ${analysisId}`);
    return { sha256: artifact.sha256, bytes };
  }

  /** The evidence item, after checking it belongs to the case and its file still matches its hash. */
  private evidenceOfCase(caseId: number, evidenceId: number, field: string): EvidenceItem {
    const item = this.evidence.get(evidenceId);
    if (item.caseId !== caseId) {
      throw new InvalidInputError(
        `evidence ${evidenceId} belongs to another case, not case ${caseId}`,
        field,
      );
    }
    this.evidence.readContent(evidenceId);
    return item;
  }

  /** Moves the staged files to artifacts/<id>/ and records analysis, artifacts and audit event at once. */
  private record(
    pair: Pair,
    evidence: { a: EvidenceItem; b: EvidenceItem },
    summary: PhotoExplanationSummary,
    staging: string,
    actor: string,
  ): number {
    for (const side of ['a', 'b'] as const) {
      if (summary.photos[side].sha256 !== evidence[side].sha256) {
        throw new IntegrityError(
          `evidence ${evidence[side].id} changed while it was analysed: the data folder was altered`,
        );
      }
    }
    const parameters: XssabParameters = {
      threshold: summary.threshold,
      calibration: summary.calibration,
      faceSelection: 'largest',
      bound: summary.bound,
      dim: summary.dim,
      flipAveraging: summary.flipAveraging,
    };
    const photo = (side: 'a' | 'b') => {
      const { sha256, width, height, notes, faces, faceIndex, inputSha256 } = summary.photos[side];
      return { evidenceId: evidence[side].id, sha256, width, height, notes, faces, faceIndex, inputSha256 };
    };
    const result: XssabResult = {
      decision: summary.decision === 'match' ? 'match' : 'non-match',
      stability: summary.stability,
      photos: { a: photo('a'), b: photo('b') },
      warnings: summary.warnings,
      timings: summary.timings,
      regions: summary.regions,
      explanations: summary.explanations,
    };
    let folder: string | null = null;
    try {
      return this.audit.transaction(() => {
        this.cases.assertUnlocked(pair.caseId);
        const analysisId = insertAnalysis(this.db, {
          pairId: pair.id,
          method: 'xssab',
          modelId: summary.model.id,
          modelName: summary.model.name,
          modelSha256: summary.model.sha256,
          inputASha256: evidence.a.sha256,
          inputBSha256: evidence.b.sha256,
          parameters,
          provider: summary.provider,
          score: summary.score,
          threshold: summary.threshold,
          result,
          createdAt: new Date().toISOString(),
        });
        const relativeFolder = `${ARTIFACTS_DIR}/${analysisId}`;
        folder = resolveStoredPath(this.dataDir, relativeFolder);
        // A folder under this new id is a crash's leftover (renamed, row never committed).
        rmSync(folder, { recursive: true, force: true });
        renameSync(staging, folder);
        const artifacts: string[] = [];
        const artifactRows: RowRef[] = [];
        for (const file of readdirSync(folder).sort()) {
          chmodSync(join(folder, file), READ_ONLY);
          const sha256 = sha256Of(readFileSync(join(folder, file)));
          const mediaType = MEDIA_TYPES[file.slice(file.lastIndexOf('.') + 1)];
          if (!mediaType) throw new Error(`the analysis wrote an unexpected file ${file}`);
          const artifactId = insertAnalysisArtifact(this.db, {
            analysisId,
            role: file,
            storedPath: `${relativeFolder}/${file}`,
            sha256,
            mediaType,
          });
          artifacts.push(`${file} ${sha256}`);
          artifactRows.push({ table: 'analysis_artifacts', id: artifactId });
        }
        this.audit.append({
          actor,
          action: 'analysis.run',
          entityType: 'analysis',
          entityId: analysisId,
          caseId: pair.caseId,
          details: {
            pairId: pair.id,
            method: 'xssab',
            model: summary.model.id,
            modelSha256: summary.model.sha256,
            inputs: { a: evidence.a.sha256, b: evidence.b.sha256 },
            provider: summary.provider,
            score: summary.score,
            threshold: summary.threshold,
            decision: result.decision,
            // Pins every artifact without listing them: SHA-256 of its "role sha256" lines.
            artifacts: { count: artifacts.length, sha256: sha256Of(Buffer.from(artifacts.join('\n'))) },
          },
          rows: [{ table: 'analyses', id: analysisId }, ...artifactRows],
        });
        return analysisId;
      });
    } catch (error) {
      if (folder) rmSync(folder, { recursive: true, force: true });
      throw error;
    }
  }

  private finished(pair: Pair, ok: boolean, error?: string): void {
    this.events.publish({
      type: 'job.finished',
      jobId: analysisJobId(pair.id),
      kind: ANALYSIS_JOB_KIND,
      ok,
      ...(error !== undefined && { error }),
      caseId: pair.caseId,
    });
  }
}

const evidenceLabel = (item: EvidenceItem) => `evidence ${item.id} (${item.originalName})`;

/**
 * Runs one analysis job in a worker thread; resolves with its summary. Errors the user can cause
 * come back as InvalidInputError, with `describe` applied to their message (it names evidence
 * instead of data-folder paths).
 */
function runWorker(
  job: AnalysisJob,
  onStage: (stage: string) => void,
  describe: (message: string) => string,
): Promise<PhotoExplanationSummary> {
  return new Promise((resolve, reject) => {
    const worker = startWorkerJob('comparison-worker', job);
    worker.on('message', (message: FromAnalysisWorker) => {
      if (message.type === 'progress') onStage(message.stage);
      else if (message.type === 'done') resolve(message.summary);
      else {
        const field = INPUT_ERRORS[message.name];
        const text = describe(message.message);
        reject(field ? new InvalidInputError(text, field) : new Error(text));
      }
    });
    worker.on('error', reject);
    // After 'done' or 'error' the promise is settled and this rejection is ignored.
    worker.on('exit', (code) =>
      reject(new Error(`the analysis worker stopped unexpectedly (exit code ${code})`)),
    );
  });
}
