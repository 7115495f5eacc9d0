import { useEffect, useState } from 'react';
import Box from '@mui/material/Box';
import type { EvidenceItem } from '../../../electron/common/api.js';
import { blobFromBase64 } from '../api/base64.js';
import { api } from '../api/client.js';

const size = 48;

/** Chromium cannot render TIFF; those rows show the format name instead of a picture. */
const displayableTypes = new Set<EvidenceItem['mediaType']>(['image/jpeg', 'image/png', 'image/webp']);

/**
 * A small preview of the stored evidence file, loaded through the API (which re-hashes it) and
 * shown from a blob: URL that is released when the row goes away.
 */
export function EvidenceThumbnail({ item }: { item: EvidenceItem }) {
  const [url, setUrl] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  const displayable = displayableTypes.has(item.mediaType);

  useEffect(() => {
    if (!displayable) return;
    let objectUrl: string | null = null;
    let current = true;
    api.call('evidence.read', { id: item.id }).then(
      (content) => {
        if (!current) return;
        objectUrl = URL.createObjectURL(blobFromBase64(content.dataBase64, content.mediaType));
        setUrl(objectUrl);
      },
      () => current && setFailed(true),
    );
    return () => {
      current = false;
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [item.id, displayable]);

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
