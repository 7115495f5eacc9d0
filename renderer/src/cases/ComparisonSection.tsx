import { memo, useEffect, useMemo, useRef, useState } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import FormControlLabel from '@mui/material/FormControlLabel';
import LinearProgress from '@mui/material/LinearProgress';
import MenuItem from '@mui/material/MenuItem';
import TextField from '@mui/material/TextField';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import CompareArrowsIcon from '@mui/icons-material/CompareArrows';
import {
  analysisJobId,
  type Analysis,
  type ApiResult,
  type CaseDetail,
  type Decision,
  type Pair,
} from '../../../electron/common/api.js';
import { api } from '../api/client.js';
import { ConfirmDialog } from '../components/ConfirmDialog.js';
import { EmptyState } from '../components/EmptyState.js';
import { RecordTable, type RecordColumn } from '../components/RecordTable.js';
import { Section } from '../components/Section.js';
import { AnalysisView } from './AnalysisView.js';
import { decisionColumn } from './decisionColumns.js';
import { DecisionForm } from './DecisionForm.js';
import { FaceChooser } from './FaceChooser.js';
import { NewComparisonDialog } from './NewComparisonDialog.js';
import { errorMessage } from '../../../electron/common/error-message.js';

interface ComparisonSectionProps {
  detail: CaseDetail;
  onChanged: () => void;
}

/** The pairs of a case, each with its xSSAB analysis and the examiner's and verifier's decisions. */
export function ComparisonSection({ detail, onChanged }: ComparisonSectionProps) {
  const [creating, setCreating] = useState(false);
  const names = new Map(detail.evidence.map((item) => [item.id, item.originalName]));
  const nameOf = (evidenceId: number) => names.get(evidenceId) ?? `Evidence #${evidenceId}`;

  return (
    <Section
      title="Comparisons"
      count={detail.pairs.length}
      actions={
        <Button
          size="small"
          variant="outlined"
          startIcon={<CompareArrowsIcon />}
          disabled={detail.evidence.length < 2}
          title={detail.evidence.length < 2 ? 'Import at least two evidence images first' : undefined}
          onClick={() => setCreating(true)}
        >
          New comparison
        </Button>
      }
    >
      {detail.pairs.length === 0 ? (
        <EmptyState
          title="No comparisons"
          description="A comparison puts two evidence images of this case side by side: run the xSSAB analysis on it, then record the examiner's conclusion and its verification."
        />
      ) : (
        detail.pairs.map((pair) => (
          <PairPanel
            key={pair.id}
            pair={pair}
            nameA={nameOf(pair.evidenceAId)}
            nameB={nameOf(pair.evidenceBId)}
            analyses={detail.analyses}
            allDecisions={detail.decisions}
            onChanged={onChanged}
          />
        ))
      )}
      {creating && (
        <NewComparisonDialog
          caseId={detail.id}
          evidence={detail.evidence}
          onClose={() => setCreating(false)}
          onCreated={() => {
            setCreating(false);
            onChanged();
          }}
        />
      )}
    </Section>
  );
}

const decisionColumns: RecordColumn<Decision>[] = [
  decisionColumn.role,
  { header: 'Person', cell: (decision) => decision.examiner },
  decisionColumn.conclusion,
  decisionColumn.rationale,
  decisionColumn.recorded,
];

interface PairPanelProps {
  pair: Pair;
  nameA: string;
  nameB: string;
  /** The case's analyses and decisions; the panel shows the pair's own. */
  analyses: Analysis[];
  allDecisions: Decision[];
  onChanged: () => void;
}

/**
 * One pair: model and options, the faces compared, the latest analysis and the decisions. Memoised
 * with its parts, so that a reload of the case renders only what changed.
 */
const PairPanel = memo(function PairPanel({
  pair,
  nameA,
  nameB,
  analyses,
  allDecisions,
  onChanged,
}: PairPanelProps) {
  const analysis = analyses.findLast((candidate) => candidate.pairId === pair.id) ?? null;
  const decisions = useMemo(
    () => allDecisions.filter((decision) => decision.pairId === pair.id),
    [allDecisions, pair.id],
  );
  const names = useMemo(() => ({ a: nameA, b: nameB }), [nameA, nameB]);
  const { running, error, clearError, run, cancel } = useAnalysisRun(pair.id);
  const models = useModels();
  const [modelId, setModelId] = useState<string | null>(null);
  const [options, setOptions] = useState<AnalysisOptions>({
    flipAveraging: false,
    integratedGradients: false,
  });
  const option = (name: keyof AnalysisOptions, label: string) => (
    <FormControlLabel
      label={label}
      disabled={running}
      control={
        <Checkbox
          size="small"
          checked={options[name]}
          onChange={(event) => setOptions({ ...options, [name]: event.target.checked })}
        />
      }
    />
  );
  const [confirmingCancel, setConfirmingCancel] = useState(false);
  const chosenModel = modelId ?? models.find((model) => model.isDefault)?.id ?? '';

  return (
    <Box
      component="article"
      aria-label={`Pair #${pair.id}`}
      sx={{ px: 2, py: 1.5, borderBottom: 1, borderColor: 'divider', display: 'grid', gap: 1.5 }}
    >
      <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
        <Typography variant="h3" sx={{ flex: 1, fontSize: '1rem', fontWeight: 600 }}>
          Pair #{pair.id}: {names.a} ↔ {names.b}
        </Typography>
        <TextField
          select
          size="small"
          label="Model"
          value={models.length > 0 ? chosenModel : ''}
          onChange={(event) => setModelId(event.target.value)}
          disabled={running || models.length === 0}
          sx={{ minWidth: 200 }}
        >
          {models.map((model) => (
            <MenuItem key={model.id} value={model.id} disabled={!model.usable}>
              {model.name}
              {model.isDefault ? ' (default)' : ''}
              {model.usable ? '' : ' — not usable'}
            </MenuItem>
          ))}
        </TextField>
        <Button
          variant="contained"
          size="small"
          disabled={running}
          onClick={() => void run(chosenModel || undefined, options)}
        >
          {analysis ? 'Run xSSAB analysis again' : 'Run xSSAB analysis'}
        </Button>
        {running && (
          <Button variant="outlined" size="small" color="warning" onClick={() => setConfirmingCancel(true)}>
            Cancel analysis
          </Button>
        )}
      </Stack>
      <Stack direction="row" spacing={2} aria-label={`Analysis options for pair #${pair.id}`} role="group">
        {option('integratedGradients', 'Integrated gradients and region table (a few seconds more)')}
        {option('flipAveraging', 'Flip averaging (low-quality probes)')}
      </Stack>
      <Box
        role="group"
        aria-label={`Faces compared in pair #${pair.id}`}
        sx={{ display: 'flex', gap: 3, flexWrap: 'wrap' }}
      >
        <FaceChooser
          pair={pair}
          side="a"
          evidenceId={pair.evidenceAId}
          name={names.a}
          onChanged={onChanged}
        />
        <FaceChooser
          pair={pair}
          side="b"
          evidenceId={pair.evidenceBId}
          name={names.b}
          onChanged={onChanged}
        />
      </Box>
      <ConfirmDialog
        open={confirmingCancel && running}
        title={`Cancel the analysis of pair #${pair.id}?`}
        confirmLabel="Cancel the analysis"
        onConfirm={() => void cancel()}
        onClose={() => setConfirmingCancel(false)}
      >
        The analysis stops at its next stage and nothing of it is stored. You can run it again later.
      </ConfirmDialog>
      {running && <AnalysisProgress pairId={pair.id} />}
      {error && (
        <Alert severity={error.cancelled ? 'info' : 'error'} role="alert" onClose={clearError}>
          {error.cancelled
            ? 'The analysis was cancelled; nothing was stored.'
            : `The analysis failed: ${error.message}`}
        </Alert>
      )}
      {analysis ? (
        <AnalysisView analysis={analysis} names={names} />
      ) : (
        !running && (
          <Typography variant="body2" color="text.secondary">
            Not analysed yet.
          </Typography>
        )
      )}
      <Typography variant="h3" sx={{ fontSize: '0.95rem', fontWeight: 600 }}>
        Decisions
      </Typography>
      {decisions.length > 0 && (
        <RecordTable
          label={`Decisions on pair #${pair.id}`}
          rows={decisions}
          rowKey={(decision) => decision.id}
          columns={decisionColumns}
        />
      )}
      <DecisionForm
        key={decisions.length}
        pairId={pair.id}
        analysisId={analysis?.id ?? null}
        decisions={decisions}
        onRecorded={onChanged}
      />
    </Box>
  );
});

/** The recognition models an analysis can use, loaded once. */
function useModels() {
  const [models, setModels] = useState<ApiResult<'models.list'>['models']>([]);
  useEffect(() => {
    let current = true;
    api.call('models.list', {}).then(
      (result) => current && setModels(result.models),
      () => current && setModels([]),
    );
    return () => {
      current = false;
    };
  }, []);
  return models;
}

/** Per-analysis choices beside the model; off by default (a model's validated default map still applies). */
interface AnalysisOptions {
  flipAveraging: boolean;
  integratedGradients: boolean;
}

/**
 * Runs the pair's analysis. The case reloads on the analysis's job.finished event (useCaseChanges),
 * like on any other change.
 */
function useAnalysisRun(pairId: number) {
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<{ message: string; cancelled: boolean } | null>(null);
  const cancelled = useRef(false);

  async function run(modelId: string | undefined, options: AnalysisOptions) {
    setRunning(true);
    setError(null);
    cancelled.current = false;
    try {
      await api.call('analyses.run', {
        pairId,
        ...(modelId && { modelId }),
        ...(options.flipAveraging && { flipAveraging: true }),
        ...(options.integratedGradients && { integratedGradients: true }),
      });
    } catch (reason) {
      setError({
        message: errorMessage(reason),
        cancelled: cancelled.current,
      });
    } finally {
      setRunning(false);
    }
  }

  async function cancel() {
    cancelled.current = true;
    await api.call('analyses.cancel', { pairId });
  }

  return { running, error, clearError: () => setError(null), run, cancel };
}

interface AnalysisStage {
  text: string;
  done: number;
  total: number;
}

/** The running analysis's stage from its job.progress events; only this bar renders as they arrive. */
function AnalysisProgress({ pairId }: { pairId: number }) {
  const [stage, setStage] = useState<AnalysisStage | null>(null);
  useEffect(
    () =>
      api.onEvent((event) => {
        if (event.type === 'job.progress' && event.jobId === analysisJobId(pairId) && event.total !== null) {
          setStage({ text: event.stage, done: event.done, total: event.total });
        }
      }),
    [pairId],
  );
  return (
    <Box>
      <LinearProgress
        variant={stage ? 'determinate' : 'indeterminate'}
        value={stage ? (100 * stage.done) / stage.total : undefined}
        aria-label={`Analysis of pair #${pairId}`}
      />
      <Typography variant="caption" color="text.secondary">
        {stage?.text ?? 'starting the analysis'}…
      </Typography>
    </Box>
  );
}
