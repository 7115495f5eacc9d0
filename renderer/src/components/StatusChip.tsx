import Chip, { type ChipProps } from '@mui/material/Chip';

/** The status of a record (a case, a benchmark run) as a small outlined chip. */
export function StatusChip({ label, color }: { label: string; color: ChipProps['color'] }) {
  return <Chip size="small" variant="outlined" color={color} label={label} sx={{ fontWeight: 600 }} />;
}
