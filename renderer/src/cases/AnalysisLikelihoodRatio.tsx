import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import Link from '@mui/material/Link';
import Typography from '@mui/material/Typography';
import { formatLikelihoodRatio } from '../../../electron/common/likelihood-ratio.js';
import { useApiQuery } from '../api/useApiQuery.js';
import { routeToHash } from '../app/useHashRoute.js';

/**
 * The calibrated likelihood ratio of an analysis, first in the analysis: the LR and its log10,
 * the verbal equivalent, the calibration behind it with its Cllr, and what limits it (an ELUB
 * bound, a score outside the calibration data). Without a calibration of the model, says so.
 */
export function AnalysisLikelihoodRatio({ analysisId }: { analysisId: number }) {
  const query = useApiQuery('likelihoodRatios.get', { analysisId });
  if (query.error)
    return <Alert severity="error">Could not load the likelihood ratio: {query.error.message}</Alert>;
  if (!query.data) return null;
  const lr = query.data.likelihoodRatio;
  if (!lr) {
    return (
      <Typography variant="body2" color="text.secondary">
        No likelihood ratio: the model had no calibration when this analysis ran (see{' '}
        <Link href={routeToHash({ section: 'calibration', itemId: null })}>Calibration</Link>).
      </Typography>
    );
  }
  const { calibration } = lr;
  return (
    <Box aria-label="Likelihood ratio" role="group" sx={{ display: 'grid', gap: 1 }}>
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, flexWrap: 'wrap' }}>
        <Typography variant="h6" component="p">
          LR = {formatLikelihoodRatio(lr.log10Lr)}{' '}
          <Typography component="span" variant="body2" color="text.secondary">
            (log10 LR = {lr.log10Lr.toFixed(2)})
          </Typography>
        </Typography>
        <Chip
          size="small"
          variant="outlined"
          component="a"
          clickable
          href={routeToHash({ section: 'calibration', itemId: String(calibration.id) })}
          label={`Calibration #${calibration.id}: ${calibration.setName}, Cllr ${calibration.cllr.toFixed(3)} bits`}
          title={`${calibration.sameSource} same-source and ${calibration.differentSource} different-source pairs; Cllr_min ${calibration.cllrMin.toFixed(3)} bits`}
        />
      </Box>
      <Typography variant="body1">
        {lr.verbal.charAt(0).toUpperCase() + lr.verbal.slice(1)} (ENFSI scale).
      </Typography>
      {lr.bound && (
        <Alert severity="info">
          Limited to the calibration’s {lr.bound} bound (ELUB, LR{' '}
          {formatLikelihoodRatio(calibration.bounds.lowerLog10)} to{' '}
          {formatLikelihoodRatio(calibration.bounds.upperLog10)}): its{' '}
          {calibration.sameSource + calibration.differentSource} pairs cannot support a stronger LR.
        </Alert>
      )}
      {!lr.withinCalibrationRange && (
        <Alert severity="warning">
          The score {lr.score.toFixed(4)} lies outside the scores of the calibration set: the LR is
          extrapolated.
        </Alert>
      )}
    </Box>
  );
}
