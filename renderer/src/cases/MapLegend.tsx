import { useState, type MouseEvent } from 'react';
import Box from '@mui/material/Box';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import type { MapScale, ViewerMap } from '../../../electron/common/api.js';

/** As the map layers are drawn (native-models/xssab/overlay.ts): green for, red against. */
const GREEN = 'rgb(0, 200, 70)';
const RED = 'rgb(230, 30, 30)';

interface MapLegendProps {
  scale: MapScale;
  variant: ViewerMap;
}

const percent = (share: number) => `${Math.round(share * 100)} %`;

/**
 * The colour scale of the shown map kind, shared by A and B: in shares of its maximum (100 % is
 * the largest |value| of either map), with the raw value of any point under the pointer.
 */
export function MapLegend({ scale, variant: { palette, label } }: MapLegendProps) {
  const diverging = palette === 'diverging';
  const [hover, setHover] = useState<number | null>(null);
  const low = diverging ? -1 : 0;
  const onMove = (event: MouseEvent<HTMLElement>) => {
    const box = event.currentTarget.getBoundingClientRect();
    const t = Math.min(1, Math.max(0, (event.clientX - box.left) / box.width));
    setHover(low + t * (1 - low));
  };
  const gradient = diverging
    ? `linear-gradient(to right, ${RED}, rgba(128,128,128,0.15) 50%, ${GREEN})`
    : `linear-gradient(to right, rgba(128,128,128,0.15), ${palette === 'against' ? RED : GREEN})`;

  return (
    <Box
      component="figure"
      aria-label={`Colour scale of the ${label} maps`}
      sx={{ m: 0, width: 420 * 2 + 16 }}
    >
      <Box
        role="img"
        aria-label={`${diverging ? '−100 % to +100 %' : '0 to 100 %'} of ${scale.span.toExponential(2)}`}
        onMouseMove={onMove}
        onMouseLeave={() => setHover(null)}
        sx={{
          height: 18,
          borderRadius: 0.5,
          background: gradient,
          border: 1,
          borderColor: 'divider',
          cursor: 'crosshair',
        }}
      />
      <Stack direction="row" sx={{ justifyContent: 'space-between' }}>
        <Typography variant="body2">{diverging ? '−100 %' : '0'}</Typography>
        <Typography variant="body2">{diverging ? '0' : '50 %'}</Typography>
        <Typography variant="body2">{diverging ? '+100 %' : '100 %'}</Typography>
      </Stack>
      <Typography component="figcaption" variant="body2" color="text.secondary" aria-live="polite">
        {hover === null
          ? `Share of the largest value of this map kind in A or B; 100 % = ${scale.span.toExponential(2)} (gradient units). Point at the scale for raw values.`
          : `${percent(hover)} of the maximum = ${(hover * scale.span).toExponential(2)} (gradient units)`}
      </Typography>
    </Box>
  );
}
