/** Database rows (snake_case) and their mapping to the API's entities (camelCase). */
import type {
  Account,
  AccountRole,
  BenchmarkRunStatus,
  EvidenceRole,
  FaceChoice,
  Analysis,
  AnalysisArtifact,
  AuditEvent,
  Case,
  CaseStatus,
  Conclusion,
  Decision,
  DecisionRole,
  EvidenceItem,
  EvidenceMediaType,
  Pair,
  Report,
} from '../../common/api.js';

export interface CaseRow {
  id: number;
  case_number: string;
  title: string;
  requesting_agency: string;
  examiner: string;
  status: CaseStatus;
  notes: string;
  created_at: string;
  updated_at: string;
}

export function toCase(row: CaseRow): Case {
  return {
    id: row.id,
    caseNumber: row.case_number,
    title: row.title,
    requestingAgency: row.requesting_agency,
    examiner: row.examiner,
    status: row.status,
    notes: row.notes,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export interface EvidenceRow {
  id: number;
  case_id: number;
  original_name: string;
  stored_path: string;
  sha256: string;
  byte_size: number;
  media_type: EvidenceMediaType;
  width: number | null;
  height: number | null;
  imported_at: string;
  imported_by: string;
  role: EvidenceRole | null;
}

export function toEvidenceItem(row: EvidenceRow): EvidenceItem {
  return {
    id: row.id,
    caseId: row.case_id,
    originalName: row.original_name,
    storedPath: row.stored_path,
    sha256: row.sha256,
    byteSize: row.byte_size,
    mediaType: row.media_type,
    width: row.width,
    height: row.height,
    importedAt: row.imported_at,
    importedBy: row.imported_by,
    role: row.role,
  };
}

export interface PairRow {
  id: number;
  case_id: number;
  evidence_a_id: number;
  evidence_b_id: number;
  created_at: string;
  face_a_json: string | null;
  face_b_json: string | null;
}

export function toPair(row: PairRow): Pair {
  return {
    id: row.id,
    caseId: row.case_id,
    evidenceAId: row.evidence_a_id,
    evidenceBId: row.evidence_b_id,
    createdAt: row.created_at,
    faceA: row.face_a_json === null ? null : (JSON.parse(row.face_a_json) as FaceChoice),
    faceB: row.face_b_json === null ? null : (JSON.parse(row.face_b_json) as FaceChoice),
  };
}

export interface AnalysisRow {
  id: number;
  pair_id: number;
  method: string;
  model_id: string;
  model_name: string;
  model_sha256: string;
  input_a_sha256: string;
  input_b_sha256: string;
  parameters_json: string;
  provider: string;
  score: number | null;
  threshold: number | null;
  result_json: string;
  created_at: string;
}

export interface AnalysisArtifactRow {
  id: number;
  analysis_id: number;
  role: string;
  stored_path: string;
  sha256: string;
  media_type: string;
}

export function toAnalysisArtifact(row: AnalysisArtifactRow): AnalysisArtifact {
  return {
    id: row.id,
    analysisId: row.analysis_id,
    role: row.role,
    storedPath: row.stored_path,
    sha256: row.sha256,
    mediaType: row.media_type,
  };
}

export function toAnalysis(row: AnalysisRow, artifacts: AnalysisArtifact[]): Analysis {
  return {
    id: row.id,
    pairId: row.pair_id,
    method: row.method,
    modelId: row.model_id,
    modelName: row.model_name,
    modelSha256: row.model_sha256,
    inputASha256: row.input_a_sha256,
    inputBSha256: row.input_b_sha256,
    parameters: JSON.parse(row.parameters_json) as unknown,
    provider: row.provider,
    score: row.score,
    threshold: row.threshold,
    result: JSON.parse(row.result_json) as unknown,
    createdAt: row.created_at,
    artifacts,
  };
}

export interface DecisionRow {
  id: number;
  pair_id: number;
  analysis_id: number | null;
  examiner: string;
  role: DecisionRole;
  conclusion: Conclusion;
  rationale: string;
  created_at: string;
  account_id: number | null;
  signature: string | null;
  supersedes_id: number | null;
  verifies_id: number | null;
}

/** A decision as stored: its conclusion unsealed, its state flags not yet derived. */
export type StoredDecision = Omit<Decision, 'sealed' | 'disagreement' | 'superseded' | 'conclusion'> & {
  conclusion: Conclusion;
};

export function toDecision(row: DecisionRow): StoredDecision {
  return {
    id: row.id,
    pairId: row.pair_id,
    analysisId: row.analysis_id,
    examiner: row.examiner,
    role: row.role,
    conclusion: row.conclusion,
    rationale: row.rationale,
    createdAt: row.created_at,
    accountId: row.account_id,
    signature: row.signature,
    supersedesId: row.supersedes_id,
    verifiesId: row.verifies_id,
  };
}

export interface ReportRow {
  id: number;
  case_id: number;
  stored_path: string;
  sha256: string;
  created_by: string;
  created_at: string;
  account_id: number | null;
  signature: string | null;
}

export function toReport(row: ReportRow): Report {
  return {
    id: row.id,
    caseId: row.case_id,
    storedPath: row.stored_path,
    sha256: row.sha256,
    createdBy: row.created_by,
    createdAt: row.created_at,
    accountId: row.account_id,
    signature: row.signature,
  };
}

export interface AuditEventRow {
  seq: number;
  at: string;
  actor: string;
  action: string;
  entity_type: string;
  entity_id: number | null;
  case_id: number | null;
  details_json: string;
  prev_hash: string;
  hash: string;
}

export function toAuditEvent(row: AuditEventRow): AuditEvent {
  return {
    seq: row.seq,
    at: row.at,
    actor: row.actor,
    action: row.action,
    entityType: row.entity_type,
    entityId: row.entity_id,
    caseId: row.case_id,
    details: JSON.parse(row.details_json) as Record<string, unknown>,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

export interface AccountRow {
  id: number;
  name: string;
  name_key: string;
  initials: string;
  role: AccountRole;
  public_key: string;
  private_key_envelope: string;
  created_at: string;
  created_by: number | null;
}

export function toAccount(row: AccountRow, keyFingerprint: string): Account {
  return {
    id: row.id,
    name: row.name,
    initials: row.initials,
    role: row.role,
    keyFingerprint,
    createdAt: row.created_at,
    createdBy: row.created_by,
  };
}

export interface BenchmarkRunRow {
  id: number;
  status: BenchmarkRunStatus;
  options_json: string;
  stage: string;
  done: number;
  total: number | null;
  skipped: number;
  error: string | null;
  runner_pid: number | null;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
}
