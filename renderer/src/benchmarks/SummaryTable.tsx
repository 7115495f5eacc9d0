import type { BenchmarkSummary, Interval } from '../../../electron/common/api.js';
import { formatInterval } from '../../../electron/common/explanations.js';
import { RecordTable } from '../components/RecordTable.js';
import { methodLabels } from './labels.js';

const interval = (v: Interval | null) => formatInterval(v, 3);

interface Row {
  key: string;
  label: string;
  aucFmr: Interval | null;
  aucFnmr: Interval | null;
  beatsRandom?: { fmr: boolean; fnmr: boolean };
  localisationAuroc?: Interval | null;
  localisationAurocFlipped?: Interval | null;
  msPerImage?: number | null;
}

/**
 * summary.json: areas under the curves (lower is better) and localisation AUROC (higher is
 * better; on all pairs and on those the patches turned wrong) with 95 % bootstrap intervals;
 * ✓ marks an area whose interval lies below random replacement's. Random replacement and the
 * oracle close the table.
 */
export function SummaryTable({ summary }: { summary: BenchmarkSummary }) {
  const rows: Row[] = [
    ...summary.methods.map((m) => ({ key: m.method, label: methodLabels[m.method], ...m })),
    { key: 'random-replacement', label: 'Random replacement', ...summary.random },
    { key: 'oracle', label: 'Oracle (patch pixels first)', ...summary.oracle },
  ];
  const area = (value: Interval | null, beats: boolean | undefined) =>
    `${interval(value)}${beats ? ' ✓' : ''}`;
  return (
    <RecordTable
      label="Benchmark summary"
      rows={rows}
      rowKey={(row) => row.key}
      columns={[
        { header: 'Method', cell: (row) => row.label, nowrap: true },
        {
          header: 'FMR AUC best-worst [95 %]',
          cell: (row) => area(row.aucFmr, row.beatsRandom?.fmr),
          align: 'right',
        },
        {
          header: 'FNMR AUC best-worst [95 %]',
          cell: (row) => area(row.aucFnmr, row.beatsRandom?.fnmr),
          align: 'right',
        },
        {
          header: 'Localisation AUROC',
          cell: (row) => (row.localisationAuroc === undefined ? '' : interval(row.localisationAuroc)),
          align: 'right',
        },
        {
          header: 'AUROC, pairs turned wrong',
          cell: (row) =>
            row.localisationAurocFlipped === undefined ? '' : interval(row.localisationAurocFlipped),
          align: 'right',
        },
        {
          header: 'ms / image',
          cell: (row) =>
            row.msPerImage === undefined || row.msPerImage === null ? '' : row.msPerImage.toFixed(1),
          align: 'right',
        },
      ]}
    />
  );
}
