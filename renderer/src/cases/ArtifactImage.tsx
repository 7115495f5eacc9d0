import { useEffect, useState } from 'react';
import Box from '@mui/material/Box';
import Skeleton from '@mui/material/Skeleton';
import Typography from '@mui/material/Typography';
import { api } from '../api/client.js';

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
  const [url, setUrl] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let objectUrl: string | null = null;
    let current = true;
    api.call('analyses.artifact', { analysisId, role }).then(
      ({ dataBase64, mediaType }) => {
        if (!current) return;
        const bytes = Uint8Array.from(atob(dataBase64), (char) => char.charCodeAt(0));
        objectUrl = URL.createObjectURL(new Blob([bytes], { type: mediaType }));
        setUrl(objectUrl);
      },
      (reason: unknown) => current && setError(reason instanceof Error ? reason.message : String(reason)),
    );
    return () => {
      current = false;
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [analysisId, role]);

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
