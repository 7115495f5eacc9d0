import { parseArgs } from 'node:util';
import { DatasetError } from '../../../../native-models/benchmark/dataset.js';
import { writePatchSet } from '../../../../native-models/benchmark/patch-set.js';
import { DEFAULT_SEED } from '../../../../native-models/benchmark/rng.js';
import { CliUsageError, type CliCommand } from '../command.js';
import { integerOption, requireOptions } from '../options.js';

/** A progress bar on stderr when it is a terminal; otherwise a line at every tenth of the work. */
export function progressBar(label: string): { update(done: number, total: number): void; end(): void } {
  const tty = process.stderr.isTTY;
  let lastTenth = -1;
  let drawn = false;
  return {
    update(done, total) {
      if (tty) {
        const width = 30;
        const filled = total ? Math.round((done / total) * width) : width;
        process.stderr.write(
          `\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`,
        );
        drawn = true;
      } else {
        const tenth = total ? Math.floor((done / total) * 10) : 10;
        if (tenth !== lastTenth) process.stderr.write(`${label}: ${done}/${total}\n`);
        lastTenth = tenth;
      }
    },
    end() {
      if (drawn) process.stderr.write('\n');
    },
  };
}

export const patchMakeCommand: CliCommand = {
  path: ['patch-make'],
  summary: 'Paste 27 seeded 16×16 patches into image A of each pair (explanation validity benchmark data)',
  usage:
    'xssab patch-make --root DIR --pairs pairs.txt|pairs.csv [--labels labels.csv] [--limit N] [--seed S] --out DIR [--json]',
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: {
        root: { type: 'string' },
        pairs: { type: 'string' },
        labels: { type: 'string' },
        limit: { type: 'string' },
        seed: { type: 'string' },
        out: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
      strict: true,
    });
    requireOptions(values, ['root', 'pairs', 'out']);
    const progress = progressBar('patching');
    let manifest;
    try {
      manifest = await writePatchSet(
        {
          root: values.root,
          pairs: values.pairs,
          labels: values.labels,
          limit: values.limit === undefined ? undefined : integerOption('limit', values.limit, 1),
          seed: values.seed === undefined ? DEFAULT_SEED : integerOption('seed', values.seed, 0),
          out: values.out,
        },
        (done, total) => progress.update(done, total),
      );
    } catch (error) {
      if (error instanceof DatasetError) throw new CliUsageError(error.message);
      throw error;
    } finally {
      progress.end();
    }
    if (values.json) {
      io.out(JSON.stringify({ out: values.out, pairs: manifest.pairs.length, skipped: manifest.skipped }));
    } else {
      const genuine = manifest.pairs.filter((p) => p.same).length;
      io.out(
        `${manifest.pairs.length} patched pairs (${genuine} genuine, ${manifest.pairs.length - genuine} impostor), ` +
          `seed ${manifest.seed}, written to ${values.out}`,
      );
      for (const s of manifest.skipped) io.out(`skipped ${s.a} / ${s.b}: ${s.reason}`);
    }
    return 0;
  },
};
