/**
 * The examiner's face tools on stored evidence: the faces detected in a photo (for choosing the
 * one to compare) and the aligned crop at five landmarks the examiner placed (the landmark tool's
 * preview). The work runs in one warm worker thread (face-worker.ts); detections are kept per
 * photo content, and analyses use them (comparison-service.ts).
 */
import type { EvidenceItem, FivePoints } from '../../common/api.js';
import { resolveStoredPath } from '../store/data-folder.js';
import type { Face } from '../../../native-models/face/detect.js';
import { IntegrityError, InvalidInputError } from './errors.js';
import type { EvidenceService } from './evidence-service.js';
import { WorkerJobRunner } from './worker-job.js';

/** Eyes closer than this (photo pixels) give no usable alignment. */
const MIN_EYE_DISTANCE = 4;

/** The faces detected in one photo, and the SHA-256 of the bytes they were detected in. */
export interface DetectedFaces {
  sha256: string;
  width: number;
  height: number;
  faces: Face[];
}

export class FaceService {
  private worker: WorkerJobRunner<'face-worker'> | null = null;
  private readonly detections = new Map<string, Promise<DetectedFaces>>();

  constructor(
    private readonly dataDir: string,
    private readonly evidence: EvidenceService,
  ) {}

  /**
   * The faces in a stored photo, largest first. A photo is detected once per content (SHA-256)
   * while the workstation runs: the faces the examiner chooses from are the faces analyses compare.
   */
  async faces(evidenceId: number): Promise<DetectedFaces> {
    return this.facesIn(this.evidence.readContent(evidenceId).item);
  }

  /** As faces(), for an evidence item whose file the caller has just re-hashed (readContent). */
  facesIn(item: EvidenceItem): Promise<DetectedFaces> {
    let detection = this.detections.get(item.sha256);
    if (!detection) {
      detection = this.detect(resolveStoredPath(this.dataDir, item.storedPath), item.sha256);
      this.detections.set(item.sha256, detection);
      detection.catch(() => this.detections.delete(item.sha256));
    }
    return detection;
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

  private async detect(path: string, sha256: string): Promise<DetectedFaces> {
    const result = await this.run({ kind: 'detect', path });
    if (result.kind !== 'detect') throw new Error('the face worker answered a detection with an alignment');
    if (result.sha256 !== sha256) {
      throw new IntegrityError(`${path} changed while its faces were detected: the data folder was altered`);
    }
    return { sha256, width: result.width, height: result.height, faces: result.faces };
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
