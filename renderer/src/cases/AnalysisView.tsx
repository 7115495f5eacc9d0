import { memo } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import {
  xssabParametersSchema,
  xssabResultSchema,
  type Analysis,
  type XssabResult,
} from '../../../electron/common/api.js';
import { HashText } from '../components/HashText.js';
import { AnalysisLikelihoodRatio } from './AnalysisLikelihoodRatio.js';
import { ExplanationPanel } from './ExplanationPanel.js';
import { MapViewer } from './MapViewer.js';
import { formatScore } from './labels.js';

interface AnalysisViewProps {
  analysis: Analysis;
  /** Names of the pair's images A and B. */
  names: { a: string; b: string };
}

/** One xSSAB analysis: the model's score and decision, how it was reached, and the maps of both faces. */
export const AnalysisView = memo(function AnalysisView({ analysis, names }: AnalysisViewProps) {
  const parameters = xssabParametersSchema.safeParse(analysis.parameters);
  const result = xssabResultSchema.safeParse(analysis.result);
  const calibration = parameters.success ? parameters.data.calibration : null;

  return (
    <Box component="section" aria-label={`Analysis #${analysis.id}`} sx={{ display: 'grid', gap: 1.5 }}>
      <AnalysisLikelihoodRatio analysisId={analysis.id} />
      <Stack direction="row" spacing={1} sx={{ alignItems: 'center', flexWrap: 'wrap', rowGap: 1 }}>
        <Typography variant="body1">
          Score <strong>{formatScore(analysis.score)}</strong> vs threshold {formatScore(analysis.threshold)}
        </Typography>
        {result.success && (
          <Chip
            size="small"
            color={result.data.decision === 'match' ? 'success' : 'warning'}
            label={`Model decision: ${result.data.decision}`}
          />
        )}
        {calibration && (
          <Chip
            size="small"
            variant="outlined"
            label={`${calibration.provisional ? 'Provisional threshold' : 'Threshold'} (n = ${calibration.n})`}
            title={`${calibration.method} on ${calibration.dataset}`}
          />
        )}
      </Stack>
      {result.success && result.data.stability.nearBound > 0 && (
        <Alert severity="warning">
          {result.data.stability.nearBound} of {parameters.success ? parameters.data.dim : 'the'} dimensions
          lie within 10⁻⁴ of the split between supporting and opposing arguments: small changes of the input
          could move them to the other side, so read the maps with care.
        </Alert>
      )}
      {result.success &&
        result.data.warnings.map((warning) => (
          <Alert key={warning} severity="info">
            {warning}
          </Alert>
        ))}
      <Typography variant="body2" color="text.secondary" component="div">
        {analysis.modelName} · SHA-256{' '}
        <HashText hash={analysis.modelSha256} description={`SHA-256 of ${analysis.modelName}`} abbreviate /> ·
        provider {analysis.provider}
        {result.success &&
          ` · compared: ${describeFace('A', result.data.photos.a)}; ${describeFace('B', result.data.photos.b)}`}
      </Typography>
      {result.success ? (
        <>
          <MapViewer analysis={analysis} result={result.data} names={names} />
          <ExplanationPanel result={result.data} />
        </>
      ) : (
        <Alert severity="warning">
          This analysis has no readable result record; its maps cannot be shown.
        </Alert>
      )}
    </Box>
  );
});

function describeFace(side: string, photo: XssabResult['photos']['a']): string {
  if (photo.faceIndex === null) return `${side} at landmarks placed by hand`;
  return `${side} face ${photo.faceIndex + 1} of ${photo.faces}`;
}
