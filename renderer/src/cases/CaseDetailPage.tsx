import { useCallback, useState } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import MenuItem from '@mui/material/MenuItem';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import EditOutlinedIcon from '@mui/icons-material/EditOutlined';
import { CASE_STATUSES, type Case, type CaseStatus } from '../../../electron/common/api.js';
import { api, ApiCallError } from '../api/client.js';
import { useApiQuery } from '../api/useApiQuery.js';
import { useCaseChanges } from '../api/useCaseChanges.js';
import { routeToHash } from '../app/useHashRoute.js';
import { DetailPageTop } from '../components/DetailPageTop.js';
import { EmptyState } from '../components/EmptyState.js';
import { formatDateTime } from '../components/format.js';
import { PageHeader } from '../components/PageHeader.js';
import { Section } from '../components/Section.js';
import { AuditTrailSection } from './AuditTrailSection.js';
import { CaseFormDialog } from './CaseFormDialog.js';
import { CaseRecordSections } from './CaseRecordSections.js';
import { ComparisonSection } from './ComparisonSection.js';
import { ConfirmDialog } from '../components/ConfirmDialog.js';
import { caseStatusLabels, CaseStatusChip } from './CaseStatusChip.js';
import { EvidenceSection } from './EvidenceSection.js';
import { ReopenCaseButton } from './ReopenCaseButton.js';
import { ExportReportButton } from './ReportActions.js';
import { errorMessage } from '../../../electron/common/error-message.js';

const caseListHref = routeToHash({ section: 'cases', itemId: null });

export function CaseDetailPage({ itemId }: { itemId: string }) {
  const caseId = Number(itemId);
  if (!Number.isSafeInteger(caseId) || caseId <= 0) return <CaseNotFound />;
  return <CaseDetail caseId={caseId} />;
}

function CaseNotFound() {
  return (
    <EmptyState
      title="Case not found"
      description="This case does not exist in the current data folder. It may have been opened from an outdated link."
      action={<Button href={caseListHref}>Back to all cases</Button>}
    />
  );
}

function CaseDetail({ caseId }: { caseId: number }) {
  const detail = useApiQuery('cases.get', { id: caseId });
  const verification = useApiQuery('audit.verify', { caseId });
  const evidenceIntegrity = useApiQuery('evidence.verify', { caseId });
  const [editing, setEditing] = useState(false);
  const [statusError, setStatusError] = useState<string | null>(null);
  const [savingStatus, setSavingStatus] = useState(false);

  const { reload: reloadDetail } = detail;
  const { reload: reloadVerification } = verification;
  const { reload: reloadIntegrity } = evidenceIntegrity;
  const reload = useCallback(() => {
    reloadDetail();
    reloadVerification();
    reloadIntegrity();
  }, [reloadDetail, reloadVerification, reloadIntegrity]);
  useCaseChanges(caseId, reload);

  const [confirmingClose, setConfirmingClose] = useState(false);

  async function changeStatus(status: CaseStatus) {
    setStatusError(null);
    setSavingStatus(true);
    try {
      await api.call('cases.update', { id: caseId, status });
      reload();
    } catch (error) {
      setStatusError(errorMessage(error));
    } finally {
      setSavingStatus(false);
    }
  }

  if (detail.error instanceof ApiCallError && detail.error.code === 'NOT_FOUND') return <CaseNotFound />;
  const data = detail.data;
  return (
    <>
      <DetailPageTop
        listLabel="Cases"
        listHref={caseListHref}
        current={data?.caseNumber ?? '…'}
        query={detail}
        loadingLabel="Loading case"
        errorTitle="Could not load this case"
        onRetry={reload}
      />
      {data && (
        <>
          <PageHeader
            title={
              <>
                {data.caseNumber}
                <CaseStatusChip status={data.status} />
              </>
            }
            subtitle={data.title}
            actions={
              <>
                {data.status === 'closed' ? (
                  <ReopenCaseButton caseId={caseId} onReopened={reload} />
                ) : (
                  <>
                    <TextField
                      select
                      label="Case status"
                      value={data.status}
                      disabled={savingStatus}
                      onChange={(event) => {
                        const status = event.target.value as CaseStatus;
                        if (status === 'closed') setConfirmingClose(true);
                        else void changeStatus(status);
                      }}
                      sx={{ width: 160 }}
                    >
                      {CASE_STATUSES.map((status) => (
                        <MenuItem key={status} value={status}>
                          {caseStatusLabels[status]}
                        </MenuItem>
                      ))}
                    </TextField>
                    <Button
                      variant="outlined"
                      startIcon={<EditOutlinedIcon />}
                      onClick={() => setEditing(true)}
                    >
                      Edit case
                    </Button>
                  </>
                )}
                <ExportReportButton caseId={caseId} caseNumber={data.caseNumber} onExported={reload} />
              </>
            }
          />
          {data.status === 'closed' && (
            <Alert severity="info" sx={{ mb: 2 }}>
              This case is closed and locked: nothing in it can be changed until it is reopened with a reason.
            </Alert>
          )}
          {statusError && (
            <Alert severity="error" onClose={() => setStatusError(null)} sx={{ mb: 2 }}>
              Could not change the status: {statusError}
            </Alert>
          )}
          <ConfirmDialog
            open={confirmingClose}
            title={`Close case ${data.caseNumber}?`}
            confirmLabel="Close the case"
            onConfirm={() => void changeStatus('closed')}
            onClose={() => setConfirmingClose(false)}
          >
            A closed case is locked: nothing can be changed until a signed-in examiner reopens it with a
            reason, which its audit trail records.
          </ConfirmDialog>
          <CaseFieldsSection caseRecord={data} />
          <EvidenceSection
            caseId={caseId}
            evidence={data.evidence}
            integrity={evidenceIntegrity}
            onImported={reload}
          />
          <ComparisonSection detail={data} onChanged={reload} />
          <CaseRecordSections
            caseNumber={data.caseNumber}
            analyses={data.analyses}
            decisions={data.decisions}
            reports={data.reports}
          />
          <AuditTrailSection events={data.audit} verification={verification} />
          {editing && (
            <CaseFormDialog
              existing={data}
              onClose={() => setEditing(false)}
              onSaved={() => {
                setEditing(false);
                reload();
              }}
            />
          )}
        </>
      )}
    </>
  );
}

function CaseFieldsSection({ caseRecord }: { caseRecord: Case }) {
  const fields: [label: string, value: string][] = [
    ['Case number', caseRecord.caseNumber],
    ['Title', caseRecord.title],
    ['Requesting agency', caseRecord.requestingAgency || '—'],
    ['Examiner', caseRecord.examiner || '—'],
    ['Status', caseStatusLabels[caseRecord.status]],
    ['Created', formatDateTime(caseRecord.createdAt)],
    ['Last updated', formatDateTime(caseRecord.updatedAt)],
  ];
  return (
    <Section title="Case details">
      <Box
        component="dl"
        sx={{
          m: 0,
          px: 2,
          py: 1.5,
          display: 'grid',
          gridTemplateColumns: 'repeat(auto-fill, minmax(220px, 1fr))',
          gap: 1.5,
        }}
      >
        {fields.map(([label, value]) => (
          <DetailField key={label} label={label} value={value} />
        ))}
        <DetailField label="Notes" value={caseRecord.notes || 'No notes.'} wide />
      </Box>
    </Section>
  );
}

/** One dt/dd pair; `wide` spans the whole row and keeps the value's line breaks (for notes). */
function DetailField({ label, value, wide = false }: { label: string; value: string; wide?: boolean }) {
  return (
    <Box sx={wide ? { gridColumn: '1 / -1' } : undefined}>
      <Typography component="dt" variant="caption" color="text.secondary">
        {label}
      </Typography>
      <Typography component="dd" variant="body2" sx={{ m: 0, whiteSpace: wide ? 'pre-wrap' : undefined }}>
        {value}
      </Typography>
    </Box>
  );
}
