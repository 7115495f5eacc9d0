import type { BenchmarkSummaryRow } from '../../../electron/common/api.js';
import { RecordTable } from '../components/RecordTable.js';
import { methodLabels } from './labels.js';

const rate = (v: number | null) => (v === null ? '—' : v.toFixed(3));

/** summary.csv: areas under the curves (lower is better), localisation AUROC (higher is better), timing. */
export function SummaryTable({ rows }: { rows: BenchmarkSummaryRow[] }) {
  return (
    <RecordTable
      label="Benchmark summary"
      rows={rows}
      rowKey={(row) => row.method}
      columns={[
        { header: 'Method', cell: (row) => methodLabels[row.method], nowrap: true },
        { header: 'FMR AUC best-worst', cell: (row) => rate(row.aucFmr.best_worst), align: 'right' },
        { header: 'FMR AUC random', cell: (row) => rate(row.aucFmr.random), align: 'right' },
        { header: 'FNMR AUC best-worst', cell: (row) => rate(row.aucFnmr.best_worst), align: 'right' },
        { header: 'FNMR AUC random', cell: (row) => rate(row.aucFnmr.random), align: 'right' },
        { header: 'Localisation AUROC', cell: (row) => rate(row.localisationAuroc), align: 'right' },
        {
          header: 'ms / image',
          cell: (row) => (row.msPerImage === null ? '—' : row.msPerImage.toFixed(1)),
          align: 'right',
        },
      ]}
    />
  );
}
