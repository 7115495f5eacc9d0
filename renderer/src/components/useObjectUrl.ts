import { useEffect, useState } from 'react';

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
 * Loads a file through the API (`load`, kept stable with useCallback) and serves it from a blob:
 * URL, so that images need no network access beyond the API itself.
 */
export function useObjectUrl(load: () => Promise<Base64File>): ObjectUrlState {
  const [url, setUrl] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let objectUrl: string | null = null;
    let current = true;
    load().then(
      ({ dataBase64, mediaType }) => {
        if (!current) return;
        const bytes = Uint8Array.from(atob(dataBase64), (char) => char.charCodeAt(0));
        objectUrl = URL.createObjectURL(new Blob([bytes], { type: mediaType }));
        setUrl(objectUrl);
      },
      (reason: unknown) => current && setError(reason instanceof Error ? reason.message : String(reason)),
    );
    return () => {
      current = false;
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [load]);

  return { url, error };
}
