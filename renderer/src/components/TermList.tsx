import type { ReactNode } from 'react';
import Box from '@mui/material/Box';
import Typography from '@mui/material/Typography';
import type { SxProps, Theme } from '@mui/material/styles';

/** A definition list laid out as a grid, each term beside its value; `sx` sets its columns and padding. */
export function TermList({ rows, sx }: { rows: [string, ReactNode][]; sx: SxProps<Theme> }) {
  return (
    <Box component="dl" sx={[{ display: 'grid', gap: 1, m: 0 }, ...(Array.isArray(sx) ? sx : [sx])]}>
      {rows.map(([term, value]) => (
        <Box key={term} sx={{ display: 'contents' }}>
          <Typography component="dt" variant="body2" color="text.secondary">
            {term}
          </Typography>
          <Typography component="dd" variant="body2" sx={{ m: 0, overflowWrap: 'anywhere' }}>
            {value}
          </Typography>
        </Box>
      ))}
    </Box>
  );
}
