import { useState } from 'react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import InputAdornment from '@mui/material/InputAdornment';
import LinearProgress from '@mui/material/LinearProgress';
import Paper from '@mui/material/Paper';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import TableSortLabel from '@mui/material/TableSortLabel';
import TextField from '@mui/material/TextField';
import AddIcon from '@mui/icons-material/Add';
import SearchIcon from '@mui/icons-material/Search';
import type { CASE_SORT_FIELDS, CaseSummary } from '../../../electron/common/api.js';
import { useApiQuery } from '../api/useApiQuery.js';
import { useCaseChanges } from '../api/useCaseChanges.js';
import { navigate } from '../app/useHashRoute.js';
import { EmptyState } from '../components/EmptyState.js';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { formatDateTime } from '../components/format.js';
import { OpenableTableRow } from '../components/OpenableTableRow.js';
import { PageHeader } from '../components/PageHeader.js';
import { useDebouncedValue } from '../components/useDebouncedValue.js';
import { CaseFormDialog } from './CaseFormDialog.js';
import { CaseStatusChip } from './CaseStatusChip.js';

type SortField = (typeof CASE_SORT_FIELDS)[number];
type SortDirection = 'asc' | 'desc';

const sortableColumns: { field: SortField; label: string }[] = [
  { field: 'caseNumber', label: 'Case number' },
  { field: 'title', label: 'Title' },
  { field: 'requestingAgency', label: 'Agency' },
  { field: 'examiner', label: 'Examiner' },
  { field: 'status', label: 'Status' },
  { field: 'updatedAt', label: 'Updated' },
];

const openCase = (caseId: number) => navigate({ section: 'cases', itemId: String(caseId) });

export function CaseListPage() {
  const [search, setSearch] = useState('');
  const [sortBy, setSortBy] = useState<SortField>('updatedAt');
  const [direction, setDirection] = useState<SortDirection>('desc');
  const [creating, setCreating] = useState(false);
  const debouncedSearch = useDebouncedValue(search.trim(), 250);
  const query = useApiQuery('cases.list', { search: debouncedSearch || undefined, sortBy, direction });
  useCaseChanges(null, query.reload);

  function sortByColumn(field: SortField) {
    if (field === sortBy) {
      setDirection(direction === 'asc' ? 'desc' : 'asc');
    } else {
      setSortBy(field);
      setDirection(field === 'updatedAt' ? 'desc' : 'asc');
    }
  }

  const cases = query.data?.cases;
  return (
    <>
      <PageHeader
        title="Cases"
        subtitle="Every comparison, decision and report belongs to a case."
        actions={
          <Button variant="contained" startIcon={<AddIcon />} onClick={() => setCreating(true)}>
            New case
          </Button>
        }
      />
      <TextField
        label="Search cases"
        placeholder="Case number, title, agency, examiner or notes"
        value={search}
        onChange={(event) => setSearch(event.target.value)}
        sx={{ mb: 2, width: 420, maxWidth: '100%' }}
        slotProps={{
          input: {
            startAdornment: (
              <InputAdornment position="start">
                <SearchIcon fontSize="small" />
              </InputAdornment>
            ),
          },
        }}
      />
      {query.error && (
        <ErrorAlert title="Could not load the case list" error={query.error} onRetry={query.reload} />
      )}
      <Paper>
        <Box sx={{ height: 4 }}>{query.loading && <LinearProgress aria-label="Loading cases" />}</Box>
        <TableContainer>
          <Table aria-label="Cases">
            <TableHead>
              <TableRow>
                {sortableColumns.map(({ field, label }) => (
                  <TableCell key={field} sortDirection={sortBy === field ? direction : false}>
                    <TableSortLabel
                      active={sortBy === field}
                      direction={sortBy === field ? direction : 'asc'}
                      onClick={() => sortByColumn(field)}
                    >
                      {label}
                    </TableSortLabel>
                  </TableCell>
                ))}
                <TableCell align="right">Evidence</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {cases?.map((summary) => (
                <CaseRow key={summary.id} summary={summary} />
              ))}
            </TableBody>
          </Table>
        </TableContainer>
        {cases?.length === 0 &&
          (debouncedSearch ? (
            <EmptyState
              title={`No cases match “${debouncedSearch}”`}
              description="Search looks at case numbers, titles, agencies, examiners and notes. Check the spelling or clear the search."
              action={<Button onClick={() => setSearch('')}>Clear search</Button>}
            />
          ) : (
            <EmptyState
              title="No cases yet"
              description="Create a case for each examination request; evidence images, comparisons and reports are then filed under it."
              action={
                <Button variant="outlined" startIcon={<AddIcon />} onClick={() => setCreating(true)}>
                  Create the first case
                </Button>
              }
            />
          ))}
      </Paper>
      {creating && (
        <CaseFormDialog
          onClose={() => setCreating(false)}
          onSaved={() => {
            setCreating(false);
            query.reload();
          }}
        />
      )}
    </>
  );
}

function CaseRow({ summary }: { summary: CaseSummary }) {
  return (
    <OpenableTableRow onOpen={() => openCase(summary.id)}>
      <TableCell sx={{ fontWeight: 600, whiteSpace: 'nowrap' }}>{summary.caseNumber}</TableCell>
      <TableCell>{summary.title}</TableCell>
      <TableCell>{summary.requestingAgency || '—'}</TableCell>
      <TableCell>{summary.examiner || '—'}</TableCell>
      <TableCell>
        <CaseStatusChip status={summary.status} />
      </TableCell>
      <TableCell sx={{ whiteSpace: 'nowrap' }}>{formatDateTime(summary.updatedAt)}</TableCell>
      <TableCell align="right">{summary.evidenceCount}</TableCell>
    </OpenableTableRow>
  );
}
