import { useCallback, useState } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import LinearProgress from '@mui/material/LinearProgress';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import type { BenchmarkRun } from '../../../electron/common/api.js';
import { api } from '../api/client.js';
import { useApiQuery } from '../api/useApiQuery.js';
import { navigate } from '../app/useHashRoute.js';
import { EmptyState } from '../components/EmptyState.js';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { formatDateTime } from '../components/format.js';
import { OpenableTableRow } from '../components/OpenableTableRow.js';
import { PageHeader } from '../components/PageHeader.js';
import { Section } from '../components/Section.js';
import { BenchmarkStartForm } from './BenchmarkStartForm.js';
import { BenchmarkStatusChip } from './BenchmarkStatusChip.js';
import { CurvesExplanation } from './CurvesExplanation.js';
import { methodLabels, progressText } from './labels.js';
import { RunProgress } from './RunProgress.js';
import { useBenchmarkEvents, type LiveProgress } from './useBenchmarkEvents.js';
import { errorMessage } from '../../../electron/common/error-message.js';

const openRun = (runId: number) => navigate({ section: 'benchmarks', itemId: String(runId) });

export function BenchmarkListPage() {
  const defaults = useApiQuery('benchmarks.defaults', {});
  const runs = useApiQuery('benchmarks.list', {});
  const live = useBenchmarkEvents(runs.reload);
  const [cancelError, setCancelError] = useState<string | null>(null);

  const { reload } = runs;
  const cancel = useCallback(
    async (runId: number) => {
      setCancelError(null);
      try {
        await api.call('benchmarks.cancel', { runId });
      } catch (error) {
        setCancelError(errorMessage(error));
      }
      reload();
    },
    [reload],
  );

  const list = runs.data?.runs;
  const busy = list?.some((run) => run.status === 'running') ?? false;
  return (
    <>
      <PageHeader
        title="Benchmarks"
        subtitle="Explanation validity: do a method’s maps point at the pixels that decide a comparison?"
      />
      <CurvesExplanation />
      <Section title="Start a run">
        {defaults.error && (
          <ErrorAlert title="Could not load the defaults" error={defaults.error} onRetry={defaults.reload} />
        )}
        {defaults.data && <BenchmarkStartForm defaults={defaults.data} busy={busy} onStarted={reload} />}
      </Section>
      <Section title="Runs" count={list?.length}>
        <Box sx={{ height: 4 }}>{runs.loading && <LinearProgress aria-label="Loading runs" />}</Box>
        {runs.error && <ErrorAlert title="Could not load the runs" error={runs.error} onRetry={reload} />}
        {cancelError && (
          <Alert severity="error" onClose={() => setCancelError(null)} sx={{ m: 2 }}>
            Could not cancel: {cancelError}
          </Alert>
        )}
        <TableContainer>
          <Table aria-label="Benchmark runs">
            <TableHead>
              <TableRow>
                <TableCell>Run</TableCell>
                <TableCell>Status</TableCell>
                <TableCell>Progress</TableCell>
                <TableCell>Model</TableCell>
                <TableCell>Methods</TableCell>
                <TableCell>Started</TableCell>
                <TableCell align="right">Actions</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {list?.map((run) => (
                <RunRow key={run.id} run={run} live={live.get(run.id)} onCancel={cancel} />
              ))}
            </TableBody>
          </Table>
        </TableContainer>
        {list?.length === 0 && (
          <EmptyState
            title="No benchmark runs yet"
            description="Start a small run above (a few pairs) to see the curves within minutes; larger runs give steadier curves."
          />
        )}
      </Section>
    </>
  );
}

interface RunRowProps {
  run: BenchmarkRun;
  /** Progress from events, newer than the listed row while the run goes. */
  live: LiveProgress | undefined;
  onCancel: (runId: number) => Promise<void>;
}

function RunRow({ run, live, onCancel }: RunRowProps) {
  const [cancelling, setCancelling] = useState(false);
  const progress = { ...run.progress, ...live };
  return (
    <OpenableTableRow onOpen={() => openRun(run.id)}>
      <TableCell sx={{ fontWeight: 600 }}>#{run.id}</TableCell>
      <TableCell>
        <BenchmarkStatusChip status={run.status} />
      </TableCell>
      <TableCell sx={{ width: 260 }}>
        {run.status === 'running' ? (
          <RunProgress runId={run.id} progress={progress} />
        ) : (
          <Box component="span" title={run.error ?? progress.stage}>
            {progressText(progress)}
          </Box>
        )}
      </TableCell>
      <TableCell sx={{ maxWidth: 220, overflowWrap: 'anywhere' }}>{run.options.model}</TableCell>
      <TableCell>{run.options.methods.map((m) => methodLabels[m]).join(', ')}</TableCell>
      <TableCell sx={{ whiteSpace: 'nowrap' }}>{formatDateTime(run.createdAt)}</TableCell>
      <TableCell align="right">
        {run.status === 'running' && (
          <Button
            size="small"
            color="warning"
            disabled={cancelling}
            aria-label={`Cancel run ${run.id}`}
            onClick={(event) => {
              event.stopPropagation();
              setCancelling(true);
              void onCancel(run.id).finally(() => setCancelling(false));
            }}
          >
            Cancel
          </Button>
        )}
      </TableCell>
    </OpenableTableRow>
  );
}
