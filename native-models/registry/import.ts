/**
 * Lab import of a recognition model: the file is checked (readable ONNX, one image input
 * [N,3,size,size]), prepared for explanation (opset upgrade, dynamic batch, embedding size), and a
 * real explanation of a probe pair is run on the copy to be stored, so that import refuses exactly
 * what `explain` cannot do; then the copy is stored with its manifest and provenance.
 */
import '../onnx/ort-offline.js'; // before onnxruntime-node loads: telemetry off
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { basename, extname, join, resolve } from 'node:path';
import { UnsupportedOperatorError } from '../autodiff/compiler.js';
import type { AlignmentSchema } from '../manifests/schema.js';
import {
  decodeModel,
  encodeModel,
  ModelFormatError,
  summarizeModel,
  type ModelProto,
} from '../onnx/model-io.js';
import { Engine } from '../xssab/engine.js';
import { ModelPreparationError, prepareForExplanation } from '../xssab/prepare.js';
import { importedModelsDir, sha256Hex, type ModelRegistry, type RegisteredModel } from './registry.js';
import { ImportedManifestSchema, SUPPLIED_THRESHOLD_METHOD, type ImportedManifest } from './schema.js';
import type { z } from 'zod';
import { errorMessage } from '../../electron/common/error-message.js';

type Triple = [number, number, number];

export interface ImportOptions {
  /** Square input size in pixels (the aligned crop the model takes). */
  size: number;
  /** x = (pixel − mean) / std on 0..255 pixels, one value or one per channel in the model's channel order. */
  mean: number | Triple;
  std: number | Triple;
  color: 'rgb' | 'bgr';
  name?: string;
  /** Default: derived from the name or the file name. */
  id?: string;
  /** A cosine threshold the lab already has for this model; `models calibrate` can fit one instead. */
  threshold?: number;
  /** Crop the model was trained on (default arcface-112, scaled to `size`). */
  alignment?: z.infer<typeof AlignmentSchema>['template'];
  licence?: string;
}

/** The file is not a model the workstation can run and explain; `problems` lists every reason. */
export class ModelImportError extends Error {
  override name = 'ModelImportError';
  constructor(
    readonly problems: string[],
    source: string,
  ) {
    super(`cannot import ${source}: ${problems.join('; ')}`);
  }
}

const ID_PATTERN = /^[a-z0-9][a-z0-9-]*$/;

export async function importModel(
  registry: ModelRegistry,
  path: string,
  options: ImportOptions,
): Promise<RegisteredModel> {
  const source = resolve(path);
  const { size } = options;
  if (!Number.isInteger(size) || size < 16)
    throw new ModelImportError([`size must be an integer ≥ 16, got ${size}`], source);
  const mean = triple(options.mean);
  const std = triple(options.std);
  if (!std.every((s) => s > 0)) throw new ModelImportError(['std must be positive'], source);

  const name = options.name ?? basename(source, extname(source));
  const id = options.id ?? slug(name);
  if (!ID_PATTERN.test(id))
    throw new ModelImportError([`id '${id}' must be lower-case letters, digits and dashes`], source);
  if (registry.ids().has(id))
    throw new ModelImportError([`a model with id '${id}' exists already; pass another --id`], source);

  if (!existsSync(source)) throw new ModelImportError(['file not found'], source);
  const original = readFileSync(source);
  let model: ModelProto;
  try {
    model = decodeModel(original, source);
  } catch (error) {
    if (error instanceof ModelFormatError)
      throw new ModelImportError(['it is not a readable ONNX model'], source);
    throw error;
  }

  const summary = summarizeModel(model);
  if (summary.inputs.length !== 1) {
    throw new ModelImportError(
      [
        `it must have exactly one image input; it has ${summary.inputs.length} (${summary.inputs.map((i) => i.name).join(', ')})`,
      ],
      source,
    );
  }
  const [input] = summary.inputs;
  const output = summary.outputs[0];
  const problems: string[] = [];
  if (input.elementType !== 'FLOAT')
    problems.push(`input ${input.name} is ${input.elementType}; it must be FLOAT`);
  const expected = [null, 3, size, size];
  if (
    input.shape.length !== 4 ||
    input.shape.some((d, i) => typeof d === 'number' && i > 0 && d !== expected[i])
  ) {
    problems.push(
      `input ${input.name} is [${input.shape.join(', ')}]; it must be [N, 3, ${size}, ${size}] (or leave those dims dynamic)`,
    );
  }
  if (!output || output.shape.length !== 2) {
    problems.push(
      `the first output must be an embedding [N, d]; it is ${output ? `[${output.shape.join(', ')}]` : 'missing'}`,
    );
  }
  if (problems.length) throw new ModelImportError(problems, source);

  const changes = pinInputShape(model, size);
  try {
    const prepared = prepareForExplanation(model);
    model = prepared.model;
    changes.push(...prepared.changes);
  } catch (error) {
    if (error instanceof ModelPreparationError) throw new ModelImportError(error.problems, source);
    throw error;
  }
  const stored = changes.length ? encodeModel(model) : original;

  // Written under a temporary name and renamed, so a failed import leaves no half model behind.
  const root = importedModelsDir(registry.dataDir);
  const staging = join(root, `.import-${id}-${process.pid}`);
  mkdirSync(staging, { recursive: true });
  try {
    writeFileSync(join(staging, 'model.onnx'), stored);
    const dim = await probeExplanation(
      join(staging, 'model.onnx'),
      { size, mean, std, color: options.color },
      source,
    );
    const manifest: ImportedManifest = ImportedManifestSchema.parse({
      id,
      name,
      kind: 'recognition',
      onnx: { file: 'model.onnx', sha256: sha256Hex(stored), opset: summary.opset },
      input: {
        name: input.name,
        size: [size, size],
        layout: 'NCHW',
        channels: 3,
        color: options.color,
        mean,
        std,
      },
      output: { name: output.name, embeddingSize: dim },
      alignment: { template: options.alignment ?? 'arcface-112', cropSize: size },
      threshold:
        options.threshold === undefined
          ? null
          : {
              value: options.threshold,
              metric: 'cosine',
              calibration: {
                method: SUPPLIED_THRESHOLD_METHOD,
                dataset: 'none (not fitted here)',
                n: 0,
                provisional: true,
              },
            },
      licence: options.licence ?? 'not stated at import',
      notes: `Imported by the lab from ${source}.`,
      provenance: {
        originalPath: source,
        originalSha256: sha256Hex(original),
        importedAt: new Date().toISOString(),
        importedBy: userInfo().username,
        changes,
      },
    });
    writeFileSync(join(staging, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    renameSync(staging, join(root, id));
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return registry.getModel(id);
}

function triple(value: number | Triple): Triple {
  return typeof value === 'number' ? [value, value, value] : value;
}

function slug(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** Dynamic C, H, W of the input become 3, size, size, so that the engine and the autodiff see static shapes. */
function pinInputShape(model: ModelProto, size: number): string[] {
  const value = model.graph!.input!.find(
    (i) => !(model.graph!.initializer ?? []).some((t) => t.name === i.name),
  )!;
  const dims = value.type!.tensorType!.shape!.dim!;
  const pinned: string[] = [];
  [3, size, size].forEach((n, k) => {
    const dim = dims[k + 1];
    if (dim.dimValue != null && Number(dim.dimValue) > 0) return;
    pinned.push(`${['C', 'H', 'W'][k]} ${dim.dimParam || '?'} → ${n}`);
    dim.dimParam = '';
    dim.dimValue = n;
  });
  return pinned.length ? [`input ${value.name} dims pinned: ${pinned.join(', ')}`] : [];
}

/**
 * Explains a black image against a smooth grey ramp with the engine exactly as `explain` will
 * run the stored file, so import refuses what explanation cannot do. Returns the embedding size;
 * refuses NaN, ∞ or an all-zero embedding of the black image.
 */
async function probeExplanation(
  path: string,
  input: { size: number; mean: Triple; std: Triple; color: 'rgb' | 'bgr' },
  source: string,
): Promise<number> {
  const { size, mean, std } = input;
  const plane = size * size;
  const image = (pixel: (row: number, column: number) => number): Float32Array => {
    const data = new Float32Array(3 * plane);
    for (let c = 0; c < 3; c++)
      for (let i = 0; i < plane; i++)
        data[c * plane + i] = (pixel(Math.floor(i / size), i % size) - mean[c]) / std[c];
    return data;
  };
  const black = image(() => 0);
  const ramp = image((row, column) => (255 * (row + column)) / (2 * size));
  let engine: Engine;
  try {
    engine = await Engine.create({
      model: path,
      name: basename(source),
      preprocessing: { size: { width: size, height: size }, mean, std, color: input.color, layout: 'nchw' },
      threshold: 0,
      threads: 1,
    });
  } catch (error) {
    if (error instanceof UnsupportedOperatorError) {
      throw new ModelImportError(
        error.operators.map(
          (u) => `the autodiff cannot differentiate ${u.opType} node '${u.node}' (${u.reason})`,
        ),
        source,
      );
    }
    if (error instanceof ModelPreparationError) throw new ModelImportError(error.problems, source);
    if (error instanceof ModelFormatError) throw new ModelImportError([error.message], source);
    throw new ModelImportError(
      [`its explanation graph cannot be built or loaded: ${firstLine(error)}`],
      source,
    );
  }
  try {
    const {
      embeddings: [embedding],
    } = await engine.embed([{ tensor: black }]).catch((error: unknown) => {
      throw new ModelImportError([`the test forward on a black image failed: ${firstLine(error)}`], source);
    });
    if (embedding.length === 0)
      throw new ModelImportError(['the test forward on a black image gave an empty embedding'], source);
    if (!embedding.every(Number.isFinite)) {
      throw new ModelImportError(
        ['the test forward on a black image gave a non-finite embedding (NaN or ∞)'],
        source,
      );
    }
    if (embedding.every((v) => v === 0)) {
      throw new ModelImportError(
        ['the test forward on a black image gave an all-zero embedding (no cosine score possible)'],
        source,
      );
    }
    const [probe] = await engine
      .explain([{ a: { tensor: black }, b: { tensor: ramp } }])
      .catch((error: unknown) => {
        throw new ModelImportError([`the probe explanation failed: ${firstLine(error)}`], source);
      });
    const maps = [probe.a.pos, probe.a.neg, probe.b.pos, probe.b.neg];
    if (!Number.isFinite(probe.score) || !maps.every((m) => m.every(Number.isFinite)))
      throw new ModelImportError(['the probe explanation gave a non-finite score or map'], source);
    return engine.signature.dim;
  } finally {
    await engine.dispose();
  }
}

function firstLine(error: unknown): string {
  return errorMessage(error).split('\n')[0];
}
