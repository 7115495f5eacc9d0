import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import type { XssabResult } from '../../../electron/common/api.js';
import { EXPLANATION_METHODS, MAP_VARIANT_METHOD } from '../../../electron/common/explanations.js';
import { RegionSummaryTable } from './RegionSummaryTable.js';

/**
 * Beside the map viewer: how far the model's maps are validated (the viewer opens on the
 * validated default map) and the region summary of each face's integrated-gradients map.
 */
export function ExplanationPanel({ result }: { result: XssabResult }) {
  const validity = result.explanations;
  const { regions } = result;
  return (
    <Box sx={{ display: 'grid', gap: 1.5 }}>
      <Alert severity={validity?.validated ? 'info' : 'warning'} aria-label="Explanation validity">
        {validity
          ? `Default map: ${EXPLANATION_METHODS[MAP_VARIANT_METHOD[validity.defaultVariant]].label}. ${validity.statement}`
          : 'Explanations not validated: this analysis was made before models carried a validation record.'}
      </Alert>
      {regions && (
        <Box sx={{ display: 'grid', gridTemplateColumns: { xs: '1fr', md: '1fr 1fr' }, gap: 2 }}>
          {(['a', 'b'] as const).map((side) => (
            <RegionSummaryTable
              key={side}
              label={`Regions of ${side.toUpperCase()} (integrated gradients)`}
              rows={regions[side]}
            />
          ))}
        </Box>
      )}
    </Box>
  );
}
