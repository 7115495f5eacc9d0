/**
 * Worker-thread side of ComparisonService.runAnalysis, kept warm between analyses: one worker per
 * model holds the face detector and the model's engine (its compiled gradient graph cached on disk
 * in the data folder), detects and aligns the chosen face of each photo, computes the xSSAB maps
 * and writes them (crops, .npy maps, PNG maps, result.json) to a staging folder, so that the
 * per-pixel work never blocks the backend's event loop. The service records the analysis.
 */
import { ImageInputError } from '../../../native-models/face/image.js';
import {
  EXPLAIN_STAGES,
  MissingThresholdError,
  PhotoExplainer,
  writePhotoExplanation,
} from '../../../native-models/pipeline/explain.js';
import { FaceSelectionError, type FaceChoice } from '../../../native-models/pipeline/photo.js';
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
  /** Folder the maps are written to. */
  out: string;
  /** Flip-averaged embeddings (EngineOptions.flipAveraging). */
  flipAveraging?: boolean;
  /** PhotoExplainOptions.integratedGradients. */
  integratedGradients?: boolean;
}

export type PhotoExplanationSummary = Awaited<ReturnType<typeof writePhotoExplanation>>;

const setup = workerSetup<'comparison-worker'>();
const explainer = new PhotoExplainer(new ModelRegistry({ dataDir: setup.dataDir }), {
  cacheDir: setup.cacheDir,
});

serveWorkerJobs<'comparison-worker'>({
  async run(job, { signal, progress }) {
    // done counts the stages finished before this one, out of this worker's stages.
    const stage = (name: (typeof EXPLAIN_STAGES)[number]) =>
      progress({ stage: name, done: EXPLAIN_STAGES.indexOf(name), total: EXPLAIN_STAGES.length });
    const explained = await explainer.explain(
      {
        a: job.a,
        b: job.b,
        ...(job.modelId !== undefined && { model: job.modelId }),
        ...(job.faceA && { faceA: job.faceA }),
        ...(job.faceB && { faceB: job.faceB }),
        ...(job.flipAveraging && { flipAveraging: true }),
        ...(job.integratedGradients !== undefined && { integratedGradients: job.integratedGradients }),
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
