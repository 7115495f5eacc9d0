import { summarizeModel, ModelFormatError, type ModelProto } from '../onnx/model-io.js';

export interface ModelSignature {
  /** The model's image input, fed [N, C, H, W]. */
  input: string;
  /** The embedding output, [N, d]. */
  embedding: string;
  channels: number;
  height: number;
  width: number;
  dim: number;
  opset: number;
}

/** The first graph input is the image, the first output the embedding; both need static C, H, W and d. */
export function modelSignature(model: ModelProto): ModelSignature {
  const summary = summarizeModel(model);
  const input = summary.inputs[0];
  const output = summary.outputs[0];
  if (!input || !output) throw new ModelFormatError('model needs one image input and an embedding output');
  const [, channels, height, width] = input.shape;
  if (input.shape.length !== 4 || ![channels, height, width].every((n) => typeof n === 'number')) {
    throw new ModelFormatError(
      `model input ${input.name} must be [N, C, H, W] with static C, H, W; it is [${input.shape}]`,
    );
  }
  const dim = output.shape[output.shape.length - 1];
  if (output.shape.length !== 2 || typeof dim !== 'number') {
    throw new ModelFormatError(
      `model output ${output.name} must be an embedding [N, d] with static d; it is [${output.shape}]`,
    );
  }
  if (summary.opset < 11)
    throw new ModelFormatError(`model imports opset ${summary.opset}; explanations need opset 11 or later`);
  return {
    input: input.name,
    embedding: output.name,
    channels: channels as number,
    height: height as number,
    width: width as number,
    dim,
    opset: summary.opset,
  };
}
