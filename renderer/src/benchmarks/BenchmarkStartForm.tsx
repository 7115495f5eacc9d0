import { useState, type FormEvent } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import FormControl from '@mui/material/FormControl';
import FormControlLabel from '@mui/material/FormControlLabel';
import FormGroup from '@mui/material/FormGroup';
import FormHelperText from '@mui/material/FormHelperText';
import FormLabel from '@mui/material/FormLabel';
import TextField from '@mui/material/TextField';
import PlayArrowIcon from '@mui/icons-material/PlayArrow';
import { BENCHMARK_METHODS, type ApiResult, type BenchmarkMethod } from '../../../electron/common/api.js';
import { api, ApiCallError } from '../api/client.js';
import {
  benchmarkFieldErrors,
  emptyBenchmarkForm,
  validateBenchmarkForm,
  type BenchmarkFormErrors,
  type BenchmarkFormField,
  type BenchmarkFormValues,
} from './benchmarkForm.js';
import { methodDescriptions, methodLabels } from './labels.js';
import { errorMessage } from '../../../electron/common/error-message.js';

type Defaults = ApiResult<'benchmarks.defaults'>;

function initialValues(defaults: Defaults): BenchmarkFormValues {
  const model = defaults.models.find((m) => m.threshold !== null) ?? defaults.models[0];
  return {
    ...emptyBenchmarkForm,
    model: model?.id ?? '',
  };
}

interface BenchmarkStartFormProps {
  defaults: Defaults;
  /** A run is going: starting another would be refused. */
  busy: boolean;
  onStarted: (runId: number) => void;
}

/** Mount it once the defaults are known: it starts from them. */
export function BenchmarkStartForm({ defaults, busy, onStarted }: BenchmarkStartFormProps) {
  const [values, setValues] = useState(() => initialValues(defaults));
  const [fieldErrors, setFieldErrors] = useState<BenchmarkFormErrors>({});
  const [submitted, setSubmitted] = useState(false);
  const [serverError, setServerError] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);

  function update(next: BenchmarkFormValues) {
    setValues(next);
    if (submitted) {
      const validation = validateBenchmarkForm(next);
      setFieldErrors(validation.ok ? {} : validation.errors);
    }
  }

  function toggleMethod(method: BenchmarkMethod, checked: boolean) {
    const methods = BENCHMARK_METHODS.filter((m) => (m === method ? checked : values.methods.includes(m)));
    update({ ...values, methods });
  }

  async function start(event: FormEvent) {
    event.preventDefault();
    setSubmitted(true);
    setServerError(null);
    const validation = validateBenchmarkForm(values);
    if (!validation.ok) {
      setFieldErrors(validation.errors);
      return;
    }
    setFieldErrors({});
    setStarting(true);
    try {
      const { runId } = await api.call('benchmarks.start', validation.options);
      onStarted(runId);
    } catch (error) {
      if (error instanceof ApiCallError) setFieldErrors(benchmarkFieldErrors(error.issues));
      setServerError(errorMessage(error));
    } finally {
      setStarting(false);
    }
  }

  const selectedModel = defaults.models.find((m) => m.id === values.model.trim());
  const textField = (
    field: Exclude<BenchmarkFormField, 'methods'>,
    label: string,
    extra: { required?: boolean; helperText?: string; placeholder?: string; numeric?: boolean } = {},
  ) => (
    <TextField
      label={label}
      value={values[field]}
      onChange={(event) => update({ ...values, [field]: event.target.value })}
      error={Boolean(fieldErrors[field])}
      helperText={fieldErrors[field] ?? extra.helperText}
      required={extra.required}
      placeholder={extra.placeholder}
      slotProps={{
        htmlInput: {
          ...(extra.numeric ? { inputMode: 'decimal' } : {}),
          ...(field === 'model' ? { list: 'benchmark-models' } : {}),
        },
        inputLabel: extra.placeholder ? { shrink: true } : undefined,
      }}
      fullWidth
    />
  );

  // Offered, never filled in unasked: those are the workstation's own files, not the lab's data.
  const sample = defaults.dataset;
  return (
    <Box component="form" onSubmit={(event) => void start(event)} noValidate sx={{ p: 2 }}>
      {serverError && (
        <Alert severity="error" role="alert" sx={{ mb: 2 }}>
          {serverError}
        </Alert>
      )}
      {sample && (
        <Alert
          severity="info"
          sx={{ mb: 2 }}
          action={
            <Button
              size="small"
              onClick={() =>
                update({
                  ...values,
                  root: sample.root,
                  pairsCsv: sample.pairsCsv,
                  labelsCsv: sample.labelsCsv ?? '',
                })
              }
            >
              Use the sample faces
            </Button>
          }
        >
          Give the folder and pairs list of your dataset, or try the benchmark on the small sample set of
          faces that comes with the workstation.
        </Alert>
      )}
      <Box sx={{ display: 'grid', gap: 2, gridTemplateColumns: { xs: '1fr', md: '1fr 1fr 1fr' } }}>
        {textField('root', 'Dataset folder', {
          required: true,
          helperText: 'Image paths in the pairs list are relative to it',
        })}
        {textField('pairsCsv', 'Pairs list', { required: true, helperText: 'CSV a,b,same or LFW pairs.txt' })}
        {textField('labelsCsv', 'Identity labels (optional)', {
          helperText: 'CSV file,identity; without it, the folder names the identity',
        })}
        {textField('model', 'Model', {
          required: true,
          helperText: `Shipped model (${defaults.models.map((m) => m.id).join(', ') || 'none installed'}) or an .onnx path`,
        })}
        {textField('threshold', 'Threshold', {
          numeric: true,
          placeholder: 'equal-error threshold of the run',
          helperText:
            'Cosine score; empty: the equal-error threshold of the run’s unpatched pairs, as the protocol asks' +
            (selectedModel?.threshold != null
              ? ` (the model’s calibrated one is ${selectedModel.threshold.toFixed(4)})`
              : ''),
        })}
        {textField('limit', 'Pairs (limit)', {
          numeric: true,
          helperText: 'Alternately genuine and impostor; empty: all',
        })}
        {textField('masks', 'CorrRISE masks', { numeric: true, helperText: 'Occlusion masks per pair' })}
        {textField('seed', 'Seed', { numeric: true, helperText: 'Same seed, same patches and draws' })}
      </Box>
      <datalist id="benchmark-models">
        {defaults.models.map((m) => (
          <option key={m.id} value={m.id}>
            {m.name}
          </option>
        ))}
      </datalist>
      <FormControl component="fieldset" error={Boolean(fieldErrors.methods)} sx={{ mt: 2 }}>
        <FormLabel component="legend">Explanation methods</FormLabel>
        <FormGroup row>
          {BENCHMARK_METHODS.map((method) => (
            <FormControlLabel
              key={method}
              control={
                <Checkbox
                  checked={values.methods.includes(method)}
                  onChange={(event) => toggleMethod(method, event.target.checked)}
                />
              }
              label={methodLabels[method]}
              title={methodDescriptions[method]}
            />
          ))}
        </FormGroup>
        {fieldErrors.methods && <FormHelperText>{fieldErrors.methods}</FormHelperText>}
      </FormControl>
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 2, mt: 2 }}>
        <Button type="submit" variant="contained" startIcon={<PlayArrowIcon />} disabled={starting || busy}>
          {starting ? 'Starting…' : 'Start run'}
        </Button>
        {busy && (
          <FormHelperText sx={{ m: 0 }}>
            One run at a time: wait for the running one or cancel it.
          </FormHelperText>
        )}
      </Box>
    </Box>
  );
}
