import {
  apiContract,
  type ApiErrorBody,
  type BenchmarkMethod,
  type BenchmarkOptions,
} from '../../../electron/common/api.js';
import { fieldErrorsOf, issuesOf } from '../components/fieldErrors.js';

/** The start form as typed: text fields stay text until validated. */
export interface BenchmarkFormValues {
  root: string;
  pairsCsv: string;
  labelsCsv: string;
  methods: BenchmarkMethod[];
  limit: string;
  model: string;
  threshold: string;
  masks: string;
  seed: string;
}

export type BenchmarkFormField = keyof BenchmarkFormValues;
export type BenchmarkFormErrors = Partial<Record<BenchmarkFormField, string>>;

export const emptyBenchmarkForm: BenchmarkFormValues = {
  root: '',
  pairsCsv: '',
  labelsCsv: '',
  methods: ['xssab', 'xssab-decision', 'ig', 'gradient', 'corrrise', 'random'],
  limit: '20',
  model: '',
  threshold: '',
  masks: '500',
  seed: '1',
};

/** API param path (first segments) → form field. */
const fieldOfPath: Record<string, BenchmarkFormField> = {
  'dataset.root': 'root',
  'dataset.pairsCsv': 'pairsCsv',
  'dataset.labelsCsv': 'labelsCsv',
  methods: 'methods',
  limit: 'limit',
  model: 'model',
  threshold: 'threshold',
  masks: 'masks',
  seed: 'seed',
};

/** Maps field issues (from zod or a VALIDATION error body) onto the form's fields. */
export function benchmarkFieldErrors(issues: ApiErrorBody['issues']): BenchmarkFormErrors {
  return fieldErrorsOf(
    issues,
    (segments) => fieldOfPath[segments.slice(0, 2).join('.')] ?? fieldOfPath[segments[0]],
  );
}

export type BenchmarkFormValidation =
  { ok: true; options: BenchmarkOptions } | { ok: false; errors: BenchmarkFormErrors };

/**
 * Validates with the API's own `benchmarks.start` schema, so the form refuses exactly what the
 * backend would (the backend also checks that the files exist). Empty optional fields are left out.
 */
export function validateBenchmarkForm(values: BenchmarkFormValues): BenchmarkFormValidation {
  const errors: BenchmarkFormErrors = {};
  const number = (field: 'limit' | 'threshold' | 'masks' | 'seed') => {
    const text = values[field].trim();
    if (text === '') return undefined;
    const value = Number(text);
    if (!Number.isFinite(value)) errors[field] = 'Must be a number';
    return value;
  };
  const labelsCsv = values.labelsCsv.trim();
  const candidate = {
    dataset: { root: values.root, pairsCsv: values.pairsCsv, ...(labelsCsv ? { labelsCsv } : {}) },
    methods: values.methods,
    limit: number('limit'),
    model: values.model,
    threshold: number('threshold'),
    masks: number('masks'),
    seed: number('seed'),
  };
  const parsed = apiContract['benchmarks.start'].params.safeParse(candidate);
  if (parsed.success && Object.keys(errors).length === 0) return { ok: true, options: parsed.data };
  const schemaErrors = parsed.success ? {} : benchmarkFieldErrors(issuesOf(parsed.error));
  return { ok: false, errors: { ...schemaErrors, ...errors } };
}
