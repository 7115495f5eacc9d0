import { useCallback, useState } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Typography from '@mui/material/Typography';
import type { ApiResult, BenchmarkRun } from '../../../electron/common/api.js';
import { api, ApiCallError } from '../api/client.js';
import { useApiQuery } from '../api/useApiQuery.js';
import { routeToHash } from '../app/useHashRoute.js';
import { DetailPageTop } from '../components/DetailPageTop.js';
import { EmptyState } from '../components/EmptyState.js';
import { formatDateTime } from '../components/format.js';
import { PageHeader } from '../components/PageHeader.js';
import { Section } from '../components/Section.js';
import { TermList } from '../components/TermList.js';
import { BenchmarkStatusChip } from './BenchmarkStatusChip.js';
import { CurveChart } from './CurveChart.js';
import { CurvesExplanation } from './CurvesExplanation.js';
import { methodLabels, progressText } from './labels.js';
import { RunProgress } from './RunProgress.js';
import { SamplePairs } from './SamplePairs.js';
import { SummaryTable } from './SummaryTable.js';

const rateText = (v: number | null) => (v === null ? '—' : v.toFixed(3));
import { useBenchmarkEvents } from './useBenchmarkEvents.js';
import { errorMessage } from '../../../electron/common/error-message.js';

const runListHref = routeToHash({ section: 'benchmarks', itemId: null });

export function BenchmarkDetailPage({ itemId }: { itemId: string }) {
  const runId = Number(itemId);
  if (!Number.isSafeInteger(runId) || runId <= 0) return <RunNotFound />;
  return <BenchmarkDetail runId={runId} />;
}

function RunNotFound() {
  return (
    <EmptyState
      title="Benchmark run not found"
      description="This run does not exist in the current data folder."
      action={<Button href={runListHref}>Back to all runs</Button>}
    />
  );
}

function BenchmarkDetail({ runId }: { runId: number }) {
  const detail = useApiQuery('benchmarks.get', { runId });
  const { reload } = detail;
  const onFinished = useCallback((finished: number) => finished === runId && reload(), [runId, reload]);
  const live = useBenchmarkEvents(onFinished).get(runId);
  const [actionError, setActionError] = useState<string | null>(null);
  const [acting, setActing] = useState(false);

  async function act(method: 'benchmarks.cancel' | 'benchmarks.resume') {
    setActionError(null);
    setActing(true);
    try {
      await api.call(method, { runId });
    } catch (error) {
      setActionError(errorMessage(error));
    } finally {
      setActing(false);
      reload();
    }
  }

  if (detail.error instanceof ApiCallError && detail.error.code === 'NOT_FOUND') return <RunNotFound />;
  const data = detail.data;
  const run = data?.run;
  return (
    <>
      <DetailPageTop
        listLabel="Benchmarks"
        listHref={runListHref}
        current={`Run #${runId}`}
        query={detail}
        loadingLabel="Loading run"
        errorTitle="Could not load this run"
        onRetry={reload}
      />
      {data && run && (
        <>
          <PageHeader
            title={
              <>
                Run #{run.id}
                <BenchmarkStatusChip status={run.status} />
              </>
            }
            subtitle={`${run.options.model} · ${run.options.methods.map((m) => methodLabels[m]).join(', ')} · started ${formatDateTime(run.createdAt)}`}
            actions={
              run.status === 'running' ? (
                <Button
                  variant="outlined"
                  color="warning"
                  disabled={acting}
                  onClick={() => void act('benchmarks.cancel')}
                >
                  Cancel run
                </Button>
              ) : run.status === 'cancelled' || run.status === 'failed' ? (
                <Button variant="outlined" disabled={acting} onClick={() => void act('benchmarks.resume')}>
                  Resume run
                </Button>
              ) : null
            }
          />
          {actionError && (
            <Alert severity="error" onClose={() => setActionError(null)} sx={{ mb: 2 }}>
              {actionError}
            </Alert>
          )}
          {run.status === 'running' && (
            <Box sx={{ mb: 2 }}>
              <RunProgress runId={run.id} progress={{ ...run.progress, ...live }} />
            </Box>
          )}
          {run.status === 'failed' && (
            <Alert severity="error" sx={{ mb: 2 }}>
              The run failed: {run.error}
            </Alert>
          )}
          {run.status === 'cancelled' && (
            <Alert severity="warning" sx={{ mb: 2 }}>
              Stopped after {progressText(run.progress)} ({run.progress.stage}).
            </Alert>
          )}
          <CurvesExplanation />
          {data.curves && <Results runId={run.id} data={data} curves={data.curves} />}
          <RunSettings run={run} />
        </>
      )}
    </>
  );
}

type RunDetail = ApiResult<'benchmarks.get'>;

function Results({
  runId,
  data,
  curves,
}: {
  runId: number;
  data: RunDetail;
  curves: NonNullable<RunDetail['curves']>;
}) {
  return (
    <>
      <Section title="Error rates while restoring patched pixels">
        <Box sx={{ display: 'grid', gridTemplateColumns: { xs: '1fr', lg: '1fr 1fr' }, gap: 2, p: 1 }}>
          <CurveChart curves={curves} rate="fmr" />
          <CurveChart curves={curves} rate="fnmr" />
        </Box>
        {curves.pairs.skipped.length > 0 && (
          <Typography variant="body2" color="text.secondary" sx={{ px: 2, pb: 2 }}>
            Skipped: {curves.pairs.skipped.map((s) => `${s.a} / ${s.b} (${s.reason})`).join('; ')}
          </Typography>
        )}
      </Section>
      <Section title="Summary">
        <Typography variant="body2" color="text.secondary" sx={{ px: 2, pt: 1.5 }}>
          AUC: area under the curve over 0–100 % restored, lower is better, and a method should beat random
          replacement. Localisation AUROC: how well the map separates the pixels the patches changed from the
          rest (0.5 is chance), over all pairs and over the pairs the patches turned wrong. Intervals are
          bootstrap 95 % intervals over pairs.
        </Typography>
        {data.validity && (
          <>
            <Typography variant="body2" sx={{ px: 2, pt: 1 }}>
              Threshold {data.validity.threshold.value.toFixed(4)} (
              {data.validity.threshold.source === 'eer'
                ? 'equal-error point of the unpatched pairs'
                : 'given'}
              ); unpatched FMR {rateText(data.validity.unpatched.fmr)}, FNMR{' '}
              {rateText(data.validity.unpatched.fnmr)}; the patches turned {data.validity.flipped.impostor}{' '}
              impostor and {data.validity.flipped.genuine} genuine pairs wrong. Default map:{' '}
              {data.validity.defaultMethod
                ? methodLabels[data.validity.defaultMethod]
                : 'none validated (the published xSSAB map stays the default)'}
              .
            </Typography>
            {data.validity.warnings.map((warning) => (
              <Alert key={warning} severity="warning" sx={{ mx: 2, mt: 1 }}>
                {warning}
              </Alert>
            ))}
            <SummaryTable summary={data.validity} />
          </>
        )}
      </Section>
      <Section title="Sample patched pairs" count={data.samples.length}>
        {data.samples.length > 0 ? (
          <SamplePairs runId={runId} samples={data.samples} />
        ) : (
          <EmptyState title="No samples" description="No pair of this run could be rendered as a sample." />
        )}
      </Section>
    </>
  );
}

function RunSettings({ run }: { run: BenchmarkRun }) {
  const { dataset, limit, threshold, masks, seed } = run.options;
  const rows: [string, string][] = [
    ['Dataset folder', dataset.root],
    ['Pairs list', dataset.pairsCsv],
    ['Identity labels', dataset.labelsCsv ?? 'from folder names'],
    ['Pairs (limit)', limit === undefined ? 'all' : String(limit)],
    [
      'Threshold',
      threshold === undefined ? 'the equal-error threshold on the run’s unpatched pairs' : String(threshold),
    ],
    ['CorrRISE masks', masks === undefined ? 'default (500)' : String(masks)],
    ['Seed', seed === undefined ? 'default (1)' : String(seed)],
    ['Output folder', run.outDir],
  ];
  return (
    <Section title="Settings">
      <TermList rows={rows} sx={{ gridTemplateColumns: 'max-content 1fr', p: 2 }} />
    </Section>
  );
}
