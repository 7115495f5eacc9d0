/**
 * `xssab verify`: compare two photographs (or every pair of a CSV) with a registered model:
 * faces detected and aligned, cosine score against the model's calibrated threshold.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { formatCsv, parseCsv } from '../../../../native-models/pipeline/csv.js';
import type {
  BatchRow,
  ModelScore,
  PairVerification,
  PhotoReport,
} from '../../../../native-models/pipeline/verify.js';
import { DEFAULT_MODEL_ID, ModelRegistry } from '../../../../native-models/registry/registry.js';
import { CliUsageError, type CliCommand } from '../command.js';
import { faceIndexOption, numberOption, positiveIntOption, printResult, requireOptions } from '../options.js';
import { describeThreshold } from './models.js';

/** Whether every model that has a threshold reached the same decision; null with fewer than two. */
function agreement(scores: ModelScore[]): boolean | null {
  const decisions = scores.flatMap((s) => (s.decision ? [s.decision] : []));
  return decisions.length < 2 ? null : decisions.every((d) => d === decisions[0]);
}

function describePhoto(side: string, photo: PhotoReport): string {
  const which =
    photo.faceIndex === null
      ? 'compared the face at the examiner’s landmarks'
      : `compared face ${photo.faceIndex}${photo.faceIndex === 0 ? ' (largest)' : ''}`;
  return (
    `${side}: ${photo.path} (${photo.width}×${photo.height}), ${photo.faces} face${photo.faces === 1 ? '' : 's'} found, ${which}\n` +
    `   sha256 ${photo.sha256}` +
    photo.notes.map((n) => `\n   note: ${n}`).join('')
  );
}

function describeScore(s: ModelScore): string {
  return (
    `${s.id}: score ${s.score.toFixed(4)} vs threshold ${describeThreshold(s.threshold)} → ${s.decision ?? 'no decision'}\n` +
    `   model sha256 ${s.sha256}`
  );
}

function humanPair(result: PairVerification): string {
  const agree = agreement(result.scores);
  return [
    ...result.scores.map(describeScore),
    ...(agree === null
      ? []
      : [agree ? 'the models agree' : 'the models DISAGREE: review the pair with care']),
    describePhoto('A', result.a),
    describePhoto('B', result.b),
  ].join('\n');
}

/** Output columns: the input's, then score/decision (per model when several), faces, error. */
function batchColumns(
  inputColumns: string[],
  modelIds: string[],
): { header: string[]; cells: (row: BatchRow) => Record<string, string | number> } {
  const perModel = modelIds.length > 1;
  const scoreCol = (id: string) => (perModel ? `score_${id}` : 'score');
  const decisionCol = (id: string) => (perModel ? `decision_${id}` : 'decision');
  const added = [...modelIds.flatMap((id) => [scoreCol(id), decisionCol(id)]), 'faces_a', 'faces_b', 'error'];
  return {
    header: [...inputColumns.filter((c) => !added.includes(c)), ...added],
    cells: (row) => {
      const cells: Record<string, string | number> = {
        faces_a: row.result?.a.faces ?? '',
        faces_b: row.result?.b.faces ?? '',
        error: row.error ?? '',
      };
      for (const s of row.result?.scores ?? []) {
        cells[scoreCol(s.id)] = s.score.toFixed(6);
        cells[decisionCol(s.id)] = s.decision ?? '';
      }
      return cells;
    },
  };
}

export const verifyCommand: CliCommand = {
  path: ['verify'],
  summary:
    'Compare two photographs (or a CSV of pairs) with a face-recognition model: score, threshold, decision',
  usage:
    'xssab verify --a A.jpg --b B.jpg [--model ID | --all-models] [--face-a N] [--face-b N] [--threshold T] [--json]\n' +
    '       xssab verify --pairs PAIRS.csv (columns a,b) --root DIR --out SCORES.csv [--model ID | --all-models] [--json]',
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: {
        a: { type: 'string' },
        b: { type: 'string' },
        model: { type: 'string' },
        'all-models': { type: 'boolean', default: false },
        'face-a': { type: 'string' },
        'face-b': { type: 'string' },
        threshold: { type: 'string' },
        pairs: { type: 'string' },
        root: { type: 'string' },
        out: { type: 'string' },
        threads: { type: 'string', default: '2' },
        json: { type: 'boolean', default: false },
      },
      strict: true,
    });
    const batch = values.pairs !== undefined;
    if (batch ? values.a || values.b : !values.a || !values.b) {
      throw new CliUsageError('give --a and --b (two photos), or --pairs with --root and --out (a batch)');
    }
    if (values['all-models'] && (values.model || values.threshold)) {
      throw new CliUsageError(
        '--all-models compares every registered model at its own threshold; drop --model/--threshold',
      );
    }
    const registry = new ModelRegistry({ dataDir: io.dataDir });
    let ids = [values.model ?? DEFAULT_MODEL_ID];
    if (values['all-models']) {
      const models = registry.listModels();
      for (const m of models.filter((m) => m.status !== 'verified')) {
        io.err(`warning: ${m.id} left out: its file is ${m.status}`);
      }
      ids = models.filter((m) => m.status === 'verified').map((m) => m.id);
    }
    // Imported here so that ONNX Runtime loads only for the commands that run a model.
    const { Verifier } = await import('../../../../native-models/pipeline/verify.js');
    const verifier = await Verifier.open(registry, ids, {
      threads: positiveIntOption('threads', values.threads),
      ...(values.threshold !== undefined && { threshold: numberOption('threshold', values.threshold) }),
    });
    try {
      if (!batch) {
        const result = await verifier.verifyPair(values.a!, values.b!, {
          a: { face: faceIndexOption('face-a', values['face-a']) },
          b: { face: faceIndexOption('face-b', values['face-b']) },
        });
        printResult(io, values.json, { ...result, agree: agreement(result.scores) }, () => humanPair(result));
        return 0;
      }

      requireOptions(values, ['root', 'out'], 'a batch needs --root DIR (the photos) and --out SCORES.csv');
      if (values['face-a'] || values['face-b'])
        throw new CliUsageError('--face-a/--face-b apply to one pair; a batch uses the largest face');
      const input = parseCsv(readFileSync(values.pairs!, 'utf8'), ['a', 'b'], values.pairs);
      const rows = await verifier.verifyPairs(
        input.map((r) => ({ a: r.a, b: r.b })),
        {
          root: values.root,
          onProgress: (done, total, row) => {
            if (row.error) io.err(`[${done}/${total}] ${row.a} × ${row.b}: ${row.error}`);
            else if (done % 20 === 0 || done === total) io.err(`[${done}/${total}] pairs scored`);
          },
        },
      );
      const columns = batchColumns(Object.keys(input[0] ?? { a: '', b: '' }), ids);
      const out = resolve(values.out);
      writeFileSync(
        out,
        formatCsv(
          columns.header,
          rows.map((row, i) => ({ ...input[i], ...columns.cells(row) })),
        ),
      );
      const errors = rows.filter((r) => r.error).length;
      const decided = rows
        .flatMap((r) => (r.result ? [agreement(r.result.scores)] : []))
        .filter((a) => a !== null);
      const summary = {
        out,
        pairs: rows.length,
        scored: rows.length - errors,
        errors,
        models: verifier.models.map((m, i) => ({
          id: m.id,
          sha256: m.sha256,
          threshold: verifier.thresholds[i],
        })),
        ...(ids.length > 1 && { agreeing: decided.filter(Boolean).length, compared: decided.length }),
      };
      printResult(io, values.json, summary, () =>
        [
          `wrote ${summary.scored} scored pairs${errors ? ` and ${errors} with errors` : ''} to ${out}`,
          ...summary.models.map(
            (m) => `${m.id} (sha256 ${m.sha256.slice(0, 12)}…): threshold ${describeThreshold(m.threshold)}`,
          ),
          ...(ids.length > 1 ? [`the models agree on ${summary.agreeing} of ${summary.compared} pairs`] : []),
        ].join('\n'),
      );
      return 0;
    } finally {
      await verifier.close();
    }
  },
};
