/** Cases: the record everything else belongs to. */
import { z } from 'zod';
import { auditEventSchema } from './audit.js';
import { analysisSchema, decisionSchema, pairSchema } from './comparison.js';
import { evidenceItemSchema } from './evidence.js';
import { actorParam, id, isoTimestamp, optionalText, requiredText } from './fields.js';
import { reportSchema } from './reports.js';

export const CASE_STATUSES = ['open', 'in_review', 'closed'] as const;
export const caseStatusSchema = z.enum(CASE_STATUSES);
export type CaseStatus = z.infer<typeof caseStatusSchema>;

export const CASE_SORT_FIELDS = [
  'caseNumber',
  'title',
  'requestingAgency',
  'examiner',
  'status',
  'updatedAt',
  'createdAt',
] as const;

const caseNumberSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters')
  .regex(/^[A-Za-z0-9\-_./]+$/, 'may contain only letters, digits and - _ . /');

export const caseSchema = z.object({
  id,
  caseNumber: z.string(),
  title: z.string(),
  requestingAgency: z.string(),
  examiner: z.string(),
  status: caseStatusSchema,
  notes: z.string(),
  createdAt: isoTimestamp,
  updatedAt: isoTimestamp,
});
export type Case = z.infer<typeof caseSchema>;

export const caseSummarySchema = caseSchema.extend({ evidenceCount: z.int().nonnegative() });
export type CaseSummary = z.infer<typeof caseSummarySchema>;

/** A case with everything the store holds for it. */
export const caseDetailSchema = caseSchema.extend({
  evidence: z.array(evidenceItemSchema),
  pairs: z.array(pairSchema),
  analyses: z.array(analysisSchema),
  decisions: z.array(decisionSchema),
  reports: z.array(reportSchema),
  audit: z.array(auditEventSchema),
});
export type CaseDetail = z.infer<typeof caseDetailSchema>;

export const caseMethods = {
  'cases.list': {
    params: z.object({
      /** Case-insensitive substring of case number, title, agency, examiner or notes. */
      search: optionalText(200).optional(),
      /** Default: updatedAt, newest first. */
      sortBy: z.enum(CASE_SORT_FIELDS).optional(),
      /** Default: 'asc' when sortBy is given, else 'desc'. */
      direction: z.enum(['asc', 'desc']).optional(),
    }),
    result: z.object({ cases: z.array(caseSummarySchema) }),
  },
  'cases.get': {
    params: z.object({ id }),
    result: caseDetailSchema,
  },
  'cases.create': {
    params: z.object({
      caseNumber: caseNumberSchema,
      title: requiredText(200),
      requestingAgency: optionalText(200).optional(),
      examiner: optionalText(128).optional(),
      status: caseStatusSchema.optional(),
      notes: optionalText(20_000, { multiline: true }).optional(),
      actor: actorParam,
    }),
    result: caseSchema,
  },
  'cases.update': {
    params: z.object({
      id,
      caseNumber: caseNumberSchema.optional(),
      title: requiredText(200).optional(),
      requestingAgency: optionalText(200).optional(),
      examiner: optionalText(128).optional(),
      status: caseStatusSchema.optional(),
      notes: optionalText(20_000, { multiline: true }).optional(),
      actor: actorParam,
    }),
    result: caseSchema,
  },
  'cases.reopen': {
    /**
     * A closed case is locked: every change to it is refused (CONFLICT) until a signed-in account
     * reopens it, giving the reason, which the audit trail records.
     */
    params: z.object({ id, reason: requiredText(2000, { multiline: true }) }),
    result: caseSchema,
  },
} as const;
