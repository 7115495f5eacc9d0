import { useCallback, useEffect, useState, type ReactNode } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import MenuItem from '@mui/material/MenuItem';
import Skeleton from '@mui/material/Skeleton';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableRow from '@mui/material/TableRow';
import TextField from '@mui/material/TextField';
import ToggleButton from '@mui/material/ToggleButton';
import ToggleButtonGroup from '@mui/material/ToggleButtonGroup';
import Typography from '@mui/material/Typography';
import {
  EVIDENCE_ROLES,
  type ApiResult,
  type EvidenceItem,
  type EvidenceRole,
} from '../../../electron/common/api.js';
import { api } from '../api/client.js';
import { HashText } from '../components/HashText.js';
import { formatBytes, formatDateTime } from '../components/format.js';
import { useObjectUrl } from '../components/useObjectUrl.js';
import { errorMessage } from '../../../electron/common/error-message.js';

const roleLabels: Record<EvidenceRole, string> = { questioned: 'Questioned', reference: 'Reference' };

interface EvidenceViewerProps {
  item: EvidenceItem;
  onClose: () => void;
  onChanged: () => void;
}

/**
 * One evidence item at full size (fitted or at its own pixels), with what is recorded about it
 * (hash, size, import, role, integrity when the backend reports it) and what the file says about
 * itself (format, colour, EXIF tags).
 */
export function EvidenceViewer({ item, onClose, onChanged }: EvidenceViewerProps) {
  const load = useCallback(() => api.call('evidence.read', { id: item.id }), [item.id]);
  const image = useObjectUrl(load);
  const [size, setSize] = useState<'fit' | 'actual'>('fit');
  const [meta, setMeta] = useState<ApiResult<'evidence.metadata'> | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let current = true;
    api.call('evidence.metadata', { id: item.id }).then(
      (result) => current && setMeta(result),
      (reason: unknown) => current && setError(errorMessage(reason)),
    );
    return () => {
      current = false;
    };
  }, [item.id]);

  async function setRole(role: EvidenceRole | null) {
    setError(null);
    try {
      await api.call('evidence.setRole', { id: item.id, role });
      onChanged();
    } catch (reason) {
      setError(errorMessage(reason));
    }
  }

  // H2's integrity state, when the backend reports one.
  const integrity = 'integrity' in item ? String((item as { integrity: unknown }).integrity) : null;
  const rows: [string, ReactNode][] = [
    ['SHA-256', <HashText key="hash" hash={item.sha256} description={`SHA-256 of ${item.originalName}`} />],
    ['Size', `${formatBytes(item.byteSize)} (${item.byteSize.toLocaleString()} bytes), ${item.mediaType}`],
    ['Dimensions', item.width && item.height ? `${item.width} × ${item.height} px` : '—'],
    ['Imported', `${formatDateTime(item.importedAt)} by ${item.importedBy}`],
    ...(integrity ? [['Integrity', integrity] as [string, string]] : []),
    ...(meta
      ? ([
          ['Format', `${meta.format}, ${meta.channels} channels${meta.depth ? `, ${meta.depth}` : ''}`],
          [
            'Colour space',
            `${meta.space ?? 'not stated'}${meta.hasIccProfile ? ', ICC profile embedded' : ''}`,
          ],
          ['Resolution', meta.density ? `${meta.density} pixels per inch` : 'not stated'],
          ['EXIF orientation', meta.orientation ? String(meta.orientation) : 'not stated'],
        ] as [string, string][])
      : []),
  ];

  return (
    <Dialog open onClose={onClose} maxWidth="xl" fullWidth aria-labelledby="evidence-viewer-title">
      <DialogTitle id="evidence-viewer-title" sx={{ overflowWrap: 'anywhere' }}>
        Evidence #{item.id}: {item.originalName}
      </DialogTitle>
      <DialogContent
        sx={{ display: 'grid', gridTemplateColumns: 'minmax(0, 2fr) minmax(280px, 1fr)', gap: 2 }}
      >
        <Box sx={{ display: 'grid', gap: 1, alignContent: 'start' }}>
          <ToggleButtonGroup
            size="small"
            exclusive
            value={size}
            onChange={(_, value: 'fit' | 'actual' | null) => value && setSize(value)}
            aria-label="Picture size"
          >
            <ToggleButton value="fit">Fit</ToggleButton>
            <ToggleButton value="actual">Actual pixels</ToggleButton>
          </ToggleButtonGroup>
          <Box sx={{ overflow: 'auto', maxHeight: '70vh', bgcolor: 'grey.900', borderRadius: 1 }}>
            {image.url ? (
              <Box
                component="img"
                src={image.url}
                alt={`Evidence #${item.id} at full size`}
                sx={
                  size === 'fit'
                    ? { maxWidth: '100%', maxHeight: '70vh', display: 'block', mx: 'auto' }
                    : { display: 'block' }
                }
              />
            ) : image.error ? (
              <Alert severity="error">Could not load the picture: {image.error}</Alert>
            ) : (
              <Skeleton variant="rectangular" height={400} />
            )}
          </Box>
        </Box>
        <Box sx={{ display: 'grid', gap: 1.5, alignContent: 'start' }}>
          <TextField
            select
            size="small"
            label="Role in the case"
            value={item.role ?? ''}
            onChange={(event) =>
              void setRole(event.target.value === '' ? null : (event.target.value as EvidenceRole))
            }
          >
            <MenuItem value="">Not set</MenuItem>
            {EVIDENCE_ROLES.map((role) => (
              <MenuItem key={role} value={role}>
                {roleLabels[role]}
              </MenuItem>
            ))}
          </TextField>
          {error && <Alert severity="error">{error}</Alert>}
          <Table size="small" aria-label="Evidence details">
            <TableBody>
              {rows.map(([label, value]) => (
                <TableRow key={label}>
                  <TableCell component="th" scope="row" sx={{ fontWeight: 600, whiteSpace: 'nowrap' }}>
                    {label}
                  </TableCell>
                  <TableCell sx={{ overflowWrap: 'anywhere' }}>{value}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
          <Typography variant="subtitle2">EXIF</Typography>
          {meta && meta.exif.length === 0 && (
            <Typography variant="body2" color="text.secondary">
              The file carries no EXIF data.
            </Typography>
          )}
          {meta && meta.exif.length > 0 && (
            <Table size="small" aria-label="EXIF tags">
              <TableBody>
                {meta.exif.map(({ group, tag, value }) => (
                  <TableRow key={`${group}.${tag}`}>
                    <TableCell sx={{ whiteSpace: 'nowrap' }}>
                      {group} · {tag}
                    </TableCell>
                    <TableCell sx={{ overflowWrap: 'anywhere' }}>{value}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </Box>
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Close</Button>
      </DialogActions>
    </Dialog>
  );
}
