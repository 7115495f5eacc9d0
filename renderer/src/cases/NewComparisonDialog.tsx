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
import type { EvidenceItem } from '../../../electron/common/api.js';
import { api } from '../api/client.js';
import { errorMessage } from '../../../electron/common/error-message.js';

interface NewComparisonDialogProps {
  caseId: number;
  evidence: EvidenceItem[];
  onClose: () => void;
  onCreated: () => void;
}

const optionLabel = (item: EvidenceItem) => `${item.originalName} · ${item.sha256.slice(0, 12)}…`;

/** Forms a pair of two evidence images of the case. Mount it only while it should be open. */
export function NewComparisonDialog({ caseId, evidence, onClose, onCreated }: NewComparisonDialogProps) {
  const [a, setA] = useState<number | ''>('');
  const [b, setB] = useState<number | ''>('');
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function create(event: FormEvent) {
    event.preventDefault();
    if (a === '' || b === '') return;
    setSaving(true);
    setError(null);
    try {
      await api.call('pairs.create', { caseId, evidenceAId: a, evidenceBId: b });
      onCreated();
    } catch (reason) {
      setError(errorMessage(reason));
      setSaving(false);
    }
  }

  const select = (label: string, value: number | '', onChange: (id: number) => void, other: number | '') => (
    <TextField
      select
      label={label}
      value={value}
      onChange={(event) => onChange(Number(event.target.value))}
      required
    >
      {evidence.map((item) => (
        <MenuItem key={item.id} value={item.id} disabled={item.id === other}>
          {optionLabel(item)}
        </MenuItem>
      ))}
    </TextField>
  );

  return (
    <Dialog open onClose={onClose} aria-labelledby="new-comparison-title" fullWidth maxWidth="sm">
      <form onSubmit={(event) => void create(event)} noValidate>
        <DialogTitle id="new-comparison-title">New comparison</DialogTitle>
        <DialogContent>
          <Stack spacing={2} sx={{ pt: 1 }}>
            {select('Image A', a, setA, b)}
            {select('Image B', b, setB, a)}
            {error && (
              <Alert severity="error" role="alert">
                {error}
              </Alert>
            )}
          </Stack>
        </DialogContent>
        <DialogActions>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="contained" disabled={a === '' || b === '' || saving}>
            Create pair
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
