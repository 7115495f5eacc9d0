import Box from '@mui/material/Box';
import Typography from '@mui/material/Typography';
import { useTheme } from '@mui/material/styles';
import { LineChart, lineClasses } from '@mui/x-charts/LineChart';
import type { BenchmarkCurves, BenchmarkMethod } from '../../../electron/common/api.js';
import { methodLabels } from './labels.js';

const RANDOM_SERIES = 'random-replacement';
const ORACLE_SERIES = 'oracle';

interface CurveChartProps {
  curves: BenchmarkCurves;
  rate: 'fmr' | 'fnmr';
}

/**
 * One error rate against the share of pixels restored: best-worst per method; random replacement
 * (the floor) and the oracle that restores patch pixels first dashed.
 */
export function CurveChart({ curves, rate }: CurveChartProps) {
  const theme = useTheme();
  const methods = Object.keys(curves.methods) as BenchmarkMethod[];
  const first = methods.length > 0 ? curves.methods[methods[0]] : undefined;
  const name = rate === 'fmr' ? 'FMR' : 'FNMR';
  const pairs =
    rate === 'fmr' ? `${curves.pairs.impostor} impostor pairs` : `${curves.pairs.genuine} genuine pairs`;
  const title = `${name} at threshold ${curves.threshold.toFixed(3)} (${pairs})`;
  const measured = first?.random[rate].some((v) => v !== null) ?? false;

  return (
    <Box component="figure" sx={{ m: 0, minWidth: 0 }} aria-label={title}>
      <Typography component="figcaption" variant="subtitle2" sx={{ px: 1 }}>
        {title}
      </Typography>
      {first && measured ? (
        <LineChart
          height={320}
          skipAnimation
          xAxis={[
            {
              data: first.random.p,
              min: 0,
              max: 100,
              scaleType: 'linear',
              label: 'Pixels of patched A restored (%)',
            },
          ]}
          yAxis={[{ min: 0, max: 1, label: name, width: 56 }]}
          series={[
            ...methods.map((method) => ({
              id: method,
              data: curves.methods[method]!.best_worst[rate],
              label: `${methodLabels[method]} best-worst`,
              showMark: false,
              curve: 'linear' as const,
              valueFormatter: (v: number | null) => (v === null ? '—' : v.toFixed(3)),
            })),
            {
              id: RANDOM_SERIES,
              data: first.random[rate],
              label: 'Random replacement (dashed)',
              showMark: false,
              curve: 'linear' as const,
              color: theme.palette.text.secondary,
              valueFormatter: (v: number | null) => (v === null ? '—' : v.toFixed(3)),
            },
            {
              id: ORACLE_SERIES,
              data: curves.oracle[rate],
              label: 'Oracle: patch pixels first (dashed)',
              showMark: false,
              curve: 'linear' as const,
              color: theme.palette.text.primary,
              valueFormatter: (v: number | null) => (v === null ? '—' : v.toFixed(3)),
            },
          ]}
          sx={{
            [`& .${lineClasses.line}[data-series="${RANDOM_SERIES}"], & .${lineClasses.line}[data-series="${ORACLE_SERIES}"]`]:
              { strokeDasharray: '6 4' },
          }}
        />
      ) : (
        <Typography variant="body2" color="text.secondary" sx={{ p: 2 }}>
          No {rate === 'fmr' ? 'impostor' : 'genuine'} pair was benchmarked, so there is no {name} curve.
        </Typography>
      )}
    </Box>
  );
}
