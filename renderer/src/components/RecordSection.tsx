import { EmptyState } from './EmptyState.js';
import { RecordTable, type RecordColumn } from './RecordTable.js';
import { Section } from './Section.js';

interface RecordSectionProps<T> {
  /** The section's title, also the table's accessible name. */
  title: string;
  rows: T[];
  rowKey: (row: T) => string | number;
  columns: RecordColumn<T>[];
  /** What the section says while it has no rows. */
  empty: { title: string; description: string };
}

/** A titled section listing stored records in a table, or saying why there are none yet. */
export function RecordSection<T>({ title, rows, rowKey, columns, empty }: RecordSectionProps<T>) {
  return (
    <Section title={title} count={rows.length}>
      {rows.length === 0 ? (
        <EmptyState title={empty.title} description={empty.description} />
      ) : (
        <RecordTable label={title} rows={rows} rowKey={rowKey} columns={columns} />
      )}
    </Section>
  );
}
