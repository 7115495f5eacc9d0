import { parseArgs } from 'node:util';
import { DatasetError } from '../../../../native-models/benchmark/dataset.js';
import { METHOD_NAMES, type MethodName } from '../../../../native-models/benchmark/methods.js';
import { UnknownModelError } from '../../../../native-models/benchmark/model.js';
import type { BenchmarkSummary, Interval } from '../../../common/api/benchmarks.js';
import { EXPLANATION_METHODS, formatInterval } from '../../../common/explanations.js';
import { PatchBenchError, runPatchBenchmark } from '../../../../native-models/benchmark/run.js';
import { CliUsageError, type CliCommand } from '../command.js';
import { integerOption, numberOption, requireOptions } from '../options.js';
import { progressBar } from './patch-make.js';

function methodsFlag(text: string): MethodName[] {
  const names = text.split(',').map((m) => m.trim());
  const unknown = names.filter((m) => !(METHOD_NAMES as readonly string[]).includes(m));
  if (unknown.length > 0)
    throw new CliUsageError(
      `unknown method(s) ${unknown.join(', ')}; choose from ${METHOD_NAMES.join(', ')}`,
    );
  if (new Set(names).size !== names.length) throw new CliUsageError('--methods names a method twice');
  return names as MethodName[];
}

function smoothingOption(text: string): number {
  const sigma = numberOption('ig-smoothing', text);
  if (sigma < 0) throw new CliUsageError(`--ig-smoothing must be 0 or more pixels; got ${text}`);
  return sigma;
}

const interval = (v: Interval | null) => formatInterval(v, 3).padEnd(22);

/** The summary as a table: areas and AUROC with their 95 % intervals; * marks an area that beats random. */
export function summaryTable(summary: BenchmarkSummary): string[] {
  const mark = (beats: boolean) => (beats ? '*' : ' ');
  const rows = summary.methods.map(
    (m) =>
      `${m.method.padEnd(15)} ${interval(m.aucFmr)}${mark(m.beatsRandom.fmr)} ${interval(m.aucFnmr)}${mark(m.beatsRandom.fnmr)} ` +
      `${interval(m.localisationAuroc)} ${interval(m.localisationAurocFlipped)} ${(m.msPerImage ?? Number.NaN).toFixed(1).padStart(8)}`,
  );
  const fixed = (name: string, areas: { aucFmr: Interval | null; aucFnmr: Interval | null }) =>
    `${name.padEnd(15)} ${interval(areas.aucFmr)}  ${interval(areas.aucFnmr)}`;
  const rate = (v: number | null) => (v === null ? '–' : v.toFixed(3));
  const deviations = summary.methods.flatMap((m) =>
    m.deviation ? [`  ${m.method}: ${EXPLANATION_METHODS[m.method].label}, ${m.deviation}`] : [],
  );
  return [
    `threshold ${summary.threshold.value.toFixed(4)} (${summary.threshold.source === 'eer' ? `equal error rate ${rate(summary.threshold.eer)} on the unpatched pairs` : 'given'}); ` +
      `unpatched FMR ${rate(summary.unpatched.fmr)}, FNMR ${rate(summary.unpatched.fnmr)}; ` +
      `patched FMR ${rate(summary.patched.fmr)}, FNMR ${rate(summary.patched.fnmr)}`,
    'areas under the curve (lower is better; * = 95 % interval below random replacement), localisation AUROC (higher is better) on all pairs and on those the patches turned wrong',
    `${'method'.padEnd(15)} ${'FMR area'.padEnd(23)} ${'FNMR area'.padEnd(23)} ${'AUROC'.padEnd(22)} ${'AUROC, turned wrong'.padEnd(22)} ms/image`,
    ...rows,
    fixed('random repl.', summary.random),
    fixed('oracle', summary.oracle),
    `default map: ${summary.defaultMethod ?? 'none validated (the published xSSAB map stays the default)'}`,
    ...(deviations.length ? ['deviations from the published method:', ...deviations] : []),
    ...summary.warnings.map((w) => `warning: ${w}`),
  ];
}

export const patchBenchCommand: CliCommand = {
  path: ['patch-bench'],
  summary: 'Explanation validity benchmark: patch pairs, replace pixels in map order, measure FMR/FNMR',
  usage:
    'xssab patch-bench --root DIR --pairs pairs.txt|pairs.csv [--labels labels.csv] [--model ID|PATH.onnx] [--threshold T] ' +
    `[--methods ${METHOD_NAMES.join(',')}] [--limit N] [--masks 500] [--ig-steps 16] [--ig-smoothing 4] [--seed S] --out DIR [--json]`,
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: {
        root: { type: 'string' },
        pairs: { type: 'string' },
        labels: { type: 'string' },
        model: { type: 'string' },
        threshold: { type: 'string' },
        methods: { type: 'string', default: METHOD_NAMES.join(',') },
        limit: { type: 'string' },
        masks: { type: 'string' },
        'ig-steps': { type: 'string' },
        'ig-smoothing': { type: 'string' },
        seed: { type: 'string' },
        out: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
      strict: true,
    });
    requireOptions(values, ['root', 'pairs', 'out']);
    const threshold =
      values.threshold === undefined ? undefined : numberOption('threshold', values.threshold);

    // The first Ctrl-C lets the current pair finish and saves it; a second one exits at once.
    const controller = new AbortController();
    const onSigint = () => {
      if (controller.signal.aborted) process.exit(130);
      controller.abort();
      process.stderr.write('\nstopping after the current pair (Ctrl-C again to quit now)\n');
    };
    process.on('SIGINT', onSigint);
    const progress = progressBar('pairs');
    let result;
    try {
      result = await runPatchBenchmark(
        {
          root: values.root,
          pairs: values.pairs,
          labels: values.labels,
          model: values.model,
          threshold,
          methods: methodsFlag(values.methods),
          limit: values.limit === undefined ? undefined : integerOption('limit', values.limit, 1),
          masks: values.masks === undefined ? undefined : integerOption('masks', values.masks, 2),
          igSteps:
            values['ig-steps'] === undefined ? undefined : integerOption('ig-steps', values['ig-steps'], 1),
          igSmoothing:
            values['ig-smoothing'] === undefined ? undefined : smoothingOption(values['ig-smoothing']),
          seed: values.seed === undefined ? undefined : integerOption('seed', values.seed, 0),
          out: values.out,
        },
        { signal: controller.signal, onProgress: ({ done, total }) => progress.update(done, total) },
      );
    } catch (error) {
      if (
        error instanceof DatasetError ||
        error instanceof PatchBenchError ||
        error instanceof UnknownModelError
      ) {
        throw new CliUsageError(error.message);
      }
      throw error;
    } finally {
      progress.end();
      process.off('SIGINT', onSigint);
    }

    if (values.json) {
      io.out(JSON.stringify(result));
    } else if (result.cancelled) {
      const done = result.pairs.genuine + result.pairs.impostor + result.pairs.skipped.length;
      io.out(`stopped after ${done} of ${result.pairs.selected} pairs; run the same command again to resume`);
    } else {
      io.out(
        `model ${result.model.id}: ${result.pairs.genuine} genuine and ` +
          `${result.pairs.impostor} impostor pairs (${result.pairs.skipped.length} skipped)`,
      );
      if (result.summary) for (const line of summaryTable(result.summary)) io.out(line);
      for (const s of result.pairs.skipped) io.out(`skipped ${s.a} / ${s.b}: ${s.reason}`);
      io.out(`written: ${result.files.join(', ')}`);
    }
    return result.cancelled ? 130 : 0;
  },
};
