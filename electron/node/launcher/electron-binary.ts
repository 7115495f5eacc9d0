import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export type ElectronBinary = { found: true; path: string } | { found: false; reason: string };

const INSTALLER_OFFLINE =
  "Electron's binary is not installed: its installer downloads it from the internet, which this machine cannot reach";

/**
 * Where the `electron` npm package's binary is, without loading the package: its index.js starts
 * a download when the binary is missing, which must never happen at run time.
 */
export function findElectronBinary(
  packageDir: string | null = electronPackageDir(),
  env: NodeJS.ProcessEnv = process.env,
): ElectronBinary {
  if (!packageDir)
    return { found: false, reason: 'the electron package is not installed (npm install electron)' };
  const pathFile = join(packageDir, 'path.txt');
  if (!existsSync(pathFile)) {
    return { found: false, reason: `${INSTALLER_OFFLINE} (${pathFile} is missing)` };
  }
  const relative = readFileSync(pathFile, 'utf8').trim();
  const binary = env.ELECTRON_OVERRIDE_DIST_PATH
    ? join(env.ELECTRON_OVERRIDE_DIST_PATH, relative)
    : join(packageDir, 'dist', relative);
  if (!existsSync(binary)) return { found: false, reason: `${INSTALLER_OFFLINE} (${binary} is missing)` };
  return { found: true, path: binary };
}

function electronPackageDir(): string | null {
  try {
    return dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return null;
  }
}
