import { useCallback, useEffect, useMemo, useState } from 'react';
import type { ApiMethod, ApiParams, ApiResult } from '../../../electron/common/api.js';
import { api } from './client.js';
import { shareUnchanged } from './shareUnchanged.js';

export interface ApiQuery<R> {
  /** The latest result; kept while a newer request runs so tables do not flicker. */
  data: R | undefined;
  /** The error of the latest request, if it failed. */
  error: Error | undefined;
  loading: boolean;
  reload: () => void;
}

interface Settled<R> {
  key: string;
  data?: R;
  error?: Error;
}

/**
 * Calls a read-only API method whenever its params change (compared by value) or on reload().
 * What a reload returns unchanged keeps its identity (shareUnchanged), so memoised parts of a page
 * do not render again.
 */
export function useApiQuery<M extends ApiMethod>(method: M, params: ApiParams<M>): ApiQuery<ApiResult<M>> {
  const paramsJson = JSON.stringify(params);
  const [generation, setGeneration] = useState(0);
  const key = `${method} ${paramsJson} ${generation}`;
  const [settled, setSettled] = useState<Settled<ApiResult<M>>>();

  useEffect(() => {
    let current = true;
    api.call(method, JSON.parse(paramsJson) as ApiParams<M>).then(
      (data) => current && setSettled((previous) => ({ key, data: shareUnchanged(previous?.data, data) })),
      (error: unknown) =>
        current && setSettled({ key, error: error instanceof Error ? error : new Error(String(error)) }),
    );
    return () => {
      current = false;
    };
  }, [method, paramsJson, key]);

  const reload = useCallback(() => setGeneration((value) => value + 1), []);
  const isCurrent = settled?.key === key;
  const data = settled?.data;
  const error = isCurrent ? settled.error : undefined;
  return useMemo(() => ({ data, error, loading: !isCurrent, reload }), [data, error, isCurrent, reload]);
}
