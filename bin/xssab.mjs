#!/usr/bin/env node
// Entry of the `xssab` command: runs the compiled CLI (built by `npm install` / `npm run build`).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = fileURLToPath(new URL('../dist/electron/node/cli/xssab.js', import.meta.url));
if (!existsSync(entry)) {
  process.stderr.write('xssab: not built yet; run `npm run build` in the project root\n');
  process.exit(1);
}
await import(entry);
