import type { Preprocessing } from '../../native-models/xssab/preprocess.js';

/** The input of the test models: 112 × 112 RGB faces in NCHW, each value (pixel − 127.5) / 127.5. */
export const ARCFACE_INPUT: Preprocessing = {
  size: { width: 112, height: 112 },
  mean: 127.5,
  std: 127.5,
  color: 'rgb',
  layout: 'nchw',
};
