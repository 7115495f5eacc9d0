/**
 * The one typed API between the UI and the backend, declared once.
 *
 * Each method has a zod schema for its params and one for its result. The Electron shell carries
 * calls over IPC (see channels.ts), browser mode over HTTP (see electron/node/bridge); both end in
 * the same handler (electron/node/api), which validates params with these schemas.
 *
 * Stability: the renderer is written against this file. Change it additively only.
 */
import type { z } from 'zod';
import { accountMethods } from './api/accounts.js';
import { appMethods } from './api/app.js';
import { auditMethods } from './api/audit.js';
import { benchmarkMethods } from './api/benchmarks.js';
import { calibrationMethods } from './api/calibration.js';
import { caseMethods } from './api/cases.js';
import { comparisonMethods } from './api/comparison.js';
import { evidenceMethods } from './api/evidence.js';
import { reportMethods } from './api/reports.js';

export * from './api/accounts.js';
export * from './api/app.js';
export * from './api/audit.js';
export * from './api/benchmarks.js';
export * from './api/calibration.js';
export * from './api/cases.js';
export * from './api/comparison.js';
export * from './api/errors.js';
export * from './api/evidence.js';
export * from './api/reports.js';

/** Every method of the API, one domain module each (electron/common/api/). */
export const apiContract = {
  ...appMethods,
  ...caseMethods,
  ...evidenceMethods,
  ...auditMethods,
  ...benchmarkMethods,
  ...comparisonMethods,
  ...reportMethods,
  ...calibrationMethods,
  ...accountMethods,
} as const;

export type ApiContract = typeof apiContract;
export type ApiMethod = keyof ApiContract;
/** What a caller passes (before trimming/defaults). */
export type ApiParams<M extends ApiMethod> = z.input<ApiContract[M]['params']>;
/** Params after validation, as the implementation receives them. */
export type ApiValidParams<M extends ApiMethod> = z.output<ApiContract[M]['params']>;
export type ApiResult<M extends ApiMethod> = z.output<ApiContract[M]['result']>;

export function isApiMethod(name: string): name is ApiMethod {
  return Object.prototype.hasOwnProperty.call(apiContract, name);
}

/** What the renderer sees: `window.xssab` in Electron, or the HTTP client in browser mode. */
export interface XssabApi {
  call<M extends ApiMethod>(method: M, params: ApiParams<M>): Promise<ApiResult<M>>;
}
