import { useId, type ReactNode } from 'react';
import Box from '@mui/material/Box';
import Paper from '@mui/material/Paper';
import Typography from '@mui/material/Typography';

interface SectionProps {
  title: string;
  /** Shown after the title, e.g. the number of rows. */
  count?: number;
  /** Controls at the right end of the section header. */
  actions?: ReactNode;
  children: ReactNode;
}

/** One titled block of a detail page; a landmark region named by its title. */
export function Section({ title, count, actions, children }: SectionProps) {
  const headingId = useId();
  return (
    <Paper component="section" aria-labelledby={headingId} sx={{ mb: 2, overflow: 'hidden' }}>
      <Box
        sx={{
          display: 'flex',
          alignItems: 'center',
          gap: 1,
          px: 2,
          py: 1,
          minHeight: 48,
          borderBottom: 1,
          borderColor: 'divider',
        }}
      >
        <Typography variant="h2" id={headingId} sx={{ flex: 1 }}>
          {title}
          {count !== undefined && (
            <Typography component="span" color="text.secondary" sx={{ ml: 1, fontWeight: 400 }}>
              ({count})
            </Typography>
          )}
        </Typography>
        {actions}
      </Box>
      {children}
    </Paper>
  );
}
