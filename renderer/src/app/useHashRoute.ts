import { useMemo, useSyncExternalStore } from 'react';

/** `#/<section>` shows a section's list page, `#/<section>/<itemId>` one item in it. */
export interface Route {
  section: string;
  itemId: string | null;
}

export function routeToHash({ section, itemId }: Route): string {
  return itemId === null ? `#/${section}` : `#/${section}/${encodeURIComponent(itemId)}`;
}

function parseHash(hash: string): Route | null {
  const segments = hash.replace(/^#\/?/, '').split('/').filter(Boolean);
  if (segments.length === 1) return { section: segments[0], itemId: null };
  if (segments.length === 2) return { section: segments[0], itemId: decodeURIComponent(segments[1]) };
  return null;
}

export function navigate(route: Route): void {
  window.location.hash = routeToHash(route);
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}

const readHash = () => window.location.hash;

/** The route in `location.hash`; null when the hash names no route (e.g. empty). */
export function useHashRoute(): Route | null {
  const hash = useSyncExternalStore(subscribe, readHash);
  return useMemo(() => parseHash(hash), [hash]);
}
