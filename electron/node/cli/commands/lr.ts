/**
 * `xssab lr calibrate|evaluate|list|report|assess`: evaluative reporting from the command line. A lab
 * scores its labelled calibration set once per model, fits a score → LR calibration with its
 * cross-validated figures, evaluates it on other labelled sets (Cllr, Cllr_min, Tippett and ECE
 * plots written as SVG and PNG), exports a validation report (PDF), and records the LR of an
 * analysis made before the calibration (`lr assess`).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import {
  LR_CALIBRATION_METHODS,
  type Calibration,
  type CalibrationSet,
  type LrValidation,
} from '../../../common/api.js';
import { formatLikelihoodRatio } from '../../../common/likelihood-ratio.js';
import { eceSvg, tippettSvg } from '../../../../native-models/evaluative/plot-svg.js';
import { buildValidationReport } from '../../reports/validation-report.js';
import { InvalidInputError, NotFoundError } from '../../services/errors.js';
import { openWorkspace, type Workspace } from '../../services/workspace.js';
import { CliUsageError, type CliCommand, type CliIo } from '../command.js';
import { choiceOption, integerOption, positiveIntOption, printResult, requireOptions } from '../options.js';
import { callApi } from './case.js';

/** Runs with the data folder's workspace; the user's input errors become usage errors (exit 2). */
async function withWorkspace<T>(io: CliIo, work: (workspace: Workspace) => Promise<T> | T): Promise<T> {
  const workspace = openWorkspace({ dataDir: io.dataDir });
  try {
    return await work(workspace);
  } catch (error) {
    if (error instanceof InvalidInputError || error instanceof NotFoundError)
      throw new CliUsageError(error.message);
    throw error;
  } finally {
    workspace.close();
  }
}

/** Tippett and ECE plots (SVG and PNG) and the figures as JSON; returns the files written. */
async function writePlots(dir: string, validation: LrValidation, label: string): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  const write = (name: string, data: string | Buffer) => {
    const path = join(dir, name);
    writeFileSync(path, data);
    files.push(path);
  };
  const tippett = tippettSvg(validation.tippett, `Tippett plot: ${label}`);
  const ece = eceSvg(validation.ece, `ECE plot: ${label}`);
  write('tippett.svg', tippett);
  write('ece.svg', ece);
  write('tippett.png', await sharp(Buffer.from(tippett)).png().toBuffer());
  write('ece.png', await sharp(Buffer.from(ece)).png().toBuffer());
  write('validation.json', JSON.stringify(validation, null, 1) + '\n');
  return files;
}

const bits = (v: number) => `${v.toFixed(3)} bits`;
const pct = (v: number) => `${(100 * v).toFixed(1)} %`;

function describePerformance(validation: LrValidation): string[] {
  const p = validation.performance;
  return [
    `Cllr     ${bits(p.cllr)}`,
    `Cllr_min ${bits(p.cllrMin)}   Cllr_cal ${bits(p.cllrCal)}`,
    `misleading evidence: ${pct(p.misleading.sameSourceBelowOne)} of ${p.sameSource} same-source LRs < 1, ` +
      `${pct(p.misleading.differentSourceAboveOne)} of ${p.differentSource} different-source LRs > 1`,
  ];
}

function describeSet(set: CalibrationSet, reused: boolean): string {
  return (
    `set #${set.id} "${set.name}" (${set.modelId}): ${set.sameSource} same-source and ${set.differentSource} ` +
    `different-source pairs${set.failures.length ? `, ${set.failures.length} not scored` : ''}; ` +
    `${reused ? 'scored before, stored scores reused' : 'scored now'}\n  set SHA-256 ${set.setSha256}`
  );
}

const importOptions = {
  pairs: { type: 'string' },
  root: { type: 'string' },
  name: { type: 'string' },
  threads: { type: 'string', default: '2' },
  out: { type: 'string' },
  actor: { type: 'string' },
  json: { type: 'boolean', default: false },
} as const;

/** Scores the labelled set with the model (or finds it scored before), the progress on stderr. */
function importSet(
  workspace: Workspace,
  io: CliIo,
  modelId: string,
  values: { pairs: string; root: string; name?: string },
  threads: number,
  actor: string,
) {
  return workspace.calibrations.importSet(
    {
      modelId,
      pairsCsv: values.pairs,
      root: values.root,
      ...(values.name !== undefined && { name: values.name }),
      threads,
      onProgress: (done, total) => {
        if (done % 20 === 0 || done === total) io.err(`scored ${done}/${total} pairs`);
      },
    },
    actor,
  );
}

const calibrateCommand: CliCommand = {
  path: ['lr', 'calibrate'],
  summary: 'Score a labelled calibration set with a model and fit its score → likelihood-ratio calibration',
  usage:
    'xssab lr calibrate --model ID --pairs PAIRS.csv (columns a,b,same[,condition]) --root DIR ' +
    '[--method logistic|pav] [--folds 5] [--condition TAG] [--name NAME] [--out DIR] [--threads 2] [--json]',
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: {
        ...importOptions,
        model: { type: 'string' },
        method: { type: 'string', default: 'logistic' },
        folds: { type: 'string', default: '5' },
        condition: { type: 'string' },
      },
      strict: true,
    });
    requireOptions(values, ['model', 'pairs', 'root']);
    const method = choiceOption('method', values.method, LR_CALIBRATION_METHODS);
    const folds = integerOption('folds', values.folds, 2);
    const threads = positiveIntOption('threads', values.threads);
    const { set, reused, calibration, files } = await withWorkspace(io, async (workspace) => {
      const actor = values.actor ?? workspace.defaultActor;
      const imported = await importSet(workspace, io, values.model, values, threads, actor);
      const fitted = workspace.calibrations.calibrate(
        imported.set.id,
        { method, folds, ...(values.condition !== undefined && { condition: values.condition }) },
        actor,
      );
      const written =
        values.out === undefined
          ? []
          : await writePlots(
              resolve(values.out),
              fitted.validation,
              `calibration #${fitted.id}, ${fitted.folds}-fold cross-validated`,
            );
      return { ...imported, calibration: fitted, files: written };
    });
    for (const failure of set.failures) io.err(`not scored: ${failure.a} × ${failure.b}: ${failure.error}`);
    printResult(io, values.json, { set, reused, calibration: summaryJson(calibration), files }, () =>
      [
        describeSet(set, reused),
        `calibration #${calibration.id}: ${calibration.method}${calibration.condition === null ? '' : ` on condition "${calibration.condition}"`}, ` +
          `LR bounded by ELUB to ${formatLikelihoodRatio(calibration.bounds.lowerLog10)} … ${formatLikelihoodRatio(calibration.bounds.upperLog10)} ` +
          `(log10 ${calibration.bounds.lowerLog10.toFixed(2)} … ${calibration.bounds.upperLog10.toFixed(2)})`,
        `${calibration.folds}-fold cross-validated on the set:`,
        ...describePerformance(calibration.validation).map((line) => `  ${line}`),
        ...files.map((f) => `wrote ${f}`),
      ].join('\n'),
    );
    return 0;
  },
};

/** A calibration without its plot arrays (they are in the files written). */
function summaryJson(calibration: Calibration) {
  const { validation, evaluations, ...rest } = calibration;
  return {
    ...rest,
    performance: validation.performance,
    evaluations: evaluations.map((e) => ({
      id: e.id,
      setId: e.set.id,
      performance: e.validation.performance,
    })),
  };
}

const evaluateCommand: CliCommand = {
  path: ['lr', 'evaluate'],
  summary: 'Evaluate a calibration on another labelled set: Cllr, Cllr_min, Tippett and ECE plots',
  usage:
    'xssab lr evaluate --pairs PAIRS.csv --root DIR [--calibration ID | --model ID] [--name NAME] ' +
    '[--out DIR] [--threads 2] [--json]',
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: { ...importOptions, calibration: { type: 'string' }, model: { type: 'string' } },
      strict: true,
    });
    requireOptions(values, ['pairs', 'root']);
    if (values.calibration !== undefined && values.model !== undefined)
      throw new CliUsageError('give --calibration or --model, not both');
    const threads = positiveIntOption('threads', values.threads);
    const result = await withWorkspace(io, async (workspace) => {
      const actor = values.actor ?? workspace.defaultActor;
      const calibrationId =
        values.calibration !== undefined
          ? positiveIntOption('calibration', values.calibration)
          : workspace.calibrations.list(values.model)[0]?.id;
      if (calibrationId === undefined) {
        throw new CliUsageError(
          `no calibration${values.model ? ` of ${values.model}` : ''} exists yet; run \`xssab lr calibrate\` first`,
        );
      }
      const calibration = workspace.calibrations.get(calibrationId);
      const imported = await importSet(workspace, io, calibration.set.modelId, values, threads, actor);
      const evaluation = workspace.calibrations.evaluate(calibrationId, imported.set.id, actor);
      const out = resolve(
        values.out ?? `xssab-lr-evaluation-${calibrationId}-${imported.set.setSha256.slice(0, 12)}`,
      );
      const files = await writePlots(
        out,
        evaluation.validation,
        `calibration #${calibrationId} on "${imported.set.name}"`,
      );
      return { calibrationId, ...imported, evaluation, files };
    });
    const { validation, set: _evaluatedSet, ...evaluation } = result.evaluation;
    printResult(
      io,
      values.json,
      {
        calibrationId: result.calibrationId,
        set: result.set,
        reused: result.reused,
        evaluation: {
          ...evaluation,
          setId: result.set.id,
          performance: validation.performance,
        },
        files: result.files,
      },
      () =>
        [
          describeSet(result.set, result.reused),
          `evaluation #${evaluation.id} of calibration #${result.calibrationId} on this set:`,
          ...describePerformance(validation).map((line) => `  ${line}`),
          ...result.files.map((f) => `wrote ${f}`),
        ].join('\n'),
    );
    return 0;
  },
};

const listCommand: CliCommand = {
  path: ['lr', 'list'],
  summary: 'List the likelihood-ratio calibrations (newest first) with their cross-validated Cllr',
  usage: 'xssab lr list [--model ID] [--json]',
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: { model: { type: 'string' }, json: { type: 'boolean', default: false } },
      strict: true,
    });
    const calibrations = await withWorkspace(io, (workspace) => workspace.calibrations.list(values.model));
    printResult(io, values.json, { calibrations }, () =>
      calibrations.length === 0
        ? 'no calibrations yet; run `xssab lr calibrate`'
        : calibrations
            .map(
              (c) =>
                `#${c.id}  ${c.modelId}  ${c.method}${c.condition === null ? '' : ` [${c.condition}]`}  "${c.setName}"  ` +
                `n = ${c.sameSource}+${c.differentSource}  Cllr ${c.cllr.toFixed(3)}  Cllr_min ${c.cllrMin.toFixed(3)}  ` +
                `LR ${formatLikelihoodRatio(c.bounds.lowerLog10)} … ${formatLikelihoodRatio(c.bounds.upperLog10)}`,
            )
            .join('\n'),
    );
    return 0;
  },
};

const reportCommand: CliCommand = {
  path: ['lr', 'report'],
  summary: 'Write the validation report (PDF) of a likelihood-ratio calibration',
  usage: 'xssab lr report --calibration ID --out FILE.pdf [--json]',
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: {
        calibration: { type: 'string' },
        out: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
      strict: true,
    });
    requireOptions(values, ['calibration', 'out']);
    const calibrationId = positiveIntOption('calibration', values.calibration);
    const calibration = await withWorkspace(io, (workspace) => workspace.calibrations.get(calibrationId));
    const { bytes, pages, sha256 } = await buildValidationReport(calibration);
    const out = resolve(values.out);
    writeFileSync(out, bytes);
    printResult(
      io,
      values.json,
      { calibrationId, out, pages, sha256 },
      () =>
        `wrote the validation report of calibration #${calibrationId} to ${out}: ${pages} page${pages === 1 ? '' : 's'}, SHA-256 ${sha256}`,
    );
    return 0;
  },
};

const assessCommand: CliCommand = {
  path: ['lr', 'assess'],
  summary: 'Record the likelihood ratio of an analysis made before its model was calibrated',
  usage: 'xssab lr assess --analysis ID [--calibration ID] [--actor NAME] [--json]',
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: {
        analysis: { type: 'string' },
        calibration: { type: 'string' },
        actor: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
      strict: true,
    });
    requireOptions(values, ['analysis']);
    const lr = await callApi(
      io,
      'likelihoodRatios.assess',
      {
        analysisId: positiveIntOption('analysis', values.analysis),
        ...(values.calibration !== undefined && {
          calibrationId: positiveIntOption('calibration', values.calibration),
        }),
        actor: values.actor,
      },
      { analysisId: '--analysis', calibrationId: '--calibration', actor: '--actor' },
    );
    printResult(io, values.json, lr, () =>
      [
        `analysis #${lr.analysisId}: LR = ${formatLikelihoodRatio(lr.log10Lr)} (log10 LR = ${lr.log10Lr.toFixed(2)}), ${lr.verbal}`,
        `  calibration #${lr.calibration.id} on "${lr.calibration.setName}", Cllr ${lr.calibration.cllr.toFixed(3)} bits` +
          (lr.bound ? `; limited to the ELUB ${lr.bound} bound` : ''),
        ...(lr.withinCalibrationRange
          ? []
          : [
              `  the score ${lr.score.toFixed(4)} lies outside the calibration scores: the LR is extrapolated`,
            ]),
      ].join('\n'),
    );
    return 0;
  },
};

export const lrCommands: CliCommand[] = [
  calibrateCommand,
  evaluateCommand,
  listCommand,
  reportCommand,
  assessCommand,
];
