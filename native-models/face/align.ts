import sharp from 'sharp';
import type { FaceKeypoints } from './detect.js';
import {
  applyAffine,
  composeAffine,
  distance,
  estimateSimilarity,
  invertAffine,
  mean,
  type Affine,
  type Point,
  type Rect,
} from './geometry.js';
import { cropResize, type RgbImage } from './image.js';

/** Five landmarks as an examiner marks them. Right and left are the subject's (the right eye is on the image's left). */
export interface FivePointLandmarks {
  rightEye: Point;
  leftEye: Point;
  noseTip: Point;
  rightMouth: Point;
  leftMouth: Point;
}

/** The crop a recognition model takes, and where the five landmarks belong in it. */
export interface AlignTarget {
  name: string;
  width: number;
  height: number;
  template: FivePointLandmarks;
}

/** Published templates are in OpenCV/dlib pixel-index coordinates (pixel centres on integers); ours put them at +0.5. */
function fromIndexCoordinates(points: readonly (readonly [number, number])[]): FivePointLandmarks {
  const [rightEye, leftEye, noseTip, rightMouth, leftMouth] = points.map(([x, y]) => ({
    x: x + 0.5,
    y: y + 0.5,
  }));
  return { rightEye, leftEye, noseTip, rightMouth, leftMouth };
}

/** insightface's ArcFace template for 112×112 crops (arcface_torch, `norm_crop`). */
export const ARCFACE_112: AlignTarget = {
  name: 'arcface-112',
  width: 112,
  height: 112,
  template: fromIndexCoordinates([
    [38.2946, 51.6963],
    [73.5318, 51.5014],
    [56.0252, 71.7366],
    [41.5493, 92.3655],
    [70.7299, 92.2041],
  ]),
};

/**
 * dlib's 5-point mean face on the unit square (`get_face_chip_details` in
 * dlib/image_transforms/interpolation.h): the subject's left eye outer and inner corner, right
 * eye outer and inner corner, base of the nose.
 */
const DLIB_MEAN_FACE = [
  [0.8595674595992, 0.2134981538014],
  [0.6460604764104, 0.2289674387677],
  [0.1205750620789, 0.2137274526848],
  [0.3340850613712, 0.2290642403242],
  [0.4901123135679, 0.6277975316475],
] as const;

/**
 * The chip dlib's ResNet-34 face descriptor was trained on: `get_face_chip(img, shape, 150, 0.25)`.
 * dlib places eye corners and the base of the nose; our landmarks are eye centres, nose tip and
 * mouth. The eye centres are where dlib's chip puts them (means of the corners, exactly), and
 * nose tip and mouth come from the ArcFace template carried over by the similarity that takes
 * ArcFace's eyes onto dlib's: the eyes fix the chip's scale and roll, which matter most to the
 * descriptor, and nose and mouth only steady the fit. dlib's nose base is not used: it is not
 * the nose tip a detector or an examiner marks.
 */
export const DLIB_150: AlignTarget = (() => {
  const size = 150;
  const padding = 0.25;
  const chip = ([x, y]: readonly [number, number]): Point => ({
    x: ((x + padding) / (1 + 2 * padding)) * size,
    y: ((y + padding) / (1 + 2 * padding)) * size,
  });
  const [leftOuter, leftInner, rightOuter, rightInner] = DLIB_MEAN_FACE.map(chip);
  const rightEye = mean([rightOuter, rightInner]);
  const leftEye = mean([leftOuter, leftInner]);
  const arcface = ARCFACE_112.template;
  const eyes = estimateSimilarity([arcface.rightEye, arcface.leftEye], [rightEye, leftEye]);
  // rightEye/leftEye are in index coordinates here; the ArcFace points carried over are already
  // continuous, so they are shifted back before fromIndexCoordinates adds the half pixel again.
  const carried = (p: Point): [number, number] => {
    const q = applyAffine(eyes, { x: p.x - 0.5, y: p.y - 0.5 });
    return [q.x, q.y];
  };
  return {
    name: 'dlib-150',
    width: size,
    height: size,
    template: fromIndexCoordinates([
      [rightEye.x, rightEye.y],
      [leftEye.x, leftEye.y],
      carried(arcface.noseTip),
      carried(arcface.rightMouth),
      carried(arcface.leftMouth),
    ]),
  };
})();

export type LandmarkSource = 'manual' | 'detected';

export interface AlignedFace {
  crop: RgbImage;
  target: string;
  /** Original photo → crop (continuous pixel coordinates). */
  transform: Affine;
  /** Crop → original photo. */
  inverse: Affine;
  landmarkSource: LandmarkSource;
  /** Root-mean-square distance, in crop pixels, between the mapped landmarks and the template. */
  residualPx: number;
}

/**
 * Manual landmarks, when the examiner gave them, win over detected keypoints. BlazeFace gives
 * only the mouth centre, matched to the midpoint of the template's mouth corners.
 */
function landmarkPairs(
  landmarks: { detected?: FaceKeypoints; manual?: FivePointLandmarks },
  template: FivePointLandmarks,
): { source: LandmarkSource; from: Point[]; to: Point[] } {
  const { detected, manual } = landmarks;
  if (manual) {
    return {
      source: 'manual',
      from: [manual.rightEye, manual.leftEye, manual.noseTip, manual.rightMouth, manual.leftMouth],
      to: [template.rightEye, template.leftEye, template.noseTip, template.rightMouth, template.leftMouth],
    };
  }
  if (detected) {
    return {
      source: 'detected',
      from: [detected.rightEye, detected.leftEye, detected.noseTip, detected.mouthCenter],
      to: [
        template.rightEye,
        template.leftEye,
        template.noseTip,
        mean([template.rightMouth, template.leftMouth]),
      ],
    };
  }
  throw new RangeError('alignFace needs detected keypoints or manual landmarks');
}

/** Pixels read from outside the photo while warping (part of the face out of frame) are black. */
export async function alignFace(
  image: RgbImage,
  landmarks: { detected?: FaceKeypoints; manual?: FivePointLandmarks },
  target: AlignTarget = ARCFACE_112,
): Promise<AlignedFace> {
  const { source, from, to } = landmarkPairs(landmarks, target.template);
  const transform = estimateSimilarity(from, to);
  const inverse = invertAffine(transform);
  const residualPx = Math.sqrt(
    from.reduce((sum, p, i) => sum + distance(applyAffine(transform, p), to[i]) ** 2, 0) / from.length,
  );
  const crop = await warpAffine(image, transform, inverse, target.width, target.height);
  return { crop, target: target.name, transform, inverse, landmarkSource: source, residualPx };
}

export function cropToOriginal(aligned: AlignedFace, p: Point): Point {
  return applyAffine(aligned.inverse, p);
}

export function originalToCrop(aligned: AlignedFace, p: Point): Point {
  return applyAffine(aligned.transform, p);
}

/** Bilinear, as insightface's cv2.warpAffine and dlib's extract_image_chip. */
const INTERPOLATOR = sharp.interpolators.bilinear;
/** Extra original pixels around the crop's footprint, so the interpolator never reads past the patch. */
const MARGIN = 3;

/**
 * The crop is made in two passes: the crop's footprint is cut from the photo and, when the face is
 * larger than the crop, shrunk with a proper resampling filter (an affine sampler alone would alias
 * on a downscale); then sharp's affine() rotates and scales that small patch into place.
 */
async function warpAffine(
  image: RgbImage,
  transform: Affine,
  inverse: Affine,
  width: number,
  height: number,
): Promise<RgbImage> {
  const corners = [
    { x: 0, y: 0 },
    { x: width, y: 0 },
    { x: 0, y: height },
    { x: width, y: height },
  ].map((p) => applyAffine(inverse, p));
  const left = Math.floor(Math.min(...corners.map((p) => p.x))) - MARGIN;
  const top = Math.floor(Math.min(...corners.map((p) => p.y))) - MARGIN;
  const footprint: Rect = {
    x: left,
    y: top,
    width: Math.ceil(Math.max(...corners.map((p) => p.x))) + MARGIN - left,
    height: Math.ceil(Math.max(...corners.map((p) => p.y))) + MARGIN - top,
  };
  const scale = Math.sqrt(Math.abs(transform[0] * transform[4] - transform[1] * transform[3]));
  const shrink = Math.min(1, scale);
  const patch = await cropResize(
    image,
    footprint,
    Math.max(1, Math.round(footprint.width * shrink)),
    Math.max(1, Math.round(footprint.height * shrink)),
  );
  const { map } = patch;
  const patchToCrop = composeAffine(transform, [
    1 / map.scaleX,
    0,
    map.originX,
    0,
    1 / map.scaleY,
    map.originY,
  ]);
  const [a, b, c, d, e, f] = patchToCrop;

  // sharp's affine() maps pixel indices, X = a·x + b·y + odx, and returns the output from X =
  // originX on, originX being the left of the transformed input's bounding box computed without
  // the offsets and rounded (libvips vips__transform_forward_rect); likewise Y. Indices are
  // continuous coordinates minus 0.5. These offsets put crop pixel (0,0) at canvas pixel (0,0).
  const bounds = [
    [0, 0],
    [patch.width, 0],
    [0, patch.height],
    [patch.width, patch.height],
  ].map(([x, y]) => ({ x: a * x + b * y, y: d * x + e * y }));
  const originX = roundHalfAwayFromZero(Math.min(...bounds.map((p) => p.x)));
  const originY = roundHalfAwayFromZero(Math.min(...bounds.map((p) => p.y)));
  const { data, info } = await sharp(patch.rgb, {
    raw: { width: patch.width, height: patch.height, channels: 3 },
  })
    .affine([a, b, d, e], {
      odx: 0.5 * (a + b) + c - 0.5 + originX,
      ody: 0.5 * (d + e) + f - 0.5 + originY,
      interpolator: INTERPOLATOR,
      background: '#000000',
    })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return copyRegion(data, info.width, info.height, width, height);
}

function roundHalfAwayFromZero(v: number): number {
  return Math.sign(v) * Math.round(Math.abs(v));
}

/** The top-left width × height pixels of a raw RGB canvas; what the canvas lacks is black. */
function copyRegion(
  data: Buffer,
  canvasWidth: number,
  canvasHeight: number,
  width: number,
  height: number,
): RgbImage {
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < Math.min(height, canvasHeight); y++) {
    for (let x = 0; x < Math.min(width, canvasWidth); x++) {
      const from = (y * canvasWidth + x) * 3;
      const to = (y * width + x) * 3;
      rgb[to] = data[from];
      rgb[to + 1] = data[from + 1];
      rgb[to + 2] = data[from + 2];
    }
  }
  return { rgb, width, height };
}

export interface MapOnOriginal {
  /** The part of the photo the map covers (integer edges, inside the photo). */
  region: Rect;
  /** region.width × region.height values, row-major; NaN where the pixel lies outside the crop. */
  values: Float32Array;
}

/**
 * A map over the crop (an attribution map, say, mapWidth × mapHeight cells spread evenly over the
 * whole crop, row-major) resampled onto the photo's pixels, bilinearly, for drawing over the original.
 */
export function warpMapToOriginal(
  map: Float32Array,
  mapWidth: number,
  mapHeight: number,
  aligned: AlignedFace,
  imageWidth: number,
  imageHeight: number,
): MapOnOriginal {
  if (map.length !== mapWidth * mapHeight) {
    throw new RangeError(
      `map has ${map.length} values; ${mapWidth}×${mapHeight} needs ${mapWidth * mapHeight}`,
    );
  }
  const { width: cropWidth, height: cropHeight } = aligned.crop;
  const corners = [
    { x: 0, y: 0 },
    { x: cropWidth, y: 0 },
    { x: 0, y: cropHeight },
    { x: cropWidth, y: cropHeight },
  ].map((p) => cropToOriginal(aligned, p));
  const x0 = Math.max(0, Math.floor(Math.min(...corners.map((p) => p.x))));
  const y0 = Math.max(0, Math.floor(Math.min(...corners.map((p) => p.y))));
  const x1 = Math.min(imageWidth, Math.ceil(Math.max(...corners.map((p) => p.x))));
  const y1 = Math.min(imageHeight, Math.ceil(Math.max(...corners.map((p) => p.y))));
  const region = { x: x0, y: y0, width: Math.max(0, x1 - x0), height: Math.max(0, y1 - y0) };
  const values = new Float32Array(region.width * region.height).fill(Number.NaN);
  const cellX = mapWidth / cropWidth;
  const cellY = mapHeight / cropHeight;
  for (let y = 0; y < region.height; y++) {
    for (let x = 0; x < region.width; x++) {
      const c = originalToCrop(aligned, { x: x0 + x + 0.5, y: y0 + y + 0.5 });
      if (c.x < 0 || c.y < 0 || c.x > cropWidth || c.y > cropHeight) continue;
      values[y * region.width + x] = bilinear(map, mapWidth, mapHeight, c.x * cellX - 0.5, c.y * cellY - 0.5);
    }
  }
  return { region, values };
}

/** Sample at index coordinates, clamping to the edge cells. */
function bilinear(map: Float32Array, width: number, height: number, x: number, y: number): number {
  const cx = Math.min(width - 1, Math.max(0, x));
  const cy = Math.min(height - 1, Math.max(0, y));
  const ix = Math.min(width - 2, Math.floor(cx));
  const iy = Math.min(height - 2, Math.floor(cy));
  if (width === 1 || height === 1) return map[Math.round(cy) * width + Math.round(cx)];
  const fx = cx - ix;
  const fy = cy - iy;
  const at = (i: number, j: number) => map[j * width + i];
  return (
    (at(ix, iy) * (1 - fx) + at(ix + 1, iy) * fx) * (1 - fy) +
    (at(ix, iy + 1) * (1 - fx) + at(ix + 1, iy + 1) * fx) * fy
  );
}
