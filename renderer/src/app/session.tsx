import { createContext, useCallback, useContext, useState, type FormEvent, type ReactNode } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import CircularProgress from '@mui/material/CircularProgress';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import MenuItem from '@mui/material/MenuItem';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import {
  ACCOUNT_ROLES,
  MIN_PASSPHRASE_LENGTH,
  type Account,
  type AccountRole,
} from '../../../electron/common/api.js';
import { api } from '../api/client.js';
import { useApiQuery } from '../api/useApiQuery.js';
import { errorMessage } from '../../../electron/common/error-message.js';

interface Session {
  account: Account;
  signOut: () => Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

/** The signed-in account; only inside SessionGate. */
export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession is used outside SessionGate');
  return session;
}

const errorText = (error: unknown) => errorMessage(error);

/**
 * Shows the workstation only to a signed-in examiner: the sign-in page otherwise, or the creation
 * of the first account on a new workstation. The session lives in the backend.
 */
export function SessionGate({ children }: { children: ReactNode }) {
  const { data: state, error, reload } = useApiQuery('accounts.current', {});
  const refresh = useCallback(async () => reload(), [reload]);
  const signOut = useCallback(async () => {
    await api.call('accounts.signOut', {});
    reload();
  }, [reload]);

  if (error) return <Alert severity="error">{error.message}</Alert>;
  if (!state) {
    return (
      <Box sx={{ display: 'grid', placeItems: 'center', minHeight: '100vh' }}>
        <CircularProgress aria-label="Loading" />
      </Box>
    );
  }
  if (!state.account) {
    return (
      <Box sx={{ display: 'grid', placeItems: 'center', minHeight: '100vh', p: 2 }}>
        <Paper variant="outlined" sx={{ p: 3, width: 420 }}>
          <Typography variant="h6" component="h1" gutterBottom>
            xSSAB Workstation
          </Typography>
          {state.accountsExist ? (
            <SignInForm onSignedIn={refresh} />
          ) : (
            <>
              <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
                This workstation has no examiner account yet. Create the first one; later accounts are created
                by a signed-in examiner.
              </Typography>
              <AccountForm submitLabel="Create account and sign in" signInAfter onDone={refresh} />
            </>
          )}
        </Paper>
      </Box>
    );
  }
  return (
    <SessionContext.Provider value={{ account: state.account, signOut }}>{children}</SessionContext.Provider>
  );
}

/** A form's submission: `run` keeps the form busy while its action runs, and shows its failure. */
function useSubmission() {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function run(action: () => Promise<void>) {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (caught) {
      setError(errorText(caught));
      setBusy(false);
    }
  }
  return { error, setError, busy, run };
}

/** The form's error, if any, and its submit button. */
function SubmitRow({
  error,
  busy,
  label,
  busyLabel,
}: {
  error: string | null;
  busy: boolean;
  label: string;
  busyLabel: string;
}) {
  return (
    <>
      {error && (
        <Alert severity="error" role="alert">
          {error}
        </Alert>
      )}
      <Button type="submit" variant="contained" disabled={busy}>
        {busy ? busyLabel : label}
      </Button>
    </>
  );
}

function SignInForm({ onSignedIn }: { onSignedIn: () => Promise<void> }) {
  const [name, setName] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const { error, busy, run } = useSubmission();
  async function submit(event: FormEvent) {
    event.preventDefault();
    await run(async () => {
      await api.call('accounts.signIn', { name, passphrase });
      await onSignedIn();
    });
  }
  return (
    <Stack component="form" spacing={2} onSubmit={(event) => void submit(event)} aria-label="Sign in">
      <TextField
        label="Account name"
        value={name}
        onChange={(e) => setName(e.target.value)}
        required
        autoFocus
      />
      <TextField
        label="Passphrase"
        type="password"
        value={passphrase}
        onChange={(e) => setPassphrase(e.target.value)}
        required
      />
      <SubmitRow error={error} busy={busy} label="Sign in" busyLabel="Signing in…" />
    </Stack>
  );
}

/** Creates an account (name, initials, role, passphrase twice); optionally signs it in. */
function AccountForm({
  submitLabel,
  signInAfter,
  onDone,
}: {
  submitLabel: string;
  signInAfter: boolean;
  onDone: () => Promise<void> | void;
}) {
  const [name, setName] = useState('');
  const [initials, setInitials] = useState('');
  const [role, setRole] = useState<AccountRole>('examiner');
  const [passphrase, setPassphrase] = useState('');
  const [repeated, setRepeated] = useState('');
  const { error, setError, busy, run } = useSubmission();
  async function submit(event: FormEvent) {
    event.preventDefault();
    if (passphrase !== repeated) {
      setError('The two passphrases differ.');
      return;
    }
    await run(async () => {
      await api.call('accounts.create', { name, initials, role, passphrase });
      if (signInAfter) await api.call('accounts.signIn', { name, passphrase });
      await onDone();
    });
  }
  return (
    <Stack component="form" spacing={2} onSubmit={(event) => void submit(event)} aria-label="New account">
      <TextField label="Full name" value={name} onChange={(e) => setName(e.target.value)} required />
      <Stack direction="row" spacing={2}>
        <TextField label="Initials" value={initials} onChange={(e) => setInitials(e.target.value)} required />
        <TextField select label="Role" value={role} onChange={(e) => setRole(e.target.value as AccountRole)}>
          {ACCOUNT_ROLES.map((value) => (
            <MenuItem key={value} value={value}>
              {value === 'examiner' ? 'Examiner' : 'Supervisor'}
            </MenuItem>
          ))}
        </TextField>
      </Stack>
      <TextField
        label="Passphrase"
        type="password"
        value={passphrase}
        onChange={(e) => setPassphrase(e.target.value)}
        helperText={`At least ${MIN_PASSPHRASE_LENGTH} characters; it protects the account's signing key and cannot be recovered`}
        required
      />
      <TextField
        label="Repeat passphrase"
        type="password"
        value={repeated}
        onChange={(e) => setRepeated(e.target.value)}
        required
      />
      <SubmitRow error={error} busy={busy} label={submitLabel} busyLabel="Creating…" />
    </Stack>
  );
}

/** The app bar's account controls: who is signed in, a new account, sign out. */
export function AccountControls() {
  const { account, signOut } = useSession();
  const [creating, setCreating] = useState(false);
  return (
    <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
      <Typography variant="body2" aria-label="Signed-in account">
        {account.name} ({account.initials})
      </Typography>
      <Button size="small" color="inherit" onClick={() => setCreating(true)}>
        New account
      </Button>
      <Button size="small" color="inherit" onClick={() => void signOut()}>
        Sign out
      </Button>
      <Dialog open={creating} onClose={() => setCreating(false)} aria-labelledby="new-account-title">
        <DialogTitle id="new-account-title">New examiner account</DialogTitle>
        <DialogContent>
          <Box sx={{ pt: 1 }}>
            <AccountForm submitLabel="Create account" signInAfter={false} onDone={() => setCreating(false)} />
          </Box>
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setCreating(false)}>Cancel</Button>
        </DialogActions>
      </Dialog>
    </Stack>
  );
}
