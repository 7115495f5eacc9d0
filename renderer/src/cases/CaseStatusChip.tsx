import type { ChipProps } from '@mui/material/Chip';
import type { CaseStatus } from '../../../electron/common/api.js';
import { StatusChip } from '../components/StatusChip.js';

export const caseStatusLabels: Record<CaseStatus, string> = {
  open: 'Open',
  in_review: 'In review',
  closed: 'Closed',
};

const caseStatusColors: Record<CaseStatus, ChipProps['color']> = {
  open: 'primary',
  in_review: 'warning',
  closed: 'default',
};

export function CaseStatusChip({ status }: { status: CaseStatus }) {
  return <StatusChip label={caseStatusLabels[status]} color={caseStatusColors[status]} />;
}
