import type { KeyboardEvent, ReactNode } from 'react';
import TableRow from '@mui/material/TableRow';

interface OpenableTableRowProps {
  /** Opens the row's record, e.g. navigates to its detail page. */
  onOpen: () => void;
  children: ReactNode;
}

/**
 * A focusable table row that opens its record on a click, or on Enter while the row itself has
 * the focus (Enter on a button inside the row is that button's).
 */
export function OpenableTableRow({ onOpen, children }: OpenableTableRowProps) {
  function openOnEnter(event: KeyboardEvent) {
    if (event.key === 'Enter' && event.target === event.currentTarget) onOpen();
  }
  return (
    <TableRow hover tabIndex={0} onClick={() => onOpen()} onKeyDown={openOnEnter} sx={{ cursor: 'pointer' }}>
      {children}
    </TableRow>
  );
}
