/** SQL of the analyses and analysis_artifacts tables. */
import type { Database } from 'better-sqlite3';
import type { Analysis, AnalysisArtifact } from '../../common/api.js';
import { toAnalysis, toAnalysisArtifact, type AnalysisArtifactRow, type AnalysisRow } from './rows.js';

export function findAnalysis(db: Database, id: number): Analysis | null {
  const row = db.prepare('SELECT * FROM analyses WHERE id = ?').get(id) as AnalysisRow | undefined;
  if (!row) return null;
  const artifacts = db
    .prepare('SELECT * FROM analysis_artifacts WHERE analysis_id = ? ORDER BY id')
    .all(id) as AnalysisArtifactRow[];
  return toAnalysis(row, artifacts.map(toAnalysisArtifact));
}

/** Model file and score of an analysis, and its case. */
export function findAnalysisScore(
  db: Database,
  id: number,
): { modelSha256: string; score: number | null; caseId: number } | undefined {
  return db
    .prepare(
      `SELECT a.model_sha256 AS modelSha256, a.score AS score, p.case_id AS caseId
       FROM analyses a JOIN pairs p ON p.id = a.pair_id WHERE a.id = ?`,
    )
    .get(id) as { modelSha256: string; score: number | null; caseId: number } | undefined;
}

export function listAnalysesOfCase(db: Database, caseId: number): Analysis[] {
  const artifactRows = db
    .prepare(
      `SELECT x.* FROM analysis_artifacts x JOIN analyses a ON a.id = x.analysis_id
       JOIN pairs p ON p.id = a.pair_id WHERE p.case_id = ? ORDER BY x.id`,
    )
    .all(caseId) as AnalysisArtifactRow[];
  const rows = db
    .prepare('SELECT a.* FROM analyses a JOIN pairs p ON p.id = a.pair_id WHERE p.case_id = ? ORDER BY a.id')
    .all(caseId) as AnalysisRow[];
  return rows.map((row) =>
    toAnalysis(
      row,
      artifactRows.filter((artifact) => artifact.analysis_id === row.id).map(toAnalysisArtifact),
    ),
  );
}

export type NewAnalysisRow = Omit<Analysis, 'id' | 'artifacts' | 'parameters' | 'result'> & {
  parameters: unknown;
  result: unknown;
};

export function insertAnalysis(db: Database, analysis: NewAnalysisRow): number {
  const { lastInsertRowid } = db
    .prepare(
      `INSERT INTO analyses (pair_id, method, model_id, model_name, model_sha256, input_a_sha256,
         input_b_sha256, parameters_json, provider, score, threshold, result_json, created_at)
       VALUES (@pairId, @method, @modelId, @modelName, @modelSha256, @inputASha256, @inputBSha256,
         @parametersJson, @provider, @score, @threshold, @resultJson, @createdAt)`,
    )
    .run({
      ...analysis,
      parameters: undefined,
      result: undefined,
      parametersJson: JSON.stringify(analysis.parameters),
      resultJson: JSON.stringify(analysis.result),
    });
  return Number(lastInsertRowid);
}

export function insertAnalysisArtifact(db: Database, artifact: Omit<AnalysisArtifact, 'id'>): number {
  const { lastInsertRowid } = db
    .prepare(
      `INSERT INTO analysis_artifacts (analysis_id, role, stored_path, sha256, media_type)
       VALUES (@analysisId, @role, @storedPath, @sha256, @mediaType)`,
    )
    .run(artifact);
  return Number(lastInsertRowid);
}
