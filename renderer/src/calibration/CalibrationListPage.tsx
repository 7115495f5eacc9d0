import Box from '@mui/material/Box';
import LinearProgress from '@mui/material/LinearProgress';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import { formatLikelihoodRatio } from '../../../electron/common/likelihood-ratio.js';
import { useApiQuery } from '../api/useApiQuery.js';
import { navigate } from '../app/useHashRoute.js';
import { EmptyState } from '../components/EmptyState.js';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { formatDateTime } from '../components/format.js';
import { OpenableTableRow } from '../components/OpenableTableRow.js';
import { PageHeader } from '../components/PageHeader.js';
import { Section } from '../components/Section.js';
import { CalibrationCreateForm } from './CalibrationCreateForm.js';
import { formatBits, methodLabels } from './labels.js';

const openCalibration = (id: number) => navigate({ section: 'calibration', itemId: String(id) });

export function CalibrationListPage() {
  const query = useApiQuery('calibrations.list', {});
  const defaults = useApiQuery('benchmarks.defaults', {});
  const list = query.data?.calibrations;
  return (
    <>
      <PageHeader
        title="Calibration"
        subtitle="Score → likelihood-ratio calibrations of each model on the lab’s labelled image pairs, with their validation."
      />
      <Section title="Calibrate a model">
        {defaults.error && (
          <ErrorAlert title="Could not load the models" error={defaults.error} onRetry={defaults.reload} />
        )}
        {defaults.data && <CalibrationCreateForm defaults={defaults.data} onCreated={openCalibration} />}
      </Section>
      <Section title="Calibrations" count={list?.length}>
        <Box sx={{ height: 4 }}>{query.loading && <LinearProgress aria-label="Loading calibrations" />}</Box>
        {query.error && (
          <ErrorAlert title="Could not load the calibrations" error={query.error} onRetry={query.reload} />
        )}
        <TableContainer>
          <Table aria-label="Calibrations">
            <TableHead>
              <TableRow>
                <TableCell>Calibration</TableCell>
                <TableCell>Model</TableCell>
                <TableCell>Method</TableCell>
                <TableCell>Calibration set</TableCell>
                <TableCell align="right">Pairs (same / different)</TableCell>
                <TableCell align="right">Cllr</TableCell>
                <TableCell align="right">Cllr_min</TableCell>
                <TableCell>LR bounds</TableCell>
                <TableCell>Fitted</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {list?.map((c) => (
                <OpenableTableRow key={c.id} onOpen={() => openCalibration(c.id)}>
                  <TableCell sx={{ fontWeight: 600 }}>#{c.id}</TableCell>
                  <TableCell>{c.modelId}</TableCell>
                  <TableCell>
                    {methodLabels[c.method]}
                    {c.condition !== null && ` (${c.condition})`}
                  </TableCell>
                  <TableCell sx={{ maxWidth: 260, overflowWrap: 'anywhere' }}>{c.setName}</TableCell>
                  <TableCell align="right">
                    {c.sameSource} / {c.differentSource}
                  </TableCell>
                  <TableCell align="right">{formatBits(c.cllr)}</TableCell>
                  <TableCell align="right">{formatBits(c.cllrMin)}</TableCell>
                  <TableCell sx={{ whiteSpace: 'nowrap' }}>
                    {formatLikelihoodRatio(c.bounds.lowerLog10)} to{' '}
                    {formatLikelihoodRatio(c.bounds.upperLog10)}
                  </TableCell>
                  <TableCell sx={{ whiteSpace: 'nowrap' }}>{formatDateTime(c.createdAt)}</TableCell>
                </OpenableTableRow>
              ))}
            </TableBody>
          </Table>
        </TableContainer>
        {list?.length === 0 && (
          <EmptyState
            title="No calibrations yet"
            description="Score the lab’s own labelled image pairs above (or with `xssab lr calibrate`); analyses with that model then state a likelihood ratio."
          />
        )}
      </Section>
    </>
  );
}
