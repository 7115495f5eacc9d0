import { useCallback } from 'react';
import Box from '@mui/material/Box';
import Skeleton from '@mui/material/Skeleton';
import Typography from '@mui/material/Typography';
import { api } from '../api/client.js';
import { useObjectUrl } from '../components/useObjectUrl.js';

interface ArtifactImageProps {
  analysisId: number;
  /** The artifact's role, e.g. 'a.pos.png'. */
  role: string;
  alt: string;
  /** Displayed width in pixels. */
  width: number;
}

/** A PNG artifact of an analysis, loaded through analyses.artifact (which re-hashes it), from a blob: URL. */
export function ArtifactImage({ analysisId, role, alt, width }: ArtifactImageProps) {
  const load = useCallback(() => api.call('analyses.artifact', { analysisId, role }), [analysisId, role]);
  const { url, error } = useObjectUrl(load);

  if (error) {
    return (
      <Typography variant="caption" color="error" role="alert" sx={{ display: 'block', width }}>
        Could not load {alt}: {error}
      </Typography>
    );
  }
  if (!url) return <Skeleton variant="rectangular" width={width} height={width} />;
  return (
    <Box
      component="img"
      src={url}
      alt={alt}
      sx={{ width, height: 'auto', display: 'block', borderRadius: 1 }}
    />
  );
}
