/**
 * `next` with every part that deeply equals the same part of `previous` replaced by that part, so
 * that data which did not change keeps its identity across reloads and memoised components skip
 * rendering it (what TanStack Query calls structural sharing). For JSON-like values: arrays are
 * matched by index, plain objects by key; anything else is taken from `next`.
 */
export function shareUnchanged<T>(previous: unknown, next: T): T {
  if (Object.is(previous, next)) return next;
  if (Array.isArray(previous) && Array.isArray(next)) {
    const shared = next.map((item: unknown, index) => shareUnchanged(previous[index], item));
    const same = shared.length === previous.length && shared.every((item, index) => item === previous[index]);
    return (same ? previous : shared) as T;
  }
  if (isPlainObject(previous) && isPlainObject(next)) {
    const keys = Object.keys(next);
    const shared = Object.fromEntries(keys.map((key) => [key, shareUnchanged(previous[key], next[key])]));
    const same =
      keys.length === Object.keys(previous).length &&
      keys.every((key) => key in previous && shared[key] === previous[key]);
    return (same ? previous : shared) as T;
  }
  return next;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
