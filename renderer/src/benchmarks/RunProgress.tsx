import Box from '@mui/material/Box';
import LinearProgress from '@mui/material/LinearProgress';
import Typography from '@mui/material/Typography';
import type { BenchmarkRun } from '../../../electron/common/api.js';
import { progressText } from './labels.js';

/** A running run's bar: determinate once the pair count is known. */
export function RunProgress({ runId, progress }: { runId: number; progress: BenchmarkRun['progress'] }) {
  const percent = progress.total ? (100 * progress.done) / progress.total : null;
  return (
    <Box sx={{ minWidth: 180 }}>
      <LinearProgress
        variant={percent === null ? 'indeterminate' : 'determinate'}
        value={percent ?? undefined}
        aria-label={`Progress of run ${runId}`}
        aria-valuetext={`${progressText(progress)}: ${progress.stage}`}
      />
      <Typography variant="caption" color="text.secondary">
        {progressText(progress)} · {progress.stage}
      </Typography>
    </Box>
  );
}
