/**
 * Binding of stored rows to the audit chain: every audit event names the rows it created or
 * changed with the SHA-256 of their canonical content, so that a row edited, inserted or deleted
 * outside the workstation no longer matches its latest event.
 */
import type { Database } from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { canonicalJson } from './audit-chain.js';

interface BoundTable {
  /** The columns whose values are bound (new columns are bound by listing them here). */
  columns: readonly string[];
  /** FROM clause with the table as `t`, joined to what gives the row's case (NULL: lab-wide rows). */
  from: string;
  caseId: string;
  /** The row's id as named in events and problems; `t.id` unless the key is another column. */
  id?: string;
  /**
   * Rows of another table that belong to this row and are bound with it, by name: a query with
   * the row's id as its one parameter and a deterministic order. Their content is part of the
   * row's hash, so editing, inserting or deleting one of them is reported against this row.
   */
  parts?: Record<string, string>;
}

const PAIR_OF_ROW = 'LEFT JOIN pairs p ON p.id = t.pair_id';
const PAIR_OF_ANALYSIS_OF_ROW =
  'LEFT JOIN analyses a ON a.id = t.analysis_id LEFT JOIN pairs p ON p.id = a.pair_id';

export const BOUND_TABLES = {
  cases: {
    columns: [
      'id',
      'case_number',
      'title',
      'requesting_agency',
      'examiner',
      'status',
      'notes',
      'created_at',
      'updated_at',
    ],
    from: 'cases t',
    caseId: 't.id',
  },
  evidence_items: {
    columns: [
      'id',
      'case_id',
      'original_name',
      'stored_path',
      'sha256',
      'byte_size',
      'media_type',
      'width',
      'height',
      'imported_at',
      'imported_by',
      'role',
    ],
    from: 'evidence_items t',
    caseId: 't.case_id',
  },
  pairs: {
    columns: ['id', 'case_id', 'evidence_a_id', 'evidence_b_id', 'created_at', 'face_a_json', 'face_b_json'],
    from: 'pairs t',
    caseId: 't.case_id',
  },
  analyses: {
    columns: [
      'id',
      'pair_id',
      'method',
      'model_id',
      'model_name',
      'model_sha256',
      'input_a_sha256',
      'input_b_sha256',
      'parameters_json',
      'provider',
      'score',
      'threshold',
      'result_json',
      'created_at',
    ],
    from: `analyses t ${PAIR_OF_ROW}`,
    caseId: 'p.case_id',
  },
  analysis_artifacts: {
    columns: ['id', 'analysis_id', 'role', 'stored_path', 'sha256', 'media_type'],
    from: `analysis_artifacts t ${PAIR_OF_ANALYSIS_OF_ROW}`,
    caseId: 'p.case_id',
  },
  /** The LR of an analysis (one per analysis, keyed by its id), printed in the court report. */
  analysis_likelihood_ratios: {
    columns: [
      'analysis_id',
      'calibration_id',
      'score',
      'log10_lr',
      'unbounded_log10_lr',
      'bound',
      'within_calibration_range',
      'verbal',
      'created_at',
      'created_by',
    ],
    id: 't.analysis_id',
    from: `analysis_likelihood_ratios t ${PAIR_OF_ANALYSIS_OF_ROW}`,
    caseId: 'p.case_id',
  },
  decisions: {
    columns: [
      'id',
      'pair_id',
      'analysis_id',
      'examiner',
      'role',
      'conclusion',
      'rationale',
      'created_at',
      'account_id',
      'signature',
      'supersedes_id',
      'verifies_id',
    ],
    from: `decisions t ${PAIR_OF_ROW}`,
    caseId: 'p.case_id',
  },
  reports: {
    columns: [
      'id',
      'case_id',
      'stored_path',
      'sha256',
      'created_by',
      'created_at',
      'account_id',
      'signature',
    ],
    from: 'reports t',
    caseId: 't.case_id',
  },
  accounts: {
    columns: [
      'id',
      'name',
      'name_key',
      'initials',
      'role',
      'public_key',
      'private_key_envelope',
      'created_at',
      'created_by',
    ],
    from: 'accounts t',
    caseId: 'NULL',
  },
  /**
   * Lab-wide calibration records, whose figures the case report prints. A set's scores (up to
   * thousands of rows, keyed by set and position) are bound as part of their set.
   */
  calibration_sets: {
    columns: [
      'id',
      'name',
      'model_id',
      'model_sha256',
      'set_sha256',
      'pairs_source',
      'root',
      'failures_json',
      'created_at',
      'created_by',
    ],
    from: 'calibration_sets t',
    caseId: 'NULL',
    parts: {
      scores: `SELECT position, a, b, a_sha256, b_sha256, same_source, condition, score
               FROM calibration_scores WHERE set_id = ? ORDER BY position`,
    },
  },
  lr_calibrations: {
    columns: [
      'id',
      'set_id',
      'method',
      'condition',
      'folds',
      'calibrator_json',
      'validation_json',
      'created_at',
      'created_by',
    ],
    from: 'lr_calibrations t',
    caseId: 'NULL',
  },
  lr_evaluations: {
    columns: ['id', 'calibration_id', 'set_id', 'validation_json', 'created_at', 'created_by'],
    from: 'lr_evaluations t',
    caseId: 'NULL',
  },
} satisfies Record<string, BoundTable>;

export type BoundTableName = keyof typeof BOUND_TABLES;
export const BOUND_TABLE_NAMES = Object.keys(BOUND_TABLES) as BoundTableName[];

/**
 * The tables bound before signed checkpoints named their bound tables: a store whose checkpoint
 * names none had exactly these bound, and the others are new to it.
 */
export const TABLES_BOUND_BEFORE_CHECKPOINTS_NAMED_THEM: readonly BoundTableName[] = [
  'cases',
  'evidence_items',
  'pairs',
  'analyses',
  'analysis_artifacts',
  'decisions',
  'reports',
  'accounts',
];

export interface RowRef {
  table: BoundTableName;
  id: number;
}

/** How an event records a row: table, id and the SHA-256 of its canonical content. */
export interface BoundRow extends RowRef {
  sha256: string;
}

export interface StoredRowHash extends BoundRow {
  caseId: number | null;
}

/** The bound columns of one row (`which` 'one': the id is the parameter) or of all, by id. */
function selectSql(table: BoundTableName, which: 'one' | 'all'): string {
  const { columns, from, caseId, id = 't.id' } = BOUND_TABLES[table] as BoundTable;
  return (
    `SELECT ${columns.map((column) => `t.${column}`).join(', ')}, ${id} AS bound_id, ` +
    `${caseId} AS bound_case_id FROM ${from} ${which === 'one' ? `WHERE ${id} = ?` : `ORDER BY ${id}`}`
  );
}

/** Reads the rows bound as parts of a row of `table`, by part name; null when it has none. */
function partsReader(db: Database, table: BoundTableName): ((id: number) => Record<string, unknown>) | null {
  const { parts } = BOUND_TABLES[table] as BoundTable;
  if (!parts) return null;
  const queries = Object.entries(parts).map(([name, sql]) => [name, db.prepare(sql)] as const);
  return (id) => Object.fromEntries(queries.map(([name, query]) => [name, query.all(id)]));
}

/** SHA-256 of the table name, the bound columns of the row and its parts, as canonical JSON. */
function hashRow(
  table: BoundTableName,
  row: Record<string, unknown>,
  parts: ((id: number) => Record<string, unknown>) | null,
): string {
  const content: Record<string, unknown> = { table };
  for (const column of (BOUND_TABLES[table] as BoundTable).columns) content[column] = row[column];
  if (parts) content.parts = parts(row.bound_id as number);
  return createHash('sha256').update(canonicalJson(content)).digest('hex');
}

/** The row's binding as it is now; throws when the row does not exist. */
export function bindRow(db: Database, ref: RowRef): BoundRow {
  const row = db.prepare(selectSql(ref.table, 'one')).get(ref.id) as Record<string, unknown> | undefined;
  if (!row) throw new Error(`cannot bind ${ref.table} row ${ref.id} to the audit chain: it does not exist`);
  return { ...ref, sha256: hashRow(ref.table, row, partsReader(db, ref.table)) };
}

/** Every bound row of the store with its current hash and case. */
export function hashAllBoundRows(db: Database): StoredRowHash[] {
  const hashes: StoredRowHash[] = [];
  for (const table of BOUND_TABLE_NAMES) {
    const rows = db.prepare(selectSql(table, 'all')).all() as Record<string, unknown>[];
    const parts = partsReader(db, table);
    for (const row of rows) {
      hashes.push({
        table,
        id: row.bound_id as number,
        caseId: (row.bound_case_id as number | null) ?? null,
        sha256: hashRow(table, row, parts),
      });
    }
  }
  return hashes;
}

export function isBoundRow(value: unknown): value is BoundRow {
  if (value === null || typeof value !== 'object') return false;
  const candidate = value as Record<string, unknown>;
  return (
    typeof candidate.table === 'string' &&
    (BOUND_TABLE_NAMES as string[]).includes(candidate.table) &&
    typeof candidate.id === 'number' &&
    typeof candidate.sha256 === 'string'
  );
}

/** Tables whose rows an account signs: the signed content is the bound columns but the signature. */
export const SIGNED_TABLES = ['decisions', 'reports'] as const satisfies readonly BoundTableName[];
export type SignedTableName = (typeof SIGNED_TABLES)[number];

/** The content an account signs for a row: table name and bound columns except the signature, canonical JSON. */
export function signedContent(table: SignedTableName, row: Record<string, unknown>): string {
  const content: Record<string, unknown> = { table };
  for (const column of (BOUND_TABLES[table] as BoundTable).columns) {
    if (column !== 'signature') content[column] = row[column];
  }
  return canonicalJson(content);
}

export interface SignedRow {
  table: SignedTableName;
  id: number;
  caseId: number | null;
  accountId: number | null;
  signature: string | null;
  content: string;
}

export function readSignedRow(db: Database, table: SignedTableName, id: number): SignedRow {
  const row = db.prepare(selectSql(table, 'one')).get(id) as Record<string, unknown> | undefined;
  if (!row) throw new Error(`${table} row ${id} does not exist`);
  return toSignedRow(table, row);
}

/** Every row of the signed tables with the content its signature covers. */
export function listSignedRows(db: Database): SignedRow[] {
  return SIGNED_TABLES.flatMap((table) =>
    (db.prepare(selectSql(table, 'all')).all() as Record<string, unknown>[]).map((row) =>
      toSignedRow(table, row),
    ),
  );
}

function toSignedRow(table: SignedTableName, row: Record<string, unknown>): SignedRow {
  return {
    table,
    id: row.bound_id as number,
    caseId: (row.bound_case_id as number | null) ?? null,
    accountId: (row.account_id as number | null) ?? null,
    signature: (row.signature as string | null) ?? null,
    content: signedContent(table, row),
  };
}
