import { performance } from 'node:perf_hooks';
import { alignFace, ARCFACE_112 } from './align.js';
import { FaceDetector, type Face } from './detect.js';
import { loadImage } from './image.js';

export interface PipelineTiming {
  width: number;
  height: number;
  /** Creating the ONNX Runtime sessions; 0 when a ready detector was passed in. */
  modelLoadMs: number;
  decodeMs: number;
  detectMs: number;
  /** Aligning every detected face to the 112×112 ArcFace crop, all together. */
  alignMs: number;
  faces: Face[];
}

/** Wall-clock time of each step from photo file to aligned face crops (embedding is timed elsewhere). */
export async function timePipeline(photoPath: string, detector?: FaceDetector): Promise<PipelineTiming> {
  let start = performance.now();
  const owned = detector ? undefined : await FaceDetector.create();
  const modelLoadMs = owned ? performance.now() - start : 0;
  try {
    start = performance.now();
    const image = await loadImage(photoPath);
    const decodeMs = performance.now() - start;

    start = performance.now();
    const faces = await (detector ?? owned!).detect(image);
    const detectMs = performance.now() - start;

    start = performance.now();
    for (const face of faces) await alignFace(image, { detected: face.keypoints }, ARCFACE_112);
    const alignMs = performance.now() - start;

    return { width: image.width, height: image.height, modelLoadMs, decodeMs, detectMs, alignMs, faces };
  } finally {
    await owned?.release();
  }
}
