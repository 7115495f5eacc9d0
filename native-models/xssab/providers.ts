/**
 * Which ONNX Runtime execution provider an engine gets. CPU is the default; CUDA when asked for
 * and onnxruntime's CUDA provider libraries are present.
 *
 * onnxruntime 1.29 loads libonnxruntime_providers_{shared,cuda}.so from the folder that holds the
 * libonnxruntime.so.1 it runs from (it finds itself with dladdr), i.e. onnxruntime-node's bin
 * folder; LD_LIBRARY_PATH and preloading do not change that. XSSAB_ORT_PROVIDER_DIR names another
 * folder holding them: they are symlinked into the bin folder, which must then be writable.
 */
import { existsSync, lstatSync, symlinkSync, unlinkSync, accessSync, constants } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export type ProviderName = 'cpu' | 'cuda';

export const PROVIDER_LIBRARIES = ['libonnxruntime_providers_shared.so', 'libonnxruntime_providers_cuda.so'];

export interface ProviderChoice {
  /** What the sessions will be asked to use. */
  provider: ProviderName;
  /** Set when CUDA was asked for and cannot be used; the caller shows it to the user. */
  warning?: string;
}

/** onnxruntime-node's folder with libonnxruntime.so.1 for this platform. */
export function ortBinaryDir(): string {
  const packageJson = createRequire(import.meta.url).resolve('onnxruntime-node/package.json');
  return join(dirname(packageJson), 'bin', 'napi-v6', process.platform, process.arch);
}

/**
 * Makes the CUDA provider libraries loadable if they can be; returns why not otherwise.
 * `providerDir` defaults to $XSSAB_ORT_PROVIDER_DIR.
 */
export function prepareCudaLibraries(
  binDir = ortBinaryDir(),
  providerDir = process.env.XSSAB_ORT_PROVIDER_DIR,
): { ready: true } | { ready: false; reason: string } {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    return {
      ready: false,
      reason: `onnxruntime-node ships CUDA only for linux-x64, not ${process.platform}-${process.arch}`,
    };
  }
  const missing = PROVIDER_LIBRARIES.filter((lib) => !existsSync(join(binDir, lib)));
  if (missing.length === 0) return { ready: true };
  if (!providerDir) {
    return {
      ready: false,
      reason: `onnxruntime's CUDA provider libraries (${missing.join(', ')}) are not in ${binDir} and XSSAB_ORT_PROVIDER_DIR is not set`,
    };
  }
  const absent = missing.filter((lib) => !existsSync(join(providerDir, lib)));
  if (absent.length > 0) {
    return { ready: false, reason: `XSSAB_ORT_PROVIDER_DIR=${providerDir} lacks ${absent.join(', ')}` };
  }
  try {
    accessSync(binDir, constants.W_OK);
  } catch {
    return {
      ready: false,
      reason: `onnxruntime loads its CUDA provider libraries only from ${binDir}, which is not writable; copy ${missing.join(', ')} there from ${providerDir}`,
    };
  }
  for (const lib of missing) {
    const target = join(binDir, lib);
    // A dangling link from an earlier provider folder would shadow the new one.
    if (isSymlink(target)) unlinkSync(target);
    symlinkSync(join(providerDir, lib), target);
  }
  return { ready: true };
}

function isSymlink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/** CPU unless CUDA is asked for and its libraries can be loaded; the session may still refuse it. */
export function chooseProvider(requested: ProviderName): ProviderChoice {
  if (requested === 'cpu') return { provider: 'cpu' };
  const cuda = prepareCudaLibraries();
  if (cuda.ready) return { provider: 'cuda' };
  return {
    provider: 'cpu',
    warning: `CUDA was requested but cannot be used: ${cuda.reason}. Running on CPU.`,
  };
}

/** Session options for a provider; `threads` sets the CPU intra-op pool. */
export function sessionOptions(provider: ProviderName, threads: number) {
  return {
    executionProviders: provider === 'cuda' ? [{ name: 'cuda' as const, deviceId: 0 }, 'cpu'] : ['cpu'],
    graphOptimizationLevel: 'all' as const,
    executionMode: 'sequential' as const,
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    enableCpuMemArena: true,
    enableMemPattern: true,
  };
}
