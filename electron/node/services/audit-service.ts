import type { Database } from 'better-sqlite3';
import type { AuditEvent, AuditVerification } from '../../common/api.js';
import { canonicalJson, findChainBreak, GENESIS_HASH, hashAuditEvent } from '../store/audit-chain.js';
import { toAuditEvent, type AuditEventRow } from './rows.js';

export interface AuditEntry {
  actor: string;
  /** Dotted verb, e.g. 'case.create'. */
  action: string;
  entityType: string;
  entityId: number | null;
  caseId: number | null;
  details?: Record<string, unknown>;
}

/** The append-only, hash-chained audit log. */
export class AuditService {
  constructor(private readonly db: Database) {}

  /**
   * Appends one event. Call it inside the transaction of the change it records, so that the change
   * and its event are written together or not at all.
   */
  append(entry: AuditEntry): AuditEvent {
    if (!this.db.inTransaction) {
      throw new Error('AuditService.append must run inside the transaction of the change it records');
    }
    const last = this.db.prepare('SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1').get() as
      { seq: number; hash: string } | undefined;
    const content = {
      seq: (last?.seq ?? 0) + 1,
      at: new Date().toISOString(),
      actor: entry.actor,
      action: entry.action,
      entityType: entry.entityType,
      entityId: entry.entityId,
      caseId: entry.caseId,
      details: JSON.parse(canonicalJson(entry.details ?? {})) as Record<string, unknown>,
    };
    const prevHash = last?.hash ?? GENESIS_HASH;
    const hash = hashAuditEvent(prevHash, content);
    this.db
      .prepare(
        `INSERT INTO audit_events (seq, at, actor, action, entity_type, entity_id, case_id, details_json, prev_hash, hash)
         VALUES (@seq, @at, @actor, @action, @entityType, @entityId, @caseId, @detailsJson, @prevHash, @hash)`,
      )
      .run({ ...content, detailsJson: canonicalJson(content.details), prevHash, hash });
    return { ...content, prevHash, hash };
  }

  listForCase(caseId: number): AuditEvent[] {
    const rows = this.db
      .prepare('SELECT * FROM audit_events WHERE case_id = ? ORDER BY seq')
      .all(caseId) as AuditEventRow[];
    return rows.map(toAuditEvent);
  }

  /**
   * Re-hashes the whole chain (events of all cases are linked, so a case cannot be checked alone);
   * with caseId, also counts that case's events.
   */
  verify(caseId?: number): AuditVerification {
    const events = (this.db.prepare('SELECT * FROM audit_events ORDER BY seq').all() as AuditEventRow[]).map(
      toAuditEvent,
    );
    const firstBroken = findChainBreak(events);
    const headHash = events.at(-1)?.hash ?? '';
    const verification: AuditVerification = {
      ok: firstBroken === null,
      checkedEvents: events.length,
      headHash,
      firstBroken,
    };
    if (caseId !== undefined) {
      verification.caseEvents = this.db
        .prepare('SELECT count(*) FROM audit_events WHERE case_id = ?')
        .pluck()
        .get(caseId) as number;
    }
    return verification;
  }
}
