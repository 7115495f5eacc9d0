import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Typography from '@mui/material/Typography';
import { xssabArtifactRole, type Analysis, type XssabResult } from '../../../electron/common/api.js';
import { EXPLANATION_METHODS, MAP_VARIANT_METHOD } from '../../../electron/common/explanations.js';
import { ArtifactImage } from './ArtifactImage.js';
import { RegionSummaryTable } from './RegionSummaryTable.js';

const IMAGE_WIDTH = 180;

/**
 * Beside the xSSAB maps: how far the model's maps are validated, the integrated-gradients map of
 * both faces and the region summary of each.
 */
export function ExplanationPanel({
  analysis,
  result,
  names,
}: {
  analysis: Analysis;
  result: XssabResult;
  names: { a: string; b: string };
}) {
  const validity = result.explanations;
  const hasIg = analysis.artifacts.some((x) => x.role === xssabArtifactRole('a', 'ig', 'png'));
  return (
    <Box sx={{ display: 'grid', gap: 1.5 }}>
      <Alert severity={validity?.validated ? 'info' : 'warning'} aria-label="Explanation validity">
        {validity
          ? `Default map: ${EXPLANATION_METHODS[MAP_VARIANT_METHOD[validity.defaultVariant]].label}. ${validity.statement}`
          : 'Explanations not validated: this analysis was made before models carried a validation record.'}
      </Alert>
      {hasIg && result.regions && (
        <Box sx={{ display: 'grid', gridTemplateColumns: { xs: '1fr', md: '1fr 1fr' }, gap: 2 }}>
          {(['a', 'b'] as const).map((side) => (
            <Box key={side} component="section" aria-label={`Integrated gradients of ${side.toUpperCase()}`}>
              <Typography variant="subtitle2" sx={{ wordBreak: 'break-all' }}>
                {side.toUpperCase()}: {names[side]} — integrated gradients (green for a match, red against)
              </Typography>
              <ArtifactImage
                analysisId={analysis.id}
                role={xssabArtifactRole(side, 'ig', 'png')}
                alt={`Integrated-gradients map of ${side.toUpperCase()}`}
                width={IMAGE_WIDTH}
              />
              <RegionSummaryTable label={`Regions of ${side.toUpperCase()}`} rows={result.regions![side]} />
            </Box>
          ))}
        </Box>
      )}
    </Box>
  );
}
