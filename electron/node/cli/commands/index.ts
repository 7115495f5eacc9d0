import type { CliCommand } from '../command.js';
import { analyseCommand } from './analyse.js';
import { auditVerifyCommand } from './audit.js';
import { accountCommands } from './account.js';
import { benchCommand } from './bench.js';
import { caseCommands } from './case.js';
import { evidenceAddCommand } from './evidence.js';
import { explainCommand } from './explain.js';
import { lrCommands } from './lr.js';
import { modelsCommands } from './models.js';
import { pairCreateCommand } from './pair.js';
import { patchBenchCommand } from './patch-bench.js';
import { patchMakeCommand } from './patch-make.js';
import { reportCommand } from './report.js';
import { verifyCommand } from './verify.js';

/** Every subcommand of `xssab`; add a command by adding its module here. */
export const commands: CliCommand[] = [
  explainCommand,
  benchCommand,
  patchMakeCommand,
  patchBenchCommand,
  ...caseCommands,
  evidenceAddCommand,
  pairCreateCommand,
  analyseCommand,
  auditVerifyCommand,
  reportCommand,
  verifyCommand,
  ...modelsCommands,
  ...lrCommands,
  ...accountCommands,
];
