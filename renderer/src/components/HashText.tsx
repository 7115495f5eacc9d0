import Box from '@mui/material/Box';
import { monospaceFontStack } from '../theme/theme.js';
import { CopyButton } from './CopyButton.js';

interface HashTextProps {
  hash: string;
  /** What the hash is of, for the copy button's accessible name, e.g. "SHA-256 of face.png". */
  description: string;
  /** Show only the first characters (the full value stays in the tooltip and the copy). */
  abbreviate?: boolean;
}

/** A hash in monospace, selectable, with a copy button. */
export function HashText({ hash, description, abbreviate = false }: HashTextProps) {
  return (
    <Box component="span" sx={{ display: 'inline-flex', alignItems: 'center', gap: 0.5 }}>
      <Box
        component="span"
        title={hash}
        sx={{
          fontFamily: monospaceFontStack,
          fontSize: '0.78rem',
          wordBreak: 'break-all',
          userSelect: 'all',
        }}
      >
        {abbreviate && hash.length > 16 ? `${hash.slice(0, 16)}…` : hash}
      </Box>
      {hash && <CopyButton value={hash} label={`Copy ${description}`} />}
    </Box>
  );
}
