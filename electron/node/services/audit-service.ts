import type { Database } from 'better-sqlite3';
import type { AuditEvent, AuditVerification } from '../../common/api.js';
import { canonicalJson, findChainBreak, GENESIS_HASH, hashAuditEvent } from '../store/audit-chain.js';
import {
  chainHead,
  countAuditEventsOfCase,
  insertAuditEvent,
  listAllAuditEvents,
  listAuditEventsOfCase,
} from '../store/audit-events.js';

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
    const last = chainHead(this.db);
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
    const event = { ...content, prevHash, hash };
    insertAuditEvent(this.db, event);
    return event;
  }

  listForCase(caseId: number): AuditEvent[] {
    return listAuditEventsOfCase(this.db, caseId);
  }

  /**
   * Re-hashes the whole chain (events of all cases are linked, so a case cannot be checked alone);
   * with caseId, also counts that case's events.
   */
  verify(caseId?: number): AuditVerification {
    const events = listAllAuditEvents(this.db);
    const firstBroken = findChainBreak(events);
    const headHash = events.at(-1)?.hash ?? '';
    const verification: AuditVerification = {
      ok: firstBroken === null,
      checkedEvents: events.length,
      headHash,
      firstBroken,
    };
    if (caseId !== undefined) {
      verification.caseEvents = countAuditEventsOfCase(this.db, caseId);
    }
    return verification;
  }
}
