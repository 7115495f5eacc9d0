import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ModelManifestSchema, type ModelManifest } from './schema.js';

export class ManifestError extends Error {
  override name = 'ManifestError';
}

/**
 * The project root (the folder with package.json), found from this file whether it runs from
 * source (native-models/manifests/) or compiled (dist/native-models/manifests/).
 */
export function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new ManifestError(`no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
  return dir;
}

/** The committed manifests folder and the generated models folder. */
export function modelPaths(root = projectRoot()): { manifests: string; models: string } {
  return {
    manifests: join(root, 'native-models', 'manifests'),
    models: join(root, 'native-models', 'models'),
  };
}

/** Parses one manifest file; `source` names it in errors. */
export function parseManifest(text: string, source: string): ModelManifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // V8's message quotes the start of the text; errors never quote a file's contents.
    throw new ManifestError(`${source} is not valid JSON`);
  }
  const result = ModelManifestSchema.safeParse(json);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new ManifestError(`${source} is not a valid model manifest: ${issues}`);
  }
  return result.data;
}

/** Every committed manifest, by file name order; each manifest's id must match its file name. */
export function readShippedManifests(dir = modelPaths().manifests): ModelManifest[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => {
      const manifest = parseManifest(readFileSync(join(dir, file), 'utf8'), join(dir, file));
      if (`${manifest.id}.json` !== file) throw new ManifestError(`${file} declares id ${manifest.id}`);
      if (manifest.onnx.file !== `${manifest.id}.onnx`)
        throw new ManifestError(`${file}: onnx.file must be ${manifest.id}.onnx`);
      return manifest;
    });
}
