import { useState, type FormEvent } from 'react';
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import TextField from '@mui/material/TextField';
import LockOpenOutlinedIcon from '@mui/icons-material/LockOpenOutlined';
import { api } from '../api/client.js';
import { errorMessage } from '../../../electron/common/error-message.js';

/** A closed case is locked; this reopens it, with the reason the audit trail records. */
export function ReopenCaseButton({ caseId, onReopened }: { caseId: number; onReopened: () => void }) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  async function submit(event: FormEvent) {
    event.preventDefault();
    setSaving(true);
    setError(null);
    try {
      await api.call('cases.reopen', { id: caseId, reason });
      setOpen(false);
      onReopened();
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setSaving(false);
    }
  }
  return (
    <>
      <Button variant="outlined" startIcon={<LockOpenOutlinedIcon />} onClick={() => setOpen(true)}>
        Reopen case
      </Button>
      <Dialog open={open} onClose={() => setOpen(false)} aria-labelledby="reopen-case-title" fullWidth>
        <form onSubmit={(event) => void submit(event)} aria-label="Reopen case">
          <DialogTitle id="reopen-case-title">Reopen the closed case</DialogTitle>
          <DialogContent>
            <TextField
              label="Reason for reopening"
              value={reason}
              onChange={(event) => setReason(event.target.value)}
              required
              multiline
              minRows={2}
              fullWidth
              sx={{ mt: 1 }}
              helperText="Recorded in the audit trail with your account"
            />
            {error && (
              <Alert severity="error" role="alert" sx={{ mt: 2 }}>
                {error}
              </Alert>
            )}
          </DialogContent>
          <DialogActions>
            <Button onClick={() => setOpen(false)}>Cancel</Button>
            <Button type="submit" variant="contained" disabled={saving || reason.trim() === ''}>
              Reopen
            </Button>
          </DialogActions>
        </form>
      </Dialog>
    </>
  );
}
