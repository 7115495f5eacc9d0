/**
 * The API implementation behind both transports (Electron IPC and the browser-mode bridge):
 * validates params against the contract, dispatches to the services, and turns every failure
 * into an error body; a call never throws and never takes the process down.
 */
import { SqliteError } from 'better-sqlite3';
import type { z } from 'zod';
import {
  apiContract,
  isApiMethod,
  MAX_EVIDENCE_BYTES,
  type ApiErrorBody,
  type ApiMethod,
  type ApiOutcome,
  type ApiResult,
  type ApiValidParams,
} from '../../common/api.js';
import { buildValidationReport } from '../reports/validation-report.js';
import type { Signer } from '../services/account-service.js';
import { ConflictError, InvalidInputError, NotFoundError, UnauthorizedError } from '../services/errors.js';
import type { Workspace } from '../services/workspace.js';
import { packageInfo } from './package-info.js';
import { errorMessage } from '../../common/error-message.js';

export interface ApiHandler {
  handle(method: string, params: unknown): Promise<ApiOutcome>;
}

export interface ApiHandlerOptions {
  transport: 'ipc' | 'http' | 'cli';
  /** Check every result against its schema too (tests turn this on); a mismatch becomes INTERNAL. */
  checkResults?: boolean;
}

type Implementations = {
  [M in ApiMethod]: (params: ApiValidParams<M>) => ApiResult<M> | Promise<ApiResult<M>>;
};

/**
 * Who is signed in through this handler. Each transport has its own handler (the Electron window,
 * the browser-mode server, one CLI run), so the session, with the opened private key, lives in the
 * backend and never reaches the renderer.
 */
interface Session {
  signer: Signer | null;
}

function implementations(
  workspace: Workspace,
  options: ApiHandlerOptions,
  session: Session,
): Implementations {
  // Signed in, the account is the actor; `actor` is accepted for older callers and then ignored.
  const actorOf = (params: { actor?: string }) =>
    session.signer?.account.name ?? params.actor ?? workspace.defaultActor;
  const signedIn = (act: string): Signer => {
    if (!session.signer)
      throw new UnauthorizedError(`${act} needs a signed-in examiner account; sign in first`);
    return session.signer;
  };
  const viewer = () => ({ accountId: session.signer?.account.id ?? null });
  const caseChanged = (caseId: number) => workspace.events.publish({ type: 'case.changed', caseId });
  return {
    'app.info': () => ({
      name: packageInfo().name,
      version: packageInfo().version,
      dataDir: workspace.dataDir,
      transport: options.transport,
      defaultActor: workspace.defaultActor,
    }),
    'cases.list': (params) => ({ cases: workspace.cases.list(params) }),
    'cases.get': ({ id }) => workspace.cases.getDetail(id, viewer()),
    'cases.create': ({ actor, ...fields }) => {
      const created = workspace.cases.create(fields, actorOf({ actor }));
      caseChanged(created.id);
      return created;
    },
    'cases.update': ({ id, actor, ...patch }) => {
      const updated = workspace.cases.update(id, patch, actorOf({ actor }));
      caseChanged(id);
      return updated;
    },
    'cases.reopen': ({ id, reason }) => {
      const reopened = workspace.cases.reopen(id, reason, signedIn('reopening a case').account.name);
      caseChanged(id);
      return reopened;
    },
    'accounts.list': () => ({ accounts: workspace.accounts.list() }),
    'accounts.create': (params) => workspace.accounts.create(params, session.signer),
    'accounts.signIn': ({ name, passphrase }) => {
      // A failed attempt leaves nobody signed in, not the previous account.
      session.signer = null;
      session.signer = workspace.accounts.signIn(name, passphrase);
      return { account: session.signer.account };
    },
    'accounts.signOut': () => {
      session.signer = null;
      return { signedOut: true as const };
    },
    'accounts.current': () => ({
      account: session.signer?.account ?? null,
      accountsExist: workspace.accounts.exist(),
    }),
    'evidence.import': async ({ caseId, fileName, dataBase64, actor }) => {
      // Refuse before decoding: 4 base64 characters carry 3 bytes.
      if (Math.floor((dataBase64.length * 3) / 4) - 2 > MAX_EVIDENCE_BYTES) {
        throw new InvalidInputError(
          `${fileName} is over ${MAX_EVIDENCE_BYTES / 1024 ** 2} MB; larger evidence files are refused`,
          'dataBase64',
        );
      }
      const bytes = Buffer.from(dataBase64, 'base64');
      const item = await workspace.evidence.import({ caseId, fileName, bytes }, actorOf({ actor }));
      caseChanged(caseId);
      return item;
    },
    'evidence.list': ({ caseId }) => ({ evidence: workspace.evidence.list(caseId) }),
    'evidence.verify': ({ caseId }) => ({ items: workspace.evidence.verifyCase(caseId) }),
    'evidence.read': ({ id }) => {
      const { item, bytes } = workspace.evidence.readContent(id);
      return { id, mediaType: item.mediaType, sha256: item.sha256, dataBase64: bytes.toString('base64') };
    },
    'evidence.setRole': ({ id, role, actor }) => {
      const item = workspace.evidence.setRole(id, role, actorOf({ actor }));
      caseChanged(item.caseId);
      return item;
    },
    'evidence.metadata': ({ id }) => workspace.evidence.metadata(id),
    'evidence.faces': ({ id }) => workspace.faces.faces(id),
    'evidence.alignPreview': ({ id, landmarks, modelId }) =>
      workspace.faces.alignPreview(id, landmarks, modelId),
    'audit.verify': ({ caseId }) => {
      if (caseId !== undefined) workspace.cases.get(caseId);
      return workspace.audit.verify(caseId);
    },
    'benchmarks.defaults': () => workspace.benchmarks.defaults(),
    'benchmarks.start': (options) => workspace.benchmarks.start(options),
    'benchmarks.list': () => ({ runs: workspace.benchmarks.list() }),
    'benchmarks.get': ({ runId }) => workspace.benchmarks.get(runId),
    'benchmarks.asset': ({ runId, pairIndex, image }) => workspace.benchmarks.asset(runId, pairIndex, image),
    'benchmarks.cancel': ({ runId }) => workspace.benchmarks.cancel(runId),
    'benchmarks.resume': ({ runId }) => workspace.benchmarks.resume(runId),
    'pairs.create': ({ caseId, evidenceAId, evidenceBId, actor }) => {
      const pair = workspace.comparisons.createPair(caseId, evidenceAId, evidenceBId, actorOf({ actor }));
      caseChanged(caseId);
      return pair;
    },
    'pairs.setFace': ({ pairId, side, choice, actor }) => {
      const pair = workspace.comparisons.setFace(pairId, side, choice, actorOf({ actor }));
      caseChanged(pair.caseId);
      return pair;
    },
    'analyses.run': async ({ pairId, modelId, flipAveraging, integratedGradients, actor }) => {
      // job.finished tells the UI that the case changed.
      const analysisId = await workspace.comparisons.runAnalysis(pairId, modelId, actorOf({ actor }), {
        flipAveraging,
        integratedGradients,
      });
      // With a calibration of the model, the analysis gets its likelihood ratio at once.
      if (workspace.calibrations.assessAnalysis(analysisId, undefined, actorOf({ actor })))
        caseChanged(workspace.comparisons.pair(pairId).caseId);
      return { analysisId };
    },
    'models.list': () => ({ models: workspace.comparisons.models() }),
    'analyses.cancel': ({ pairId }) => ({ cancelled: workspace.comparisons.cancelAnalysis(pairId) }),
    'analyses.get': ({ analysisId }) => workspace.comparisons.analysis(analysisId),
    'analyses.artifact': ({ analysisId, role }) => {
      const { sha256, bytes } = workspace.comparisons.readPngArtifact(analysisId, role);
      return { mediaType: 'image/png' as const, sha256, dataBase64: bytes.toString('base64') };
    },
    'analyses.mapValues': ({ analysisId, map }) => {
      const { width, height, values } = workspace.comparisons.mapValues(analysisId, map);
      const bytes = Buffer.from(values.buffer, values.byteOffset, values.byteLength);
      return { width, height, valuesBase64: bytes.toString('base64') };
    },
    'decisions.record': (params) => {
      const decision = workspace.decisions.record(params, signedIn('recording a decision'));
      caseChanged(workspace.comparisons.pair(decision.pairId).caseId);
      return decision;
    },
    // The exporting account signs the report; `actor` is accepted for older callers and ignored.
    'reports.export': async ({ caseId }) => {
      const { report, pages } = await workspace.reports.export(caseId, signedIn('exporting a report'));
      caseChanged(caseId);
      return { reportId: report.id, sha256: report.sha256, pages, storedPath: report.storedPath };
    },
    'calibrations.create': async ({ modelId, pairsCsv, root, name, method, condition, folds, actor }) => {
      const { set } = await workspace.calibrations.importSet(
        { modelId, pairsCsv, root, ...(name !== undefined && { name }) },
        actorOf({ actor }),
      );
      return workspace.calibrations.calibrate(
        set.id,
        { method, folds, ...(condition !== undefined && { condition }) },
        actorOf({ actor }),
      );
    },
    'calibrations.list': ({ modelId }) => ({ calibrations: workspace.calibrations.list(modelId) }),
    'calibrations.get': ({ calibrationId }) => workspace.calibrations.get(calibrationId),
    'calibrations.report': async ({ calibrationId }) => {
      const { bytes, pages, sha256 } = await buildValidationReport(workspace.calibrations.get(calibrationId));
      return {
        calibrationId,
        mediaType: 'application/pdf' as const,
        sha256,
        pages,
        dataBase64: bytes.toString('base64'),
      };
    },
    'likelihoodRatios.get': ({ analysisId }) => {
      workspace.comparisons.analysis(analysisId);
      return { likelihoodRatio: workspace.calibrations.analysisLr(analysisId) };
    },
    'likelihoodRatios.assess': ({ analysisId, calibrationId, actor }) => {
      const lr = workspace.calibrations.assessAnalysis(analysisId, calibrationId, actorOf({ actor }));
      if (!lr) throw new NotFoundError(`no calibration of the model of analysis ${analysisId} exists yet`);
      caseChanged(workspace.comparisons.pair(workspace.comparisons.analysis(analysisId).pairId).caseId);
      return lr;
    },
    'reports.read': ({ reportId }) => {
      const { report, bytes } = workspace.reports.read(reportId);
      return {
        reportId,
        caseId: report.caseId,
        mediaType: 'application/pdf' as const,
        sha256: report.sha256,
        dataBase64: bytes.toString('base64'),
      };
    },
  };
}

export function createApiHandler(workspace: Workspace, options: ApiHandlerOptions): ApiHandler {
  const methods = implementations(workspace, options, { signer: null });
  return {
    async handle(method, params) {
      if (!isApiMethod(method)) {
        return failure(
          'NOT_FOUND',
          `unknown API method '${method}'; known methods: ${Object.keys(apiContract).join(', ')}`,
        );
      }
      const contract = apiContract[method];
      const parsed = contract.params.safeParse(params === undefined ? {} : params);
      if (!parsed.success) return validationFailure(`invalid params for ${method}`, parsed.error);
      try {
        const implementation = methods[method] as (params: unknown) => unknown;
        const result = await implementation(parsed.data);
        if (options.checkResults) {
          const checked = (contract.result as z.ZodType).safeParse(result);
          if (!checked.success)
            return validationFailure(`result of ${method} breaks its schema`, checked.error, 'INTERNAL');
        }
        return { ok: true, result };
      } catch (error) {
        return { ok: false, error: errorBody(method, error) };
      }
    },
  };
}

function failure(code: ApiErrorBody['code'], message: string, issues?: ApiErrorBody['issues']): ApiOutcome {
  return { ok: false, error: issues ? { code, message, issues } : { code, message } };
}

function validationFailure(
  prefix: string,
  error: z.ZodError,
  code: ApiErrorBody['code'] = 'VALIDATION',
): ApiOutcome {
  const issues = error.issues.map((issue) => ({
    path: issue.path.length > 0 ? issue.path.map(String).join('.') : '(params)',
    message: issue.message,
  }));
  return failure(code, `${prefix}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues);
}

function errorBody(method: ApiMethod, error: unknown): ApiErrorBody {
  if (error instanceof InvalidInputError) {
    return error.field
      ? {
          code: 'VALIDATION',
          message: error.message,
          issues: [{ path: error.field, message: error.message }],
        }
      : { code: 'VALIDATION', message: error.message };
  }
  if (error instanceof NotFoundError) return { code: 'NOT_FOUND', message: error.message };
  if (error instanceof UnauthorizedError) return { code: 'UNAUTHORIZED', message: error.message };
  if (error instanceof ConflictError) return { code: 'CONFLICT', message: error.message };
  if (error instanceof SqliteError && error.code === 'SQLITE_CONSTRAINT_UNIQUE') {
    return { code: 'CONFLICT', message: `${method}: ${error.message}` };
  }
  if (error instanceof SqliteError && error.code.startsWith('SQLITE_CONSTRAINT')) {
    return { code: 'VALIDATION', message: `${method}: ${error.message}` };
  }
  console.error(`xssab: ${method} failed:`, error);
  return {
    code: 'INTERNAL',
    message: `${method} failed: ${errorMessage(error)}`,
  };
}
