import type { ChipProps } from '@mui/material/Chip';
import type { BenchmarkRunStatus } from '../../../electron/common/api.js';
import { StatusChip } from '../components/StatusChip.js';

const runStatusLabels: Record<BenchmarkRunStatus, string> = {
  running: 'Running',
  finished: 'Finished',
  cancelled: 'Cancelled',
  failed: 'Failed',
};

const runStatusColors: Record<BenchmarkRunStatus, ChipProps['color']> = {
  running: 'primary',
  finished: 'success',
  cancelled: 'default',
  failed: 'error',
};

export function BenchmarkStatusChip({ status }: { status: BenchmarkRunStatus }) {
  return <StatusChip label={runStatusLabels[status]} color={runStatusColors[status]} />;
}
