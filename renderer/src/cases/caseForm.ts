import { apiContract, type ApiErrorBody, type Case, type CaseStatus } from '../../../electron/common/api.js';
import { fieldErrorsOf, issuesOf } from '../components/fieldErrors.js';

export interface CaseFormValues {
  caseNumber: string;
  title: string;
  requestingAgency: string;
  examiner: string;
  status: CaseStatus;
  notes: string;
}

export type CaseFormField = keyof CaseFormValues;
export type CaseFormErrors = Partial<Record<CaseFormField, string>>;

export const emptyCaseForm: CaseFormValues = {
  caseNumber: '',
  title: '',
  requestingAgency: '',
  examiner: '',
  status: 'open',
  notes: '',
};

export function caseFormValuesOf(existing: Case): CaseFormValues {
  const { caseNumber, title, requestingAgency, examiner, status, notes } = existing;
  return { caseNumber, title, requestingAgency, examiner, status, notes };
}

const fieldNames = new Set<string>(Object.keys(emptyCaseForm));

/** Maps field issues (from zod or a VALIDATION error body) onto the form's fields. */
export function fieldErrorsFrom(issues: ApiErrorBody['issues']): CaseFormErrors {
  return fieldErrorsOf(issues, ([first]) => (fieldNames.has(first) ? (first as CaseFormField) : undefined));
}

export type CaseFormValidation = { ok: true; values: CaseFormValues } | { ok: false; errors: CaseFormErrors };

/**
 * Validates with the API's own `cases.create` schema, so the dialog rejects exactly what the
 * backend would; on success returns the values as the backend will store them (trimmed).
 */
export function validateCaseForm(values: CaseFormValues): CaseFormValidation {
  const parsed = apiContract['cases.create'].params.safeParse(values);
  if (parsed.success) {
    return { ok: true, values: { ...emptyCaseForm, ...parsed.data } };
  }
  return {
    ok: false,
    errors: fieldErrorsFrom(issuesOf(parsed.error)),
  };
}

/** Only the fields that differ from the stored case, so the audit trail records real changes. */
export function changedFields(existing: Case, values: CaseFormValues): Partial<CaseFormValues> {
  const before = caseFormValuesOf(existing);
  return Object.fromEntries(
    Object.entries(values).filter(([field, value]) => before[field as CaseFormField] !== value),
  );
}
