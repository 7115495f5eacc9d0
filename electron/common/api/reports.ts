/** Court reports: PDFs built from verified store content, stored read-only. */
import { z } from 'zod';
import { actorParam, id, isoTimestamp, sha256Hex } from './fields.js';

export const reportSchema = z.object({
  id,
  caseId: id,
  storedPath: z.string(),
  sha256: sha256Hex,
  createdBy: z.string(),
  createdAt: isoTimestamp,
  /** The exporting account and its signature over the report row; null before accounts existed. */
  accountId: id.nullable(),
  signature: z.string().nullable(),
});
export type Report = z.infer<typeof reportSchema>;

export const reportMethods = {
  'reports.export': {
    /**
     * Builds the case report (PDF) from what the store holds, after re-hashing every evidence file
     * and analysis image it shows and verifying the audit trail (INTERNAL, with nothing stored, when
     * one does not match), and stores it read-only as `reports/<caseId>/<sha256>.pdf`. Unchanged
     * case data gives a byte-identical report.
     */
    params: z.object({ caseId: id, actor: actorParam }),
    result: z.object({
      reportId: id,
      sha256: sha256Hex,
      pages: z.int().positive(),
      /** Relative to the data folder, with '/'. */
      storedPath: z.string(),
    }),
  },
  'reports.read': {
    /** The stored PDF, re-hashed on every read (INTERNAL when it no longer matches). */
    params: z.object({ reportId: id }),
    result: z.object({
      reportId: id,
      caseId: id,
      mediaType: z.literal('application/pdf'),
      sha256: sha256Hex,
      dataBase64: z.string(),
    }),
  },
} as const;
