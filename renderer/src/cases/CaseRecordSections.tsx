import Typography from '@mui/material/Typography';
import { memo, useMemo } from 'react';
import type { Analysis, Decision, Report } from '../../../electron/common/api.js';
import { formatDateTime } from '../components/format.js';
import { HashText } from '../components/HashText.js';
import { RecordSection } from '../components/RecordSection.js';
import type { RecordColumn } from '../components/RecordTable.js';
import { decisionColumn } from './decisionColumns.js';
import { formatScore } from './labels.js';
import { SaveReportButton } from './ReportActions.js';

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
  decisionColumn.role,
  { header: 'Examiner', cell: (decision) => decision.examiner },
  decisionColumn.conclusion,
  decisionColumn.rationale,
  {
    header: 'Based on',
    cell: (decision) => (decision.analysisId === null ? '—' : `Analysis #${decision.analysisId}`),
    nowrap: true,
  },
  decisionColumn.recorded,
];

/** The report table's columns; its Save buttons name the file after the case. */
function reportColumnsOf(caseNumber: string): RecordColumn<Report>[] {
  return [
    { header: 'Report', cell: (report) => `#${report.id}`, nowrap: true },
    {
      header: 'File',
      cell: (report) => (
        <Typography variant="body2" sx={{ wordBreak: 'break-all', minWidth: 160 }}>
          {report.storedPath}
        </Typography>
      ),
    },
    {
      header: 'SHA-256',
      cell: (report) => (
        <HashText hash={report.sha256} description={`SHA-256 of report #${report.id}`} abbreviate />
      ),
    },
    { header: 'Exported by', cell: (report) => report.createdBy },
    { header: 'Exported', cell: (report) => formatDateTime(report.createdAt), nowrap: true },
    {
      header: 'PDF',
      cell: (report) => <SaveReportButton report={report} caseNumber={caseNumber} />,
      nowrap: true,
    },
  ];
}

interface CaseRecordSectionsProps {
  caseNumber: string;
  analyses: Analysis[];
  decisions: Decision[];
  reports: Report[];
}

/** The case-wide records: every analysis run on its pairs, every decision, and the reports. */
export const CaseRecordSections = memo(function CaseRecordSections({
  caseNumber,
  analyses,
  decisions,
  reports,
}: CaseRecordSectionsProps) {
  const reportColumns = useMemo(() => reportColumnsOf(caseNumber), [caseNumber]);
  return (
    <>
      <RecordSection
        title="Analyses"
        rows={analyses}
        rowKey={(analysis) => analysis.id}
        columns={analysisColumns}
        empty={{
          title: 'No analyses',
          description: 'Model scores and xSSAB explanation maps appear here once a pair has been analysed.',
        }}
      />
      <RecordSection
        title="Decisions"
        rows={decisions}
        rowKey={(decision) => decision.id}
        columns={decisionColumns}
        empty={{
          title: 'No decisions recorded',
          description:
            'Examiner and verifier conclusions on the pairs of this case are listed here once recorded.',
        }}
      />
      <RecordSection
        title="Reports"
        rows={reports}
        rowKey={(report) => report.id}
        columns={reportColumns}
        empty={{
          title: 'No reports exported',
          description:
            'Exported case reports and their SHA-256 hashes are listed here; Export report at the top makes one.',
        }}
      />
    </>
  );
});
