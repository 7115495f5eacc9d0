import type { ReactNode } from 'react';
import Box from '@mui/material/Box';
import Breadcrumbs from '@mui/material/Breadcrumbs';
import LinearProgress from '@mui/material/LinearProgress';
import Link from '@mui/material/Link';
import Typography from '@mui/material/Typography';
import { ErrorAlert } from './ErrorAlert.js';

interface DetailPageTopProps {
  /** The list the item belongs to, e.g. "Cases", and its link. */
  listLabel: string;
  listHref: string;
  /** The item's own breadcrumb. */
  current: ReactNode;
  /** The item's query: a bar shows while it loads, an alert with a retry when it failed. */
  query: { loading: boolean; error: Error | undefined };
  /** Accessible name of the loading bar, e.g. "Loading case". */
  loadingLabel: string;
  /** Title of the load error, e.g. "Could not load this case". */
  errorTitle: string;
  onRetry: () => void;
}

/** The top of a detail page: the breadcrumb back to its list, the loading bar and the load error. */
export function DetailPageTop({
  listLabel,
  listHref,
  current,
  query,
  loadingLabel,
  errorTitle,
  onRetry,
}: DetailPageTopProps) {
  return (
    <>
      <Breadcrumbs aria-label="Breadcrumb" sx={{ mb: 1 }}>
        <Link href={listHref} underline="hover" color="inherit">
          {listLabel}
        </Link>
        <Typography color="text.primary">{current}</Typography>
      </Breadcrumbs>
      <Box sx={{ height: 4, mb: 1 }}>{query.loading && <LinearProgress aria-label={loadingLabel} />}</Box>
      {query.error && <ErrorAlert title={errorTitle} error={query.error} onRetry={onRetry} />}
    </>
  );
}
