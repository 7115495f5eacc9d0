import { memo, type ReactNode } from 'react';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';

export interface RecordColumn<T> {
  header: string;
  cell: (row: T) => ReactNode;
  align?: 'left' | 'right';
  nowrap?: boolean;
}

interface RecordTableProps<T> {
  label: string;
  rows: T[];
  rowKey: (row: T) => string | number;
  columns: RecordColumn<T>[];
}

/**
 * A dense read-only table of stored records, one column definition per field shown. Columns
 * should keep their identity between renders (defined once, or memoised) so unchanged rows are skipped.
 */
export function RecordTable<T>({ label, rows, rowKey, columns }: RecordTableProps<T>) {
  return (
    <TableContainer>
      <Table aria-label={label}>
        <TableHead>
          <TableRow>
            {columns.map((column) => (
              <TableCell key={column.header} align={column.align}>
                {column.header}
              </TableCell>
            ))}
          </TableRow>
        </TableHead>
        <TableBody>
          {rows.map((row) => (
            <RecordRow key={rowKey(row)} row={row} columns={columns} />
          ))}
        </TableBody>
      </Table>
    </TableContainer>
  );
}

interface RecordRowProps<T> {
  row: T;
  columns: RecordColumn<T>[];
}

function RecordRowCells<T>({ row, columns }: RecordRowProps<T>) {
  return (
    <TableRow>
      {columns.map((column) => (
        <TableCell
          key={column.header}
          align={column.align}
          sx={column.nowrap ? { whiteSpace: 'nowrap' } : undefined}
        >
          {column.cell(row)}
        </TableCell>
      ))}
    </TableRow>
  );
}

/** A row renders again only when its record or the columns change (records keep their identity across reloads). */
const RecordRow = memo(RecordRowCells) as typeof RecordRowCells;
