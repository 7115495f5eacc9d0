import { useState, type FormEvent } from 'react';
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import MenuItem from '@mui/material/MenuItem';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import { CASE_STATUSES, type Case } from '../../../electron/common/api.js';
import { api, ApiCallError } from '../api/client.js';
import { caseStatusLabels } from './CaseStatusChip.js';
import {
  caseFormValuesOf,
  changedFields,
  emptyCaseForm,
  fieldErrorsFrom,
  validateCaseForm,
  type CaseFormErrors,
  type CaseFormField,
  type CaseFormValues,
} from './caseForm.js';
import { errorMessage } from '../../../electron/common/error-message.js';

interface CaseFormDialogProps {
  /** The case to edit; without it the dialog creates a new case. */
  existing?: Case;
  onClose: () => void;
  onSaved: (saved: Case) => void;
}

/** Create or edit a case. Mount it only while it should be open: it starts from fresh state. */
export function CaseFormDialog({ existing, onClose, onSaved }: CaseFormDialogProps) {
  const [values, setValues] = useState<CaseFormValues>(existing ? caseFormValuesOf(existing) : emptyCaseForm);
  const [fieldErrors, setFieldErrors] = useState<CaseFormErrors>({});
  const [submitted, setSubmitted] = useState(false);
  const [serverError, setServerError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  function update(field: CaseFormField, value: string) {
    const next = { ...values, [field]: value };
    setValues(next);
    // Once the user has tried to save, keep the messages in step with what they type.
    if (submitted) {
      const validation = validateCaseForm(next);
      setFieldErrors(validation.ok ? {} : validation.errors);
    }
  }

  async function save(event: FormEvent) {
    event.preventDefault();
    setSubmitted(true);
    setServerError(null);
    const validation = validateCaseForm(values);
    if (!validation.ok) {
      setFieldErrors(validation.errors);
      return;
    }
    setFieldErrors({});
    const changes = existing ? changedFields(existing, validation.values) : {};
    if (existing && Object.keys(changes).length === 0) {
      onClose();
      return;
    }
    setSaving(true);
    try {
      const saved = existing
        ? await api.call('cases.update', { id: existing.id, ...changes })
        : await api.call('cases.create', validation.values);
      onSaved(saved);
    } catch (error) {
      if (error instanceof ApiCallError) setFieldErrors(fieldErrorsFrom(error.issues));
      setServerError(errorMessage(error));
      setSaving(false);
    }
  }

  const textField = (
    field: CaseFormField,
    label: string,
    extra: { required?: boolean; multiline?: boolean; autoFocus?: boolean } = {},
  ) => (
    <TextField
      label={label}
      value={values[field]}
      onChange={(event) => update(field, event.target.value)}
      error={Boolean(fieldErrors[field])}
      helperText={fieldErrors[field]}
      required={extra.required}
      autoFocus={extra.autoFocus}
      multiline={extra.multiline}
      minRows={extra.multiline ? 3 : undefined}
      fullWidth
    />
  );

  const title = existing ? `Edit case ${existing.caseNumber}` : 'New case';
  return (
    <Dialog
      open
      onClose={saving ? undefined : onClose}
      fullWidth
      maxWidth="sm"
      aria-labelledby="case-form-title"
    >
      <form onSubmit={(event) => void save(event)} noValidate>
        <DialogTitle id="case-form-title">{title}</DialogTitle>
        <DialogContent>
          <Stack spacing={2} sx={{ pt: 1 }}>
            {serverError && (
              <Alert severity="error" role="alert">
                {serverError}
              </Alert>
            )}
            {textField('caseNumber', 'Case number', { required: true, autoFocus: true })}
            {textField('title', 'Title', { required: true })}
            {textField('requestingAgency', 'Requesting agency')}
            {textField('examiner', 'Examiner')}
            <TextField
              select
              label="Status"
              value={values.status}
              onChange={(event) => update('status', event.target.value)}
              fullWidth
            >
              {CASE_STATUSES.map((status) => (
                <MenuItem key={status} value={status}>
                  {caseStatusLabels[status]}
                </MenuItem>
              ))}
            </TextField>
            {textField('notes', 'Notes', { multiline: true })}
          </Stack>
        </DialogContent>
        <DialogActions sx={{ px: 3, pb: 2 }}>
          <Button onClick={onClose} disabled={saving}>
            Cancel
          </Button>
          <Button type="submit" variant="contained" disabled={saving}>
            {saving ? 'Saving…' : existing ? 'Save changes' : 'Create case'}
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
