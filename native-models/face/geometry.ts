/**
 * Coordinates are continuous pixel coordinates: (0,0) is the top-left corner of the top-left
 * pixel, so the centre of pixel (i, j) is (i + 0.5, j + 0.5). Canvas drawing uses the same
 * convention, so points can be drawn over the photo as they are.
 */
export interface Point {
  x: number;
  y: number;
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Row-major 2×3 matrix [a, b, c, d, e, f]: x' = a·x + b·y + c, y' = d·x + e·y + f. */
export type Affine = readonly [number, number, number, number, number, number];

export function applyAffine(m: Affine, p: Point): Point {
  return { x: m[0] * p.x + m[1] * p.y + m[2], y: m[3] * p.x + m[4] * p.y + m[5] };
}

export function invertAffine(m: Affine): Affine {
  const det = m[0] * m[4] - m[1] * m[3];
  if (!Number.isFinite(det) || Math.abs(det) < 1e-12)
    throw new RangeError('affine transform is not invertible');
  const a = m[4] / det;
  const b = -m[1] / det;
  const d = -m[3] / det;
  const e = m[0] / det;
  return [a, b, -(a * m[2] + b * m[5]), d, e, -(d * m[2] + e * m[5])];
}

/** `outer ∘ inner`: apply `inner` first. */
export function composeAffine(outer: Affine, inner: Affine): Affine {
  return [
    outer[0] * inner[0] + outer[1] * inner[3],
    outer[0] * inner[1] + outer[1] * inner[4],
    outer[0] * inner[2] + outer[1] * inner[5] + outer[2],
    outer[3] * inner[0] + outer[4] * inner[3],
    outer[3] * inner[1] + outer[4] * inner[4],
    outer[3] * inner[2] + outer[4] * inner[5] + outer[5],
  ];
}

/**
 * Least-squares similarity (rotation, uniform scale, translation; never a reflection) taking
 * `from[i]` to `to[i]`: Umeyama's solution, which in 2-D has this closed form.
 */
export function estimateSimilarity(from: readonly Point[], to: readonly Point[]): Affine {
  if (from.length !== to.length || from.length < 2) {
    throw new RangeError(`a similarity needs at least 2 point pairs, got ${from.length} and ${to.length}`);
  }
  const n = from.length;
  const fromMean = mean(from);
  const toMean = mean(to);
  let dot = 0;
  let cross = 0;
  let norm = 0;
  for (let i = 0; i < n; i++) {
    const px = from[i].x - fromMean.x;
    const py = from[i].y - fromMean.y;
    const qx = to[i].x - toMean.x;
    const qy = to[i].y - toMean.y;
    dot += px * qx + py * qy;
    cross += px * qy - py * qx;
    norm += px * px + py * py;
  }
  if (norm < 1e-12) throw new RangeError('the source points coincide; no similarity transform fits them');
  // a = s·cos θ, b = s·sin θ
  const a = dot / norm;
  const b = cross / norm;
  return [
    a,
    -b,
    toMean.x - (a * fromMean.x - b * fromMean.y),
    b,
    a,
    toMean.y - (b * fromMean.x + a * fromMean.y),
  ];
}

export function mean(points: readonly Point[]): Point {
  let x = 0;
  let y = 0;
  for (const p of points) {
    x += p.x;
    y += p.y;
  }
  return { x: x / points.length, y: y / points.length };
}

export function distance(p: Point, q: Point): number {
  return Math.hypot(p.x - q.x, p.y - q.y);
}

export function intersectionOverUnion(r: Rect, s: Rect): number {
  const w = Math.min(r.x + r.width, s.x + s.width) - Math.max(r.x, s.x);
  const h = Math.min(r.y + r.height, s.y + s.height) - Math.max(r.y, s.y);
  if (w <= 0 || h <= 0) return 0;
  const inner = w * h;
  return inner / (r.width * r.height + s.width * s.height - inner);
}
