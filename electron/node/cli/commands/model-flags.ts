/** The flags of `explain` and `bench` that say how to run a model: a raw ONNX file or a registered one. */
import { resolve } from 'node:path';
import { readModel } from '../../../../native-models/onnx/model-io.js';
import type { Preprocessing } from '../../../../native-models/xssab/preprocess.js';
import type { ProviderName } from '../../../../native-models/xssab/providers.js';
import { prepareForExplanation } from '../../../../native-models/xssab/prepare.js';
import { modelSignature } from '../../../../native-models/xssab/signature.js';
import { CliUsageError } from '../command.js';
import { channelOption, choiceOption, numberOption, positiveIntOption, requireOptions } from '../options.js';

export const MODEL_FLAGS = {
  model: { type: 'string' },
  mean: { type: 'string', default: '127.5' },
  std: { type: 'string', default: '127.5' },
  color: { type: 'string', default: 'rgb' },
  threshold: { type: 'string' },
  ep: { type: 'string', default: 'cpu' },
  threads: { type: 'string', default: '2' },
  json: { type: 'boolean', default: false },
} as const;

/** --ep and --threads: where and on how many threads the model runs. */
export function runtimeFlags(values: { ep: string; threads: string }): {
  provider: ProviderName;
  threads: number;
} {
  return {
    provider: choiceOption('ep', values.ep, ['cpu', 'cuda']),
    threads: positiveIntOption('threads', values.threads),
  };
}

export interface ModelRun {
  model: string;
  preprocessing: Preprocessing;
  provider: ProviderName;
  threads: number;
}

/** Validates the flags for a raw ONNX model; the input size comes from the model itself. */
export function modelRun(values: {
  model?: string;
  mean: string;
  std: string;
  color: string;
  ep: string;
  threads: string;
}): ModelRun {
  requireOptions(values, ['model'], '--model PATH.onnx is required');
  const color = choiceOption('color', values.color, ['rgb', 'bgr']);
  const runtime = runtimeFlags(values);
  const { width, height } = modelSignature(prepareForExplanation(readModel(values.model)).model);
  return {
    model: resolve(values.model),
    preprocessing: {
      size: { width, height },
      mean: channelOption('mean', values.mean),
      std: channelOption('std', values.std),
      color,
      layout: 'nchw',
    },
    ...runtime,
  };
}

/** A raw ONNX model carries no verification threshold, so --threshold is required for it. */
export function thresholdFlag(text: string | undefined): number {
  if (text === undefined) {
    throw new CliUsageError('--threshold is required: a raw ONNX model carries no verification threshold');
  }
  return numberOption('threshold', text);
}
