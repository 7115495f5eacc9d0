import { ARCFACE_112, alignFace } from '../face/align.js';
import { FaceDetector } from '../face/detect.js';
import { loadImage } from '../face/image.js';
import type { AlignLargestFace } from './patched-pairs.js';

export interface FaceAligner {
  align: AlignLargestFace;
  close(): Promise<void>;
}

/** Detects the largest face of a photo and aligns it to the ArcFace 112×112 template. */
export async function openFaceAligner(): Promise<FaceAligner> {
  const detector = await FaceDetector.create();
  return {
    async align(path) {
      const image = await loadImage(path);
      const [largest] = await detector.detect(image);
      if (!largest) return null;
      const aligned = await alignFace(image, { detected: largest.keypoints }, ARCFACE_112);
      return { face: aligned.crop, sha256: image.sha256 };
    },
    close: () => detector.release(),
  };
}
