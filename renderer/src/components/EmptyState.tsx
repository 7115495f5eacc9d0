import type { ReactNode } from 'react';
import Box from '@mui/material/Box';
import Typography from '@mui/material/Typography';

interface EmptyStateProps {
  title: string;
  description?: string;
  action?: ReactNode;
}

/** What a section shows when the store holds nothing for it yet: says why, and what to do. */
export function EmptyState({ title, description, action }: EmptyStateProps) {
  return (
    <Box sx={{ py: 2.5, px: 2, textAlign: 'center' }}>
      <Typography variant="body1" sx={{ fontWeight: 600 }}>
        {title}
      </Typography>
      {description && (
        <Typography variant="body2" color="text.secondary" sx={{ mt: 0.5, maxWidth: 520, mx: 'auto' }}>
          {description}
        </Typography>
      )}
      {action && <Box sx={{ mt: 2 }}>{action}</Box>}
    </Box>
  );
}
