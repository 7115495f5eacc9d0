/**
 * The comparison workflow inside a case: pairs of evidence images, xSSAB analyses of a pair, and
 * their files (decisions on a pair: decision-service.ts).
 *
 * An analysis runs in a worker thread (comparison-worker.ts) on the stored originals, after they
 * have been re-hashed, with the faces the face picker found in them (face-service.ts, which
 * detects each photo once); its files are written to a staging folder and only become
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
  type FaceChoice,
  type Pair,
  type XssabParameters,
  type XssabResult,
} from '../../common/api.js';
import { decodeNpy } from '../../../native-models/onnx/npy.js';
import { computesIntegratedGradients, explainStages } from '../../../native-models/pipeline/explain.js';
import {
  DEFAULT_MODEL_ID,
  ModelNotFoundError,
  ModelRegistry,
} from '../../../native-models/registry/registry.js';
import { findAnalysis, insertAnalysis, insertAnalysisArtifact } from '../store/analyses.js';
import { resolveStoredPath } from '../store/data-folder.js';
import { findPair, findPairOf, insertPair, setPairFace } from '../store/pairs.js';
import type { RowRef } from '../store/row-binding.js';
import type { AuditService } from './audit-service.js';
import type { CaseService } from './case-service.js';
import { READ_ONLY, readVerified, sha256Of, temporaryTag } from './content-files.js';
import type { PhotoExplanationSummary } from './comparison-worker.js';
import { ConflictError, IntegrityError, InvalidInputError, NotFoundError } from './errors.js';
import type { EventHub } from './event-hub.js';
import type { EvidenceService } from './evidence-service.js';
import type { FaceService } from './face-service.js';
import { WorkerJobRunner } from './worker-job.js';
import { errorMessage } from '../../common/error-message.js';

export const ARTIFACTS_DIR = 'artifacts';
/** An analysis's files are written to artifacts/.staging-<tag>/ until its row is recorded. */
export const STAGING_PREFIX = '.staging-';

const MEDIA_TYPES: Record<string, string> = {
  png: 'image/png',
  npy: 'application/x-npy',
  json: 'application/json',
};

/** Artifacts, like evidence, are never modified once recorded. */

/**
 * Stages of an analysis, reported as done/total in its job.progress events: checking, the faces
 * (found once per photo by the face picker, so usually already known), the worker's, recording.
 */
function analysisStages(integratedGradients: boolean): string[] {
  return [
    'checking the evidence files against their SHA-256',
    'detecting the faces',
    ...explainStages(integratedGradients),
    'recording the analysis',
  ];
}

/** Compiled gradient graphs, one file per model SHA-256 and compiler version. */
export const COMPILED_GRAPHS_DIR = 'cache/compiled-graphs';

export class ComparisonService {
  /** Pairs whose analysis runs now, with the means to cancel it. */
  private readonly running = new Map<number, AbortController>();
  /** One warm worker per model id: its engine stays loaded between analyses. */
  private readonly workers = new Map<string, WorkerJobRunner<'comparison-worker'>>();
  private readonly registry: ModelRegistry;

  constructor(
    private readonly db: Database,
    private readonly dataDir: string,
    private readonly cases: CaseService,
    private readonly evidence: EvidenceService,
    private readonly faces: FaceService,
    private readonly audit: AuditService,
    private readonly events: EventHub,
  ) {
    this.registry = new ModelRegistry({ dataDir });
  }

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

  /** Records which face of one side the pair's analyses compare (null: the largest detected face). */
  setFace(pairId: number, side: 'a' | 'b', choice: FaceChoice | null, actor: string): Pair {
    const pair = this.pair(pairId);
    return this.audit.transaction(() => {
      this.cases.assertUnlocked(pair.caseId);
      setPairFace(this.db, pairId, side, choice);
      this.audit.append({
        actor,
        action: 'pair.face',
        entityType: 'pair',
        entityId: pairId,
        caseId: pair.caseId,
        details: { side, choice },
        rows: [{ table: 'pairs', id: pairId }],
      });
      return this.pair(pairId);
    });
  }

  /**
   * Runs xSSAB on the pair and stores the analysis; resolves with its id. Progress goes out as
   * job.progress events (jobId analysisJobId(pairId)), the end as job.finished.
   */
  async runAnalysis(
    pairId: number,
    modelId: string | undefined,
    actor: string,
    options: { flipAveraging?: boolean; integratedGradients?: boolean } = {},
  ): Promise<number> {
    const pair = this.pair(pairId);
    this.cases.assertUnlocked(pair.caseId);
    if (this.running.has(pairId)) {
      throw new ConflictError(`pair ${pairId} is being analysed already; wait for that analysis`);
    }
    const integratedGradients = computesIntegratedGradients(this.model(modelId), options.integratedGradients);
    const stages = analysisStages(integratedGradients);
    const controller = new AbortController();
    this.running.set(pairId, controller);
    /** Publishes the stage as begun. */
    const progress = (stage: string) => {
      const done = stages.indexOf(stage);
      this.events.publish({
        type: 'job.progress',
        jobId: analysisJobId(pairId),
        kind: ANALYSIS_JOB_KIND,
        stage,
        done,
        total: stages.length,
        caseId: pair.caseId,
      });
    };
    const staging = join(this.dataDir, ARTIFACTS_DIR, `${STAGING_PREFIX}${temporaryTag()}`);
    try {
      progress('checking the evidence files against their SHA-256');
      // readContent refuses a stored file that no longer hashes to its record.
      const a = this.evidence.readContent(pair.evidenceAId).item;
      const b = this.evidence.readContent(pair.evidenceBId).item;
      const paths = {
        a: resolveStoredPath(this.dataDir, a.storedPath),
        b: resolveStoredPath(this.dataDir, b.storedPath),
      };
      const describe = (message: string) =>
        message.replaceAll(paths.a, evidenceLabel(a)).replaceAll(paths.b, evidenceLabel(b));
      progress('detecting the faces');
      const [facesA, facesB] = await Promise.all([this.faces.facesIn(a), this.faces.facesIn(b)]).catch(
        (error: unknown) => {
          if (error instanceof InvalidInputError)
            throw new InvalidInputError(describe(error.message), 'pairId');
          throw error;
        },
      );
      controller.signal.throwIfAborted();
      const summary = await this.worker(modelId)
        .run(
          {
            ...(modelId !== undefined && { modelId }),
            ...(options.flipAveraging && { flipAveraging: true }),
            integratedGradients,
            ...paths,
            ...(pair.faceA && { faceA: pair.faceA }),
            ...(pair.faceB && { faceB: pair.faceB }),
            knownFaces: {
              a: { sha256: facesA.sha256, faces: facesA.faces },
              b: { sha256: facesB.sha256, faces: facesB.faces },
            },
            out: staging,
          },
          {
            signal: controller.signal,
            onProgress: ({ stage }) => progress(stage),
          },
        )
        .catch((error: unknown) => {
          if (error instanceof Error) error.message = describe(error.message);
          throw error;
        });
      controller.signal.throwIfAborted();
      progress('recording the analysis');
      const analysisId = this.record(pair, { a, b }, summary, staging, actor);
      this.finished(pair, true);
      return analysisId;
    } catch (error) {
      const failure = controller.signal.aborted
        ? new ConflictError(`the analysis of pair ${pairId} was cancelled; nothing was stored`)
        : error;
      this.finished(pair, false, errorMessage(failure));
      throw failure;
    } finally {
      rmSync(staging, { recursive: true, force: true });
      this.running.delete(pairId);
    }
  }

  /** The recognition models an analysis can use; a model is usable when its file verifies and it has a threshold. */
  models(): { id: string; name: string; isDefault: boolean; usable: boolean }[] {
    return this.registry.listModels().map(({ id, name, isDefault, status, manifest }) => ({
      id,
      name,
      isDefault,
      usable: status === 'verified' && manifest.threshold !== undefined,
    }));
  }

  /** Cancels the pair's running analysis; false when none runs. */
  cancelAnalysis(pairId: number): boolean {
    this.pair(pairId);
    const controller = this.running.get(pairId);
    controller?.abort();
    return controller !== undefined;
  }

  /** Lets the warm workers go (they finish or cancel what they run, then exit). */
  close(): void {
    for (const controller of this.running.values()) controller.abort();
    for (const worker of this.workers.values()) worker.release();
    this.workers.clear();
  }

  /** The model an analysis would use, its file checked; an unknown id is the caller's error. */
  private model(modelId: string | undefined) {
    try {
      return this.registry.getModel(modelId);
    } catch (error) {
      if (error instanceof ModelNotFoundError) throw new InvalidInputError(error.message, 'modelId');
      throw error;
    }
  }

  private worker(modelId: string | undefined): WorkerJobRunner<'comparison-worker'> {
    const key = modelId ?? DEFAULT_MODEL_ID;
    let worker = this.workers.get(key);
    if (!worker?.alive) {
      worker = new WorkerJobRunner('comparison-worker', {
        dataDir: this.dataDir,
        cacheDir: join(this.dataDir, COMPILED_GRAPHS_DIR),
      });
      this.workers.set(key, worker);
    }
    return worker;
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

  /** A map's raw values from its .npy artifact, after checking they still hash to the recorded SHA-256. */
  mapValues(analysisId: number, map: string): { width: number; height: number; values: Float32Array } {
    const role = `${map}.npy`;
    const artifact = this.analysis(analysisId).artifacts.find((x) => x.role === role);
    if (!artifact) throw new NotFoundError(`analysis ${analysisId} has no map '${map}'`);
    const path = resolveStoredPath(this.dataDir, artifact.storedPath);
    const { data, shape } = decodeNpy(
      readVerified(path, artifact.sha256, `map '${map}' of analysis ${analysisId}`),
      role,
    );
    const [height, width] = shape;
    // The pipeline writes float32 maps; a float64 file would be converted, not misread.
    return { width, height, values: data instanceof Float32Array ? data : Float32Array.from(data) };
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
      faceSelection: { a: pair.faceA, b: pair.faceB },
      bound: summary.bound,
      dim: summary.dim,
      flipAveraging: summary.flipAveraging,
      integratedGradients: summary.integratedGradients !== undefined,
    };
    const photo = (side: 'a' | 'b') => {
      const { sha256, width, height, notes, faces, faceIndex, landmarkSource, inputSha256, alignment } =
        summary.photos[side];
      const inverse = [...alignment.inverse];
      return {
        evidenceId: evidence[side].id,
        sha256,
        width,
        height,
        notes,
        faces,
        faceIndex,
        landmarkSource,
        inputSha256,
        inverse,
      };
    };
    const maps = Object.fromEntries(
      Object.entries(summary.maps).map(([name, { min, max, span }]) => [name, { min, max, span }]),
    );
    const result: XssabResult = {
      decision: summary.decision === 'match' ? 'match' : 'non-match',
      stability: summary.stability,
      photos: { a: photo('a'), b: photo('b') },
      warnings: summary.warnings,
      timings: summary.timings,
      regions: summary.regions,
      explanations: summary.explanations,
      maps,
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
