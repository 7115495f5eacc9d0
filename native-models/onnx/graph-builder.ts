import {
  onnx,
  type AttributeProto,
  type ModelProto,
  type NodeProto,
  type TensorProto,
  type ValueInfoProto,
} from './model-io.js';

/** int64 fields decode as `Long` objects when the `long` package is present. */
export type Int64 = number | { toString(): string };

export function toNumber(value: Int64 | null | undefined): number {
  return typeof value === 'number' ? value : Number(String(value ?? 0));
}

export type ElementType = 'float' | 'int64' | 'int32' | 'bool';

const DataType = onnx.TensorProto.DataType;
const elementTypeCodes: Record<ElementType, number> = {
  float: DataType.FLOAT,
  int64: DataType.INT64,
  int32: DataType.INT32,
  bool: DataType.BOOL,
};

/** A constant tensor; data is stored as raw little-endian bytes. */
export function makeTensor(
  name: string,
  dims: number[],
  data: ArrayLike<number>,
  type: ElementType = 'float',
): TensorProto {
  const count = dims.reduce((a, b) => a * b, 1);
  if (data.length !== count)
    throw new Error(`tensor ${name}: ${data.length} values for shape [${dims.join(',')}]`);
  let raw: Uint8Array;
  if (type === 'float') raw = new Uint8Array(Float32Array.from(data).buffer);
  else if (type === 'int64')
    raw = new Uint8Array(BigInt64Array.from(Array.from(data, (v) => BigInt(v))).buffer);
  else if (type === 'int32') raw = new Uint8Array(Int32Array.from(data).buffer);
  else raw = Uint8Array.from(data, (v) => (v ? 1 : 0));
  return onnx.TensorProto.create({ name, dims, dataType: elementTypeCodes[type], rawData: raw });
}

/** Numeric contents of a tensor, whichever of the proto's storage fields holds them. */
export function tensorValues(tensor: TensorProto): number[] {
  const type = tensor.dataType ?? 0;
  const raw = tensor.rawData;
  if (raw && raw.length > 0) {
    // A copy with its own buffer: a decoded Buffer's .buffer is the whole file.
    const bytes = new Uint8Array(raw);
    switch (type) {
      case DataType.FLOAT:
        return Array.from(new Float32Array(bytes.buffer, 0, bytes.length / 4));
      case DataType.DOUBLE:
        return Array.from(new Float64Array(bytes.buffer, 0, bytes.length / 8));
      case DataType.INT64:
        return Array.from(new BigInt64Array(bytes.buffer, 0, bytes.length / 8), Number);
      case DataType.INT32:
        return Array.from(new Int32Array(bytes.buffer, 0, bytes.length / 4));
      case DataType.BOOL:
      case DataType.UINT8:
        return Array.from(bytes);
      case DataType.INT8:
        return Array.from(new Int8Array(bytes.buffer));
      default:
        throw new Error(`tensor ${tensor.name}: unsupported data type ${DataType[type] ?? type}`);
    }
  }
  if (tensor.floatData?.length) return Array.from(tensor.floatData);
  if (tensor.doubleData?.length) return Array.from(tensor.doubleData);
  if (tensor.int64Data?.length) return tensor.int64Data.map(toNumber);
  if (tensor.int32Data?.length) return Array.from(tensor.int32Data);
  return [];
}

export function tensorDims(tensor: TensorProto): number[] {
  return (tensor.dims ?? []).map(toNumber);
}

export function isFloatType(code: number): boolean {
  return (
    code === DataType.FLOAT ||
    code === DataType.DOUBLE ||
    code === DataType.FLOAT16 ||
    code === DataType.BFLOAT16
  );
}

/**
 * Attribute values. A plain number is an INT attribute; floats are spelled out
 * because a JavaScript number cannot say whether `1` means 1 or 1.0.
 */
export type AttributeValue =
  number | number[] | string | { float: number } | { floats: number[] } | { tensor: TensorProto };
export type Attributes = Record<string, AttributeValue>;

function makeAttribute(name: string, value: AttributeValue): AttributeProto {
  const Type = onnx.AttributeProto.AttributeType;
  if (typeof value === 'number') return { name, type: Type.INT, i: value };
  if (typeof value === 'string') return { name, type: Type.STRING, s: new TextEncoder().encode(value) };
  if (Array.isArray(value)) return { name, type: Type.INTS, ints: value };
  if ('float' in value) return { name, type: Type.FLOAT, f: value.float };
  if ('floats' in value) return { name, type: Type.FLOATS, floats: value.floats };
  return { name, type: Type.TENSOR, t: value.tensor };
}

export function makeNode(
  opType: string,
  inputs: string[],
  outputs: string[],
  attributes: Attributes = {},
  name?: string,
): NodeProto {
  return onnx.NodeProto.create({
    opType,
    input: inputs,
    output: outputs,
    name: name ?? outputs[0],
    attribute: Object.entries(attributes).map(([key, value]) => makeAttribute(key, value)),
  });
}

/** The value of a node attribute, or undefined when the node does not set it. */
export function attribute(
  node: NodeProto,
  name: string,
): number | number[] | string | TensorProto | undefined {
  const attr = (node.attribute ?? []).find((a) => a.name === name);
  if (!attr) return undefined;
  const Type = onnx.AttributeProto.AttributeType;
  switch (attr.type) {
    case Type.INT:
      return toNumber(attr.i);
    case Type.FLOAT:
      return attr.f ?? 0;
    case Type.INTS:
      return (attr.ints ?? []).map(toNumber);
    case Type.FLOATS:
      return Array.from(attr.floats ?? []);
    case Type.STRING:
      return new TextDecoder().decode(attr.s ?? new Uint8Array());
    case Type.TENSOR:
      return attr.t ?? undefined;
    default:
      return undefined;
  }
}

/** An INT or FLOAT attribute. */
export function numberAttribute(node: NodeProto, name: string, fallback: number): number {
  const value = attribute(node, name);
  return typeof value === 'number' ? value : fallback;
}

export function intsAttribute(node: NodeProto, name: string): number[] | undefined {
  const value = attribute(node, name);
  return Array.isArray(value) ? value : undefined;
}

export function stringAttribute(node: NodeProto, name: string, fallback: string): string {
  const value = attribute(node, name);
  return typeof value === 'string' ? value : fallback;
}

export function makeValueInfo(
  name: string,
  dims: (number | string | null)[],
  type: ElementType = 'float',
): ValueInfoProto {
  return onnx.ValueInfoProto.create({
    name,
    type: {
      tensorType: {
        elemType: elementTypeCodes[type],
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : d ? { dimParam: d } : {})) },
      },
    },
  });
}

export interface ModelParts {
  opset: number;
  nodes: NodeProto[];
  inputs: ValueInfoProto[];
  outputs: ValueInfoProto[];
  initializers?: TensorProto[];
  /** Defaults to the IR version ONNX pairs with the opset. */
  irVersion?: number;
}

function irVersionFor(opset: number): number {
  if (opset <= 11) return 6;
  if (opset <= 14) return 7;
  return 8;
}

export function makeModel(parts: ModelParts): ModelProto {
  return onnx.ModelProto.create({
    irVersion: parts.irVersion ?? irVersionFor(parts.opset),
    producerName: 'xssab-workstation',
    opsetImport: [{ domain: '', version: parts.opset }],
    graph: {
      name: 'graph',
      node: parts.nodes,
      input: parts.inputs,
      output: parts.outputs,
      initializer: parts.initializers ?? [],
    },
  });
}

/**
 * Builds small models node by node; every node output gets a fresh name.
 * Used by tests and tools that construct models in TypeScript.
 */
export class GraphBuilder {
  readonly nodes: NodeProto[] = [];
  readonly inputs: ValueInfoProto[] = [];
  readonly initializers: TensorProto[] = [];
  private counter = 0;

  constructor(readonly opset: number) {}

  input(name: string, dims: (number | string | null)[], type: ElementType = 'float'): string {
    this.inputs.push(makeValueInfo(name, dims, type));
    return name;
  }

  constant(dims: number[], data: ArrayLike<number>, type: ElementType = 'float'): string {
    const name = `c${this.counter++}`;
    this.initializers.push(makeTensor(name, dims, data, type));
    return name;
  }

  /** Appends a node and returns its output names (`outputs` of them). */
  nodeN(opType: string, inputs: string[], attributes: Attributes = {}, outputs = 1): string[] {
    const names = Array.from({ length: outputs }, (_, i) => `${opType.toLowerCase()}${this.counter}_${i}`);
    this.counter++;
    this.nodes.push(makeNode(opType, inputs, names, attributes));
    return names;
  }

  node(opType: string, inputs: string[], attributes: Attributes = {}): string {
    return this.nodeN(opType, inputs, attributes)[0];
  }

  build(outputs: string[]): ModelProto {
    return makeModel({
      opset: this.opset,
      nodes: this.nodes,
      inputs: this.inputs,
      outputs: outputs.map((name) => onnx.ValueInfoProto.create({ name })),
      initializers: this.initializers,
    });
  }
}
