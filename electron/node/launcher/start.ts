/**
 * `npm start`: the Electron shell when Electron's binary is installed, else browser mode (saying
 * why). Options: --data DIR (else XSSAB_DATA, else the default data folder), --port N (browser
 * mode; default any free port), --browser (browser mode even when Electron is available).
 */
import '../../../native-models/onnx/ort-offline.js'; // before onnxruntime-node loads: telemetry off
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { packageInfo } from '../api/package-info.js';
import { startBrowserBridge } from '../bridge/browser-bridge.js';
import { resolveDataDir } from '../store/data-folder.js';
import { findElectronBinary } from './electron-binary.js';

const USAGE = 'Usage: npm start -- [--data DIR] [--port N] [--browser]';

class LauncherUsageError extends Error {
  override name = 'LauncherUsageError';
}

interface LauncherOptions {
  dataDir: string;
  port: number;
  browser: boolean;
}

function parseLauncherArgs(argv: string[]): LauncherOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      data: { type: 'string' },
      port: { type: 'string' },
      browser: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) return 'help';
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new LauncherUsageError(`--port must be a port number (0-65535), got "${values.port}"`);
  }
  return { dataDir: resolveDataDir(values.data), port, browser: values.browser };
}

function runElectron(binary: string, root: string, dataDir: string): void {
  const child = spawn(binary, [root], { stdio: 'inherit', env: { ...process.env, XSSAB_DATA: dataDir } });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

async function runBrowserMode(root: string, options: LauncherOptions): Promise<void> {
  const rendererDir = join(root, 'dist', 'renderer');
  if (!existsSync(join(rendererDir, 'index.html'))) {
    console.warn('xssab: the renderer is not built (run `npm run build`); only the API is served.');
  }
  const bridge = await startBrowserBridge({ dataDir: options.dataDir, port: options.port, rendererDir });
  console.log(`xssab: data folder ${options.dataDir}`);
  console.log(`xssab: open ${bridge.url}`);
  console.log("xssab: the link holds this session's access token; press Ctrl+C to stop.");
  let closing = false;
  const shutDown = () => {
    if (closing) return;
    closing = true;
    bridge.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('xssab: closing failed:', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', shutDown);
  process.on('SIGTERM', shutDown);
}

async function main(argv: string[]): Promise<void> {
  let options: LauncherOptions | 'help';
  try {
    options = parseLauncherArgs(argv);
  } catch (error) {
    console.error(`xssab: ${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  if (options === 'help') {
    console.log(USAGE);
    return;
  }
  const root = packageInfo().root;
  if (!options.browser) {
    const electron = findElectronBinary();
    const mainJs = join(root, 'dist', 'electron', 'main', 'main.js');
    if (electron.found && existsSync(mainJs)) return runElectron(electron.path, root, options.dataDir);
    const reason = electron.found ? `${mainJs} is not built (run \`npm run build\`)` : electron.reason;
    console.log(`xssab: not starting the desktop window: ${reason}.`);
    console.log('xssab: serving browser mode instead: open the link below in a local browser.');
  }
  await runBrowserMode(root, options);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error('xssab: failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
