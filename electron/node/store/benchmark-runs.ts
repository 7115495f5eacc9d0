/** SQL of the benchmark_runs table: each run's options, status and progress (its outputs live in its folder). */
import type { Database } from 'better-sqlite3';
import type { BenchmarkRunStatus } from '../../common/api.js';
import type { BenchmarkRunRow } from './rows.js';

export function findBenchmarkRunRow(db: Database, id: number): BenchmarkRunRow | null {
  return (
    (db.prepare('SELECT * FROM benchmark_runs WHERE id = ?').get(id) as BenchmarkRunRow | undefined) ?? null
  );
}

/** Newest first. */
export function listBenchmarkRunRows(db: Database): BenchmarkRunRow[] {
  return db.prepare('SELECT * FROM benchmark_runs ORDER BY id DESC').all() as BenchmarkRunRow[];
}

/** The runs recorded as running, with the process that runs them. */
export function listRunningBenchmarkRuns(db: Database): { id: number; runner_pid: number | null }[] {
  return db.prepare("SELECT id, runner_pid FROM benchmark_runs WHERE status = 'running'").all() as {
    id: number;
    runner_pid: number | null;
  }[];
}

/** A new run, running in process `runnerPid`. */
export function insertBenchmarkRun(db: Database, optionsJson: string, runnerPid: number, at: string): number {
  const { lastInsertRowid } = db
    .prepare(
      `INSERT INTO benchmark_runs (status, options_json, stage, runner_pid, created_at, updated_at)
       VALUES ('running', ?, 'starting', ?, ?, ?)`,
    )
    .run(optionsJson, runnerPid, at, at);
  return Number(lastInsertRowid);
}

/** A cancelled or failed run running again in process `runnerPid`. */
export function resumeBenchmarkRun(db: Database, id: number, runnerPid: number, at: string): void {
  db.prepare(
    `UPDATE benchmark_runs SET status = 'running', stage = 'resuming', error = NULL, finished_at = NULL,
       runner_pid = ?, updated_at = ? WHERE id = ?`,
  ).run(runnerPid, at, id);
}

export function updateBenchmarkRunProgress(
  db: Database,
  id: number,
  progress: { stage: string; done: number; total: number | null; skipped: number },
  at: string,
): void {
  db.prepare(
    'UPDATE benchmark_runs SET stage = ?, done = ?, total = ?, skipped = ?, updated_at = ? WHERE id = ?',
  ).run(progress.stage, progress.done, progress.total, progress.skipped, at, id);
}

/** The end of a run: its status, last stage and error; no process runs it any more. */
export function settleBenchmarkRun(
  db: Database,
  id: number,
  end: { status: BenchmarkRunStatus; stage: string; error: string | null },
  at: string,
): void {
  db.prepare(
    `UPDATE benchmark_runs SET status = ?, stage = ?, error = ?, runner_pid = NULL, updated_at = ?,
       finished_at = ? WHERE id = ?`,
  ).run(end.status, end.stage, end.error, at, at, id);
}

/** A run whose process stopped without settling it: cancelled, so that it can be resumed. */
export function markBenchmarkRunInterrupted(db: Database, id: number, stage: string, at: string): void {
  db.prepare(
    `UPDATE benchmark_runs SET status = 'cancelled', stage = ?, runner_pid = NULL, updated_at = ?
     WHERE id = ?`,
  ).run(stage, at, id);
}
