import type { ReactNode } from 'react';
import Box from '@mui/material/Box';
import Typography from '@mui/material/Typography';
import { useTheme } from '@mui/material/styles';
import { LineChart, lineClasses } from '@mui/x-charts/LineChart';
import type { LrValidation } from '../../../electron/common/api.js';

const DASHED = ['calibrated', 'neutral'];

interface ChartProps {
  validation: LrValidation;
  /** What the LRs are, e.g. "cross-validated on the calibration set". */
  caption: string;
}

type Curve = LrValidation['tippett']['sameSource'];

/** A figure captioned and labelled by its title. */
function ChartFigure({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Box component="figure" sx={{ m: 0, minWidth: 0 }} aria-label={title}>
      <Typography component="figcaption" variant="subtitle2" sx={{ px: 1 }}>
        {title}
      </Typography>
      {children}
    </Box>
  );
}

/** Proportion of a class's LRs at or above x: the first listed value ≥ x carries it. */
function proportionAtLeast(curve: Curve, x: number): number {
  const index = curve.log10Lr.findIndex((value) => value >= x);
  return index === -1 ? 0 : curve.proportionAtLeast[index];
}

/**
 * Tippett plot: for each class, the proportion of LRs at or above each log10 LR. Both curves are
 * evaluated on the union of their values; with 'stepBefore' the value at x holds on the interval
 * up to x, so each curve drops just after each of its LRs.
 */
export function TippettChart({ validation, caption }: ChartProps) {
  const theme = useTheme();
  const { sameSource, differentSource } = validation.tippett;
  const values = [...sameSource.log10Lr, ...differentSource.log10Lr];
  const lo = Math.floor(Math.min(-1, ...values) - 0.5);
  const hi = Math.ceil(Math.max(1, ...values) + 0.5);
  const steps = [lo, ...[...new Set(values)].sort((a, b) => a - b), hi];
  const percent = (v: number | null) => (v === null ? '—' : `${(100 * v).toFixed(1)} %`);
  return (
    <ChartFigure title={`Tippett plot (${caption})`}>
      <LineChart
        height={300}
        skipAnimation
        xAxis={[{ data: steps, min: lo, max: hi, scaleType: 'linear', label: 'log10 LR' }]}
        yAxis={[{ min: 0, max: 1, label: 'Proportion of LRs ≥ x', width: 56 }]}
        series={[
          {
            id: 'same-source',
            data: steps.map((x) => proportionAtLeast(sameSource, x)),
            label: `Same source (${validation.performance.sameSource})`,
            showMark: false,
            curve: 'stepBefore',
            color: theme.palette.success.main,
            valueFormatter: percent,
          },
          {
            id: 'different-source',
            data: steps.map((x) => proportionAtLeast(differentSource, x)),
            label: `Different source (${validation.performance.differentSource})`,
            showMark: false,
            curve: 'stepBefore',
            color: theme.palette.error.main,
            valueFormatter: percent,
          },
        ]}
      />
    </ChartFigure>
  );
}

/** Empirical cross-entropy against the prior log10 odds: the LRs, after PAV, and LR = 1. */
export function EceChart({ validation, caption }: ChartProps) {
  const theme = useTheme();
  const { ece } = validation;
  const top = Math.ceil(Math.max(1, ...ece.system) * 10) / 10;
  const bits = (v: number | null) => (v === null ? '—' : `${v.toFixed(3)} bits`);
  return (
    <ChartFigure title={`ECE plot (${caption})`}>
      <LineChart
        height={300}
        skipAnimation
        xAxis={[{ data: ece.priorLog10Odds, scaleType: 'linear', label: 'Prior log10 odds of same source' }]}
        yAxis={[{ min: 0, max: top, label: 'Empirical cross-entropy (bits)', width: 56 }]}
        series={[
          {
            id: 'system',
            curve: 'linear',
            data: ece.system,
            label: 'LRs',
            showMark: false,
            color: theme.palette.error.main,
            valueFormatter: bits,
          },
          {
            id: 'calibrated',
            curve: 'linear',
            data: ece.calibrated,
            label: 'After PAV (dashed)',
            showMark: false,
            color: theme.palette.info.main,
            valueFormatter: bits,
          },
          {
            id: 'neutral',
            curve: 'linear',
            data: ece.neutral,
            label: 'LR = 1 (dashed)',
            showMark: false,
            color: theme.palette.text.secondary,
            valueFormatter: bits,
          },
        ]}
        sx={Object.fromEntries(
          DASHED.map((id) => [`& .${lineClasses.line}[data-series="${id}"]`, { strokeDasharray: '6 4' }]),
        )}
      />
    </ChartFigure>
  );
}
