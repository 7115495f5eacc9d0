/** Errors and the transport envelope. */
import { z } from 'zod';

const API_ERROR_CODES = ['VALIDATION', 'NOT_FOUND', 'CONFLICT', 'UNAUTHORIZED', 'INTERNAL'] as const;
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

export const apiErrorBodySchema = z.object({
  code: z.enum(API_ERROR_CODES),
  message: z.string(),
  /** For VALIDATION: one entry per offending field; path is dotted, e.g. 'caseNumber'. */
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
export type ApiErrorBody = z.infer<typeof apiErrorBodySchema>;

/** What the handler returns for every call, over IPC as is and over HTTP as status + body. */
export type ApiOutcome<R = unknown> = { ok: true; result: R } | { ok: false; error: ApiErrorBody };

/** HTTP status that browser mode answers for each error code. */
export const HTTP_STATUS_BY_ERROR_CODE: Record<ApiErrorCode, number> = {
  VALIDATION: 400,
  UNAUTHORIZED: 401,
  NOT_FOUND: 404,
  CONFLICT: 409,
  INTERNAL: 500,
};

/** The rejection a client raises for an error body, so UI code can switch on `code`. */
export class ApiCallError extends Error {
  override name = 'ApiCallError';
  readonly code: ApiErrorCode;
  readonly issues: ApiErrorBody['issues'];
  constructor(body: ApiErrorBody) {
    super(body.message);
    this.code = body.code;
    this.issues = body.issues;
  }
}
