import { useEffect } from 'react';
import { api } from './client.js';

/**
 * Runs `onChange` when the backend reports that a case changed elsewhere (the CLI, another
 * window, a finished job). With a caseId, only changes to that case count.
 */
export function useCaseChanges(caseId: number | null, onChange: () => void): void {
  useEffect(
    () =>
      api.onEvent((event) => {
        const changedCaseId =
          event.type === 'case.changed' || event.type === 'job.finished' ? event.caseId : null;
        if (changedCaseId === null) return;
        if (caseId === null || changedCaseId === caseId) onChange();
      }),
    [caseId, onChange],
  );
}
