import type { RegionShare } from '../../../electron/common/api.js';
import { FACE_REGION_LABELS } from '../../../electron/common/explanations.js';
import { RecordTable } from '../components/RecordTable.js';

const percent = (share: number) => `${(100 * share).toFixed(0)} %`;

/**
 * Where a face's integrated-gradients map puts what speaks for a match (support) and against it
 * (opposition): each facial region's share of each, and its net contribution to the score.
 */
export function RegionSummaryTable({ label, rows }: { label: string; rows: RegionShare[] }) {
  return (
    <RecordTable
      label={label}
      rows={rows.filter((row) => row.pixels > 0)}
      rowKey={(row) => row.region}
      columns={[
        { header: 'Region', cell: (row) => FACE_REGION_LABELS[row.region], nowrap: true },
        { header: 'Support', cell: (row) => percent(row.support), align: 'right' },
        { header: 'Opposition', cell: (row) => percent(row.opposition), align: 'right' },
        { header: 'Net (score)', cell: (row) => row.net.toFixed(4), align: 'right' },
      ]}
    />
  );
}
