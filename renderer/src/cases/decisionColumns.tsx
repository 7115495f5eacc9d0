import Chip from '@mui/material/Chip';
import Typography from '@mui/material/Typography';
import type { Decision } from '../../../electron/common/api.js';
import type { RecordColumn } from '../components/RecordTable.js';
import { formatDateTime } from '../components/format.js';
import { conclusionLabels, roleLabels } from './labels.js';

/** Columns that every table of decisions shows the same way. */
export const decisionColumn = {
  role: { header: 'Role', cell: (decision) => roleLabels[decision.role] },
  conclusion: {
    header: 'Conclusion',
    cell: (decision) =>
      decision.conclusion === null ? (
        <Chip size="small" variant="outlined" label="Sealed until verified" />
      ) : (
        <Chip
          size="small"
          variant="outlined"
          color={decision.disagreement ? 'warning' : 'default'}
          label={`${conclusionLabels[decision.conclusion]}${decision.disagreement ? ' · disagrees' : ''}${
            decision.superseded ? ' · superseded' : ''
          }`}
        />
      ),
    nowrap: true,
  },
  rationale: {
    header: 'Rationale',
    cell: (decision) => (
      <Typography variant="body2" sx={{ whiteSpace: 'pre-wrap' }}>
        {decision.rationale}
      </Typography>
    ),
  },
  recorded: { header: 'Recorded', cell: (decision) => formatDateTime(decision.createdAt), nowrap: true },
} satisfies Record<string, RecordColumn<Decision>>;
