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

export const auditVerificationSchema = z.object({
  /** True when every event of the whole chain re-hashes to its stored hash and links to its predecessor. */
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
});
export type AuditVerification = z.infer<typeof auditVerificationSchema>;

export const auditMethods = {
  'audit.verify': {
    params: z.object({ caseId: id.optional() }),
    result: auditVerificationSchema,
  },
} as const;
