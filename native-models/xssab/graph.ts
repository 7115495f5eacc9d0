import { makeNode, makeTensor, type Attributes } from '../onnx/graph-builder.js';
import type { NodeProto, TensorProto } from '../onnx/model-io.js';

/**
 * Appends nodes to an existing model's graph. Unlike GraphBuilder (which builds fresh models),
 * every name carries a prefix so it cannot collide with the model's or the backward pass's values,
 * and a node may be given the name of a graph output. Knows the opset so that reductions take
 * their axes as an attribute or as an input, whichever that opset expects.
 */
export class NodeWriter {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  private counter = 0;

  constructor(
    private readonly prefix: string,
    private readonly opset: number,
  ) {}

  private fresh(hint: string): string {
    return `${this.prefix}/${hint}_${this.counter++}`;
  }

  /** Adds one node; returns its output name (`output` when given, else a fresh one). */
  op(opType: string, inputs: string[], attributes: Attributes = {}, output?: string): string {
    const name = output ?? this.fresh(opType);
    this.nodes.push(makeNode(opType, inputs, [name], attributes));
    return name;
  }

  float(values: number | number[], dims: number[] = []): string {
    const name = this.fresh('const');
    this.initializers.push(makeTensor(name, dims, [values].flat()));
    return name;
  }

  int64(values: number[]): string {
    const name = this.fresh('const');
    this.initializers.push(makeTensor(name, [values.length], values, 'int64'));
    return name;
  }

  /** ReduceSum takes axes as an input from opset 13, the other reductions from opset 18. */
  reduce(
    opType: 'ReduceSum' | 'ReduceMean',
    x: string,
    axes: number[],
    keepdims: boolean,
    output?: string,
  ): string {
    const axesAsInput = this.opset >= (opType === 'ReduceSum' ? 13 : 18);
    return axesAsInput
      ? this.op(opType, [x, this.int64(axes)], { keepdims: Number(keepdims) }, output)
      : this.op(opType, [x], { axes, keepdims: Number(keepdims) }, output);
  }

  /** Rows [start, end) along axis 0. */
  rows(x: string, start: number, end: number): string {
    return this.op('Slice', [x, this.int64([start]), this.int64([end]), this.int64([0])]);
  }
}
