import { useCallback, useEffect, useState } from 'react';
import type { ApiMethod, ApiParams, ApiResult } from '../../../electron/common/api.js';
import { api } from './client.js';

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

/** Calls a read-only API method whenever its params change (compared by value) or on reload(). */
export function useApiQuery<M extends ApiMethod>(method: M, params: ApiParams<M>): ApiQuery<ApiResult<M>> {
  const paramsJson = JSON.stringify(params);
  const [generation, setGeneration] = useState(0);
  const key = `${method} ${paramsJson} ${generation}`;
  const [settled, setSettled] = useState<Settled<ApiResult<M>>>();

  useEffect(() => {
    let current = true;
    api.call(method, JSON.parse(paramsJson) as ApiParams<M>).then(
      (data) => current && setSettled({ key, data }),
      (error: unknown) =>
        current && setSettled({ key, error: error instanceof Error ? error : new Error(String(error)) }),
    );
    return () => {
      current = false;
    };
  }, [method, paramsJson, key]);

  const reload = useCallback(() => setGeneration((value) => value + 1), []);
  const isCurrent = settled?.key === key;
  return {
    data: settled?.data,
    error: isCurrent ? settled.error : undefined,
    loading: !isCurrent,
    reload,
  };
}
