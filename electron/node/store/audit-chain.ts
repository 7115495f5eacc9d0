/** The audit log's hash chain: how an event is hashed and how a sequence of rows is verified. */
import { createHash } from 'node:crypto';

/** The hashed content of an event: everything but prev_hash and hash. */
export interface AuditEventContent {
  seq: number;
  at: string;
  actor: string;
  action: string;
  entityType: string;
  entityId: number | null;
  caseId: number | null;
  details: Record<string, unknown>;
}

export interface StoredAuditEvent extends AuditEventContent {
  prevHash: string;
  hash: string;
}

/** prev_hash of the first event. */
export const GENESIS_HASH = '';

/** JSON with object keys sorted at every depth, so equal content always hashes equally. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

export function hashAuditEvent(prevHash: string, content: AuditEventContent): string {
  const { seq, at, actor, action, entityType, entityId, caseId, details } = content;
  const canonical = canonicalJson({ seq, at, actor, action, entityType, entityId, caseId, details });
  return createHash('sha256').update(prevHash).update(canonical).digest('hex');
}

export interface ChainBreak {
  seq: number;
  caseId: number | null;
  reason: string;
}

/** Checks events in seq order; returns the first break, or null when the chain is intact. */
export function findChainBreak(events: Iterable<StoredAuditEvent>): ChainBreak | null {
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  for (const event of events) {
    const at = { seq: event.seq, caseId: event.caseId };
    if (event.seq !== expectedSeq) {
      return { ...at, reason: `expected event ${expectedSeq} next, found ${event.seq}: events were deleted` };
    }
    if (event.prevHash !== prevHash) {
      return { ...at, reason: 'prev_hash does not match the hash of the previous event' };
    }
    if (hashAuditEvent(prevHash, event) !== event.hash) {
      return { ...at, reason: 'the event was modified after it was recorded: its hash does not match' };
    }
    prevHash = event.hash;
    expectedSeq += 1;
  }
  return null;
}
