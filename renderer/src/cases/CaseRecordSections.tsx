import Chip from '@mui/material/Chip';
import Typography from '@mui/material/Typography';
import type { Analysis, CaseDetail, Decision, Report } from '../../../electron/common/api.js';
import { EmptyState } from '../components/EmptyState.js';
import { formatDateTime } from '../components/format.js';
import { HashText } from '../components/HashText.js';
import { RecordTable, type RecordColumn } from '../components/RecordTable.js';
import { Section } from '../components/Section.js';
import { conclusionLabels, formatScore, roleLabels } from './labels.js';

/** The case-wide records: every analysis run on its pairs, every decision, and the reports. */
export function CaseRecordSections({ detail }: { detail: CaseDetail }) {
  const analysisColumns: RecordColumn<Analysis>[] = [
    { header: 'Analysis', cell: (analysis) => `#${analysis.id}`, nowrap: true },
    { header: 'Pair', cell: (analysis) => `#${analysis.pairId}`, nowrap: true },
    { header: 'Method', cell: (analysis) => analysis.method },
    { header: 'Model', cell: (analysis) => analysis.modelName },
    { header: 'Score', cell: (analysis) => formatScore(analysis.score), align: 'right' },
    { header: 'Threshold', cell: (analysis) => formatScore(analysis.threshold), align: 'right' },
    { header: 'Provider', cell: (analysis) => analysis.provider },
    { header: 'Artifacts', cell: (analysis) => analysis.artifacts.length, align: 'right' },
    { header: 'Run', cell: (analysis) => formatDateTime(analysis.createdAt), nowrap: true },
  ];

  const decisionColumns: RecordColumn<Decision>[] = [
    { header: 'Pair', cell: (decision) => `#${decision.pairId}`, nowrap: true },
    { header: 'Role', cell: (decision) => roleLabels[decision.role] },
    { header: 'Examiner', cell: (decision) => decision.examiner },
    {
      header: 'Conclusion',
      cell: (decision) => (
        <Chip size="small" variant="outlined" label={conclusionLabels[decision.conclusion]} />
      ),
      nowrap: true,
    },
    {
      header: 'Rationale',
      cell: (decision) => (
        <Typography variant="body2" sx={{ whiteSpace: 'pre-wrap' }}>
          {decision.rationale}
        </Typography>
      ),
    },
    {
      header: 'Based on',
      cell: (decision) => (decision.analysisId === null ? '—' : `Analysis #${decision.analysisId}`),
      nowrap: true,
    },
    { header: 'Recorded', cell: (decision) => formatDateTime(decision.createdAt), nowrap: true },
  ];

  const reportColumns: RecordColumn<Report>[] = [
    { header: 'Report', cell: (report) => `#${report.id}`, nowrap: true },
    { header: 'File', cell: (report) => report.storedPath },
    {
      header: 'SHA-256',
      cell: (report) => (
        <HashText hash={report.sha256} description={`SHA-256 of report #${report.id}`} abbreviate />
      ),
    },
    { header: 'Exported by', cell: (report) => report.createdBy },
    { header: 'Exported', cell: (report) => formatDateTime(report.createdAt), nowrap: true },
  ];

  return (
    <>
      <Section title="Analyses" count={detail.analyses.length}>
        {detail.analyses.length === 0 ? (
          <EmptyState
            title="No analyses"
            description="Model scores and xSSAB explanation maps appear here once a pair has been analysed."
          />
        ) : (
          <RecordTable
            label="Analyses"
            rows={detail.analyses}
            rowKey={(analysis) => analysis.id}
            columns={analysisColumns}
          />
        )}
      </Section>
      <Section title="Decisions" count={detail.decisions.length}>
        {detail.decisions.length === 0 ? (
          <EmptyState
            title="No decisions recorded"
            description="Examiner and verifier conclusions on the pairs of this case are listed here once recorded."
          />
        ) : (
          <RecordTable
            label="Decisions"
            rows={detail.decisions}
            rowKey={(decision) => decision.id}
            columns={decisionColumns}
          />
        )}
      </Section>
      <Section title="Reports" count={detail.reports.length}>
        {detail.reports.length === 0 ? (
          <EmptyState
            title="No reports exported"
            description="Exported case reports and their SHA-256 hashes are listed here."
          />
        ) : (
          <RecordTable
            label="Reports"
            rows={detail.reports}
            rowKey={(report) => report.id}
            columns={reportColumns}
          />
        )}
      </Section>
    </>
  );
}
