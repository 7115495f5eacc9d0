import { ARCFACE_112, alignFace, type AlignTarget } from '../face/align.js';
import { FaceDetector } from '../face/detect.js';
import { loadImage } from '../face/image.js';
import type { AlignLargestFace } from './patched-pairs.js';

export interface FaceAligner {
  align: AlignLargestFace;
  close(): Promise<void>;
}

/** Detects the largest face of a photo and aligns it to `target` (the model's own template). */
export async function openFaceAligner(target: AlignTarget = ARCFACE_112): Promise<FaceAligner> {
  const detector = await FaceDetector.create();
  return {
    async align(path) {
      const image = await loadImage(path);
      const [largest] = await detector.detect(image);
      if (!largest) return null;
      const aligned = await alignFace(image, { detected: largest.keypoints }, target);
      return { face: aligned.crop, sha256: image.sha256 };
    },
    close: () => detector.release(),
  };
}
