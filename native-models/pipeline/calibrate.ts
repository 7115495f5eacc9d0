/**
 * Calibration of a model's threshold on labelled photo pairs: every pair is scored through the
 * photo pipeline, the equal-error threshold is fitted on the cosine scores, and the result is
 * recorded in the registry (threshold in the manifest, the full run beside it).
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { equalErrorRate, rocAuc } from '../registry/metrics.js';
import type { ModelRegistry } from '../registry/registry.js';
import type { CalibrationRecord } from '../registry/schema.js';
import { CsvError, parseCsv } from './csv.js';
import { Verifier } from './verify.js';

/**
 * Below this many genuine or impostor comparisons a threshold is marked provisional: with fewer
 * than 1000, an error rate of 1 % rests on fewer than ten errors.
 */
const MIN_COMPARISONS_PER_CLASS = 1000;

export interface CalibrateOptions {
  threads?: number;
  /** Write the threshold into the registry (default true); false only measures. */
  record?: boolean;
  onProgress?: (done: number, total: number) => void;
}

export interface LabelledPair {
  a: string;
  b: string;
  same: boolean;
}

export function readLabelledPairs(pairsCsv: string): LabelledPair[] {
  return parseCsv(readFileSync(pairsCsv, 'utf8'), ['a', 'b', 'same'], pairsCsv).map((row, i) => {
    if (row.same !== '0' && row.same !== '1')
      throw new CsvError(`${pairsCsv} row ${i + 2}: same must be 0 or 1`);
    return { a: row.a, b: row.b, same: row.same === '1' };
  });
}

/** A path as the record shows it: relative to the working folder when inside it. */
function label(path: string): string {
  const rel = relative(process.cwd(), resolve(path));
  return rel.startsWith('..') || isAbsolute(rel) ? resolve(path) : rel;
}

export async function calibrate(
  registry: ModelRegistry,
  modelId: string,
  pairsCsv: string,
  root: string,
  { threads, record = true, onProgress }: CalibrateOptions = {},
): Promise<CalibrationRecord> {
  const pairs = readLabelledPairs(pairsCsv);
  const verifier = await Verifier.open(registry, [modelId], { threads });
  let rows;
  try {
    rows = await verifier.verifyPairs(pairs, {
      root,
      onProgress: (done, total) => onProgress?.(done, total),
    });
  } finally {
    await verifier.close();
  }
  const [model] = verifier.models;
  const scores = rows.flatMap((row, i) =>
    row.result ? [{ a: row.a, b: row.b, same: pairs[i].same, score: row.result.scores[0].score }] : [],
  );
  const failures = rows.flatMap((row) => (row.error ? [{ a: row.a, b: row.b, error: row.error }] : []));
  const sets = {
    genuine: scores.filter((s) => s.same).map((s) => s.score),
    impostor: scores.filter((s) => !s.same).map((s) => s.score),
  };
  const eer = equalErrorRate(sets);
  const result: CalibrationRecord = {
    modelId: model.id,
    modelSha256: model.sha256,
    method: 'EER',
    date: new Date().toISOString(),
    dataset: { pairs: label(pairsCsv), root: label(root) },
    threshold: eer.threshold,
    eer: eer.eer,
    fmr: eer.fmr,
    fnmr: eer.fnmr,
    auc: rocAuc(sets),
    genuine: sets.genuine.length,
    impostor: sets.impostor.length,
    provisional: Math.min(sets.genuine.length, sets.impostor.length) < MIN_COMPARISONS_PER_CLASS,
    scores,
    failures,
  };
  if (record) registry.recordCalibration(result, result.dataset.pairs);
  return result;
}
