import { useState, type FormEvent } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import LinearProgress from '@mui/material/LinearProgress';
import MenuItem from '@mui/material/MenuItem';
import TextField from '@mui/material/TextField';
import {
  LR_CALIBRATION_METHODS,
  type ApiResult,
  type LrCalibrationMethod,
} from '../../../electron/common/api.js';
import { api, ApiCallError } from '../api/client.js';
import { fieldErrorsOf } from '../components/fieldErrors.js';
import { methodLabels } from './labels.js';
import { errorMessage } from '../../../electron/common/error-message.js';

type Field = 'modelId' | 'pairsCsv' | 'root' | 'condition' | 'name';
const FIELDS: readonly string[] = ['modelId', 'pairsCsv', 'root', 'condition', 'name'];

interface CalibrationCreateFormProps {
  defaults: ApiResult<'benchmarks.defaults'>;
  onCreated: (calibrationId: number) => void;
}

/**
 * Scores a labelled set on the workstation (CSV and photo folder paths) with a model and fits a
 * calibration on it; the same as `xssab lr calibrate`. Mount it once the defaults are known.
 */
export function CalibrationCreateForm({ defaults, onCreated }: CalibrationCreateFormProps) {
  const [values, setValues] = useState({
    modelId: defaults.models[0]?.id ?? '',
    pairsCsv: '',
    root: defaults.dataset?.root ?? '',
    method: 'logistic' as LrCalibrationMethod,
    condition: '',
    name: '',
  });
  const [fieldErrors, setFieldErrors] = useState<Partial<Record<Field, string>>>({});
  const [error, setError] = useState<string | null>(null);
  const [running, setRunning] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setRunning(true);
    setError(null);
    setFieldErrors({});
    try {
      const created = await api.call('calibrations.create', {
        modelId: values.modelId,
        pairsCsv: values.pairsCsv,
        root: values.root,
        method: values.method,
        ...(values.condition.trim() && { condition: values.condition }),
        ...(values.name.trim() && { name: values.name }),
      });
      onCreated(created.id);
    } catch (failure) {
      const issues = failure instanceof ApiCallError ? failure.issues : undefined;
      const errors = fieldErrorsOf<Field>(issues, ([first]) =>
        FIELDS.includes(first) ? (first as Field) : undefined,
      );
      setFieldErrors(errors);
      if (Object.keys(errors).length === 0) setError(errorMessage(failure));
    } finally {
      setRunning(false);
    }
  }

  const text = (field: Field, label: string, helperText: string, required = true) => (
    <TextField
      label={label}
      value={values[field]}
      required={required}
      onChange={(event) => setValues({ ...values, [field]: event.target.value })}
      error={Boolean(fieldErrors[field])}
      helperText={fieldErrors[field] ?? helperText}
      size="small"
    />
  );

  return (
    <Box
      component="form"
      aria-label="Calibrate a model"
      onSubmit={(e) => void submit(e)}
      sx={{ p: 2 }}
      noValidate
    >
      <Box sx={{ display: 'grid', gridTemplateColumns: { xs: '1fr', md: '1fr 1fr 1fr' }, gap: 2 }}>
        <TextField
          select
          label="Model"
          value={values.modelId}
          onChange={(event) => setValues({ ...values, modelId: event.target.value })}
          error={Boolean(fieldErrors.modelId)}
          helperText={fieldErrors.modelId ?? 'Its scores are calibrated'}
          size="small"
        >
          {defaults.models.map((model) => (
            <MenuItem key={model.id} value={model.id}>
              {model.name}
            </MenuItem>
          ))}
        </TextField>
        {text('pairsCsv', 'Labelled pairs (CSV)', 'Columns a,b,same and optionally condition')}
        {text('root', 'Photo folder', 'The CSV’s photo paths are relative to it')}
        <TextField
          select
          label="Method"
          value={values.method}
          onChange={(event) => setValues({ ...values, method: event.target.value as LrCalibrationMethod })}
          helperText="How scores become likelihood ratios"
          size="small"
        >
          {LR_CALIBRATION_METHODS.map((method) => (
            <MenuItem key={method} value={method}>
              {methodLabels[method]}
            </MenuItem>
          ))}
        </TextField>
        {text('condition', 'Condition', 'Only the pairs with this tag; empty: all', false)}
        {text('name', 'Name', 'Shown in lists and reports; empty: the CSV path', false)}
      </Box>
      {error && (
        <Alert severity="error" sx={{ mt: 2 }}>
          {error}
        </Alert>
      )}
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 2, mt: 2 }}>
        <Button type="submit" variant="contained" disabled={running}>
          Score and calibrate
        </Button>
        {running && (
          <LinearProgress aria-label="Scoring the labelled pairs" sx={{ flex: 1, maxWidth: 320 }} />
        )}
      </Box>
    </Box>
  );
}
