/**
 * The examiner's face tools on stored evidence: the faces detected in a photo (for choosing the
 * one to compare) and the aligned crop at five landmarks the examiner placed (the landmark tool's
 * preview). The work runs in one warm worker thread (face-worker.ts).
 */
import type { FivePoints } from '../../common/api.js';
import { resolveStoredPath } from '../store/data-folder.js';
import { InvalidInputError } from './errors.js';
import type { EvidenceService } from './evidence-service.js';
import { WorkerJobRunner } from './worker-job.js';

/** Eyes closer than this (photo pixels) give no usable alignment. */
const MIN_EYE_DISTANCE = 4;

export class FaceService {
  private worker: WorkerJobRunner<'face-worker'> | null = null;

  constructor(
    private readonly dataDir: string,
    private readonly evidence: EvidenceService,
  ) {}

  async faces(evidenceId: number) {
    const result = await this.run({ kind: 'detect', path: this.verifiedPath(evidenceId) });
    if (result.kind !== 'detect') throw new Error('the face worker answered a detection with an alignment');
    return { width: result.width, height: result.height, faces: result.faces };
  }

  async alignPreview(evidenceId: number, landmarks: FivePoints, modelId?: string) {
    const item = this.evidence.get(evidenceId);
    for (const [name, { x, y }] of Object.entries(landmarks)) {
      if (
        item.width !== null &&
        item.height !== null &&
        (x < 0 || y < 0 || x > item.width || y > item.height)
      ) {
        throw new InvalidInputError(
          `landmark ${name} (${Math.round(x)}, ${Math.round(y)}) lies outside the ${item.width} × ${item.height} photo`,
          'landmarks',
        );
      }
    }
    const eyes = Math.hypot(
      landmarks.leftEye.x - landmarks.rightEye.x,
      landmarks.leftEye.y - landmarks.rightEye.y,
    );
    if (eyes < MIN_EYE_DISTANCE) {
      throw new InvalidInputError(
        `the eyes are ${eyes.toFixed(1)} px apart; place them on the two eyes`,
        'landmarks',
      );
    }
    const result = await this.run({
      kind: 'align',
      path: this.verifiedPath(evidenceId),
      landmarks,
      ...(modelId !== undefined && { modelId }),
    });
    if (result.kind !== 'align') throw new Error('the face worker answered an alignment with a detection');
    return { mediaType: 'image/png' as const, dataBase64: result.png, residualPx: result.residualPx };
  }

  close(): void {
    this.worker?.release();
    this.worker = null;
  }

  private run(job: Parameters<WorkerJobRunner<'face-worker'>['run']>[0]) {
    if (!this.worker?.alive) this.worker = new WorkerJobRunner('face-worker', { dataDir: this.dataDir });
    return this.worker.run(job);
  }

  /** The stored original's path, after re-hashing it (readContent refuses an altered file). */
  private verifiedPath(evidenceId: number): string {
    const { item } = this.evidence.readContent(evidenceId);
    return resolveStoredPath(this.dataDir, item.storedPath);
  }
}
