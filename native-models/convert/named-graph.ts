import { makeModel, makeNode, makeTensor, makeValueInfo, type Attributes } from '../onnx/graph-builder.js';
import type { ModelProto, NodeProto, TensorProto, ValueInfoProto } from '../onnx/model-io.js';

/** ONNX operator set the converters emit (the one the autodiff rules are written for). */
export const CONVERTER_OPSET = 13;

/** A dimension: a size, or the name of a symbolic dimension (the batch). */
export type Dim = number | string;

/**
 * Builds a converted model's graph with names chosen by the converter (the source model's
 * names, so that the ONNX graph reads like its origin). Values are float32 unless said
 * otherwise; the same calls always encode to the same bytes.
 */
export class NamedGraphBuilder {
  private readonly nodes: NodeProto[] = [];
  private readonly initializers: TensorProto[] = [];
  private readonly inputs: ValueInfoProto[] = [];
  private readonly outputs: ValueInfoProto[] = [];
  private readonly names = new Set<string>();

  constructor(private readonly graphName: string) {}

  input(name: string, shape: Dim[]): string {
    this.claim(name);
    this.inputs.push(makeValueInfo(name, shape));
    return name;
  }

  /** Declares an existing value a graph output. */
  output(name: string, shape: Dim[]): void {
    this.outputs.push(makeValueInfo(name, shape));
  }

  float(name: string, dims: readonly number[], values: Float32Array): string {
    this.claim(name);
    this.initializers.push(makeTensor(name, [...dims], values));
    return name;
  }

  /** An int64 constant (shapes, axes, pads). */
  int64(name: string, dims: readonly number[], values: readonly number[]): string {
    this.claim(name);
    this.initializers.push(makeTensor(name, [...dims], values, 'int64'));
    return name;
  }

  /** Adds a single-output node; its output (and node) name is `output`, which it returns. */
  node(opType: string, inputs: string[], output: string, attributes: Attributes = {}): string {
    this.claim(output);
    this.nodes.push(makeNode(opType, inputs, [output], attributes));
    return output;
  }

  /** `base`, or `base_1`, `base_2`, … when taken (for helper values the source does not name). */
  fresh(base: string): string {
    if (!this.names.has(base)) return base;
    for (let i = 1; ; i++) if (!this.names.has(`${base}_${i}`)) return `${base}_${i}`;
  }

  build(producerName: string, docString: string): ModelProto {
    const model = makeModel({
      opset: CONVERTER_OPSET,
      nodes: this.nodes,
      inputs: this.inputs,
      outputs: this.outputs,
      initializers: this.initializers,
    });
    model.producerName = producerName;
    model.docString = docString;
    model.graph!.name = this.graphName;
    return model;
  }

  private claim(name: string): void {
    if (this.names.has(name)) throw new Error(`duplicate ONNX value name ${name}`);
    this.names.add(name);
  }
}
