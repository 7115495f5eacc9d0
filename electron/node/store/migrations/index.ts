import type { Migration } from './migration.js';
import { initialSchema } from './0001-initial.js';
import { benchmarkRuns } from './0002-benchmark-runs.js';
import { examinerAccounts } from './0003-examiner-accounts.js';
import { signedDecisions } from './0004-signed-decisions.js';
import { signedReports } from './0005-signed-reports.js';
import { pairFaceChoices } from './0020-pair-face-choices.js';
import { evidenceRole } from './0021-evidence-role.js';
import { calibrationSets } from './0030-calibration-sets.js';

/** Every migration, in order; add a migration by adding its module here. */
export const migrations: readonly Migration[] = [
  initialSchema,
  benchmarkRuns,
  examinerAccounts,
  signedDecisions,
  signedReports,
  pairFaceChoices,
  evidenceRole,
  calibrationSets,
];
