import type { Database } from 'better-sqlite3';

/** Ids of every recorded analysis: each owns the folder artifacts/<id>/. */
export function recordedAnalysisIds(db: Database): Set<number> {
  return new Set(db.prepare('SELECT id FROM analyses').pluck().all() as number[]);
}
