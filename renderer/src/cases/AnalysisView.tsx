import { useState } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import Stack from '@mui/material/Stack';
import ToggleButton from '@mui/material/ToggleButton';
import ToggleButtonGroup from '@mui/material/ToggleButtonGroup';
import Typography from '@mui/material/Typography';
import {
  MAP_KINDS,
  xssabArtifactRole,
  xssabParametersSchema,
  xssabResultSchema,
  type Analysis,
  type MapKind,
} from '../../../electron/common/api.js';
import { HashText } from '../components/HashText.js';
import { AnalysisLikelihoodRatio } from './AnalysisLikelihoodRatio.js';
import { ArtifactImage } from './ArtifactImage.js';
import { ExplanationPanel } from './ExplanationPanel.js';
import { formatScore } from './labels.js';

const mapLabels: Record<MapKind, string> = {
  pos: 'Positive (for a match)',
  neg: 'Negative (against a match)',
  combined: 'Combined',
};

const IMAGE_WIDTH = 180;

interface AnalysisViewProps {
  analysis: Analysis;
  /** Names of the pair's images A and B. */
  names: { a: string; b: string };
}

/** One xSSAB analysis: the model's score and decision, how it was reached, and the maps of both faces. */
export function AnalysisView({ analysis, names }: AnalysisViewProps) {
  const [shown, setShown] = useState<MapKind[]>([...MAP_KINDS]);
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
          ` · faces found: ${result.data.photos.a.faces} in A, ${result.data.photos.b.faces} in B (largest compared)`}
      </Typography>
      <ToggleButtonGroup
        size="small"
        value={shown}
        onChange={(_, value: MapKind[]) => setShown(MAP_KINDS.filter((kind) => value.includes(kind)))}
        aria-label="Maps shown"
      >
        {MAP_KINDS.map((kind) => (
          <ToggleButton key={kind} value={kind}>
            {mapLabels[kind]}
          </ToggleButton>
        ))}
      </ToggleButtonGroup>
      <Box
        role="table"
        aria-label={`Maps of analysis #${analysis.id}`}
        sx={{
          display: 'grid',
          gridTemplateColumns: `140px repeat(${shown.length + 1}, ${IMAGE_WIDTH}px)`,
          gap: 1,
          alignItems: 'start',
          overflowX: 'auto',
        }}
      >
        <Box role="row" sx={{ display: 'contents' }}>
          <span role="columnheader" />
          <Typography role="columnheader" variant="caption" color="text.secondary">
            Aligned face
          </Typography>
          {shown.map((kind) => (
            <Typography key={kind} role="columnheader" variant="caption" color="text.secondary">
              {mapLabels[kind]}
            </Typography>
          ))}
        </Box>
        {(['a', 'b'] as const).map((side) => (
          <Box key={side} role="row" sx={{ display: 'contents' }}>
            <Typography role="rowheader" variant="body2" sx={{ fontWeight: 600, wordBreak: 'break-all' }}>
              {side.toUpperCase()}: {names[side]}
            </Typography>
            <Box role="cell">
              <ArtifactImage
                analysisId={analysis.id}
                role={xssabArtifactRole(side, 'crop', 'png')}
                alt={`Aligned face ${side.toUpperCase()}`}
                width={IMAGE_WIDTH}
              />
            </Box>
            {shown.map((kind) => (
              <Box key={kind} role="cell">
                <ArtifactImage
                  analysisId={analysis.id}
                  role={xssabArtifactRole(side, kind, 'png')}
                  alt={`${mapLabels[kind]} map of ${side.toUpperCase()}`}
                  width={IMAGE_WIDTH}
                />
              </Box>
            ))}
          </Box>
        ))}
      </Box>
      {result.success && <ExplanationPanel analysis={analysis} result={result.data} names={names} />}
    </Box>
  );
}
