import type { ApiErrorBody } from '../../../electron/common/api.js';

/** Issues as a zod error holds them: the path of the offending value, and what is wrong with it. */
interface ZodIssues {
  issues: readonly { path: readonly PropertyKey[]; message: string }[];
}

/** A zod error's issues in the form of a VALIDATION error body's (dotted paths). */
export function issuesOf(error: ZodIssues): NonNullable<ApiErrorBody['issues']> {
  return error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
}

function sentenceCase(message: string): string {
  return message.charAt(0).toUpperCase() + message.slice(1);
}

/**
 * Maps field issues (from zod or a VALIDATION error body) onto a form's fields: `fieldOf` names
 * the field of an issue's path segments, or none; each field keeps its first message.
 */
export function fieldErrorsOf<Field extends string>(
  issues: ApiErrorBody['issues'],
  fieldOf: (segments: string[]) => Field | undefined,
): Partial<Record<Field, string>> {
  const errors: Partial<Record<Field, string>> = {};
  for (const issue of issues ?? []) {
    const field = fieldOf(issue.path.split('.'));
    if (field) errors[field] ??= sentenceCase(issue.message);
  }
  return errors;
}
