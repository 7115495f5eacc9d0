/**
 * Worker-thread side of ComparisonService.runAnalysis: detects and aligns the largest face of each
 * photo, computes the xSSAB maps with a registered model and writes them (crops, .npy maps, PNG
 * overlays, result.json) to a staging folder, so that model compilation and the per-pixel work
 * never block the backend's event loop. The service records the analysis from the summary.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { explainPhotoPair, writePhotoExplanation } from '../../../native-models/pipeline/explain.js';
import { ModelRegistry } from '../../../native-models/registry/registry.js';

export interface AnalysisJob {
  /** Data folder (for lab-imported models). */
  dataDir: string;
  /** Registered model id; the registry's default when absent. */
  modelId?: string;
  /** Absolute paths of the two stored originals (already re-hashed by the service). */
  a: string;
  b: string;
  /** Folder the maps are written to. */
  out: string;
  /** Flip-averaged embeddings (EngineOptions.flipAveraging). */
  flipAveraging?: boolean;
}

export type PhotoExplanationSummary = Awaited<ReturnType<typeof writePhotoExplanation>>;

export type FromAnalysisWorker =
  | { type: 'progress'; stage: string }
  | { type: 'done'; summary: PhotoExplanationSummary }
  /** `name` is the error's class name (e.g. FaceSelectionError), so the service can classify it. */
  | { type: 'error'; name: string; message: string };

const port = parentPort!;
const job = workerData as AnalysisJob;
const send = (message: FromAnalysisWorker) => port.postMessage(message);

try {
  send({ type: 'progress', stage: 'detecting and aligning the faces, computing the xSSAB maps' });
  const explained = await explainPhotoPair(new ModelRegistry({ dataDir: job.dataDir }), {
    a: job.a,
    b: job.b,
    ...(job.modelId !== undefined && { model: job.modelId }),
    ...(job.flipAveraging && { flipAveraging: true }),
  });
  send({ type: 'progress', stage: 'writing the maps and overlays' });
  send({ type: 'done', summary: await writePhotoExplanation(explained, job.out) });
} catch (error) {
  send(
    error instanceof Error
      ? { type: 'error', name: error.name, message: error.message }
      : { type: 'error', name: 'Error', message: String(error) },
  );
} finally {
  port.close();
}
