import { readFileSync, writeFileSync, statSync } from 'node:fs';
import onnxProto from 'onnx-proto';

/** The generated ONNX protobuf binding (protobufjs static code from onnx.proto). */
export const onnx = onnxProto.onnx;
export type ModelProto = onnxProto.onnx.ModelProto;
export type GraphProto = onnxProto.onnx.IGraphProto;
export type NodeProto = onnxProto.onnx.INodeProto;
export type TensorProto = onnxProto.onnx.ITensorProto;
export type ValueInfoProto = onnxProto.onnx.IValueInfoProto;
export type AttributeProto = onnxProto.onnx.IAttributeProto;

export class ModelFormatError extends Error {
  override name = 'ModelFormatError';
}

/** Refuse files that cannot be ONNX models before handing bytes to the decoder. */
const MAX_MODEL_BYTES = 2 * 1024 ** 3;

export function decodeModel(bytes: Uint8Array, source = 'model'): ModelProto {
  let model: ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (error) {
    throw new ModelFormatError(`${source} is not a valid ONNX model: ${(error as Error).message}`);
  }
  if (!model.graph || (model.graph.node ?? []).length === 0) {
    throw new ModelFormatError(`${source} is not a valid ONNX model: it has no graph nodes`);
  }
  if ((model.opsetImport ?? []).length === 0) {
    throw new ModelFormatError(`${source} is not a valid ONNX model: it declares no opset`);
  }
  return model;
}

export function readModel(path: string): ModelProto {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    throw new ModelFormatError(`model file not found: ${path}`);
  }
  if (size > MAX_MODEL_BYTES) {
    throw new ModelFormatError(
      `${path} is ${size} bytes; models over 2 GiB (external data) are not supported`,
    );
  }
  return decodeModel(readFileSync(path), path);
}

export function encodeModel(model: ModelProto): Uint8Array {
  return onnx.ModelProto.encode(model).finish();
}

export function writeModel(path: string, model: ModelProto): void {
  writeFileSync(path, encodeModel(model));
}

/** Version of the default ("" or "ai.onnx") operator set the model imports. */
export function defaultOpset(model: ModelProto): number {
  const entry = (model.opsetImport ?? []).find((o) => !o.domain || o.domain === 'ai.onnx');
  if (!entry) throw new ModelFormatError('model does not import the default ONNX operator set');
  return Number(entry.version);
}

export interface TensorSignature {
  name: string;
  elementType: string;
  /** Dimension sizes; a symbolic or unknown dimension is its name or null. */
  shape: (number | string | null)[];
}

export interface ModelSummary {
  irVersion: number;
  opset: number;
  producer: string;
  inputs: TensorSignature[];
  outputs: TensorSignature[];
  /** Operator type → node count. */
  opTypes: Record<string, number>;
  nodeCount: number;
  initializerCount: number;
}

function signature(value: ValueInfoProto): TensorSignature {
  const tensorType = value.type?.tensorType;
  const elementName = onnx.TensorProto.DataType[tensorType?.elemType ?? 0] ?? 'UNDEFINED';
  return {
    name: value.name ?? '',
    elementType: String(elementName),
    shape: (tensorType?.shape?.dim ?? []).map((dim) =>
      dim.dimValue !== undefined && dim.dimValue !== null && Number(dim.dimValue) > 0
        ? Number(dim.dimValue)
        : dim.dimParam || null,
    ),
  };
}

export function summarizeModel(model: ModelProto): ModelSummary {
  const graph = model.graph!;
  const initializerNames = new Set((graph.initializer ?? []).map((t) => t.name));
  const opTypes: Record<string, number> = {};
  for (const node of graph.node ?? []) opTypes[node.opType ?? ''] = (opTypes[node.opType ?? ''] ?? 0) + 1;
  return {
    irVersion: Number(model.irVersion ?? 0),
    opset: defaultOpset(model),
    producer: `${model.producerName ?? ''} ${model.producerVersion ?? ''}`.trim(),
    inputs: (graph.input ?? []).filter((i) => !initializerNames.has(i.name)).map(signature),
    outputs: (graph.output ?? []).map(signature),
    opTypes,
    nodeCount: (graph.node ?? []).length,
    initializerCount: initializerNames.size,
  };
}
