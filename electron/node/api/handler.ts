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
import { ConflictError, InvalidInputError, NotFoundError } from '../services/errors.js';
import type { Workspace } from '../services/workspace.js';
import { packageInfo } from './package-info.js';

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

function implementations(workspace: Workspace, options: ApiHandlerOptions): Implementations {
  const actorOf = (params: { actor?: string }) => params.actor ?? workspace.defaultActor;
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
    'cases.get': ({ id }) => workspace.cases.getDetail(id),
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
    'analyses.run': async ({ pairId, modelId, actor }) => ({
      // job.finished tells the UI that the case changed.
      analysisId: await workspace.comparisons.runAnalysis(pairId, modelId, actorOf({ actor })),
    }),
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
      const decision = workspace.comparisons.recordDecision(params);
      caseChanged(workspace.comparisons.pair(decision.pairId).caseId);
      return decision;
    },
    'reports.export': async ({ caseId, actor }) => {
      const { report, pages } = await workspace.reports.export(caseId, actorOf({ actor }));
      caseChanged(caseId);
      return { reportId: report.id, sha256: report.sha256, pages, storedPath: report.storedPath };
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
  const methods = implementations(workspace, options);
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
    message: `${method} failed: ${error instanceof Error ? error.message : String(error)}`,
  };
}
