import { useState, type ReactNode } from 'react';
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Box from '@mui/material/Box';
import type { Calibration, LrValidation } from '../../../electron/common/api.js';
import { formatLikelihoodRatio } from '../../../electron/common/likelihood-ratio.js';
import { api } from '../api/client.js';
import { useApiQuery } from '../api/useApiQuery.js';
import { routeToHash } from '../app/useHashRoute.js';
import { DetailPageTop } from '../components/DetailPageTop.js';
import { formatDateTime } from '../components/format.js';
import { HashText } from '../components/HashText.js';
import { PageHeader } from '../components/PageHeader.js';
import { RecordTable } from '../components/RecordTable.js';
import { Section } from '../components/Section.js';
import { TermList } from '../components/TermList.js';
import { savePdf } from '../cases/ReportActions.js';
import { formatBits, methodLabels, misleadingText } from './labels.js';
import { EceChart, TippettChart } from './LrCharts.js';
import { errorMessage } from '../../../electron/common/error-message.js';

interface ValidationRow {
  key: string;
  label: string;
  validation: LrValidation;
}

export function CalibrationDetailPage({ itemId }: { itemId: string }) {
  const calibrationId = Number(itemId);
  const query = useApiQuery('calibrations.get', { calibrationId });
  const calibration = query.data;
  return (
    <>
      <DetailPageTop
        listLabel="Calibration"
        listHref={routeToHash({ section: 'calibration', itemId: null })}
        current={`#${itemId}`}
        query={query}
        loadingLabel="Loading calibration"
        errorTitle="Could not load this calibration"
        onRetry={query.reload}
      />
      {calibration && <CalibrationDetail calibration={calibration} />}
    </>
  );
}

function CalibrationDetail({ calibration }: { calibration: Calibration }) {
  const { set } = calibration;
  const validations: ValidationRow[] = [
    {
      key: 'cv',
      label: `${calibration.folds}-fold cross-validation on the calibration set`,
      validation: calibration.validation,
    },
    ...calibration.evaluations.map((e) => ({
      key: `evaluation-${e.id}`,
      label: `Evaluation on “${e.set.name}”`,
      validation: e.validation,
    })),
  ];
  const facts: [string, ReactNode][] = [
    ['Model', set.modelId],
    [
      'Model SHA-256',
      <HashText key="model" hash={set.modelSha256} description="SHA-256 of the model file" />,
    ],
    ['Calibration set', `#${set.id} “${set.name}” (${set.pairsSource})`],
    ['Set SHA-256', <HashText key="set" hash={set.setSha256} description="SHA-256 of the calibration set" />],
    [
      'Pairs',
      `${set.sameSource} same-source, ${set.differentSource} different-source` +
        (set.failures.length ? `; ${set.failures.length} could not be scored` : ''),
    ],
    ['Conditions', set.conditions.length ? set.conditions.join(', ') : 'none tagged'],
    [
      'Method',
      methodLabels[calibration.method] +
        (calibration.condition === null ? ', all pairs' : `, condition “${calibration.condition}” only`),
    ],
    [
      'ELUB bounds',
      `LR from ${formatLikelihoodRatio(calibration.bounds.lowerLog10)} to ${formatLikelihoodRatio(calibration.bounds.upperLog10)}`,
    ],
    ['Score range', `${calibration.scoreRange.min.toFixed(4)} to ${calibration.scoreRange.max.toFixed(4)}`],
    ['Fitted', `${formatDateTime(calibration.createdAt)} by ${calibration.createdBy}`],
  ];
  return (
    <>
      <PageHeader
        title={`Calibration #${calibration.id}`}
        subtitle={`${methodLabels[calibration.method]} of ${set.modelId} scores on “${set.name}”`}
        actions={<ValidationReportButton calibrationId={calibration.id} />}
      />
      <Section title="Calibration">
        <TermList rows={facts} sx={{ gridTemplateColumns: '180px 1fr', px: 2, py: 1.5 }} />
      </Section>
      <Section title="Validation" count={validations.length}>
        <RecordTable
          label="Validation figures"
          rows={validations}
          rowKey={(row) => row.key}
          columns={[
            { header: 'Validated on', cell: (row) => row.label },
            {
              header: 'Pairs (same / different)',
              align: 'right',
              cell: (row) =>
                `${row.validation.performance.sameSource} / ${row.validation.performance.differentSource}`,
            },
            {
              header: 'Cllr',
              align: 'right',
              nowrap: true,
              cell: (row) => formatBits(row.validation.performance.cllr),
            },
            {
              header: 'Cllr_min',
              align: 'right',
              nowrap: true,
              cell: (row) => formatBits(row.validation.performance.cllrMin),
            },
            {
              header: 'Cllr_cal',
              align: 'right',
              nowrap: true,
              cell: (row) => formatBits(row.validation.performance.cllrCal),
            },
            { header: 'Misleading evidence', cell: (row) => misleadingText(row.validation.performance) },
          ]}
        />
      </Section>
      {validations.map((row) => (
        <Section key={row.key} title={row.label}>
          <Box sx={{ display: 'grid', gridTemplateColumns: { xs: '1fr', lg: '1fr 1fr' }, gap: 2, p: 2 }}>
            <TippettChart validation={row.validation} caption={row.label} />
            <EceChart validation={row.validation} caption={row.label} />
          </Box>
        </Section>
      ))}
    </>
  );
}

/** Builds the validation report (PDF) and saves it as a download. */
function ValidationReportButton({ calibrationId }: { calibrationId: number }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function download() {
    setBusy(true);
    setError(null);
    try {
      const { dataBase64 } = await api.call('calibrations.report', { calibrationId });
      savePdf(dataBase64, `calibration-${calibrationId}-validation.pdf`);
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  }
  return (
    <>
      {error && <Alert severity="error">Could not build the validation report: {error}</Alert>}
      <Button variant="contained" disabled={busy} onClick={() => void download()}>
        Validation report (PDF)
      </Button>
    </>
  );
}
