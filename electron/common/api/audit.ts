/** The hash-chained audit trail and its verification. */
import { z } from 'zod';
import { id, isoTimestamp, sha256Hex } from './fields.js';

export const auditEventSchema = z.object({
  seq: id,
  at: isoTimestamp,
  actor: z.string(),
  /** Dotted verb, e.g. 'case.create', 'evidence.import'. */
  action: z.string(),
  entityType: z.string(),
  entityId: z.int().nullable(),
  caseId: z.int().nullable(),
  details: z.record(z.string(), z.unknown()),
  prevHash: z.string(),
  hash: sha256Hex,
});
export type AuditEvent = z.infer<typeof auditEventSchema>;

/** A stored fact that does not match the audit chain, named by its table and row id. */
export const integrityProblemSchema = z.object({
  /** e.g. 'decisions', 'cases', 'audit_events'. */
  table: z.string(),
  /** The row's id (seq for audit_events); null when the problem concerns the whole table. */
  id: z.int().nullable(),
  caseId: z.int().nullable(),
  reason: z.string(),
});
export type IntegrityProblem = z.infer<typeof integrityProblemSchema>;

export const auditVerificationSchema = z.object({
  /**
   * True when every event of the whole chain re-hashes to its stored hash and links to its
   * predecessor, the chain matches its signed checkpoint, and every row (of the case, with caseId)
   * matches its latest event.
   */
  ok: z.boolean(),
  /** Events checked (the whole chain: hashes link across cases). */
  checkedEvents: z.int().nonnegative(),
  /** Hash of the newest event ('' when the log is empty); quote it to anchor the log externally. */
  headHash: z.string(),
  /** With params.caseId: how many events concern that case. */
  caseEvents: z.int().nonnegative().optional(),
  firstBroken: z
    .object({
      seq: z.int(),
      caseId: z.int().nullable(),
      reason: z.string(),
    })
    .nullable(),
  /** Rows of the bound tables whose content was compared with their latest event. */
  rowsChecked: z.int().nonnegative(),
  /** Everything that does not match (with caseId: that case's and the whole chain's); empty when ok. */
  problems: z.array(integrityProblemSchema),
  /** The signed checkpoint kept outside the database; null when there is none. */
  checkpoint: z
    .object({
      length: z.int().nonnegative(),
      headHash: z.string(),
      /** SHA-256 of the workstation's Ed25519 public key. */
      keyFingerprint: z.string(),
      signatureValid: z.boolean(),
    })
    .nullable(),
});
export type AuditVerification = z.infer<typeof auditVerificationSchema>;

export const auditMethods = {
  'audit.verify': {
    params: z.object({ caseId: id.optional() }),
    result: auditVerificationSchema,
  },
} as const;
