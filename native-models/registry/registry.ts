/**
 * The one loader for recognition models: shipped ones (native-models/manifests/<id>.json +
 * native-models/models/<id>.onnx) and lab-imported ones (`<data>/models/<id>/manifest.json +
 * model.onnx`). A model is handed out only after its ONNX file has the manifest's SHA-256.
 */
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { modelValidationSchema, type ModelValidation } from '../../electron/common/api/benchmarks.js';
import { ManifestError, modelPaths, readShippedManifests } from '../manifests/load.js';
import type {
  DetectionManifest,
  ModelManifest,
  RecognitionManifest,
  Threshold,
} from '../manifests/schema.js';
import {
  CalibrationRecordSchema,
  ImportedManifestSchema,
  type CalibrationRecord,
  type ImportedManifest,
} from './schema.js';

/**
 * The model `verify` and `explain` use when none is named: dlib ResNet-34. On the face fixtures
 * (test/fixtures/faces/pairs.csv: 18 genuine, 102 impostor pairs), aligned by this project's
 * pipeline (BlazeFace keypoints → 5-point similarity to each model's crop), it separates every
 * pair (ROC AUC 1.000, EER 0 %, a gap of 0.049 in cosine between the highest impostor and the
 * lowest genuine score); MobileFace reaches AUC 0.999 with one impostor above its lowest
 * genuine pair. Provisional like the thresholds: 120 pairs are few (see calibrations/).
 */
export const DEFAULT_MODEL_ID = 'dlib-resnet34';

export type ModelOrigin = 'shipped' | 'imported';
export type FileStatus = 'verified' | 'missing' | 'tampered';

/** A recognition model as listed: its manifest, where its file is and whether the file checks out. */
export interface ModelEntry {
  id: string;
  name: string;
  origin: ModelOrigin;
  manifest: RecognitionManifest | ImportedManifest;
  /** Absolute path of the ONNX file. */
  path: string;
  status: FileStatus;
  isDefault: boolean;
  /** The last calibration run in full, when one was recorded. */
  calibration?: CalibrationRecord;
  /** How valid the model's explanation maps are, when validated on this very file. */
  validation?: ModelValidation;
}

/** A model whose ONNX file was just verified against its manifest's SHA-256. */
export type RegisteredModel = ModelEntry & { status: 'verified'; sha256: string };

export class ModelNotFoundError extends Error {
  override name = 'ModelNotFoundError';
}

/** The ONNX file is missing or its bytes are not the ones the manifest names. */
export class ModelIntegrityError extends Error {
  override name = 'ModelIntegrityError';
}

export interface RegistryOptions {
  /** Data folder holding lab-imported models under models/. */
  dataDir: string;
  /** Project root holding native-models/ (default: this checkout or installed app). */
  root?: string;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The data folder's models/ folder (imported models, one subfolder per id). */
export function importedModelsDir(dataDir: string): string {
  return join(dataDir, 'models');
}

export class ModelRegistry {
  private readonly paths: { manifests: string; models: string; calibrations: string; validations: string };

  constructor(private readonly options: RegistryOptions) {
    const { manifests, models } = modelPaths(options.root);
    this.paths = {
      manifests,
      models,
      calibrations: join(manifests, '..', 'registry', 'calibrations'),
      validations: join(manifests, '..', 'registry', 'validations'),
    };
  }

  get dataDir(): string {
    return this.options.dataDir;
  }

  /** Recognition models, shipped first (manifest order), then imported (by id); files are hashed. */
  listModels(): ModelEntry[] {
    return this.entries().map((entry) => ({
      ...entry,
      status: fileStatus(entry.path, entry.manifest.onnx.sha256),
    }));
  }

  /** The model, after checking that its file has the manifest's SHA-256; refuses it otherwise. */
  getModel(id: string = DEFAULT_MODEL_ID): RegisteredModel {
    const entries = this.entries();
    const entry = entries.find((m) => m.id === id);
    if (!entry) {
      const known = entries.map((m) => m.id).join(', ') || 'none';
      throw new ModelNotFoundError(`no recognition model '${id}'; known: ${known}`);
    }
    const sha256 = this.verifyFile(entry.path, entry.manifest.onnx.sha256, entry.origin);
    return { ...entry, status: 'verified', sha256 };
  }

  /** A shipped detector's ONNX path, after the same hash check (BlazeFace is on the evidence path too). */
  getDetector(id: string): { manifest: DetectionManifest; path: string } {
    const manifest = this.shippedManifests().find(
      (m): m is DetectionManifest => m.kind === 'detection' && m.id === id,
    );
    if (!manifest) throw new ModelNotFoundError(`no shipped detection model '${id}'`);
    const path = join(this.paths.models, manifest.onnx.file);
    this.verifyFile(path, manifest.onnx.sha256, 'shipped');
    return { manifest, path };
  }

  /** The folder holding the shipped detectors' ONNX files. */
  get shippedModelsDir(): string {
    return this.paths.models;
  }

  /** Ids in use, shipped and imported (an import may not reuse one). */
  ids(): Set<string> {
    return new Set([
      ...this.shippedManifests().map((m) => m.id),
      ...this.importedManifests().map((m) => m.id),
    ]);
  }

  /**
   * Records a calibration: the threshold goes into the model's manifest (the committed
   * manifest for a shipped model), the full run beside it.
   */
  recordCalibration(record: CalibrationRecord, datasetLabel: string): Threshold {
    const entry = this.getModel(record.modelId);
    if (entry.sha256 !== record.modelSha256) {
      throw new ModelIntegrityError(
        `calibration of ${record.modelId} was run on another file (${record.modelSha256})`,
      );
    }
    const threshold: Threshold = {
      value: record.threshold,
      metric: 'cosine',
      calibration: {
        method: record.method,
        dataset: datasetLabel,
        n: record.genuine + record.impostor,
        provisional: record.provisional,
      },
    };
    const checked = CalibrationRecordSchema.parse(record);
    if (entry.origin === 'shipped') {
      const file = join(this.paths.manifests, `${entry.id}.json`);
      writeAtomically(file, replaceThreshold(readFileSync(file, 'utf8'), threshold));
      readShippedManifests(this.paths.manifests);
      writeAtomically(
        join(this.paths.calibrations, `${entry.id}.json`),
        `${JSON.stringify(checked, null, 2)}\n`,
      );
    } else {
      const dir = join(importedModelsDir(this.options.dataDir), entry.id);
      const manifest = ImportedManifestSchema.parse({ ...entry.manifest, threshold });
      writeAtomically(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
      writeAtomically(join(dir, 'calibration.json'), `${JSON.stringify(checked, null, 2)}\n`);
    }
    return threshold;
  }

  /**
   * Records an explanation validation beside the model: native-models/registry/validations/<id>.json
   * for a shipped model, `<data>/models/<id>/validation.json` for an imported one.
   */
  recordValidation(record: ModelValidation): void {
    const entry = this.getModel(record.modelId);
    if (entry.sha256 !== record.modelSha256) {
      throw new ModelIntegrityError(
        `validation of ${record.modelId} was run on another file (${record.modelSha256})`,
      );
    }
    const text = `${JSON.stringify(modelValidationSchema.parse(record), null, 2)}\n`;
    writeAtomically(this.validationFile(entry.id, entry.origin), text);
  }

  private validationFile(id: string, origin: ModelOrigin): string {
    return origin === 'shipped'
      ? join(this.paths.validations, `${id}.json`)
      : join(importedModelsDir(this.options.dataDir), id, 'validation.json');
  }

  private shippedManifests(): ModelManifest[] {
    return readShippedManifests(this.paths.manifests);
  }

  private importedManifests(): ImportedManifest[] {
    const dir = importedModelsDir(this.options.dataDir);
    if (!existsSync(dir)) return [];
    return readdirSync(dir, { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, 'manifest.json')))
      .map((d) => d.name)
      .sort()
      .map((name) => readImportedManifest(join(dir, name)));
  }

  /** Every recognition model, shipped first (manifest order), then imported (by id); files not yet hashed. */
  private entries(): Omit<ModelEntry, 'status'>[] {
    const shipped = this.shippedManifests()
      .filter((m): m is RecognitionManifest => m.kind === 'recognition')
      .map((manifest) => this.entry(manifest, 'shipped'));
    const imported = this.importedManifests().map((manifest) => this.entry(manifest, 'imported'));
    return [...shipped, ...imported];
  }

  private entry(
    manifest: RecognitionManifest | ImportedManifest,
    origin: ModelOrigin,
  ): Omit<ModelEntry, 'status'> {
    const folder =
      origin === 'shipped' ? this.paths.models : join(importedModelsDir(this.options.dataDir), manifest.id);
    const path = join(folder, manifest.onnx.file);
    const calibrationFile =
      origin === 'shipped'
        ? join(this.paths.calibrations, `${manifest.id}.json`)
        : join(folder, 'calibration.json');
    return {
      id: manifest.id,
      name: manifest.name,
      origin,
      manifest,
      path,
      isDefault: manifest.id === DEFAULT_MODEL_ID,
      ...(existsSync(calibrationFile) && { calibration: readCalibration(calibrationFile) }),
      ...readValidation(this.validationFile(manifest.id, origin), manifest.onnx.sha256),
    };
  }

  private verifyFile(path: string, expected: string, origin: ModelOrigin): string {
    if (!existsSync(path)) {
      throw new ModelIntegrityError(
        `model file missing: ${path}` +
          (origin === 'shipped' ? ' (run `npm run models` to install the shipped models)' : ''),
      );
    }
    const actual = fileSha256(path);
    if (actual !== expected) {
      throw new ModelIntegrityError(
        `refusing ${path}: its SHA-256 is ${actual} but the manifest says ${expected}; the file was changed or ` +
          (origin === 'shipped'
            ? 'replaced (run `npm run models` to restore it)'
            : 'replaced after import (import it again)'),
      );
    }
    return actual;
  }
}

function fileStatus(path: string, expected: string): FileStatus {
  if (!existsSync(path)) return 'missing';
  return fileSha256(path) === expected ? 'verified' : 'tampered';
}

/** Model files' SHA-256 by path, with the file's identity and times when it was hashed. */
const hashedFiles = new Map<string, { stamp: string; sha256: string }>();

/** A file changed less than this long ago may change again within the same timestamp tick. */
const RACY_MS = 2000n;

/**
 * The file's SHA-256, hashed again whenever the file may have changed since it was last hashed in
 * this process: any write or metadata change moves its ctime, which no program can set back (only
 * the clock), so an unchanged stamp means unchanged bytes. As git does with its index, a file
 * changed within the last two seconds is always hashed, since a write in the same coarse
 * timestamp tick would leave the stamp as it was. A warm analysis thereby checks its model with
 * one stat instead of reading tens of megabytes.
 */
function fileSha256(path: string): string {
  // Stat before reading: a change during the read leaves a stamp that no longer matches.
  const { dev, ino, size, mtimeNs, ctimeNs } = statSync(path, { bigint: true });
  const stamp = `${dev}:${ino}:${size}:${mtimeNs}:${ctimeNs}`;
  const known = hashedFiles.get(path);
  if (known?.stamp === stamp) return known.sha256;
  const sha256 = sha256Hex(readFileSync(path));
  const racy = BigInt(Date.now()) - ctimeNs / 1_000_000n < RACY_MS;
  if (racy) hashedFiles.delete(path);
  else hashedFiles.set(path, { stamp, sha256 });
  return sha256;
}

/** The JSON in the file; a file that cannot be read or parsed is a ManifestError. */
function readJsonFile(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    // V8's JSON message quotes the start of the text; errors never quote a file's contents.
    throw new ManifestError(
      error instanceof SyntaxError
        ? `${file} is not valid JSON`
        : `cannot read ${file}: ${(error as Error).message}`,
    );
  }
}

function readImportedManifest(dir: string): ImportedManifest {
  const file = join(dir, 'manifest.json');
  const parsed = ImportedManifestSchema.safeParse(readJsonFile(file));
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new ManifestError(`${file} is not a valid imported-model manifest: ${issues}`);
  }
  return parsed.data;
}

/** The validation record of exactly this model file; a record of another file validates nothing. */
function readValidation(file: string, sha256: string): { validation?: ModelValidation } {
  if (!existsSync(file)) return {};
  const parsed = modelValidationSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success)
    throw new ManifestError(`${file} is not a valid validation record: ${parsed.error.message}`);
  return parsed.data.modelSha256 === sha256 ? { validation: parsed.data } : {};
}

function readCalibration(file: string): CalibrationRecord {
  const parsed = CalibrationRecordSchema.safeParse(readJsonFile(file));
  if (!parsed.success)
    throw new ManifestError(`${file} is not a valid calibration record: ${parsed.error.message}`);
  return parsed.data;
}

/**
 * The manifest text with its top-level `"threshold": …` value replaced, everything else kept as
 * written (the committed manifests are formatted by hand and by Prettier). The new value is
 * written expanded, one field per line, which Prettier keeps as it is.
 */
export function replaceThreshold(text: string, threshold: Threshold): string {
  const match = /^( *)"threshold": /m.exec(text);
  if (!match) throw new ManifestError('manifest has no "threshold" field to replace');
  const start = match.index + match[0].length;
  let end: number;
  if (text.startsWith('null', start)) end = start + 'null'.length;
  else if (text[start] === '{') {
    let depth = 0;
    end = start;
    do {
      if (text[end] === '{') depth++;
      else if (text[end] === '}') depth--;
      end++;
    } while (depth > 0 && end < text.length);
  } else throw new ManifestError('manifest "threshold" is neither null nor an object');
  const value = JSON.stringify(threshold, null, 2).replaceAll('\n', `\n${match[1]}`);
  return text.slice(0, start) + value + text.slice(end);
}

function writeAtomically(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
}
