import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openWorkspace, type Workspace } from '../../electron/node/services/workspace.js';

/** A workspace in a fresh temporary data folder; dispose() closes it and removes the folder. */
export function temporaryWorkspace(prefix = 'xssab-test-'): Workspace & { dispose(): void } {
  const dataDir = mkdtempSync(join(tmpdir(), prefix));
  const workspace = openWorkspace({ dataDir, actor: 'test-examiner' });
  return Object.assign(workspace, {
    dispose() {
      workspace.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  });
}
