import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Typography from '@mui/material/Typography';
import { xssabArtifactRole, type Analysis, type XssabResult } from '../../../electron/common/api.js';
import {
  EXPLANATION_METHODS,
  MAP_VARIANT_METHOD,
  type MapVariant,
} from '../../../electron/common/explanations.js';
import { ArtifactImage } from './ArtifactImage.js';
import { RegionSummaryTable } from './RegionSummaryTable.js';

const IMAGE_WIDTH = 180;

/** The stored map a variant shows: by decision, the positive map of a match and the negative map of a non-match. */
function defaultMapRole(
  variant: MapVariant,
  decision: XssabResult['decision'],
): 'combined' | 'pos' | 'neg' | 'ig' {
  if (variant === 'decision') return decision === 'match' ? 'pos' : 'neg';
  return variant;
}

/**
 * Beside the xSSAB maps: how far the model's maps are validated, the validated default map
 * when it is not the published combined map (which stays in the table above), the
 * integrated-gradients map of both faces and the region summary of each.
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
      {validity && validity.defaultVariant !== 'combined' && (
        <Box component="section" aria-label="Default map" sx={{ display: 'flex', gap: 2, flexWrap: 'wrap' }}>
          {(['a', 'b'] as const).map((side) => (
            <ArtifactImage
              key={side}
              analysisId={analysis.id}
              role={xssabArtifactRole(side, defaultMapRole(validity.defaultVariant, result.decision), 'png')}
              alt={`Default map (${EXPLANATION_METHODS[MAP_VARIANT_METHOD[validity.defaultVariant]].label}) of ${side.toUpperCase()}`}
              width={IMAGE_WIDTH}
            />
          ))}
        </Box>
      )}
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
