/**
 * The explanation engine: one ONNX Runtime session per batch size runs forward + xSSAB head +
 * backward + maps in a single call; a forward-only session gives embeddings.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import ort from 'onnxruntime-node';
import { decodeModel, ModelFormatError, type ModelProto } from '../onnx/model-io.js';
import { COMPILER_VERSION, IO, compileExplainer, type ExplanationMethod } from './compile.js';
import { modelSignature, type ModelSignature } from './signature.js';
import { loadAlignedFace, sha256Hex, tensorSha256, type Preprocessing } from './preprocess.js';
import { chooseProvider, sessionOptions, type ProviderName } from './providers.js';

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
  /** Instead of the threshold the engine was created with (the graph takes it as an input). */
  threshold?: number;
  onProgress?: (progress: { done: number; total: number }) => void;
}

export const NEAR_BOUND = 1e-4;

export class Engine {
  /** Sessions of compiled graphs by method and pairs per run: the in-memory cache of compilations. */
  private readonly sessions = new Map<string, Promise<ort.InferenceSession>>();
  private forwardSession?: Promise<ort.InferenceSession>;

  private constructor(
    private readonly options: Required<Omit<EngineOptions, 'cacheDir'>> & { cacheDir?: string },
    /** The model file; its decoded proto's tensors are views of these bytes, so keeping both is free. */
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
    const model = decodeModel(bytes, options.model);
    const signature = modelSignature(model);
    const { width, height } = options.preprocessing.size;
    if (width !== signature.width || height !== signature.height) {
      throw new Error(
        `preprocessing size ${width}×${height} differs from the model input ${signature.width}×${signature.height}`,
      );
    }
    const choice = chooseProvider(options.provider ?? 'cpu');
    const engine = new Engine(
      { provider: 'cpu', threads: 2, pairsPerBatch: 1, ...options },
      bytes,
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
    const bound = threshold / this.signature.dim;
    const results: PairExplanation[] = [];
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
    this.forwardSession ??= this.createSession(this.modelBytes);
    const session = await this.forwardSession;
    const loaded = await Promise.all(faces.map((f) => this.load(f)));
    const batchDim = session.inputMetadata[0]?.isTensor ? session.inputMetadata[0].shape[0] : 1;
    const groups = typeof batchDim === 'number' ? loaded.map((f) => [f]) : [loaded];
    const embeddings: Float32Array[] = [];
    const start = performance.now();
    for (const group of groups) {
      const out = await session.run({ [this.signature.input]: this.stack(group.map((f) => f.tensor)) });
      const data = out[this.signature.embedding].data as Float32Array;
      for (let i = 0; i < group.length; i++)
        embeddings.push(data.slice(i * this.signature.dim, (i + 1) * this.signature.dim));
    }
    return { embeddings, runMs: performance.now() - start };
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
    const key = `${this.modelSha256}-${method}-p${pairs}-v${COMPILER_VERSION}`;
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
