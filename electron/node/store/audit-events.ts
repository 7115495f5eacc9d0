/** SQL of the audit_events table (the hash chain itself is audit-chain.ts). */
import type { Database } from 'better-sqlite3';
import type { AuditEvent } from '../../common/api.js';
import { canonicalJson } from './audit-chain.js';
import { toAuditEvent, type AuditEventRow } from './rows.js';

export function chainHead(db: Database): { seq: number; hash: string } | null {
  return (
    (db.prepare('SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1').get() as
      { seq: number; hash: string } | undefined) ?? null
  );
}

export function insertAuditEvent(db: Database, event: AuditEvent): void {
  db.prepare(
    `INSERT INTO audit_events (seq, at, actor, action, entity_type, entity_id, case_id, details_json, prev_hash, hash)
     VALUES (@seq, @at, @actor, @action, @entityType, @entityId, @caseId, @detailsJson, @prevHash, @hash)`,
  ).run({ ...event, details: undefined, detailsJson: canonicalJson(event.details) });
}

export function listAuditEventsOfCase(db: Database, caseId: number): AuditEvent[] {
  return (
    db.prepare('SELECT * FROM audit_events WHERE case_id = ? ORDER BY seq').all(caseId) as AuditEventRow[]
  ).map(toAuditEvent);
}

export function listAllAuditEvents(db: Database): AuditEvent[] {
  return (db.prepare('SELECT * FROM audit_events ORDER BY seq').all() as AuditEventRow[]).map(toAuditEvent);
}

export function countAuditEventsOfCase(db: Database, caseId: number): number {
  return db.prepare('SELECT count(*) FROM audit_events WHERE case_id = ?').pluck().get(caseId) as number;
}

/** The newest event of the case other than those with `excludedAction`. */
export function latestCaseEvent(
  db: Database,
  caseId: number,
  excludedAction: string,
): { seq: number; at: string; hash: string } | null {
  return (
    (db
      .prepare(
        'SELECT seq, at, hash FROM audit_events WHERE case_id = ? AND action <> ? ORDER BY seq DESC LIMIT 1',
      )
      .get(caseId, excludedAction) as { seq: number; at: string; hash: string } | undefined) ?? null
  );
}

/** The hash of event `seq`, null when there is none. */
export function eventHash(db: Database, seq: number): string | null {
  return (
    (db.prepare('SELECT hash FROM audit_events WHERE seq = ?').pluck().get(seq) as string | undefined) ?? null
  );
}
