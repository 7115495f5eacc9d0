/** Entry of the `xssab` command (bin/xssab.mjs imports the compiled file). */
import '../../../native-models/onnx/ort-offline.js'; // before onnxruntime-node loads: telemetry off
import { commands } from './commands/index.js';
import { runCli } from './run-cli.js';

process.exitCode = await runCli(process.argv.slice(2), commands, {
  out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
});
