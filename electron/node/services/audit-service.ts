import type { Database } from 'better-sqlite3';
import type { AuditEvent, AuditVerification, IntegrityProblem } from '../../common/api.js';
import { canonicalJson, findChainBreak, GENESIS_HASH, hashAuditEvent } from '../store/audit-chain.js';
import {
  chainHead,
  countAuditEventsOfCase,
  eventHash,
  insertAuditEvent,
  listAllAuditEvents,
  listAuditEventsOfCase,
} from '../store/audit-events.js';
import {
  checkpointSignatureValid,
  readCheckpoint,
  signCheckpoint,
  writeCheckpoint,
  type ChainHead,
  type SignedCheckpoint,
  type WorkstationKey,
} from '../store/checkpoint.js';
import { findAccountRow } from '../store/accounts.js';
import {
  BOUND_TABLE_NAMES,
  bindRow,
  hashAllBoundRows,
  isBoundRow,
  listSignedRows,
  TABLES_BOUND_BEFORE_CHECKPOINTS_NAMED_THEM,
  type BoundRow,
  type BoundTableName,
  type RowRef,
} from '../store/row-binding.js';
import { publicKeyOfRow, recordSignatureValid } from './account-service.js';

export interface AuditEntry {
  actor: string;
  /** Dotted verb, e.g. 'case.create'. */
  action: string;
  entityType: string;
  entityId: number | null;
  caseId: number | null;
  details?: Record<string, unknown>;
  /** The rows this change created or changed; the event records the hash of each as it is now. */
  rows?: RowRef[];
}

/** The append-only, hash-chained audit log, its signed checkpoint and its binding to the rows. */
export class AuditService {
  constructor(
    private readonly db: Database,
    private readonly dataDir: string,
    private readonly workstationKey: WorkstationKey,
  ) {}

  /**
   * Runs `change` in one immediate transaction (the change and its events are written together
   * or not at all), then signs a checkpoint of the chain as committed.
   */
  transaction<T>(change: () => T): T {
    const result = this.db.transaction(change).immediate();
    this.checkpoint();
    return result;
  }

  /**
   * Advances the signed checkpoint to the chain as it is now. Only a valid checkpoint of this
   * workstation's key that the chain still extends is advanced: a missing, altered or foreign one,
   * or one the chain no longer matches (events deleted or rewritten), stays as it is, so that the
   * next change through the workstation cannot cover up tampering.
   */
  checkpoint(): void {
    const stored = this.extendedCheckpoint();
    if (!stored) return;
    const head = chainHead(this.db);
    if (head && head.seq > stored.length) this.writeCheckpoint({ length: head.seq, headHash: head.hash });
  }

  /**
   * Tables bound by this version but not by the one that signed the stored checkpoint (it names
   * the tables it bound, or predates naming them): their rows, recorded without events by that
   * version, are bound by one `store.bind` event, and the checkpoint then names every bound
   * table. Only a valid checkpoint of this workstation's key that the chain still extends is
   * upgraded, and a table the checkpoint names is never bound this way, so a row inserted into a
   * bound table outside the workstation stays reported.
   */
  bindNewTables(actor: string): void {
    const stored = this.extendedCheckpoint();
    if (!stored) return;
    const known: readonly string[] = stored.boundTables ?? TABLES_BOUND_BEFORE_CHECKPOINTS_NAMED_THEM;
    const added: BoundTableName[] = BOUND_TABLE_NAMES.filter((table) => !known.includes(table));
    if (added.length === 0) return;
    this.bindUnrecordedRows(
      actor,
      { reason: 'rows recorded before their tables were bound to the audit chain', tables: added },
      (table) => added.includes(table),
    );
  }

  /** The stored checkpoint when it is valid, of this workstation's key, and the chain extends it. */
  private extendedCheckpoint(): SignedCheckpoint | null {
    const stored = readCheckpoint(this.dataDir);
    if (stored === null || !('signature' in stored) || !checkpointSignatureValid(stored, this.workstationKey))
      return null;
    const length = chainHead(this.db)?.seq ?? 0;
    if (length < stored.length) return null;
    if (stored.length > 0 && eventHash(this.db, stored.length) !== stored.headHash) return null;
    return stored;
  }

  /** Stores a checkpoint of `head` that names the tables this version binds. */
  private writeCheckpoint(head: ChainHead): void {
    writeCheckpoint(
      this.dataDir,
      signCheckpoint({ ...head, boundTables: BOUND_TABLE_NAMES }, this.workstationKey),
    );
  }

  /**
   * First use of a data folder by a workstation key made just now: rows that no event binds yet
   * (a store from before rows were bound) are bound by one `store.bind` event, and the chain as
   * found gets its first signed checkpoint. Never replaces a stored checkpoint, so deleting the key
   * alone does not hide anything.
   */
  firstUse(actor: string): void {
    if (readCheckpoint(this.dataDir) !== null) return;
    this.bindUnrecordedRows(
      actor,
      { reason: 'rows recorded before rows were bound to the audit chain' },
      () => true,
    );
  }

  /**
   * Binds the rows no event records yet, in the tables `inTable` accepts, by one `store.bind`
   * event with these details (no event when there are none), then signs a checkpoint of the chain.
   */
  private bindUnrecordedRows(
    actor: string,
    details: Record<string, unknown>,
    inTable: (table: BoundTableName) => boolean,
  ): void {
    this.db
      .transaction(() => {
        const recorded = new Set(latestRowRecords(listAllAuditEvents(this.db)).keys());
        const unbound = hashAllBoundRows(this.db).filter(
          (row) => inTable(row.table) && !recorded.has(`${row.table}:${row.id}`),
        );
        if (unbound.length === 0) return;
        this.append({
          actor,
          action: 'store.bind',
          entityType: 'store',
          entityId: null,
          caseId: null,
          details,
          rows: unbound.map(({ table, id }) => ({ table, id })),
        });
      })
      .immediate();
    const head = chainHead(this.db);
    this.writeCheckpoint({ length: head?.seq ?? 0, headHash: head?.hash ?? GENESIS_HASH });
  }

  /**
   * A checkpoint of the chain up to `head`, signed with the workstation key (deterministic:
   * Ed25519), as the report prints it (without the bound tables).
   */
  signHead(head: ChainHead): SignedCheckpoint {
    return signCheckpoint(head, this.workstationKey);
  }

  /**
   * Appends one event. Call it inside the transaction of the change it records (see transaction),
   * after the change, so that the rows it binds are hashed as changed.
   */
  append(entry: AuditEntry): AuditEvent {
    if (!this.db.inTransaction) {
      throw new Error('AuditService.append must run inside the transaction of the change it records');
    }
    const last = chainHead(this.db);
    const rows: BoundRow[] = (entry.rows ?? []).map((ref) => bindRow(this.db, ref));
    const details = { ...entry.details, ...(rows.length > 0 && { rows }) };
    const content = {
      seq: (last?.seq ?? 0) + 1,
      at: new Date().toISOString(),
      actor: entry.actor,
      action: entry.action,
      entityType: entry.entityType,
      entityId: entry.entityId,
      caseId: entry.caseId,
      details: JSON.parse(canonicalJson(details)) as Record<string, unknown>,
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
   * Re-hashes the whole chain (events of all cases are linked, so a case cannot be checked alone),
   * checks it against the signed checkpoint, and compares every bound row with its latest event.
   * With caseId: the problems of that case and those of the whole chain, and that case's events.
   */
  verify(caseId?: number): AuditVerification {
    const events = listAllAuditEvents(this.db);
    const firstBroken = findChainBreak(events);
    const problems: IntegrityProblem[] = [];
    if (firstBroken) {
      problems.push({ table: 'audit_events', id: firstBroken.seq, caseId: null, reason: firstBroken.reason });
    }
    const checkpoint = this.checkCheckpoint(events, problems);
    const rowsChecked = this.checkRows(events, problems);
    this.checkSignatures(problems);
    const relevant =
      caseId === undefined ? problems : problems.filter((p) => p.caseId === null || p.caseId === caseId);
    const verification: AuditVerification = {
      ok: relevant.length === 0,
      checkedEvents: events.length,
      headHash: events.at(-1)?.hash ?? '',
      firstBroken,
      rowsChecked,
      problems: relevant,
      checkpoint,
    };
    if (caseId !== undefined) verification.caseEvents = countAuditEventsOfCase(this.db, caseId);
    return verification;
  }

  private checkCheckpoint(
    events: AuditEvent[],
    problems: IntegrityProblem[],
  ): AuditVerification['checkpoint'] {
    const stored = readCheckpoint(this.dataDir);
    const chainProblem = (reason: string) =>
      problems.push({ table: 'audit_events', id: null, caseId: null, reason });
    if (stored === null) {
      if (events.length > 0) {
        chainProblem(
          `the signed checkpoint of the chain is missing; the chain holds ${events.length} events`,
        );
      }
      return null;
    }
    if (!('signature' in stored)) {
      chainProblem(`the signed checkpoint cannot be read: ${stored.unreadable}`);
      return null;
    }
    const summary = {
      length: stored.length,
      headHash: stored.headHash,
      keyFingerprint: stored.keyFingerprint,
      signatureValid: checkpointSignatureValid(stored, this.workstationKey),
    };
    if (!summary.signatureValid) {
      chainProblem(
        stored.keyFingerprint === this.workstationKey.fingerprint
          ? 'the checkpoint signature does not verify: the checkpoint was altered'
          : `the checkpoint was signed by key ${stored.keyFingerprint.slice(0, 16)}…, not by this workstation's key`,
      );
    } else if (events.length < stored.length) {
      chainProblem(
        `the chain holds ${events.length} events but the signed checkpoint covers ${stored.length}: ` +
          `events ${events.length + 1}–${stored.length} were deleted`,
      );
    } else if (stored.length > 0 && events[stored.length - 1].hash !== stored.headHash) {
      problems.push({
        table: 'audit_events',
        id: stored.length,
        caseId: null,
        reason: 'the event differs from the one the signed checkpoint covers: the chain was rewritten',
      });
    }
    return summary;
  }

  /** Verifies each signed row's signature with the public key of the account that signed it. */
  private checkSignatures(problems: IntegrityProblem[]): void {
    for (const row of listSignedRows(this.db)) {
      if (row.accountId === null) continue;
      const problem = (reason: string) =>
        problems.push({ table: row.table, id: row.id, caseId: row.caseId, reason });
      const account = findAccountRow(this.db, row.accountId);
      if (!account) problem(`signed by account ${row.accountId}, which does not exist`);
      else if (row.signature === null)
        problem(`the signature of account ${account.id} (${account.name}) is missing`);
      else if (!recordSignatureValid(publicKeyOfRow(account), row.content, row.signature)) {
        problem(
          `the signature of account ${account.id} (${account.name}) does not verify: the row is not what the account signed`,
        );
      }
    }
  }

  /** Compares each bound row with the latest event that recorded it; returns how many rows it checked. */
  private checkRows(events: AuditEvent[], problems: IntegrityProblem[]): number {
    const latest = latestRowRecords(events);
    const stored = hashAllBoundRows(this.db);
    for (const row of stored) {
      const key = `${row.table}:${row.id}`;
      const recorded = latest.get(key);
      latest.delete(key);
      if (!recorded) {
        problems.push({
          table: row.table,
          id: row.id,
          caseId: row.caseId,
          reason: 'no audit event records this row: it was inserted outside the workstation',
        });
      } else if (recorded.sha256 !== row.sha256) {
        problems.push({
          table: row.table,
          id: row.id,
          caseId: row.caseId ?? recorded.caseId,
          reason: `the row no longer matches its latest audit event (${recorded.seq}): it was changed outside the workstation`,
        });
      }
    }
    for (const [key, recorded] of latest) {
      const [table, id] = key.split(':');
      problems.push({
        table,
        id: Number(id),
        caseId: recorded.caseId,
        reason: `audit event ${recorded.seq} records this row but it is gone: it was deleted outside the workstation`,
      });
    }
    return stored.length;
  }
}

/** For each bound row ('table:id'), what its latest event recorded. */
function latestRowRecords(
  events: AuditEvent[],
): Map<string, { seq: number; caseId: number | null; sha256: string }> {
  const latest = new Map<string, { seq: number; caseId: number | null; sha256: string }>();
  for (const event of events) {
    const rows = event.details.rows;
    if (!Array.isArray(rows)) continue;
    for (const row of rows) {
      if (isBoundRow(row))
        latest.set(`${row.table}:${row.id}`, { seq: event.seq, caseId: event.caseId, sha256: row.sha256 });
    }
  }
  return latest;
}

/** One line naming the row of a problem, e.g. "decisions row 3: …". */
export function describeProblem(problem: IntegrityProblem): string {
  const where = problem.id === null ? problem.table : `${problem.table} row ${problem.id}`;
  return `${where}${problem.caseId === null ? '' : ` (case ${problem.caseId})`}: ${problem.reason}`;
}
