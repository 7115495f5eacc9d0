/**
 * `xssab models list|import|calibrate`: the model registry from the command line (shipped models
 * and the lab's imported ones in the data folder).
 */
import { parseArgs } from 'node:util';
import { ModelRegistry, type ModelEntry } from '../../../../native-models/registry/registry.js';
import type { Threshold } from '../../../../native-models/manifests/schema.js';
import {
  defaultMapVariant,
  validationStatement,
  type BenchmarkMethod,
} from '../../../common/explanations.js';
import { CliUsageError, type CliCommand } from '../command.js';
import {
  channelOption,
  choiceOption,
  numberOption,
  positiveIntOption,
  printResult,
  requireOptions,
} from '../options.js';

/** "0.9148 (EER on test/fixtures/faces/pairs.csv, n = 120, provisional)". */
export function describeThreshold(threshold: Threshold | null): string {
  if (!threshold) return 'none (run `xssab models calibrate`)';
  const { method, dataset, n, provisional } = threshold.calibration;
  // n = 0: supplied at import or for this run, not fitted on any comparisons here.
  if (n === 0) return `${threshold.value.toFixed(4)} (${method}, not calibrated here)`;
  return `${threshold.value.toFixed(4)} (${method} on ${dataset}, n = ${n}${provisional ? ', provisional' : ''})`;
}

function listJson(entry: ModelEntry) {
  const { manifest, calibration } = entry;
  return {
    id: entry.id,
    name: entry.name,
    origin: entry.origin,
    default: entry.isDefault,
    status: entry.status,
    path: entry.path,
    sha256: manifest.onnx.sha256,
    input: manifest.input,
    embeddingSize: manifest.output.embeddingSize,
    alignment: manifest.alignment,
    threshold: manifest.threshold,
    calibration: calibration && {
      date: calibration.date,
      auc: calibration.auc,
      eer: calibration.eer,
      fmr: calibration.fmr,
      fnmr: calibration.fnmr,
      genuine: calibration.genuine,
      impostor: calibration.impostor,
    },
    licence: manifest.licence,
    explanations: {
      validated: entry.validation !== undefined,
      defaultMap: defaultMapVariant(entry.validation),
      statement: validationStatement(entry.validation, defaultMapVariant(entry.validation)),
    },
    ...('provenance' in manifest && { provenance: manifest.provenance }),
  };
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, k) => Math.max(...rows.map((r) => r[k].length)));
  return rows
    .map((r) =>
      r
        .map((cell, k) => cell.padEnd(widths[k]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

const listCommand: CliCommand = {
  path: ['models', 'list'],
  summary: 'List the recognition models (shipped and imported) with their hash check and threshold',
  usage: 'xssab models list [--json]',
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: { json: { type: 'boolean', default: false } },
      strict: true,
    });
    const models = new ModelRegistry({ dataDir: io.dataDir }).listModels();
    printResult(io, values.json, { models: models.map(listJson) }, () => {
      const rows = models.map((m) => {
        const [h, w] = m.manifest.input.size;
        const t = m.manifest.threshold;
        return [
          `${m.isDefault ? '*' : ' '} ${m.id}`,
          m.origin,
          `${w}×${h} ${m.manifest.input.color} → ${m.manifest.output.embeddingSize}-d`,
          t
            ? `${t.value.toFixed(4)}${t.calibration.provisional ? ` (provisional, n=${t.calibration.n})` : ` (n=${t.calibration.n})`}`
            : '—',
          m.calibration
            ? `AUC ${m.calibration.auc.toFixed(4)}, EER ${(100 * m.calibration.eer).toFixed(2)} %`
            : '—',
          m.status,
          m.manifest.onnx.sha256.slice(0, 12),
          m.validation ? `default map: ${defaultMapVariant(m.validation)}` : 'not validated',
        ];
      });
      return [
        table([
          [
            '  id',
            'origin',
            'input → embedding',
            'threshold',
            'calibration',
            'file',
            'sha256',
            'explanations',
          ],
          ...rows,
        ]),
        '',
        '* default model. Thresholds are cosine scores (match when score ≥ threshold).',
      ].join('\n');
    });
    return 0;
  },
};

const importCommand: CliCommand = {
  path: ['models', 'import'],
  summary: 'Import a lab face-recognition model (.onnx) after checking that it runs and can be explained',
  usage:
    'xssab models import PATH.onnx --size 112 --mean 127.5 --std 127.5 --color rgb|bgr [--name N] [--id ID] ' +
    '[--threshold T] [--align arcface-112|dlib-150] [--licence TEXT] [--json]',
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      options: {
        size: { type: 'string' },
        mean: { type: 'string' },
        std: { type: 'string' },
        color: { type: 'string' },
        name: { type: 'string' },
        id: { type: 'string' },
        threshold: { type: 'string' },
        align: { type: 'string', default: 'arcface-112' },
        licence: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
      allowPositionals: true,
      strict: true,
    });
    if (positionals.length !== 1)
      throw new CliUsageError('give exactly one model file: xssab models import PATH.onnx …');
    for (const flag of ['size', 'mean', 'std', 'color'] as const) {
      if (values[flag] === undefined)
        throw new CliUsageError(`--${flag} is required (how the model wants its input)`);
    }
    const color = choiceOption('color', values.color!, ['rgb', 'bgr']);
    const align = choiceOption('align', values.align, ['arcface-112', 'dlib-150']);
    const registry = new ModelRegistry({ dataDir: io.dataDir });
    // Imported here, as in every command that runs a model, so that ONNX Runtime loads only when needed.
    const { importModel } = await import('../../../../native-models/registry/import.js');
    const model = await importModel(registry, positionals[0], {
      size: positiveIntOption('size', values.size!),
      mean: channelOption('mean', values.mean!),
      std: channelOption('std', values.std!),
      color,
      alignment: align,
      ...(values.name !== undefined && { name: values.name }),
      ...(values.id !== undefined && { id: values.id }),
      ...(values.threshold !== undefined && { threshold: numberOption('threshold', values.threshold) }),
      ...(values.licence !== undefined && { licence: values.licence }),
    });
    printResult(io, values.json, { model: listJson(model) }, () => {
      const changes = 'provenance' in model.manifest ? model.manifest.provenance.changes : [];
      return [
        `imported ${model.id} (${model.name}) into ${model.path}`,
        `sha256 ${model.sha256}; ${model.manifest.output.embeddingSize}-d embedding; every operator can be explained`,
        ...changes.map((c) => `stored copy: ${c}`),
        `threshold: ${describeThreshold(model.manifest.threshold)}`,
      ].join('\n');
    });
    return 0;
  },
};

const calibrateCommand: CliCommand = {
  path: ['models', 'calibrate'],
  summary: "Fit a model's equal-error threshold on labelled photo pairs and record it in its manifest",
  usage:
    'xssab models calibrate --model ID --pairs PAIRS.csv (columns a,b,same) --root DIR [--threads 2] [--json]',
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: {
        model: { type: 'string' },
        pairs: { type: 'string' },
        root: { type: 'string' },
        threads: { type: 'string', default: '2' },
        json: { type: 'boolean', default: false },
      },
      strict: true,
    });
    requireOptions(values, ['model', 'pairs', 'root']);
    const registry = new ModelRegistry({ dataDir: io.dataDir });
    const { calibrate } = await import('../../../../native-models/pipeline/calibrate.js');
    const result = await calibrate(registry, values.model, values.pairs, values.root, {
      threads: positiveIntOption('threads', values.threads),
      onProgress: (done, total) => {
        if (done % 20 === 0 || done === total) io.err(`scored ${done}/${total} pairs`);
      },
    });
    for (const failure of result.failures) io.err(`skipped ${failure.a} × ${failure.b}: ${failure.error}`);
    const { scores, ...summary } = result;
    printResult(io, values.json, { ...summary, scored: scores.length }, () => {
      const pct = (v: number) => `${(100 * v).toFixed(2)} %`;
      return [
        `${result.modelId}: threshold ${result.threshold.toFixed(4)} (cosine, equal error rate)`,
        `EER ${pct(result.eer)} (FMR ${pct(result.fmr)}, FNMR ${pct(result.fnmr)} at the threshold), ROC AUC ${result.auc.toFixed(4)}`,
        `${result.genuine} genuine and ${result.impostor} impostor pairs${result.failures.length ? `, ${result.failures.length} skipped` : ''}` +
          (result.provisional ? ' — provisional: too few comparisons for a casework threshold' : ''),
        `recorded in the manifest of ${result.modelId}`,
      ].join('\n');
    });
    return 0;
  },
};

const validateCommand: CliCommand = {
  path: ['models', 'validate'],
  summary:
    "Validate a model's explanation maps (patch benchmark and sanity check) on labelled pairs and record it with the model",
  usage:
    'xssab models validate --model ID --root DIR --pairs PAIRS.csv [--labels labels.csv] --description TEXT --out DIR ' +
    '[--stages 6] [--seed S] [--json]',
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: {
        model: { type: 'string' },
        root: { type: 'string' },
        pairs: { type: 'string' },
        labels: { type: 'string' },
        description: { type: 'string' },
        out: { type: 'string' },
        stages: { type: 'string' },
        seed: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
      strict: true,
    });
    requireOptions(values, ['model', 'root', 'pairs', 'description', 'out']);
    const { validateModel } = await import('../../../../native-models/benchmark/validate.js');
    const { DatasetError } = await import('../../../../native-models/benchmark/dataset.js');
    const { PatchBenchError } = await import('../../../../native-models/benchmark/run.js');
    const { summaryTable } = await import('./patch-bench.js');
    const registry = new ModelRegistry({ dataDir: io.dataDir });
    let record;
    try {
      record = await validateModel(registry, {
        modelId: values.model,
        root: values.root,
        pairs: values.pairs,
        labels: values.labels,
        description: values.description,
        out: values.out,
        stages: values.stages === undefined ? undefined : positiveIntOption('stages', values.stages),
        seed: values.seed === undefined ? undefined : positiveIntOption('seed', values.seed),
        onProgress: (stage, done, total) => io.err(`${stage}: ${done}/${total}`),
      });
    } catch (error) {
      if (error instanceof DatasetError || error instanceof PatchBenchError)
        throw new CliUsageError(error.message);
      throw error;
    }
    if (!record)
      throw new CliUsageError('stopped before the benchmark finished; run the same command again to resume');
    const validated = record;
    printResult(io, values.json, validated, () => {
      const variant = defaultMapVariant(validated);
      const sanityRows = validated.sanity.stages.map(
        (stage) =>
          `  ${String(stage.layers).padStart(3)} of ${validated.sanity.layers} layers (down to ${stage.deepest}): ` +
          Object.entries(stage.spearman)
            .map(
              ([method, rho]) =>
                `${method} ρ ${rho.toFixed(3)} SSIM ${(stage.ssim[method as BenchmarkMethod] ?? 0).toFixed(3)}`,
            )
            .join(', '),
      );
      return [
        `${validated.modelId} on ${validated.dataset.pairs} (${validated.dataset.description})`,
        ...summaryTable(validated.benchmark),
        'sanity check (cascading randomisation from the top):',
        ...sanityRows,
        `default map: ${variant}. ${validationStatement(validated, variant)}`,
        `recorded with ${validated.modelId}`,
      ].join('\n');
    });
    return 0;
  },
};

export const modelsCommands: CliCommand[] = [listCommand, importCommand, calibrateCommand, validateCommand];
