import { memo, useState, type FormEvent } from 'react';
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import MenuItem from '@mui/material/MenuItem';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import {
  CONCLUSIONS,
  DECISION_ROLES,
  type Conclusion,
  type Decision,
  type DecisionRole,
} from '../../../electron/common/api.js';
import { api } from '../api/client.js';
import { useSession } from '../app/session.js';
import { ConfirmDialog } from '../components/ConfirmDialog.js';
import { conclusionLabels, roleLabels } from './labels.js';
import { errorMessage } from '../../../electron/common/error-message.js';

interface DecisionFormProps {
  pairId: number;
  /** The analysis the decision rests on, when the pair has one. */
  analysisId: number | null;
  /** The pair's decisions so far: the form offers verification once an examiner has decided. */
  decisions: Decision[];
  onRecorded: () => void;
}

/**
 * Records the signed-in account's conclusion on a pair: the examiner's, a second examiner's blind
 * verification of it, or a consultation after they disagreed; the backend signs it and enforces
 * the order and that the verifier is another account.
 */
export const DecisionForm = memo(function DecisionForm({
  pairId,
  analysisId,
  decisions,
  onRecorded,
}: DecisionFormProps) {
  const { account } = useSession();
  const current = decisions.find((decision) => decision.role === 'examiner' && !decision.superseded);
  const examined = current !== undefined;
  const disagreement = decisions.some((decision) => decision.disagreement);
  const [role, setRole] = useState<DecisionRole>(
    disagreement ? 'consultation' : examined ? 'verifier' : 'examiner',
  );
  // An examiner decision on a pair that has one amends it (the signed-in examiner's own).
  const supersedes = role === 'examiner' && current ? current.id : undefined;
  const [conclusion, setConclusion] = useState<Conclusion | ''>('');
  const [rationale, setRationale] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const [saving, setSaving] = useState(false);
  const [serverError, setServerError] = useState<string | null>(null);

  const missing = {
    conclusion: conclusion === '',
    rationale: rationale.trim() === '',
  };

  const [confirming, setConfirming] = useState(false);

  /** A complete form asks for confirmation first: a recorded decision cannot be changed. */
  function submit(event: FormEvent) {
    event.preventDefault();
    setSubmitted(true);
    setServerError(null);
    if (conclusion === '' || missing.rationale) return;
    setConfirming(true);
  }

  async function record() {
    if (conclusion === '') return;
    setSaving(true);
    try {
      await api.call('decisions.record', {
        pairId,
        ...(analysisId !== null && { analysisId }),
        role,
        ...(supersedes !== undefined && { supersedes }),
        conclusion,
        rationale,
      });
      // The parent remounts the form (keyed by the number of decisions), which clears it.
      onRecorded();
    } catch (error) {
      setServerError(errorMessage(error));
    } finally {
      setSaving(false);
    }
  }

  const label = {
    examiner: supersedes === undefined ? 'Record decision' : 'Record amended decision',
    verifier: 'Record verification',
    consultation: 'Record consultation',
  }[role];
  return (
    <Stack
      component="form"
      noValidate
      spacing={1.5}
      onSubmit={submit}
      aria-label={`Decision on pair #${pairId}`}
    >
      <Stack direction="row" spacing={1.5}>
        <TextField
          select
          label="Role"
          value={role}
          onChange={(event) => setRole(event.target.value as DecisionRole)}
          sx={{ width: 250 }}
        >
          {DECISION_ROLES.map((value) => (
            <MenuItem
              key={value}
              value={value}
              disabled={(value === 'verifier' && !examined) || (value === 'consultation' && !disagreement)}
            >
              {value === 'verifier' ? 'Verifier (second examiner)' : roleLabels[value]}
            </MenuItem>
          ))}
        </TextField>
        <TextField
          label="Signed by"
          value={`${account.name} (${account.initials})`}
          slotProps={{ input: { readOnly: true } }}
          sx={{ width: 240 }}
        />
        <TextField
          select
          label="Conclusion"
          value={conclusion}
          onChange={(event) => setConclusion(event.target.value as Conclusion)}
          required
          error={submitted && missing.conclusion}
          helperText={submitted && missing.conclusion ? 'Choose a level of the scale' : undefined}
          sx={{ flex: 1, minWidth: 260 }}
        >
          {CONCLUSIONS.map((value) => (
            <MenuItem key={value} value={value}>
              {conclusionLabels[value]}
            </MenuItem>
          ))}
        </TextField>
      </Stack>
      <TextField
        label="Rationale"
        value={rationale}
        onChange={(event) => setRationale(event.target.value)}
        required
        multiline
        minRows={2}
        error={submitted && missing.rationale}
        helperText={submitted && missing.rationale ? 'Give the reasons for the conclusion' : undefined}
      />
      {serverError && (
        <Alert severity="error" role="alert" onClose={() => setServerError(null)}>
          {serverError}
        </Alert>
      )}
      <div>
        <Button type="submit" variant="contained" disabled={saving}>
          {saving ? 'Recording…' : label}
        </Button>
      </div>
      <ConfirmDialog
        open={confirming}
        title={`${label}?`}
        confirmLabel={label}
        onConfirm={() => void record()}
        onClose={() => setConfirming(false)}
      >
        {account.name}: {conclusion === '' ? '' : conclusionLabels[conclusion]}. It is signed with your key
        and kept in the case record and its audit trail; it cannot be edited, only amended by a new decision.
      </ConfirmDialog>
    </Stack>
  );
});
