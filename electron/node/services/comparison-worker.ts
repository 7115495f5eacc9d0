/**
 * Worker-thread side of ComparisonService.runAnalysis, kept warm between analyses: one worker per
 * model holds the model's engine (its compiled gradient graph cached on disk in the data folder),
 * aligns the chosen face of each photo among the faces the face picker found, computes the xSSAB
 * maps and writes them (crops, .npy maps, PNG maps, result.json) to a staging folder, so that the
 * per-pixel work never blocks the backend's event loop. The service records the analysis.
 */
import { ImageInputError } from '../../../native-models/face/image.js';
import {
  explainStages,
  MissingThresholdError,
  PhotoExplainer,
  writePhotoExplanation,
  type ExplainStage,
} from '../../../native-models/pipeline/explain.js';
import {
  FaceSelectionError,
  type FaceChoice,
  type KnownFaces,
} from '../../../native-models/pipeline/photo.js';
import { ModelNotFoundError, ModelRegistry } from '../../../native-models/registry/registry.js';
import { UnusableEmbeddingError } from '../../../native-models/xssab/embedding-check.js';
import { serveWorkerJobs, workerSetup } from './worker-serve.js';

export interface AnalysisWorkerSetup {
  /** Data folder (for lab-imported models). */
  dataDir: string;
  /** Folder for compiled gradient graphs (keyed by model SHA-256 and compiler version). */
  cacheDir: string;
}

export interface AnalysisJob {
  /** Registered model id; the registry's default when absent. */
  modelId?: string;
  /** Absolute paths of the two stored originals (already re-hashed by the service). */
  a: string;
  b: string;
  /** Which face of each photo, or the examiner's landmarks; the largest face when absent. */
  faceA?: FaceChoice;
  faceB?: FaceChoice;
  /** The faces the face picker found in each photo (FaceService), checked against each photo's SHA-256. */
  knownFaces: { a: KnownFaces; b: KnownFaces };
  /** Folder the maps are written to. */
  out: string;
  /** Flip-averaged embeddings (EngineOptions.flipAveraging). */
  flipAveraging?: boolean;
  /** Also integrated gradients and the region summary (the service resolves the model's default). */
  integratedGradients: boolean;
}

export type PhotoExplanationSummary = Awaited<ReturnType<typeof writePhotoExplanation>>;

const setup = workerSetup<'comparison-worker'>();
const explainer = new PhotoExplainer(new ModelRegistry({ dataDir: setup.dataDir }), {
  cacheDir: setup.cacheDir,
});

serveWorkerJobs<'comparison-worker'>({
  async run(job, { signal, progress }) {
    // done counts the stages finished before this one, out of this job's stages.
    const stages = explainStages(job.integratedGradients);
    const stage = (name: ExplainStage) =>
      progress({ stage: name, done: stages.indexOf(name), total: stages.length });
    const explained = await explainer.explain(
      {
        a: job.a,
        b: job.b,
        ...(job.modelId !== undefined && { model: job.modelId }),
        ...(job.faceA && { faceA: job.faceA }),
        ...(job.faceB && { faceB: job.faceB }),
        knownFaces: job.knownFaces,
        ...(job.flipAveraging && { flipAveraging: true }),
        integratedGradients: job.integratedGradients,
      },
      { signal, onStage: stage },
    );
    stage('drawing the maps');
    // The viewer lays each crop-sized map over the photo with the alignment's inverse transform.
    const summary = await writePhotoExplanation(explained, job.out, { onPhoto: false });
    signal.throwIfAborted();
    return summary;
  },
  inputErrorField(error) {
    if (error instanceof FaceSelectionError || error instanceof ImageInputError) return 'pairId';
    if (
      error instanceof ModelNotFoundError ||
      error instanceof MissingThresholdError ||
      error instanceof UnusableEmbeddingError
    )
      return 'modelId';
    return undefined;
  },
  close: () => explainer.close(),
});
