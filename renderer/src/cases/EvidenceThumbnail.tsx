import { useCallback } from 'react';
import Box from '@mui/material/Box';
import type { EvidenceItem } from '../../../electron/common/api.js';
import { api } from '../api/client.js';
import { useObjectUrl } from '../components/useObjectUrl.js';

const size = 48;

/** Chromium cannot render TIFF; those rows show the format name instead of a picture. */
const displayableTypes = new Set<EvidenceItem['mediaType']>(['image/jpeg', 'image/png', 'image/webp']);

/**
 * A small preview of the stored evidence file, loaded through the API (which re-hashes it) and
 * shown from a blob: URL that is released when the row goes away.
 */
export function EvidenceThumbnail({ item }: { item: EvidenceItem }) {
  const displayable = displayableTypes.has(item.mediaType);
  const load = useCallback(() => api.call('evidence.read', { id: item.id }), [item.id]);
  const { url, error } = useObjectUrl(displayable ? load : null);
  const failed = error !== null;

  const frame = {
    width: size,
    height: size,
    borderRadius: 1,
    border: 1,
    borderColor: 'divider',
    bgcolor: 'action.hover',
    display: 'flex',
    alignItems: 'center',
    justifyContent: 'center',
    overflow: 'hidden',
    fontSize: '0.65rem',
    color: 'text.secondary',
  } as const;

  if (!displayable || failed) {
    return <Box sx={frame}>{failed ? 'n/a' : item.mediaType.replace('image/', '').toUpperCase()}</Box>;
  }
  return (
    <Box sx={frame}>
      {url && (
        <Box
          component="img"
          src={url}
          alt={`Preview of ${item.originalName}`}
          sx={{ width: '100%', height: '100%', objectFit: 'cover' }}
        />
      )}
    </Box>
  );
}
