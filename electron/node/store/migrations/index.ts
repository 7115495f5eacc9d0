import type { Migration } from './migration.js';
import { initialSchema } from './0001-initial.js';
import { benchmarkRuns } from './0002-benchmark-runs.js';
import { pairFaceChoices } from './0020-pair-face-choices.js';
import { evidenceRole } from './0021-evidence-role.js';

/** Every migration, in order; add a migration by adding its module here. */
export const migrations: readonly Migration[] = [initialSchema, benchmarkRuns, pairFaceChoices, evidenceRole];
