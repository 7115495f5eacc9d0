import { useState } from 'react';
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Snackbar from '@mui/material/Snackbar';
import DownloadOutlinedIcon from '@mui/icons-material/DownloadOutlined';
import PictureAsPdfOutlinedIcon from '@mui/icons-material/PictureAsPdfOutlined';
import type { Report } from '../../../electron/common/api.js';
import { api } from '../api/client.js';
import { blobFromBase64 } from '../api/base64.js';
import { errorMessage } from '../../../electron/common/error-message.js';

type Outcome = { severity: 'success' | 'error'; message: string };

const messageOf = (error: unknown) => errorMessage(error);

/** Saves the PDF through the browser's (or Electron's) download, named after the case and report. */
export function savePdf(dataBase64: string, fileName: string): void {
  const url = URL.createObjectURL(blobFromBase64(dataBase64, 'application/pdf'));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  // The download reads the blob after this task; revoke the URL only once it has started.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

const reportFileName = (caseNumber: string, reportId: number) =>
  `${caseNumber.replace(/[^A-Za-z0-9._-]/g, '_')}-report-${reportId}.pdf`;

function OutcomeSnackbar({ outcome, onClose }: { outcome: Outcome | null; onClose: () => void }) {
  return (
    <Snackbar
      open={outcome !== null}
      onClose={onClose}
      autoHideDuration={outcome?.severity === 'success' ? 6000 : null}
    >
      {outcome ? (
        <Alert severity={outcome.severity} onClose={onClose} variant="filled">
          {outcome.message}
        </Alert>
      ) : undefined}
    </Snackbar>
  );
}

/**
 * Exports the case report: the backend re-hashes every file the report shows, stores the PDF and
 * records it; the PDF is then saved as a download. A file that no longer matches its hash stops
 * the export, and the message says which.
 */
export function ExportReportButton({
  caseId,
  caseNumber,
  onExported,
}: {
  caseId: number;
  caseNumber: string;
  onExported: () => void;
}) {
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);

  async function exportReport() {
    setBusy(true);
    setOutcome(null);
    try {
      const exported = await api.call('reports.export', { caseId });
      const { dataBase64 } = await api.call('reports.read', { reportId: exported.reportId });
      savePdf(dataBase64, reportFileName(caseNumber, exported.reportId));
      setOutcome({
        severity: 'success',
        message: `Report #${exported.reportId} exported (${exported.pages} pages, SHA-256 ${exported.sha256.slice(0, 12)}…)`,
      });
      onExported();
    } catch (error) {
      setOutcome({ severity: 'error', message: `Could not export the report: ${messageOf(error)}` });
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <Button
        variant="contained"
        startIcon={<PictureAsPdfOutlinedIcon />}
        onClick={() => void exportReport()}
        disabled={busy}
      >
        {busy ? 'Exporting…' : 'Export report'}
      </Button>
      <OutcomeSnackbar outcome={outcome} onClose={() => setOutcome(null)} />
    </>
  );
}

/** Saves a stored report again; the backend re-hashes it first and refuses an altered file. */
export function SaveReportButton({ report, caseNumber }: { report: Report; caseNumber: string }) {
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);

  async function save() {
    setBusy(true);
    try {
      const { dataBase64 } = await api.call('reports.read', { reportId: report.id });
      savePdf(dataBase64, reportFileName(caseNumber, report.id));
    } catch (error) {
      setOutcome({ severity: 'error', message: `Could not open report #${report.id}: ${messageOf(error)}` });
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <Button
        size="small"
        startIcon={<DownloadOutlinedIcon />}
        onClick={() => void save()}
        disabled={busy}
        aria-label={`Save report #${report.id} as PDF`}
      >
        Save PDF
      </Button>
      <OutcomeSnackbar outcome={outcome} onClose={() => setOutcome(null)} />
    </>
  );
}
