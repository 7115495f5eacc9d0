import { useEffect, useState } from 'react';
import Box from '@mui/material/Box';
import Skeleton from '@mui/material/Skeleton';
import Typography from '@mui/material/Typography';
import type { BenchmarkSampleImage } from '../../../electron/common/api.js';
import { api } from '../api/client.js';

interface BenchmarkImageProps {
  runId: number;
  pairIndex: number;
  image: BenchmarkSampleImage;
  alt: string;
  /** Displayed width in pixels (the PNGs are 224 pixels wide). */
  width: number;
}

/** One PNG of a sample pair, loaded through benchmarks.asset and shown from a blob: URL. */
export function BenchmarkImage({ runId, pairIndex, image, alt, width }: BenchmarkImageProps) {
  const [url, setUrl] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    let objectUrl: string | null = null;
    let current = true;
    api.call('benchmarks.asset', { runId, pairIndex, image }).then(
      ({ dataBase64, mediaType }) => {
        if (!current) return;
        const bytes = Uint8Array.from(atob(dataBase64), (char) => char.charCodeAt(0));
        objectUrl = URL.createObjectURL(new Blob([bytes], { type: mediaType }));
        setUrl(objectUrl);
      },
      () => current && setFailed(true),
    );
    return () => {
      current = false;
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [runId, pairIndex, image]);

  if (failed) {
    return (
      <Typography variant="caption" color="error" sx={{ display: 'block', width }}>
        Could not load: {alt}
      </Typography>
    );
  }
  if (!url) return <Skeleton variant="rectangular" width={width} height={width} />;
  return (
    <Box
      component="img"
      src={url}
      alt={alt}
      sx={{ width, height: 'auto', display: 'block', borderRadius: 1, imageRendering: 'pixelated' }}
    />
  );
}
