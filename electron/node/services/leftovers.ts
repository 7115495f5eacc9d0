/**
 * What a crash (kill -9, power loss) can leave in the data folder, removed when a workspace opens:
 * analysis staging folders and `.partial` files of processes that no longer run, and artifact
 * folders without an analysis row (a crash after the staging folder was renamed to artifacts/<id>
 * but before the row was committed). None of them is evidence or a record: each was about to be
 * either recorded or thrown away.
 */
import type { Database } from 'better-sqlite3';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { recordedAnalysisIds } from '../store/analysis-folders.js';
import { ARTIFACTS_DIR, STAGING_PREFIX } from './comparison-service.js';
import { PARTIAL_SUFFIX } from './content-files.js';

/** Paths removed, relative to the data folder. */
export interface RemovedLeftovers {
  staging: string[];
  partial: string[];
  unrecordedArtifacts: string[];
}

/** Folders of the data folder where `.partial` files are written (writeOnce). */
const WRITE_ONCE_FOLDERS = ['evidence', ARTIFACTS_DIR, 'reports'];

export function removeCrashLeftovers(dataDir: string, db: Database): RemovedLeftovers {
  const removed: RemovedLeftovers = { staging: [], partial: [], unrecordedArtifacts: [] };
  const remove = (path: string, list: string[]) => {
    rmSync(path, { recursive: true, force: true });
    list.push(relative(dataDir, path).split('\\').join('/'));
  };
  const artifacts = join(dataDir, ARTIFACTS_DIR);
  for (const entry of entries(artifacts)) {
    if (entry.name.startsWith(STAGING_PREFIX) && !writerRuns(entry.name.slice(STAGING_PREFIX.length)))
      remove(join(artifacts, entry.name), removed.staging);
  }
  for (const folder of WRITE_ONCE_FOLDERS) {
    for (const path of partialFiles(join(dataDir, folder))) remove(path, removed.partial);
  }
  // Under the write lock no other process is between renaming a folder and committing its row.
  db.transaction(() => {
    const recorded = recordedAnalysisIds(db);
    for (const entry of entries(artifacts)) {
      if (entry.isDirectory() && /^\d+$/.test(entry.name) && !recorded.has(Number(entry.name)))
        remove(join(artifacts, entry.name), removed.unrecordedArtifacts);
    }
  }).immediate();
  return removed;
}

function entries(folder: string) {
  return existsSync(folder) ? readdirSync(folder, { withFileTypes: true }) : [];
}

function partialFiles(folder: string): string[] {
  return entries(folder).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return partialFiles(path);
    if (!entry.name.endsWith(PARTIAL_SUFFIX)) return [];
    const tag = entry.name.slice(0, -PARTIAL_SUFFIX.length).split('.').pop() ?? '';
    return writerRuns(tag) ? [] : [path];
  });
}

/** Whether the process named by a `<pid>-<random>` tag still runs; an untagged name has none. */
function writerRuns(tag: string): boolean {
  const pid = /^(\d+)-[0-9a-f]+$/.exec(tag)?.[1];
  if (pid === undefined) return false;
  try {
    process.kill(Number(pid), 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
