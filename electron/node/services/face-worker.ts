/**
 * Worker-thread side of EvidenceService's face tools, kept warm: detects the faces of a stored
 * photo (boxes and keypoints for the face picker), and aligns a photo to a model's crop at five
 * landmarks the examiner placed (the landmark tool's preview).
 */
import sharp from 'sharp';
import { alignFace } from '../../../native-models/face/align.js';
import type { Face } from '../../../native-models/face/detect.js';
import { ImageInputError, loadImage } from '../../../native-models/face/image.js';
import { alignTargetOf, openDetector } from '../../../native-models/pipeline/photo.js';
import { ModelNotFoundError, ModelRegistry } from '../../../native-models/registry/registry.js';
import type { FivePoints } from '../../common/api.js';
import { serveWorkerJobs, workerSetup } from './worker-serve.js';

export interface FaceWorkerSetup {
  dataDir: string;
}

export type FaceJob =
  /** Absolute path of a stored original (already re-hashed by the service). */
  { kind: 'detect'; path: string } | { kind: 'align'; path: string; landmarks: FivePoints; modelId?: string };

export type FaceJobResult =
  | { kind: 'detect'; sha256: string; width: number; height: number; faces: Face[] }
  | { kind: 'align'; png: string; residualPx: number };

const registry = new ModelRegistry({ dataDir: workerSetup<'face-worker'>().dataDir });
const detector = openDetector(registry);
// A failure to open shows in the first job; do not let it go unhandled meanwhile.
detector.catch(() => {});

serveWorkerJobs<'face-worker'>({
  async run(job) {
    const image = await loadImage(job.path);
    if (job.kind === 'detect') {
      const faces = await (await detector).detect(image);
      return { kind: 'detect', sha256: image.sha256, width: image.width, height: image.height, faces };
    }
    const model = registry.getModel(job.modelId);
    const aligned = await alignFace(image, { manual: job.landmarks }, alignTargetOf(model.manifest));
    const { rgb, width, height } = aligned.crop;
    const png = await sharp(rgb, { raw: { width, height, channels: 3 } })
      .png()
      .toBuffer();
    return { kind: 'align', png: png.toString('base64'), residualPx: aligned.residualPx };
  },
  inputErrorField(error) {
    if (error instanceof ImageInputError) return 'id';
    if (error instanceof ModelNotFoundError) return 'modelId';
    return undefined;
  },
  close: async () => (await detector).release(),
});
