import { useEffect, useState } from 'react';
import { blobFromBase64 } from '../api/base64.js';
import { errorMessage } from '../../../electron/common/error-message.js';

/** What the API returns for a stored file: its bytes as base64, and their media type. */
interface Base64File {
  dataBase64: string;
  mediaType: string;
}

export interface ObjectUrlState {
  /** A blob: URL of the loaded file; revoked when the component unmounts or `load` changes. */
  url: string | null;
  /** Why loading failed, if it did. */
  error: string | null;
}

/**
 * Loads a file through the API (`load`, kept stable with useCallback; null loads nothing) and
 * serves it from a blob: URL, so that images need no network access beyond the API itself.
 */
export function useObjectUrl(load: (() => Promise<Base64File>) | null): ObjectUrlState {
  const [url, setUrl] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!load) return;
    let objectUrl: string | null = null;
    let current = true;
    load().then(
      ({ dataBase64, mediaType }) => {
        if (!current) return;
        objectUrl = URL.createObjectURL(blobFromBase64(dataBase64, mediaType));
        setUrl(objectUrl);
      },
      (reason: unknown) => current && setError(errorMessage(reason)),
    );
    return () => {
      current = false;
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [load]);

  return { url, error };
}
