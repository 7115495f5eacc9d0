import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** A pairs list the user gave that cannot be read; the message says what and where. */
export class DatasetError extends Error {
  override name = 'DatasetError';
}

export interface PairSpec {
  /** Position in the pairs list (0-based): the pair's identity in outputs and in its seeds. */
  index: number;
  /** Image paths relative to the dataset root. */
  a: string;
  b: string;
  same: boolean;
}

export interface Dataset {
  root: string;
  format: 'lfw' | 'csv';
  pairs: PairSpec[];
  /** Every image of the pairs, sorted: where a genuine pair's patches may come from. */
  images: string[];
  /** Identities shown in an image (several for a group photo); undefined when unknown. */
  identities(file: string): string[] | undefined;
}

export interface DatasetInput {
  root: string;
  /** LFW pairs.txt (or pairsDevTrain/DevTest.txt), or a CSV with columns a,b,same. */
  pairs: string;
  /** CSV with columns file,identity (`|` between several identities). */
  labels?: string;
}

/**
 * Reads a pairs list in the LFW format (first line: counts; then `name n1 n2` for a genuine pair,
 * `name1 n1 name2 n2` for an impostor pair, images at root/name/name_000n.jpg) or as a CSV.
 * Without a labels file an image's identity is its folder, as in LFW.
 */
export function readDataset(input: DatasetInput): Dataset {
  const text = readText(input.pairs, 'pairs list');
  const lines = text.split(/\r?\n/).filter((line) => line.trim().length > 0);
  if (lines.length === 0) throw new DatasetError(`pairs list ${input.pairs} is empty`);
  const format = /^\s*\d+(\s+\d+)?\s*$/.test(lines[0]) ? 'lfw' : 'csv';
  const pairs = format === 'lfw' ? lfwPairs(lines, input.pairs) : csvPairs(lines, input.pairs);
  if (pairs.length === 0) throw new DatasetError(`pairs list ${input.pairs} lists no pairs`);

  const labels = input.labels ? readLabels(input.labels) : undefined;
  const identities = (file: string): string[] | undefined => {
    if (labels) return labels.get(file);
    const folder = dirname(file);
    return folder === '.' ? undefined : [folder.split(/[\\/]/).at(-1) as string];
  };
  const images = [...new Set(pairs.flatMap((p) => [p.a, p.b]))].sort();
  for (const pair of pairs) {
    if (pair.same && identities(pair.a) === undefined) {
      throw new DatasetError(
        `the genuine pair on line ${pair.index + 2} of ${input.pairs} needs the identity of its first image ` +
          'to pick patches from another person: give --labels, or keep the images in one folder per identity',
      );
    }
  }
  return { root: input.root, format, pairs, images, identities };
}

function lfwPairs(lines: string[], source: string): PairSpec[] {
  const image = (name: string, number: string) => join(name, `${name}_${number.padStart(4, '0')}.jpg`);
  return lines.slice(1).map((line, index) => {
    const fields = line.trim().split(/\s+/);
    if (fields.length === 3)
      return { index, a: image(fields[0], fields[1]), b: image(fields[0], fields[2]), same: true };
    if (fields.length === 4)
      return { index, a: image(fields[0], fields[1]), b: image(fields[2], fields[3]), same: false };
    throw new DatasetError(
      `${source} line ${index + 2}: expected "name n1 n2" or "name1 n1 name2 n2", got ${fields.length} field${fields.length === 1 ? '' : 's'}`,
    );
  });
}

function csvPairs(lines: string[], source: string): PairSpec[] {
  const rows = csvRows(lines, source, ['a', 'b', 'same']);
  return rows.map((row, index) => {
    if (row.same !== '0' && row.same !== '1') {
      throw new DatasetError(`${source} line ${index + 2}: same must be 0 or 1`);
    }
    return { index, a: row.a, b: row.b, same: row.same === '1' };
  });
}

function readLabels(path: string): Map<string, string[]> {
  const lines = readText(path, 'labels file')
    .split(/\r?\n/)
    .filter((line) => line.trim().length > 0);
  return new Map(
    csvRows(lines, path, ['file', 'identity']).map((row) => [row.file, row.identity.split('|')]),
  );
}

/** Rows of a header-first CSV as objects of the named columns (other columns are ignored). */
function csvRows(lines: string[], source: string, columns: string[]): Record<string, string>[] {
  const header = splitCsvLine(lines[0] ?? '').map((name) => name.trim().toLowerCase());
  const at = columns.map((column) => header.indexOf(column));
  const missing = columns.filter((_, i) => at[i] < 0);
  if (missing.length > 0) {
    throw new DatasetError(
      `${source} lacks the column(s) ${missing.join(', ')}: its first line must name the columns ${columns.join(', ')}`,
    );
  }
  return lines.slice(1).map((line, i) => {
    const fields = splitCsvLine(line);
    if (fields.length < header.length) {
      throw new DatasetError(
        `${source} line ${i + 2}: ${fields.length} fields, the header has ${header.length}`,
      );
    }
    return Object.fromEntries(columns.map((column, c) => [column, fields[at[c]].trim()]));
  });
}

/** Fields of one CSV line; a field in double quotes may hold commas and "" for a quote. */
function splitCsvLine(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      fields.push(field);
      field = '';
    } else field += c;
  }
  fields.push(field);
  return fields;
}

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new DatasetError(`cannot read the ${what} ${path}: ${(error as Error).message}`);
  }
}

/**
 * Up to `limit` pairs, taken alternately from the genuine and the impostor pairs in list order (LFW
 * lists a fold's genuine pairs before its impostor pairs), so a small run still measures both rates.
 */
export function selectPairs(pairs: PairSpec[], limit?: number): PairSpec[] {
  if (limit === undefined || limit >= pairs.length) return pairs;
  const genuine = pairs.filter((p) => p.same);
  const impostor = pairs.filter((p) => !p.same);
  const chosen: PairSpec[] = [];
  for (let i = 0; chosen.length < limit; i++) {
    if (i < genuine.length) chosen.push(genuine[i]);
    if (i < impostor.length && chosen.length < limit) chosen.push(impostor[i]);
  }
  return chosen.sort((p, q) => p.index - q.index);
}
