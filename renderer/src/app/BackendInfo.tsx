import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import StorageOutlinedIcon from '@mui/icons-material/StorageOutlined';
import type { ApiResult } from '../../../electron/common/api.js';
import { useApiQuery } from '../api/useApiQuery.js';
import { monospaceFontStack } from '../theme/theme.js';

const transportLabels: Record<ApiResult<'app.info'>['transport'], string> = {
  ipc: 'Desktop',
  http: 'Browser mode',
  cli: 'Command line',
};

/** Where the data lives and how this window talks to the backend, so nobody works in the wrong store. */
export function BackendInfo() {
  const { data, error } = useApiQuery('app.info', {});
  if (error) return <Chip size="small" color="error" label={`Backend unavailable: ${error.message}`} />;
  if (!data) return null;
  return (
    <Box sx={{ display: 'flex', alignItems: 'center', gap: 1.5, minWidth: 0 }}>
      <Tooltip title={`Data folder: ${data.dataDir}`}>
        <Box
          tabIndex={0}
          aria-label={`Data folder ${data.dataDir}`}
          sx={{ display: 'flex', alignItems: 'center', gap: 0.5, minWidth: 0, color: 'text.secondary' }}
        >
          <StorageOutlinedIcon fontSize="small" />
          <Typography
            variant="body2"
            noWrap
            sx={{ fontFamily: monospaceFontStack, fontSize: '0.78rem', maxWidth: 360 }}
          >
            {data.dataDir}
          </Typography>
        </Box>
      </Tooltip>
      <Chip size="small" variant="outlined" label={transportLabels[data.transport]} />
      <Typography variant="body2" color="text.secondary" noWrap>
        {data.defaultActor} · v{data.version}
      </Typography>
    </Box>
  );
}
