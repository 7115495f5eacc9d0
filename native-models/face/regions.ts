/**
 * Facial regions of an aligned crop, laid out from its five alignment landmarks, and how much of a
 * signed map's support (+) and opposition (−) falls in each: the table an examiner reads beside
 * the maps ("the mouth carries 31 % of what speaks for a match").
 *
 * Sizes are fractions of the distance between the eye centres (d), the usual unit of facial
 * proportions. Every pixel belongs to one region; the first region in FACE_REGIONS whose shape
 * holds it wins, and pixels in none are `other` (hair, ears, background).
 */
import { FACE_REGIONS, type FaceRegion } from '../../electron/common/explanations.js';
import type { FivePointLandmarks } from './align.js';
import type { Point } from './geometry.js';

export interface RegionShare {
  region: FaceRegion;
  pixels: number;
  /** Share (0–1) of all positive map mass, and of all negative map mass, that lies in the region. */
  support: number;
  opposition: number;
  /** Sum of the map over the region (for integrated gradients: score units). */
  net: number;
}

const inEllipse = (p: Point, centre: Point, rx: number, ry: number) =>
  ((p.x - centre.x) / rx) ** 2 + ((p.y - centre.y) / ry) ** 2 <= 1;

/** The region of every pixel of a width × height crop (index into FACE_REGIONS), row-major. */
export function regionMask(landmarks: FivePointLandmarks, width: number, height: number): Uint8Array {
  const { rightEye, leftEye, noseTip, rightMouth, leftMouth } = landmarks;
  const d = Math.hypot(leftEye.x - rightEye.x, leftEye.y - rightEye.y);
  const eyeY = (rightEye.y + leftEye.y) / 2;
  const mouth = { x: (rightMouth.x + leftMouth.x) / 2, y: (rightMouth.y + leftMouth.y) / 2 };
  const mouthHalf = Math.abs(leftMouth.x - rightMouth.x) / 2;
  const brow = (eye: Point) => ({ x: eye.x, y: eye.y - 0.3 * d });
  const tests: Record<Exclude<FaceRegion, 'other'>, (p: Point) => boolean> = {
    right_eye: (p) => inEllipse(p, rightEye, 0.3 * d, 0.18 * d),
    left_eye: (p) => inEllipse(p, leftEye, 0.3 * d, 0.18 * d),
    right_brow: (p) => inEllipse(p, brow(rightEye), 0.38 * d, 0.14 * d),
    left_brow: (p) => inEllipse(p, brow(leftEye), 0.38 * d, 0.14 * d),
    nose: (p) =>
      Math.abs(p.x - noseTip.x) <= 0.22 * d && p.y >= eyeY + 0.1 * d && p.y <= noseTip.y + 0.15 * d,
    mouth: (p) => inEllipse(p, mouth, mouthHalf + 0.12 * d, 0.22 * d),
    right_cheek: (p) =>
      p.x >= rightEye.x - 0.45 * d && p.x < noseTip.x && p.y > eyeY + 0.18 * d && p.y <= mouth.y,
    left_cheek: (p) =>
      p.x <= leftEye.x + 0.45 * d && p.x > noseTip.x && p.y > eyeY + 0.18 * d && p.y <= mouth.y,
    chin: (p) => Math.abs(p.x - mouth.x) <= 0.6 * d && p.y > mouth.y && p.y <= mouth.y + 0.75 * d,
    forehead: (p) =>
      Math.abs(p.x - (rightEye.x + leftEye.x) / 2) <= 0.9 * d &&
      p.y >= eyeY - 1.1 * d &&
      p.y < eyeY - 0.3 * d,
  };
  const ordered = FACE_REGIONS.filter((r): r is Exclude<FaceRegion, 'other'> => r !== 'other');
  const other = FACE_REGIONS.indexOf('other');
  const mask = new Uint8Array(width * height).fill(other);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = { x: x + 0.5, y: y + 0.5 };
      const hit = ordered.findIndex((region) => tests[region](p));
      if (hit >= 0) mask[y * width + x] = FACE_REGIONS.indexOf(ordered[hit]);
    }
  }
  return mask;
}

/** Each region's share of the map's support and opposition, and its net sum; regions in FACE_REGIONS order. */
export function regionSummary(map: Float32Array, mask: Uint8Array): RegionShare[] {
  if (map.length !== mask.length)
    throw new RangeError(`map has ${map.length} values, region mask ${mask.length}`);
  const rows = FACE_REGIONS.map((region) => ({ region, pixels: 0, positive: 0, negative: 0, net: 0 }));
  let positive = 0;
  let negative = 0;
  map.forEach((v, i) => {
    const row = rows[mask[i]];
    row.pixels++;
    row.net += v;
    if (v > 0) {
      row.positive += v;
      positive += v;
    } else {
      row.negative -= v;
      negative -= v;
    }
  });
  return rows.map(({ region, pixels, positive: p, negative: n, net }) => ({
    region,
    pixels,
    support: positive > 0 ? p / positive : 0,
    opposition: negative > 0 ? n / negative : 0,
    net,
  }));
}
