/**
 * The explanation engine: one ONNX Runtime session per batch size runs forward + xSSAB head +
 * backward + maps in a single call; a forward-only session gives embeddings.
 */
import '../onnx/ort-offline.js'; // before onnxruntime-node loads: telemetry off
import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { basename, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import ort from 'onnxruntime-node';
import { decodeModel, encodeModel, ModelFormatError, type ModelProto } from '../onnx/model-io.js';
import { COMPILER_VERSION, IO, compileExplainer, type ExplanationMethod } from './compile.js';
import { checkEmbedding, UnusableEmbeddingError } from './embedding-check.js';
import { withFlipAveraging } from './flip-averaging.js';
import { prepareForExplanation } from './prepare.js';
import { modelSignature, type ModelSignature } from './signature.js';
import { loadAlignedFace, neutralFace, sha256Hex, tensorSha256, type Preprocessing } from './preprocess.js';
import { chooseProvider, sessionOptions, type ProviderName } from './providers.js';
import {
  DEFAULT_IG_STEPS,
  IG_IO,
  attributions,
  compileIntegratedGradients,
  pathPoints,
  type IntegratedGradients,
} from './integrated-gradients.js';

export interface EngineOptions {
  /** Path of the face-recognition model (.onnx). */
  model: string;
  preprocessing: Preprocessing;
  /** Verification threshold on the cosine score. */
  threshold: number;
  provider?: ProviderName;
  /** CPU intra-op threads (default 2). */
  threads?: number;
  /** Pairs explained per session run (default 1). */
  pairsPerBatch?: number;
  /** Folder for compiled graphs, keyed by model SHA-256 and compiler version; memory only when absent. */
  cacheDir?: string;
  /** How errors name the model, e.g. its registry id (default: the file name). */
  name?: string;
  /** Embed (and explain) the mean of the face's and its mirror image's normalised embeddings. */
  flipAveraging?: boolean;
}

/** A face: an aligned crop on disk, or an already normalised C×H×W tensor. */
export type FaceInput = { path: string } | { tensor: Float32Array; sha256?: string };

export interface PairInput {
  a: FaceInput;
  b: FaceInput;
}

export interface MapSet {
  pos: Float32Array;
  neg: Float32Array;
  combined: Float32Array;
}

export interface PairExplanation {
  score: number;
  threshold: number;
  /** threshold / dim: the per-dimension split between positive and negative arguments. */
  bound: number;
  dim: number;
  model: { path: string; sha256: string };
  /** Whether the embeddings were flip-averaged (EngineOptions.flipAveraging). */
  flipAveraging: boolean;
  /** SHA-256 of each input file, or of its tensor bytes when given as a tensor. */
  inputs: { a: string; b: string };
  provider: ProviderName;
  /** How close the split is to flipping: smallest |p_i − bound| and dimensions within 1e-4 of it. */
  stability: { minGap: number; nearBound: number };
  /** Per pair: the time of the run (and of reading its inputs) divided by the pairs in that run. */
  timings: { loadMs: number; runMs: number; pairsInRun: number };
  /** Map size (the model's input size); maps are row-major height × width. */
  size: { width: number; height: number };
  /** A explained against B, and B against A. */
  a: MapSet;
  b: MapSet;
}

export interface ExplainOptions {
  signal?: AbortSignal;
  /** Splits the arguments at this threshold instead of the engine's (the benchmark's own EER threshold). */
  threshold?: number;
  onProgress?: (progress: { done: number; total: number }) => void;
}

const NEAR_BOUND = 1e-4;

export class Engine {
  /** Sessions of compiled graphs by method and pairs per run: the in-memory cache of compilations. */
  private readonly sessions = new Map<string, Promise<ort.InferenceSession>>();
  private forwardSession?: Promise<ort.InferenceSession>;

  private constructor(
    private readonly options: Required<Omit<EngineOptions, 'cacheDir' | 'name'>> & { cacheDir?: string },
    /** The model as errors name it. */
    readonly modelName: string,
    /** The model as run: the file's bytes, or the prepared copy's when preparation changed it. */
    private readonly modelBytes: Uint8Array,
    private readonly modelProto: ModelProto,
    readonly modelSha256: string,
    readonly signature: ModelSignature,
    /** The provider sessions actually use; falls back to 'cpu' if CUDA fails to start. */
    public provider: ProviderName,
    /** Things the user should be told (e.g. CUDA requested but unavailable). */
    readonly warnings: string[],
  ) {}

  static async create(options: EngineOptions): Promise<Engine> {
    const bytes = await readFile(options.model).catch(() => {
      throw new ModelFormatError(`model file not found: ${options.model}`);
    });
    const prepared = prepareForExplanation(decodeModel(bytes, options.model));
    const model = options.flipAveraging ? withFlipAveraging(prepared.model) : prepared.model;
    const changed = options.flipAveraging || prepared.changes.length > 0;
    const signature = modelSignature(model);
    const { width, height } = options.preprocessing.size;
    if (width !== signature.width || height !== signature.height) {
      throw new Error(
        `preprocessing size ${width}×${height} differs from the model input ${signature.width}×${signature.height}`,
      );
    }
    const choice = chooseProvider(options.provider ?? 'cpu');
    const engine = new Engine(
      { provider: 'cpu', threads: 2, pairsPerBatch: 1, flipAveraging: false, ...options },
      options.name ?? basename(options.model),
      changed ? encodeModel(model) : bytes,
      model,
      sha256Hex(bytes),
      signature,
      choice.provider,
      choice.warning ? [choice.warning] : [],
    );
    // Start the main session now, so provider failures and unsupported operators surface at creation.
    await engine.explainSession(engine.options.pairsPerBatch, 'xssab');
    return engine;
  }

  get bound(): number {
    return this.options.threshold / this.signature.dim;
  }

  /** Explains pairs in batches; checks `signal` between batches. */
  async explain(
    pairs: PairInput[],
    { signal, onProgress, threshold = this.options.threshold }: ExplainOptions = {},
  ): Promise<PairExplanation[]> {
    const results: PairExplanation[] = [];
    const bound = threshold / this.signature.dim;
    const { height, width } = this.signature;
    const plane = height * width;
    for (let start = 0; start < pairs.length; start += this.options.pairsPerBatch) {
      signal?.throwIfAborted();
      const batch = pairs.slice(start, start + this.options.pairsPerBatch);
      const P = batch.length;
      const loadStart = performance.now();
      const faces = await Promise.all([
        ...batch.map((p) => this.load(p.a)),
        ...batch.map((p) => this.load(p.b)),
      ]);
      const loadMs = performance.now() - loadStart;

      const session = await this.explainSession(P, 'xssab');
      const runStart = performance.now();
      const out = await session.run({
        [this.signature.input]: this.stack(faces.map((f) => f.tensor)),
        [IO.threshold]: new ort.Tensor('float32', Float32Array.of(threshold), []),
      });
      const runMs = performance.now() - runStart;

      const scores = out[IO.scores].data as Float32Array;
      const products = out[IO.products].data as Float32Array;
      if (!products.every(Number.isFinite)) await this.explainUnusable(faces, P);
      const maps = [IO.pos, IO.neg, IO.combined].map((name) => out[name].data as Float32Array);
      const mapsOf = (row: number): MapSet => {
        const [pos, neg, combined] = maps.map((m) => m.slice(row * plane, (row + 1) * plane));
        return { pos, neg, combined };
      };
      for (let i = 0; i < P; i++) {
        results.push({
          score: scores[i],
          threshold,
          bound,
          dim: this.signature.dim,
          model: { path: this.options.model, sha256: this.modelSha256 },
          flipAveraging: this.options.flipAveraging,
          inputs: { a: faces[i].sha256, b: faces[P + i].sha256 },
          provider: this.provider,
          stability: stability(
            products.subarray(i * this.signature.dim, (i + 1) * this.signature.dim),
            bound,
          ),
          timings: { loadMs: loadMs / P, runMs: runMs / P, pairsInRun: P },
          size: { width, height },
          a: mapsOf(i),
          b: mapsOf(P + i),
        });
      }
      onProgress?.({ done: results.length, total: pairs.length });
    }
    return results;
  }

  /** Embeddings of faces (forward only), in one run when the model's batch axis is dynamic. */
  async embed(faces: FaceInput[]): Promise<{ embeddings: Float32Array[]; runMs: number }> {
    const loaded = await Promise.all(faces.map((f) => this.load(f)));
    const start = performance.now();
    const embeddings = await this.forward(loaded.map((f) => f.tensor));
    const runMs = performance.now() - start;
    embeddings.forEach((embedding, i) =>
      checkEmbedding(
        embedding,
        this.modelName,
        faces.length === 1 ? 'the face' : `face ${i + 1} of ${faces.length}`,
      ),
    );
    return { embeddings, runMs };
  }

  private async forward(tensors: Float32Array[]): Promise<Float32Array[]> {
    this.forwardSession ??= this.createSession(this.modelBytes);
    const session = await this.forwardSession;
    const batchDim = session.inputMetadata[0]?.isTensor ? session.inputMetadata[0].shape[0] : 1;
    const groups = typeof batchDim === 'number' ? tensors.map((t) => [t]) : [tensors];
    const embeddings: Float32Array[] = [];
    for (const group of groups) {
      const out = await session.run({ [this.signature.input]: this.stack(group) });
      const data = out[this.signature.embedding].data as Float32Array;
      for (let i = 0; i < group.length; i++)
        embeddings.push(data.slice(i * this.signature.dim, (i + 1) * this.signature.dim));
    }
    return embeddings;
  }

  /**
   * A NaN product means a NaN, infinite or zero-norm embedding (u = f/‖f‖); the forward pass of
   * the batch's faces, laid out [A_1..A_P, B_1..B_P], tells which face, and the error says so.
   */
  private async explainUnusable(faces: { tensor: Float32Array }[], pairs: number): Promise<never> {
    const embeddings = await this.forward(faces.map((f) => f.tensor));
    embeddings.forEach((embedding, i) => {
      const side = i < pairs ? 'A' : 'B';
      checkEmbedding(
        embedding,
        this.modelName,
        pairs === 1 ? `face ${side}` : `face ${side} of pair ${(i % pairs) + 1}`,
      );
    });
    throw new UnusableEmbeddingError(
      `model ${this.modelName} gave a finite embedding for every face but a non-finite cosine product; ` +
        'no score or map can be computed',
    );
  }

  /** Per-pixel plain-gradient maps of the cosine score (baseline for comparing explanation methods). */
  async gradientMaps(pair: PairInput): Promise<{ a: Float32Array; b: Float32Array }> {
    const session = await this.explainSession(1, 'gradient');
    const faces = await Promise.all([this.load(pair.a), this.load(pair.b)]);
    const out = await session.run({ [this.signature.input]: this.stack(faces.map((f) => f.tensor)) });
    const map = out[IO.gradientMap].data as Float32Array;
    const plane = this.signature.height * this.signature.width;
    return { a: map.slice(0, plane), b: map.slice(plane) };
  }

  /**
   * Integrated gradients of face A's positive and negative partial scores against B, from a
   * mid-grey face, the split taken at `threshold` (default the engine's); see integrated-gradients.ts.
   * All `steps` + 1 path points run in one session run.
   */
  async integratedGradients(
    pair: PairInput,
    {
      steps = DEFAULT_IG_STEPS,
      threshold = this.options.threshold,
    }: { steps?: number; threshold?: number } = {},
  ): Promise<IntegratedGradients> {
    const [a, b] = await Promise.all([this.load(pair.a), this.load(pair.b)]);
    const {
      embeddings: [embeddingA, embeddingB],
    } = await this.embed([{ tensor: a.tensor }, { tensor: b.tensor }]);
    const unit = (e: Float32Array) => {
      const norm = Math.hypot(...e);
      return Float32Array.from(e, (v) => v / norm);
    };
    const [uA, uB] = [unit(embeddingA), unit(embeddingB)];
    const bound = threshold / this.signature.dim;
    const positiveMask = Float32Array.from(uA, (u, i) => (u * uB[i] >= bound ? 1 : 0));

    const key = `ig:${steps}`;
    let session = this.sessions.get(key);
    if (!session) {
      session = this.createSession(compileIntegratedGradients(this.modelProto, steps + 1));
      this.sessions.set(key, session);
    }
    const { channels, height, width, dim } = this.signature;
    const baseline = neutralFace(this.options.preprocessing);
    const points = pathPoints(a.tensor, baseline, steps);
    const out = await (
      await session
    ).run({
      [this.signature.input]: new ort.Tensor('float32', points, [steps + 1, channels, height, width]),
      [IG_IO.partner]: new ort.Tensor('float32', uB, [1, dim]),
      [IG_IO.positiveMask]: new ort.Tensor('float32', positiveMask, [1, dim]),
    });
    return attributions(
      out[IG_IO.gradient].data as Float32Array,
      {
        positive: out[IG_IO.positiveScores].data as Float32Array,
        negative: out[IG_IO.negativeScores].data as Float32Array,
      },
      a.tensor,
      baseline,
      { channels, height, width },
    );
  }

  async dispose(): Promise<void> {
    const sessions = [...this.sessions.values(), ...(this.forwardSession ? [this.forwardSession] : [])];
    await Promise.all(sessions.map(async (s) => (await s).release()));
    this.sessions.clear();
    this.forwardSession = undefined;
  }

  private async load(face: FaceInput): Promise<{ tensor: Float32Array; sha256: string }> {
    if ('path' in face) return loadAlignedFace(face.path, this.options.preprocessing);
    const { channels, height, width } = this.signature;
    if (face.tensor.length !== channels * height * width) {
      throw new RangeError(
        `face tensor has ${face.tensor.length} values; the model takes ${channels}×${height}×${width}`,
      );
    }
    return { tensor: face.tensor, sha256: face.sha256 ?? tensorSha256(face.tensor) };
  }

  private stack(tensors: Float32Array[]): ort.Tensor {
    const { channels, height, width } = this.signature;
    const size = channels * height * width;
    const data = new Float32Array(tensors.length * size);
    tensors.forEach((t, i) => data.set(t, i * size));
    return new ort.Tensor('float32', data, [tensors.length, channels, height, width]);
  }

  private explainSession(pairs: number, method: ExplanationMethod): Promise<ort.InferenceSession> {
    const key = `${method}:${pairs}`;
    let session = this.sessions.get(key);
    if (!session) {
      session = this.createSession(this.compiledGraph(pairs, method));
      this.sessions.set(key, session);
    }
    return session;
  }

  private compiledGraph(pairs: number, method: ExplanationMethod): Uint8Array {
    const key = `${this.modelSha256}-${method}${this.options.flipAveraging ? '-flip' : ''}-p${pairs}-v${COMPILER_VERSION}`;
    const file = this.options.cacheDir ? join(this.options.cacheDir, `${key}.onnx`) : undefined;
    if (file && existsSync(file)) return readFileSync(file);
    const bytes = compileExplainer(this.modelProto, pairs, method);
    if (file) {
      mkdirSync(this.options.cacheDir!, { recursive: true });
      const partial = `${file}.${randomUUID()}.tmp`; // another process may be writing the same graph
      writeFileSync(partial, bytes);
      renameSync(partial, file);
    }
    return bytes;
  }

  private async createSession(bytes: Uint8Array): Promise<ort.InferenceSession> {
    try {
      return await ort.InferenceSession.create(bytes, sessionOptions(this.provider, this.options.threads));
    } catch (error) {
      if (this.provider !== 'cuda') throw error;
      this.warnings.push(
        `CUDA was requested but its session failed to start (${(error as Error).message.split('\n')[0]}). Running on CPU.`,
      );
      this.provider = 'cpu';
      return ort.InferenceSession.create(bytes, sessionOptions('cpu', this.options.threads));
    }
  }
}

function stability(products: Float32Array, bound: number): PairExplanation['stability'] {
  let minGap = Infinity;
  let nearBound = 0;
  for (const p of products) {
    const gap = Math.abs(p - bound);
    minGap = Math.min(minGap, gap);
    if (gap <= NEAR_BOUND) nearBound++;
  }
  return { minGap, nearBound };
}
