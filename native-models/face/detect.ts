import '../onnx/ort-offline.js'; // before onnxruntime-node loads: telemetry off
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ort from 'onnxruntime-node';
import { intersectionOverUnion, type Point, type Rect } from './geometry.js';
import { cropResize, type RgbImage } from './image.js';

/** BlazeFace's six keypoints. Right and left are the subject's: the right eye is on the image's left. */
export interface FaceKeypoints {
  rightEye: Point;
  leftEye: Point;
  noseTip: Point;
  mouthCenter: Point;
  rightEar: Point;
  leftEar: Point;
}

/** The model's output order of the keypoints (MediaPipe face_detection). */
export const KEYPOINT_NAMES = [
  'rightEye',
  'leftEye',
  'noseTip',
  'mouthCenter',
  'rightEar',
  'leftEar',
] as const;

export interface Face {
  /** In original pixels; for a face cut off by the frame it reaches past the image edge. */
  box: Rect;
  keypoints: FaceKeypoints;
  /** Probability-like confidence in (0, 1): the best score among the merged detections. */
  score: number;
}

export interface DetectOptions {
  /**
   * Faces whose weaker confirming look (see FaceDetector.refine) scores below this are dropped.
   * Default 0.75: on the fixture photos, false detections on texture reach 0.67 and true faces,
   * the half-hidden one included, 0.81.
   */
  minScore?: number;
  /** Detections overlapping more than this (intersection over union) are merged. Default 0.3, as MediaPipe. */
  iouThreshold?: number;
  /**
   * Levels of overlapping tiles searched for small faces after the whole-photo pass. Level n
   * uses square tiles of 0.6^n times the photo's long side, overlapping by a third of a tile, so
   * each face up to a third of a tile lies wholly inside one, and each larger face is at least
   * 51 model pixels wide in the level before. A level stops the search once its tiles would be
   * smaller than the model input (upsampling adds no detail). Default 1.
   */
  tileLevels?: number;
}

interface ModelSpec {
  file: string;
  inputSize: number;
  /** SSD anchor strides, as in MediaPipe's face_detection_*.pbtxt; consecutive equal strides share one grid. */
  strides: readonly number[];
}

/** Front camera: faces filling a good part of the frame. */
const FRONT: ModelSpec = { file: 'blazeface-front-128.onnx', inputSize: 128, strides: [8, 16, 16, 16] };
/** Back camera: smaller, farther faces at twice the resolution; also used on tiles. */
const BACK: ModelSpec = { file: 'blazeface-back-256.onnx', inputSize: 256, strides: [16, 32, 32, 32] };

const TILE_SHRINK = 0.6;

/** Candidates for a second look are kept from this score on: MediaPipe's own threshold. */
const CANDIDATE_SCORE = 0.5;
/** MediaPipe clips raw scores to ±100 before the sigmoid. */
const SCORE_CLIP = 100;
/** The Barracuda export splits each output by anchor grid: scores and regressors of the 16×16 grid, then of the 8×8 grid. */
const SCORE_OUTPUTS = ['Identity:0', 'Identity_1:0'];
const REGRESSOR_OUTPUTS = ['Identity_2:0', 'Identity_3:0'];
const REGRESSOR_WIDTH = 16;

interface Candidate {
  box: Rect;
  keypoints: Point[];
  score: number;
}

interface LoadedModel {
  spec: ModelSpec;
  session: ort.InferenceSession;
  anchors: Point[];
}

/** `native-models/models/` of the checkout or installed app, found from this file whether it runs from source or from dist/. */
function defaultModelDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir)
      throw new Error('cannot find the project root (package.json) above native-models/face');
    dir = parent;
  }
  return join(dir, 'native-models', 'models');
}

class FaceDetectorModelError extends Error {
  override name = 'FaceDetectorModelError';
}

/** BlazeFace (front 128 and back 256) on ONNX Runtime; create once, reuse for every photo. */
export class FaceDetector {
  private constructor(
    private readonly front: LoadedModel,
    private readonly back: LoadedModel,
  ) {}

  static async create(modelDir = defaultModelDir()): Promise<FaceDetector> {
    const [front, back] = await Promise.all([loadModel(modelDir, FRONT), loadModel(modelDir, BACK)]);
    return new FaceDetector(front, back);
  }

  /** Faces in `image`, largest box first. */
  async detect(image: RgbImage, options: DetectOptions = {}): Promise<Face[]> {
    const minScore = options.minScore ?? 0.75;
    const iouThreshold = options.iouThreshold ?? 0.3;
    const tileLevels = options.tileLevels ?? 1;

    const long = Math.max(image.width, image.height);
    const whole = {
      x: Math.floor((image.width - long) / 2),
      y: Math.floor((image.height - long) / 2),
      width: long,
      height: long,
    };
    const candidates = [
      ...(await this.run(this.front, image, whole, CANDIDATE_SCORE)),
      ...(await this.run(this.back, image, whole, CANDIDATE_SCORE)),
    ];
    for (let level = 1; level <= tileLevels; level++) {
      const side = Math.ceil(long * TILE_SHRINK ** level);
      if (side < BACK.inputSize) break;
      for (const tile of tiles(image.width, image.height, side)) {
        const found = await this.run(this.back, image, tile, CANDIDATE_SCORE);
        // A face cut by a tile edge inside the photo is whole in the overlapping neighbour tile.
        candidates.push(...found.filter((c) => insideInteriorEdges(c.box, tile, image)));
      }
    }
    const refined: Candidate[] = [];
    for (const candidate of weightedNms(candidates, iouThreshold)) {
      const confirmed = await this.refine(image, candidate, minScore, iouThreshold);
      if (confirmed) refined.push(confirmed);
    }
    return weightedNms(refined, iouThreshold)
      .map(toFace)
      .sort((a, b) => b.box.width * b.box.height - a.box.width * a.box.height);
  }

  async release(): Promise<void> {
    await Promise.all([this.front.session.release(), this.back.session.release()]);
  }

  /**
   * Look again at a candidate with the front model on squares two and three times its size
   * around it, where the face fills the part of the frame that model was trained on. Texture that
   * looked like a face at one scale rarely does at both others. The face is the score-weighted
   * blend of the two looks (keypoints at a finer resolution than the first pass), scored by the
   * weaker look.
   */
  private async refine(image: RgbImage, candidate: Candidate, minScore: number, iouThreshold: number) {
    const { box } = candidate;
    const looks: Candidate[] = [];
    for (const factor of [2, 3]) {
      const side = Math.max(FRONT.inputSize, Math.round(factor * Math.max(box.width, box.height)));
      const region = {
        x: Math.round(box.x + box.width / 2 - side / 2),
        y: Math.round(box.y + box.height / 2 - side / 2),
        width: side,
        height: side,
      };
      const found = weightedNms(await this.run(this.front, image, region, CANDIDATE_SCORE), iouThreshold);
      const overlaps = found.map((c) => intersectionOverUnion(c.box, box));
      const best = overlaps.indexOf(Math.max(...overlaps));
      if (best < 0 || overlaps[best] <= iouThreshold || found[best].score < minScore) return undefined;
      looks.push(found[best]);
    }
    return { ...blend(looks), score: Math.min(...looks.map((c) => c.score)) };
  }

  /** Detections of one model on one square region of the photo, in original pixels. */
  private async run(
    model: LoadedModel,
    image: RgbImage,
    region: Rect,
    minScore: number,
  ): Promise<Candidate[]> {
    const size = model.spec.inputSize;
    const input = await cropResize(image, region, size, size);
    const tensor = new Float32Array(input.rgb.length);
    // MediaPipe feeds BlazeFace RGB scaled to [-1, 1], NHWC.
    for (let i = 0; i < tensor.length; i++) tensor[i] = input.rgb[i] / 127.5 - 1;
    const outputs = await model.session.run({
      [model.session.inputNames[0]]: new ort.Tensor('float32', tensor, [1, size, size, 3]),
    });
    const scores = concat(SCORE_OUTPUTS.map((name) => outputs[name].data as Float32Array));
    const regressors = concat(REGRESSOR_OUTPUTS.map((name) => outputs[name].data as Float32Array));

    const { map } = input;
    const toOriginal = (u: number, v: number): Point => ({
      x: map.originX + (u * size) / map.scaleX,
      y: map.originY + (v * size) / map.scaleY,
    });
    const found: Candidate[] = [];
    model.anchors.forEach((anchor, i) => {
      const raw = Math.min(SCORE_CLIP, Math.max(-SCORE_CLIP, scores[i]));
      const score = 1 / (1 + Math.exp(-raw));
      if (score < minScore) return;
      // Offsets are in model-input pixels from the anchor centre; anchors have a fixed unit size.
      const r = regressors.subarray(i * REGRESSOR_WIDTH, (i + 1) * REGRESSOR_WIDTH);
      const centre = toOriginal(anchor.x + r[0] / size, anchor.y + r[1] / size);
      const width = r[2] / map.scaleX;
      const height = r[3] / map.scaleY;
      const keypoints = KEYPOINT_NAMES.map((_, k) =>
        toOriginal(anchor.x + r[4 + 2 * k] / size, anchor.y + r[5 + 2 * k] / size),
      );
      found.push({
        box: { x: centre.x - width / 2, y: centre.y - height / 2, width, height },
        keypoints,
        score,
      });
    });
    return found;
  }
}

async function loadModel(modelDir: string, spec: ModelSpec): Promise<LoadedModel> {
  const path = join(modelDir, spec.file);
  if (!existsSync(path)) {
    throw new FaceDetectorModelError(`face detection model missing: ${path} (run \`npm run models\`)`);
  }
  // One thread: these models take milliseconds, and more threads only add synchronisation.
  const session = await ort.InferenceSession.create(path, {
    executionProviders: ['cpu'],
    intraOpNumThreads: 1,
    logSeverityLevel: 3,
  });
  if (![...SCORE_OUTPUTS, ...REGRESSOR_OUTPUTS].every((name) => session.outputNames.includes(name))) {
    throw new FaceDetectorModelError(
      `${path} does not have BlazeFace's outputs (${session.outputNames.join(', ')})`,
    );
  }
  return { spec, session, anchors: ssdAnchors(spec.inputSize, spec.strides) };
}

/**
 * Anchor centres in [0,1] as MediaPipe's SsdAnchorsCalculator makes them for BlazeFace: one grid
 * per run of equal strides, two anchors per cell per layer (aspect ratio 1 and the interpolated
 * scale), all of fixed unit size so only the centres matter. Order: row, column, anchor.
 */
export function ssdAnchors(inputSize: number, strides: readonly number[]): Point[] {
  const anchors: Point[] = [];
  for (let layer = 0; layer < strides.length;) {
    let next = layer;
    while (next < strides.length && strides[next] === strides[layer]) next++;
    const perCell = 2 * (next - layer);
    const cells = Math.ceil(inputSize / strides[layer]);
    for (let y = 0; y < cells; y++) {
      for (let x = 0; x < cells; x++) {
        for (let k = 0; k < perCell; k++) anchors.push({ x: (x + 0.5) / cells, y: (y + 0.5) / cells });
      }
    }
    layer = next;
  }
  return anchors;
}

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Square tiles of `side` covering the photo, overlapping by at least a third; along a short side one centred tile. */
function tiles(width: number, height: number, side: number): Rect[] {
  const starts = (length: number): number[] => {
    if (length <= side) return [Math.floor((length - side) / 2)];
    const count = Math.ceil((length - side) / ((2 * side) / 3)) + 1;
    return Array.from({ length: count }, (_, i) => Math.round((i * (length - side)) / (count - 1)));
  };
  return starts(height).flatMap((y) => starts(width).map((x) => ({ x, y, width: side, height: side })));
}

function insideInteriorEdges(box: Rect, tile: Rect, image: RgbImage): boolean {
  return (
    (tile.x <= 0 || box.x >= tile.x) &&
    (tile.y <= 0 || box.y >= tile.y) &&
    (tile.x + tile.width >= image.width || box.x + box.width <= tile.x + tile.width) &&
    (tile.y + tile.height >= image.height || box.y + box.height <= tile.y + tile.height)
  );
}

/**
 * MediaPipe's weighted non-maximum suppression: the best remaining detection and every other one
 * overlapping it are replaced by their score-weighted mean box and keypoints, keeping the best score.
 */
function weightedNms(candidates: readonly Candidate[], iouThreshold: number): Candidate[] {
  let remaining = [...candidates].sort((a, b) => b.score - a.score);
  const kept: Candidate[] = [];
  while (remaining.length > 0) {
    const best = remaining[0];
    const group = remaining.filter((c) => intersectionOverUnion(best.box, c.box) > iouThreshold);
    remaining = remaining.filter((c) => !group.includes(c));
    kept.push({ ...blend(group), score: best.score });
  }
  return kept;
}

/** Score-weighted mean box and keypoints. */
function blend(group: readonly Candidate[]): Omit<Candidate, 'score'> {
  const total = group.reduce((sum, c) => sum + c.score, 0);
  const weighted = (value: (c: Candidate) => number): number =>
    group.reduce((sum, c) => sum + value(c) * c.score, 0) / total;
  return {
    box: {
      x: weighted((c) => c.box.x),
      y: weighted((c) => c.box.y),
      width: weighted((c) => c.box.width),
      height: weighted((c) => c.box.height),
    },
    keypoints: group[0].keypoints.map((_, k) => ({
      x: weighted((c) => c.keypoints[k].x),
      y: weighted((c) => c.keypoints[k].y),
    })),
  };
}

function toFace({ box, keypoints, score }: Candidate): Face {
  const [rightEye, leftEye, noseTip, mouthCenter, rightEar, leftEar] = keypoints;
  return { box, keypoints: { rightEye, leftEye, noseTip, mouthCenter, rightEar, leftEar }, score };
}
