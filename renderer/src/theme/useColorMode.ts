import { useCallback, useState } from 'react';
import useMediaQuery from '@mui/material/useMediaQuery';
import type { PaletteMode } from '@mui/material/styles';

const storageKey = 'xssab.colorMode';

function readStoredMode(): PaletteMode | null {
  const stored = localStorage.getItem(storageKey);
  return stored === 'light' || stored === 'dark' ? stored : null;
}

/** The user's explicit light/dark choice, persisted; until they choose, follows the OS setting. */
export function useColorMode(): { mode: PaletteMode; toggleMode: () => void } {
  const prefersDark = useMediaQuery('(prefers-color-scheme: dark)', { noSsr: true });
  const [storedMode, setStoredMode] = useState<PaletteMode | null>(readStoredMode);
  const mode = storedMode ?? (prefersDark ? 'dark' : 'light');

  const toggleMode = useCallback(() => {
    const next: PaletteMode = mode === 'dark' ? 'light' : 'dark';
    localStorage.setItem(storageKey, next);
    setStoredMode(next);
  }, [mode]);

  return { mode, toggleMode };
}
