import { parseArgs } from 'node:util';
import { DatasetError } from '../../../../native-models/benchmark/dataset.js';
import { METHOD_NAMES, type MethodName } from '../../../../native-models/benchmark/methods.js';
import { UnknownModelError } from '../../../../native-models/benchmark/model.js';
import {
  PatchBenchError,
  runPatchBenchmark,
  type SummaryRow,
} from '../../../../native-models/benchmark/run.js';
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

function formatRow(r: SummaryRow): string {
  const f = (v: number | null) => (v === null ? '   –  ' : v.toFixed(4));
  return (
    `${r.method.padEnd(9)} ${f(r.aucFmr.best_worst)}   ${f(r.aucFmr.random)}   ${f(r.aucFnmr.best_worst)}   ` +
    `${f(r.aucFnmr.random)}   ${f(r.localisationAuroc)}   ${r.msPerImage.toFixed(1).padStart(8)}`
  );
}

export const patchBenchCommand: CliCommand = {
  path: ['patch-bench'],
  summary: 'Explanation validity benchmark: patch pairs, replace pixels in map order, measure FMR/FNMR',
  usage:
    'xssab patch-bench --root DIR --pairs pairs.txt|pairs.csv [--labels labels.csv] --model PATH.onnx [--threshold T] ' +
    '[--methods xssab,gradient,corrrise,random] [--limit N] [--masks 500] [--seed S] --out DIR [--json]',
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
        seed: { type: 'string' },
        out: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
      strict: true,
    });
    requireOptions(values, ['root', 'pairs', 'model', 'out']);
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
        `model ${result.model.id}, threshold ${result.threshold}: ${result.pairs.genuine} genuine and ` +
          `${result.pairs.impostor} impostor pairs (${result.pairs.skipped.length} skipped)`,
      );
      io.out(
        'area under the curve (lower is better), localisation AUROC (higher is better), time per explained image',
      );
      io.out('method    FMR b-w  FMR rand  FNMR b-w  FNMR rand  AUROC    ms/image');
      for (const row of result.summary) io.out(formatRow(row));
      for (const s of result.pairs.skipped) io.out(`skipped ${s.a} / ${s.b}: ${s.reason}`);
      io.out(`written: ${result.files.join(', ')}`);
    }
    return result.cancelled ? 130 : 0;
  },
};
