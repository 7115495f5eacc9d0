/**
 * Forward-only embeddings for verification: a plain ONNX Runtime session on the verified model
 * bytes. (The xSSAB Engine compiles its explanation graph on creation; scoring pairs does not
 * need it.)
 */
import '../onnx/ort-offline.js'; // before onnxruntime-node loads: telemetry off
import { readFileSync } from 'node:fs';
import ort from 'onnxruntime-node';
import { ModelIntegrityError, sha256Hex, type RegisteredModel } from '../registry/registry.js';
import { checkEmbedding } from '../xssab/embedding-check.js';

export class Embedder {
  private constructor(
    readonly model: RegisteredModel,
    private readonly session: ort.InferenceSession,
    /** False when the model's batch axis is fixed (then faces run one at a time). */
    private readonly batched: boolean,
  ) {}

  /** The session is built from bytes hashed again here, so the file run is the file verified. */
  static async open(model: RegisteredModel, { threads = 2 }: { threads?: number } = {}): Promise<Embedder> {
    const bytes = readFileSync(model.path);
    if (sha256Hex(bytes) !== model.sha256)
      throw new ModelIntegrityError(`${model.path} changed after it was verified`);
    const session = await ort.InferenceSession.create(bytes, {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
    });
    const input = session.inputMetadata.find((m) => m.name === model.manifest.input.name);
    const batched = !(input?.isTensor && typeof input.shape[0] === 'number');
    return new Embedder(model, session, batched);
  }

  /**
   * One embedding per normalised C×H×W tensor, in order; UnusableEmbeddingError for a NaN, infinite
   * or zero one, naming the face by `names` (e.g. photo paths) or by position.
   */
  async embed(tensors: Float32Array[], names: string[] = []): Promise<Float32Array[]> {
    const groups = this.batched ? [tensors] : tensors.map((t) => [t]);
    const [height, width] = this.model.manifest.input.size;
    const size = 3 * height * width;
    const dim = this.model.manifest.output.embeddingSize;
    const embeddings: Float32Array[] = [];
    for (const group of groups) {
      if (group.length === 0) continue;
      const data = new Float32Array(group.length * size);
      group.forEach((t, i) => {
        if (t.length !== size)
          throw new RangeError(
            `input tensor has ${t.length} values; ${this.model.id} takes 3×${height}×${width}`,
          );
        data.set(t, i * size);
      });
      const out = await this.session.run({
        [this.model.manifest.input.name]: new ort.Tensor('float32', data, [group.length, 3, height, width]),
      });
      const values = out[this.model.manifest.output.name].data as Float32Array;
      for (let i = 0; i < group.length; i++) embeddings.push(values.slice(i * dim, (i + 1) * dim));
    }
    embeddings.forEach((embedding, i) =>
      checkEmbedding(embedding, this.model.id, names[i] ?? `face ${i + 1} of ${tensors.length}`),
    );
    return embeddings;
  }

  release(): Promise<void> {
    return this.session.release();
  }
}

/** Cosine similarity; the models' embeddings are not L2-normalised. */
export function cosine(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new RangeError(`embeddings differ in size: ${a.length} and ${b.length}`);
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return dot / Math.sqrt(na * nb);
}
