import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface PackageInfo {
  name: string;
  version: string;
  /** The project (or installed app) root: the folder holding package.json. */
  root: string;
}

let cached: PackageInfo | undefined;

/** The app's package.json, found by walking up from this module (works from source and from dist/). */
export function packageInfo(): PackageInfo {
  if (cached) return cached;
  let folder = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(folder, 'package.json');
    if (existsSync(candidate)) {
      const { name, version } = JSON.parse(readFileSync(candidate, 'utf8')) as {
        name: string;
        version: string;
      };
      if (name === 'xssab-workstation') return (cached = { name, version, root: folder });
    }
    const parent = dirname(folder);
    if (parent === folder)
      throw new Error('package.json of xssab-workstation not found above ' + import.meta.url);
    folder = parent;
  }
}
