/**
 * Verification of photo pairs with one or more registered models: each photo is decoded and
 * searched for faces once, its chosen face aligned and embedded per model, and each pair scored
 * by cosine similarity against the model's threshold (match when score ≥ threshold).
 */
import { isAbsolute, resolve } from 'node:path';
import type { FaceDetector } from '../face/detect.js';
import type { Threshold } from '../manifests/schema.js';
import type { ModelRegistry, RegisteredModel } from '../registry/registry.js';
import { cosine, Embedder } from './embedder.js';
import { detectPhoto, openDetector, prepareFace, type FaceChoice } from './photo.js';
import { errorMessage } from '../../electron/common/error-message.js';

export type Decision = 'match' | 'non-match';

/** What the record says about one photo of a pair. */
export interface PhotoReport {
  path: string;
  /** SHA-256 of the photo file as read. */
  sha256: string;
  width: number;
  height: number;
  /** Faces the detector found. */
  faces: number;
  /** The face compared (0 = largest); null when the examiner's landmarks were used. */
  faceIndex: number | null;
  landmarkSource: 'manual' | 'detected';
  /** How well the landmarks fit the model's template, RMS in crop pixels (first model). */
  alignmentResidualPx: number;
  /** What decoding did to the pixels (orientation, colour space, alpha, …). */
  notes: string[];
}

export interface ModelScore {
  id: string;
  name: string;
  sha256: string;
  score: number;
  /** null when the model has no threshold yet (then there is no decision). */
  threshold: Threshold | null;
  decision: Decision | null;
}

export interface PairVerification {
  a: PhotoReport;
  b: PhotoReport;
  /** One per model, in the order the verifier was opened with. */
  scores: ModelScore[];
}

export interface BatchRow {
  a: string;
  b: string;
  result?: PairVerification;
  /** Why the pair could not be scored (e.g. no face in one photo); the batch goes on. */
  error?: string;
}

export interface VerifierOptions {
  threads?: number;
  /** A threshold to use instead of the manifest's (one model only). */
  threshold?: number;
}

interface EmbeddedPhoto {
  report: PhotoReport;
  embeddings: Float32Array[];
}

export class Verifier {
  private constructor(
    readonly models: RegisteredModel[],
    private readonly detector: FaceDetector,
    private readonly embedders: Embedder[],
    /** Each model's threshold: the manifest's, or the override. */
    readonly thresholds: (Threshold | null)[],
  ) {}

  /** Verifies each model's file and opens the detector and one forward session per model. */
  static async open(
    registry: ModelRegistry,
    ids: string[],
    options: VerifierOptions = {},
  ): Promise<Verifier> {
    if (ids.length === 0) throw new RangeError('verification needs at least one model');
    if (options.threshold !== undefined && ids.length > 1)
      throw new RangeError('a threshold override applies to one model only');
    const models = ids.map((id) => registry.getModel(id));
    const detector = await openDetector(registry);
    const embedders = await Promise.all(models.map((m) => Embedder.open(m, { threads: options.threads })));
    const thresholds = models.map((m): Threshold | null =>
      options.threshold === undefined
        ? m.manifest.threshold
        : {
            value: options.threshold,
            metric: 'cosine',
            calibration: { method: 'given for this run', dataset: 'none', n: 0, provisional: true },
          },
    );
    return new Verifier(models, detector, embedders, thresholds);
  }

  async verifyPair(
    a: string,
    b: string,
    choices: { a?: FaceChoice; b?: FaceChoice } = {},
  ): Promise<PairVerification> {
    const [left, right] = [await this.embedPhoto(a, choices.a), await this.embedPhoto(b, choices.b)];
    return this.score(left, right);
  }

  /**
   * Scores every pair, paths relative to `root`; each photo is embedded once however many pairs
   * it is in. A pair that fails (unreadable photo, no face) gets an error and the batch goes on.
   */
  async verifyPairs(
    pairs: readonly { a: string; b: string }[],
    { root, onProgress }: { root: string; onProgress?: (done: number, total: number, row: BatchRow) => void },
  ): Promise<BatchRow[]> {
    const embedded = new Map<string, Promise<EmbeddedPhoto>>();
    const photo = (path: string) => {
      const full = isAbsolute(path) ? path : resolve(root, path);
      let entry = embedded.get(full);
      if (!entry) {
        entry = this.embedPhoto(full);
        // Awaited by every pair with this photo; a failure is reported there, row by row.
        entry.catch(() => undefined);
        embedded.set(full, entry);
      }
      return entry;
    };
    const rows: BatchRow[] = [];
    for (const pair of pairs) {
      let row: BatchRow;
      try {
        row = { ...pair, result: this.score(await photo(pair.a), await photo(pair.b)) };
      } catch (error) {
        row = { ...pair, error: errorMessage(error) };
      }
      rows.push(row);
      onProgress?.(rows.length, pairs.length, row);
    }
    return rows;
  }

  async close(): Promise<void> {
    await Promise.all([this.detector.release(), ...this.embedders.map((e) => e.release())]);
  }

  private async embedPhoto(path: string, choice: FaceChoice = {}): Promise<EmbeddedPhoto> {
    const photo = await detectPhoto(path, this.detector);
    const prepared = await Promise.all(this.models.map((m) => prepareFace(photo, m.manifest, choice)));
    const embeddings = await Promise.all(
      this.embedders.map(async (e, i) => (await e.embed([prepared[i].input.tensor], [path]))[0]),
    );
    const [first] = prepared;
    return {
      report: {
        path: resolve(path),
        sha256: photo.image.sha256,
        width: photo.image.width,
        height: photo.image.height,
        faces: photo.faces.length,
        faceIndex: first.faceIndex,
        landmarkSource: first.aligned.landmarkSource,
        alignmentResidualPx: first.aligned.residualPx,
        notes: photo.image.notes,
      },
      embeddings,
    };
  }

  private score(a: EmbeddedPhoto, b: EmbeddedPhoto): PairVerification {
    return {
      a: a.report,
      b: b.report,
      scores: this.models.map((model, i) => {
        const score = cosine(a.embeddings[i], b.embeddings[i]);
        const threshold = this.thresholds[i];
        return {
          id: model.id,
          name: model.name,
          sha256: model.sha256,
          score,
          threshold,
          decision: threshold ? (score >= threshold.value ? 'match' : 'non-match') : null,
        };
      }),
    };
  }
}
