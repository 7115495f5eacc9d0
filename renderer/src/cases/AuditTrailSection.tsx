import { memo } from 'react';
import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import CircularProgress from '@mui/material/CircularProgress';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import GppBadOutlinedIcon from '@mui/icons-material/GppBadOutlined';
import VerifiedUserOutlinedIcon from '@mui/icons-material/VerifiedUserOutlined';
import type { AuditEvent, AuditVerification } from '../../../electron/common/api.js';
import type { ApiQuery } from '../api/useApiQuery.js';
import { EmptyState } from '../components/EmptyState.js';
import { formatPreciseDateTime } from '../components/format.js';
import { HashText } from '../components/HashText.js';
import { RecordTable, type RecordColumn } from '../components/RecordTable.js';
import { Section } from '../components/Section.js';
import { monospaceFontStack } from '../theme/theme.js';

interface AuditTrailSectionProps {
  events: AuditEvent[];
  verification: ApiQuery<AuditVerification>;
}

interface FieldChange {
  from: unknown;
  to: unknown;
}

function isFieldChange(value: unknown): value is FieldChange {
  return typeof value === 'object' && value !== null && 'from' in value && 'to' in value;
}

function formatScalar(value: unknown): string {
  return typeof value === 'string' ? `“${value}”` : JSON.stringify(value);
}

/** Strings as they are, `{field: {from, to}}` change sets as one line per field, anything else as JSON. */
function formatDetailValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null && Object.values(value).every(isFieldChange)) {
    return Object.entries(value as Record<string, FieldChange>)
      .map(([field, change]) => `${field}: ${formatScalar(change.from)} → ${formatScalar(change.to)}`)
      .join('\n');
  }
  return JSON.stringify(value);
}

function AuditDetails({ details }: { details: AuditEvent['details'] }) {
  const entries = Object.entries(details);
  if (entries.length === 0) return <>—</>;
  return (
    <Box component="dl" sx={{ m: 0, fontSize: '0.78rem', '& dt': { color: 'text.secondary' } }}>
      {entries.map(([key, value]) => (
        <Box key={key} sx={{ display: 'flex', gap: 0.75 }}>
          <Box component="dt">{key}</Box>
          <Box component="dd" sx={{ m: 0, wordBreak: 'break-word', whiteSpace: 'pre-line' }}>
            {formatDetailValue(value)}
          </Box>
        </Box>
      ))}
    </Box>
  );
}

const auditColumns: RecordColumn<AuditEvent>[] = [
  { header: 'Seq', cell: (event) => event.seq, align: 'right' },
  { header: 'Time', cell: (event) => formatPreciseDateTime(event.at), nowrap: true },
  { header: 'Actor', cell: (event) => event.actor },
  {
    header: 'Action',
    cell: (event) => <Box sx={{ fontFamily: monospaceFontStack, fontSize: '0.78rem' }}>{event.action}</Box>,
    nowrap: true,
  },
  {
    header: 'Entity',
    cell: (event) => (event.entityId === null ? event.entityType : `${event.entityType} #${event.entityId}`),
    nowrap: true,
  },
  { header: 'Details', cell: (event) => <AuditDetails details={event.details} /> },
  {
    header: 'Hash',
    cell: (event) => (
      <HashText hash={event.hash} description={`hash of audit event ${event.seq}`} abbreviate />
    ),
    nowrap: true,
  },
];

/** Whether the whole audit log still re-hashes and links up: evidence nothing was altered. */
function ChainVerification({ verification }: { verification: ApiQuery<AuditVerification> }) {
  const { data, error, loading } = verification;
  if (error) {
    return (
      <Chip size="small" color="error" variant="outlined" label={`Verification failed: ${error.message}`} />
    );
  }
  if (!data || loading) {
    return (
      <Chip
        size="small"
        variant="outlined"
        icon={<CircularProgress size={12} aria-hidden />}
        label="Verifying audit chain…"
      />
    );
  }
  if (data.ok) {
    return (
      <Tooltip
        title={
          <>
            Every event re-hashes to its stored hash and links to its predecessor, the chain matches its
            signed checkpoint ({data.checkpoint?.length ?? 0} events), and all {data.rowsChecked} stored rows
            match their latest event. Head hash:{' '}
            <Box component="span" sx={{ fontFamily: monospaceFontStack, wordBreak: 'break-all' }}>
              {data.headHash}
            </Box>
          </>
        }
      >
        <Chip
          size="small"
          color="success"
          variant="outlined"
          icon={<VerifiedUserOutlinedIcon />}
          label={`Chain verified · ${data.checkedEvents} events`}
          tabIndex={0}
        />
      </Tooltip>
    );
  }
  const count = data.problems.length;
  return (
    <Chip
      size="small"
      color="error"
      icon={<GppBadOutlinedIcon />}
      label={`Integrity check failed: ${count} problem${count === 1 ? '' : 's'}`}
    />
  );
}

/** Each stored fact of the case that does not match the audit chain, named by table and row. */
function IntegrityProblems({ verification }: { verification: ApiQuery<AuditVerification> }) {
  const problems = verification.data?.problems ?? [];
  if (problems.length === 0) return null;
  return (
    <Alert severity="error" sx={{ m: 2 }} role="alert" aria-label="Integrity problems">
      <AlertTitle>The store does not match its audit trail; no report can be made</AlertTitle>
      <Box component="ul" sx={{ m: 0, pl: 2 }}>
        {problems.map((problem, index) => (
          <li key={index}>
            {problem.id === null ? problem.table : `${problem.table} row ${problem.id}`}: {problem.reason}
          </li>
        ))}
      </Box>
    </Alert>
  );
}

export const AuditTrailSection = memo(function AuditTrailSection({
  events,
  verification,
}: AuditTrailSectionProps) {
  return (
    <Section
      title="Audit trail"
      count={events.length}
      actions={<ChainVerification verification={verification} />}
    >
      <IntegrityProblems verification={verification} />
      {events.length === 0 ? (
        <EmptyState title="No audit events" description="Every change to this case is recorded here." />
      ) : (
        <>
          <RecordTable
            label="Audit trail"
            rows={events}
            rowKey={(event) => event.seq}
            columns={auditColumns}
          />
          <Typography variant="caption" color="text.secondary" sx={{ display: 'block', px: 2, py: 1 }}>
            Events are hash-chained across all cases and each binds the rows it changed; the indicator checks
            the whole chain and this case's rows.
          </Typography>
        </>
      )}
    </Section>
  );
});
