import { useCallback } from 'react';
import Box from '@mui/material/Box';
import Skeleton from '@mui/material/Skeleton';
import Typography from '@mui/material/Typography';
import type { BenchmarkSampleImage } from '../../../electron/common/api.js';
import { api } from '../api/client.js';
import { useObjectUrl } from '../components/useObjectUrl.js';

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
  const load = useCallback(
    () => api.call('benchmarks.asset', { runId, pairIndex, image }),
    [runId, pairIndex, image],
  );
  const { url, error } = useObjectUrl(load);

  if (error !== null) {
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
