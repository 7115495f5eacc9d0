import Chip, { type ChipProps } from '@mui/material/Chip';
import type { CaseStatus } from '../../../electron/common/api.js';

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
  return (
    <Chip
      size="small"
      variant="outlined"
      color={caseStatusColors[status]}
      label={caseStatusLabels[status]}
      sx={{ fontWeight: 600 }}
    />
  );
}
