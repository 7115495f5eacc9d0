import { memo, useEffect, useMemo, useRef, useState, type ChangeEvent } from 'react';
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import UploadFileOutlinedIcon from '@mui/icons-material/UploadFileOutlined';
import {
  EVIDENCE_MEDIA_TYPES,
  MAX_EVIDENCE_BYTES,
  type ApiResult,
  type EvidenceItem,
} from '../../../electron/common/api.js';
import { api } from '../api/client.js';
import type { ApiQuery } from '../api/useApiQuery.js';
import { EmptyState } from '../components/EmptyState.js';
import { formatBytes, formatDateTime } from '../components/format.js';
import { HashText } from '../components/HashText.js';
import { RecordTable, type RecordColumn } from '../components/RecordTable.js';
import { Section } from '../components/Section.js';
import { EvidenceIntegrityChip } from './EvidenceIntegrityChip.js';
import { EvidenceThumbnail } from './EvidenceThumbnail.js';
import { EvidenceViewer } from './EvidenceViewer.js';
import { readFileAsBase64 } from './readFileAsBase64.js';
import { errorMessage } from '../../../electron/common/error-message.js';

interface EvidenceSectionProps {
  caseId: number;
  evidence: EvidenceItem[];
  /** The stored files re-hashed (evidence.verify), refreshed with the case. */
  integrity: ApiQuery<ApiResult<'evidence.verify'>>;
  onImported: () => void;
}

interface ImportOutcome {
  imported: string[];
  failures: { fileName: string; message: string }[];
}

const evidenceColumns = (
  integrity: EvidenceSectionProps['integrity'],
  view: (item: EvidenceItem) => void,
): RecordColumn<EvidenceItem>[] => [
  { header: '#', cell: (item) => item.id },
  { header: 'Preview', cell: (item) => <EvidenceThumbnail item={item} /> },
  {
    header: 'Original name',
    cell: (item) => (
      <Typography variant="body2" sx={{ fontWeight: 600, wordBreak: 'break-all' }}>
        {item.originalName}
      </Typography>
    ),
  },
  {
    header: 'SHA-256',
    cell: (item) => <HashText hash={item.sha256} description={`SHA-256 of ${item.originalName}`} />,
  },
  {
    header: 'Integrity',
    cell: (item) => <EvidenceIntegrityChip evidenceId={item.id} query={integrity} />,
    nowrap: true,
  },
  { header: 'Type', cell: (item) => item.mediaType, nowrap: true },
  {
    header: 'Dimensions',
    cell: (item) => (item.width && item.height ? `${item.width} × ${item.height} px` : '—'),
    nowrap: true,
  },
  { header: 'Size', cell: (item) => formatBytes(item.byteSize), align: 'right', nowrap: true },
  {
    header: 'Imported',
    cell: (item) => (
      <>
        {formatDateTime(item.importedAt)}
        <Typography variant="caption" color="text.secondary" component="div">
          by {item.importedBy}
        </Typography>
      </>
    ),
    nowrap: true,
  },
  { header: 'Role', cell: (item) => (item.role ? roleNames[item.role] : '—'), nowrap: true },
  {
    header: '',
    cell: (item) => (
      <Button size="small" onClick={() => view(item)} aria-label={`View evidence #${item.id}`}>
        View
      </Button>
    ),
  },
];

const SUCCESS_SHOWN_MS = 6000;

const roleNames = { questioned: 'Questioned', reference: 'Reference' } as const;

const acceptedTypes = new Set<string>(EVIDENCE_MEDIA_TYPES);

/** Checks the browser can do cheaply; the backend still checks the bytes themselves. */
function rejectionReason(file: File): string | null {
  if (!acceptedTypes.has(file.type)) return 'only JPEG, PNG, WebP and TIFF images can be imported';
  if (file.size > MAX_EVIDENCE_BYTES) return `larger than the ${formatBytes(MAX_EVIDENCE_BYTES)} limit`;
  return null;
}

async function importFiles(caseId: number, files: File[]): Promise<ImportOutcome> {
  const outcome: ImportOutcome = { imported: [], failures: [] };
  for (const file of files) {
    const reason = rejectionReason(file);
    if (reason) {
      outcome.failures.push({ fileName: file.name, message: reason });
      continue;
    }
    try {
      const dataBase64 = await readFileAsBase64(file);
      await api.call('evidence.import', { caseId, fileName: file.name, dataBase64 });
      outcome.imported.push(file.name);
    } catch (error) {
      outcome.failures.push({
        fileName: file.name,
        message: errorMessage(error),
      });
    }
  }
  return outcome;
}

export const EvidenceSection = memo(function EvidenceSection({
  caseId,
  evidence,
  integrity,
  onImported,
}: EvidenceSectionProps) {
  const fileInput = useRef<HTMLInputElement>(null);
  const [importing, setImporting] = useState(false);
  const [outcome, setOutcome] = useState<ImportOutcome | null>(null);
  const [viewing, setViewing] = useState<number | null>(null);
  // A report of success clears itself; failures stay until dismissed.
  useEffect(() => {
    if (!outcome || outcome.failures.length > 0) return;
    const timer = setTimeout(() => setOutcome(null), SUCCESS_SHOWN_MS);
    return () => clearTimeout(timer);
  }, [outcome]);
  const viewed = evidence.find((item) => item.id === viewing);
  const columns = useMemo(() => evidenceColumns(integrity, (item) => setViewing(item.id)), [integrity]);

  async function onFilesChosen(event: ChangeEvent<HTMLInputElement>) {
    const files = Array.from(event.target.files ?? []);
    event.target.value = '';
    if (files.length === 0) return;
    setImporting(true);
    setOutcome(null);
    const result = await importFiles(caseId, files);
    setImporting(false);
    setOutcome(result);
    if (result.imported.length > 0) onImported();
  }

  return (
    <Section
      title="Evidence"
      count={evidence.length}
      actions={
        <>
          <input
            ref={fileInput}
            type="file"
            accept={EVIDENCE_MEDIA_TYPES.join(',')}
            multiple
            hidden
            aria-label="Evidence image files"
            onChange={(event) => void onFilesChosen(event)}
          />
          <Button
            size="small"
            variant="outlined"
            startIcon={<UploadFileOutlinedIcon />}
            disabled={importing}
            onClick={() => fileInput.current?.click()}
          >
            {importing ? 'Importing…' : 'Import evidence'}
          </Button>
        </>
      }
    >
      {outcome && <ImportOutcomeAlerts outcome={outcome} onDismiss={() => setOutcome(null)} />}
      {evidence.length === 0 ? (
        <EmptyState
          title="No evidence imported"
          description="Import the questioned and reference images (JPEG, PNG, WebP or TIFF). Each file is stored read-only and identified by its SHA-256 hash."
        />
      ) : (
        <RecordTable label="Evidence" rows={evidence} rowKey={(item) => item.id} columns={columns} />
      )}
      {viewed && <EvidenceViewer item={viewed} onClose={() => setViewing(null)} onChanged={onImported} />}
    </Section>
  );
});

function ImportOutcomeAlerts({ outcome, onDismiss }: { outcome: ImportOutcome; onDismiss: () => void }) {
  return (
    <Stack spacing={1} sx={{ p: 2, pb: 0 }}>
      {outcome.imported.length > 0 && (
        <Alert severity="success" onClose={onDismiss}>
          Imported {outcome.imported.join(', ')}
        </Alert>
      )}
      {outcome.failures.length > 0 && (
        <Alert severity="error" onClose={onDismiss} role="alert">
          {outcome.failures.map(({ fileName, message }) => (
            <div key={fileName}>
              Could not import {fileName}: {message}
            </div>
          ))}
        </Alert>
      )}
    </Stack>
  );
}
