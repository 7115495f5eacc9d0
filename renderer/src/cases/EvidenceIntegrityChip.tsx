import Chip from '@mui/material/Chip';
import CircularProgress from '@mui/material/CircularProgress';
import Tooltip from '@mui/material/Tooltip';
import GppBadOutlinedIcon from '@mui/icons-material/GppBadOutlined';
import VerifiedUserOutlinedIcon from '@mui/icons-material/VerifiedUserOutlined';
import type { ApiResult } from '../../../electron/common/api.js';
import type { ApiQuery } from '../api/useApiQuery.js';
import { formatPreciseDateTime } from '../components/format.js';

interface EvidenceIntegrityChipProps {
  evidenceId: number;
  query: ApiQuery<ApiResult<'evidence.verify'>>;
}

/** Whether the stored file of one evidence item still hashes to its recorded SHA-256. */
export function EvidenceIntegrityChip({ evidenceId, query }: EvidenceIntegrityChipProps) {
  const { data, error } = query;
  if (error)
    return <Chip size="small" color="error" variant="outlined" label={`Not checked: ${error.message}`} />;
  const found = data?.items.find((item) => item.evidenceId === evidenceId);
  if (!found) {
    return (
      <Chip
        size="small"
        variant="outlined"
        icon={<CircularProgress size={12} aria-hidden />}
        label="Checking…"
      />
    );
  }
  const checked = `checked ${formatPreciseDateTime(found.checkedAt)}`;
  if (found.state === 'verified') {
    return (
      <Tooltip title={`The stored file still hashes to its recorded SHA-256 (${checked}).`}>
        <Chip
          size="small"
          color="success"
          variant="outlined"
          icon={<VerifiedUserOutlinedIcon />}
          label="Verified"
          tabIndex={0}
        />
      </Tooltip>
    );
  }
  return (
    <Tooltip
      title={`${
        found.state === 'missing'
          ? 'The stored file is gone from the data folder'
          : 'The stored file no longer matches its recorded SHA-256'
      }; it is refused by every comparison and report (${checked}).`}
    >
      <Chip
        size="small"
        color="error"
        icon={<GppBadOutlinedIcon />}
        label={found.state === 'missing' ? 'Missing' : 'Modified'}
        tabIndex={0}
      />
    </Tooltip>
  );
}
