// Writes (and reads back) the models as ONNX: the subset of onnx.proto (IR 8) their graphs need,
// encoded with protobufjs. The price model's graph is
//   [a, b] = ai.onnx.ml.TreeEnsembleRegressor(features)          (two targets)
//   metal  = net_weight_mg × rate_per_gram × 0.001                (paise)
//   price  = metal × a + stone_weight_mg × b;  ratio = price / metal
// with the metal part and the stone part each a tree-given coefficient times a weight (see features.ts).
import protobuf from 'protobufjs';
import { COLUMN, FEATURE_COUNT, FEATURES } from '../../src/ml/features';
import type { Ensemble, Tree } from './ensemble';

const PROTO = `
syntax = "proto2";
package onnx;
message AttributeProto {
  optional string name = 1;
  optional float f = 2;
  optional int64 i = 3;
  optional bytes s = 4;
  repeated float floats = 7;
  repeated int64 ints = 8;
  repeated bytes strings = 9;
  optional int32 type = 20;
}
message ValueInfoProto { optional string name = 1; optional TypeProto type = 2; optional string doc_string = 3; }
message NodeProto {
  repeated string input = 1;
  repeated string output = 2;
  optional string name = 3;
  optional string op_type = 4;
  repeated AttributeProto attribute = 5;
  optional string domain = 7;
}
message ModelProto {
  optional int64 ir_version = 1;
  optional string producer_name = 2;
  optional string producer_version = 3;
  optional string domain = 4;
  optional int64 model_version = 5;
  optional string doc_string = 6;
  optional GraphProto graph = 7;
  repeated OperatorSetIdProto opset_import = 8;
  repeated StringStringEntryProto metadata_props = 14;
}
message StringStringEntryProto { optional string key = 1; optional string value = 2; }
message GraphProto {
  repeated NodeProto node = 1;
  optional string name = 2;
  repeated TensorProto initializer = 5;
  optional string doc_string = 10;
  repeated ValueInfoProto input = 11;
  repeated ValueInfoProto output = 12;
}
message TensorProto {
  repeated int64 dims = 1;
  optional int32 data_type = 2;
  repeated float float_data = 4 [packed = true];
  repeated int64 int64_data = 7 [packed = true];
  optional string name = 8;
}
message TensorShapeProto {
  message Dimension { optional int64 dim_value = 1; optional string dim_param = 2; }
  repeated Dimension dim = 1;
}
message TypeProto {
  message Tensor { optional int32 elem_type = 1; optional TensorShapeProto shape = 2; }
  optional Tensor tensor_type = 1;
}
message OperatorSetIdProto { optional string domain = 1; optional int64 version = 2; }
`;

const root = protobuf.parse(PROTO, { keepCase: true }).root;
const ModelProto = root.lookupType('onnx.ModelProto');

export const IR_VERSION = 8;
export const OPSETS = [
  { domain: '', version: 17 },
  { domain: 'ai.onnx.ml', version: 3 },
] as const;

const FLOAT = 1;
const INT64 = 7;
const ATTR = { FLOAT: 1, INT: 2, STRING: 3, FLOATS: 6, INTS: 7, STRINGS: 8 } as const;
const utf8 = (s: string) => new TextEncoder().encode(s);

const ints = (name: string, v: ArrayLike<number>) => ({ name, type: ATTR.INTS, ints: Array.from(v) });
const floats = (name: string, v: ArrayLike<number>) => ({ name, type: ATTR.FLOATS, floats: Array.from(v) });
const str = (name: string, v: string) => ({ name, type: ATTR.STRING, s: utf8(v) });

function treeEnsembleAttributes(e: Ensemble) {
  const a = {
    treeIds: [] as number[],
    nodeIds: [] as number[],
    featureIds: [] as number[],
    modes: [] as Uint8Array[],
    values: [] as number[],
    trueIds: [] as number[],
    falseIds: [] as number[],
    tTree: [] as number[],
    tNode: [] as number[],
    tId: [] as number[],
    tWeight: [] as number[],
  };
  const LEAF = utf8('LEAF');
  const BRANCH = utf8('BRANCH_LEQ');
  e.trees.forEach((t, ti) => {
    for (let n = 0; n < t.feature.length; n++) {
      const leaf = t.feature[n]! < 0;
      a.treeIds.push(ti);
      a.nodeIds.push(n);
      a.featureIds.push(leaf ? 0 : t.feature[n]!);
      a.modes.push(leaf ? LEAF : BRANCH);
      a.values.push(leaf ? 0 : t.threshold[n]!);
      a.trueIds.push(leaf ? 0 : t.left[n]!);
      a.falseIds.push(leaf ? 0 : t.right[n]!);
      if (leaf) {
        a.tTree.push(ti);
        a.tNode.push(n);
        a.tId.push(t.target);
        a.tWeight.push(t.value[n]!);
      }
    }
  });
  return [
    str('aggregate_function', 'SUM'),
    floats('base_values', e.base),
    { name: 'n_targets', type: ATTR.INT, i: e.base.length },
    ints('nodes_falsenodeids', a.falseIds),
    ints('nodes_featureids', a.featureIds),
    { name: 'nodes_modes', type: ATTR.STRINGS, strings: a.modes },
    ints('nodes_nodeids', a.nodeIds),
    ints('nodes_treeids', a.treeIds),
    ints('nodes_truenodeids', a.trueIds),
    floats('nodes_values', a.values),
    str('post_transform', 'NONE'),
    ints('target_ids', a.tId),
    ints('target_nodeids', a.tNode),
    ints('target_treeids', a.tTree),
    floats('target_weights', a.tWeight),
  ];
}

/** A TreeEnsembleRegressor node: `input` [N, F] → `output` [N, targets]. */
export const treeEnsembleNode = (e: Ensemble, input: string, output: string) => ({
  name: 'trees',
  op_type: 'TreeEnsembleRegressor',
  domain: 'ai.onnx.ml',
  input: [input],
  output: [output],
  attribute: treeEnsembleAttributes(e),
});

export const tensorType = (dims: (number | string)[]) => ({
  tensor_type: {
    elem_type: FLOAT,
    shape: { dim: dims.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d })) },
  },
});

export const op = (op_type: string, out: string, input: string[]) => ({
  name: out,
  op_type,
  domain: '',
  input,
  output: [out],
});
const slice = (out: string, from: string, start: string, end: string) => op('Slice', out, [from, start, end, 'axis1']);

export const i64 = (name: string, v: number[]) => ({ name, data_type: INT64, dims: [v.length], int64_data: v });

export interface ModelMeta {
  name: string;
  version: string;
  producerVersion: string;
  doc: string;
}

export const f32 = (name: string, dims: number[], values: ArrayLike<number>) => ({
  name,
  data_type: FLOAT,
  dims,
  float_data: Array.from(values),
});

/**
 * ONNX bytes for `graph` (onnx.GraphProto as a plain object); a pure function of its arguments (no
 * timestamps), so the same training run gives the same bytes.
 */
export function encodeModel(meta: ModelMeta, graph: object, metadata: Record<string, string>): Uint8Array {
  const [major = 0, minor = 0, patch = 0] = meta.version.split('.').map(Number);
  const model = {
    ir_version: IR_VERSION,
    producer_name: 'tijori-trainer',
    producer_version: meta.producerVersion,
    domain: 'app.tijori',
    model_version: major * 1_000_000 + minor * 1_000 + patch,
    doc_string: meta.doc,
    graph,
    opset_import: OPSETS.map((o) => ({ ...o })),
    metadata_props: Object.entries({ name: meta.name, version: meta.version, ...metadata }).map(([key, value]) => ({
      key,
      value,
    })),
  };
  const err = ModelProto.verify(model);
  if (err) throw new Error(`ONNX model does not verify: ${err}`);
  return ModelProto.encode(ModelProto.fromObject(model)).finish();
}

/** The price model's ONNX bytes. */
export function toOnnx(e: Ensemble, meta: ModelMeta): Uint8Array {
  const graph = {
    name: meta.name,
    doc_string: meta.doc,
    input: [
      {
        name: 'features',
        type: tensorType(['N', FEATURE_COUNT]),
        doc_string: FEATURES.map((f) => `${f.name} (${f.unit})`).join('; '),
      },
    ],
    output: [
      {
        name: 'price',
        type: tensorType(['N', 1]),
        doc_string: 'Predicted price, paise (float; round at the boundary)',
      },
      { name: 'ratio', type: tensorType(['N', 1]), doc_string: 'Predicted price / metal value' },
    ],
    initializer: [
      i64('col0', [0]),
      i64('col1', [1]),
      i64('col2', [2]),
      i64('col3', [3]),
      i64('axis1', [1]),
      f32('milli', [], [0.001]),
    ],
    node: [
      treeEnsembleNode(e, 'features', 'coefficients'),
      slice('a', 'coefficients', 'col0', 'col1'),
      slice('b', 'coefficients', 'col1', 'col2'),
      slice('net', 'features', `col${COLUMN.net}`, `col${COLUMN.net + 1}`),
      slice('rate', 'features', `col${COLUMN.rate}`, `col${COLUMN.rate + 1}`),
      slice('stone', 'features', `col${COLUMN.stone}`, `col${COLUMN.stone + 1}`),
      op('Mul', 'net_x_rate', ['net', 'rate']),
      op('Mul', 'metal_value', ['net_x_rate', 'milli']),
      op('Mul', 'metal_part', ['metal_value', 'a']),
      op('Mul', 'stone_part', ['stone', 'b']),
      op('Add', 'price', ['metal_part', 'stone_part']),
      op('Div', 'ratio', ['price', 'metal_value']),
    ],
  };
  return encodeModel(meta, graph, { features: FEATURES.map((f) => f.name).join(',') });
}

/** Reads the tree ensemble back out of ONNX bytes (the bench walks exactly what ships). */
export function ensembleFromOnnx(bytes: Uint8Array): Ensemble {
  const m = ModelProto.toObject(ModelProto.decode(bytes), { longs: Number, bytes: String }) as any;
  const node = m.graph.node.find((n: any) => n.op_type === 'TreeEnsembleRegressor');
  const attr = (name: string) => node.attribute.find((a: any) => a.name === name);
  const num = (name: string): number[] => attr(name)?.ints ?? attr(name)?.floats ?? [];
  const modes: string[] = attr('nodes_modes').strings.map((s: string) => Buffer.from(s, 'base64').toString());
  const treeIds = num('nodes_treeids');
  const nodeIds = num('nodes_nodeids');
  const feats = num('nodes_featureids');
  const values = num('nodes_values');
  const trueIds = num('nodes_truenodeids');
  const falseIds = num('nodes_falsenodeids');
  const nTrees = Math.max(...treeIds) + 1;
  const sizes = new Array(nTrees).fill(0);
  for (let k = 0; k < treeIds.length; k++) sizes[treeIds[k]!] = Math.max(sizes[treeIds[k]!], nodeIds[k]! + 1);
  const trees: Tree[] = sizes.map((s) => ({
    target: 0,
    feature: new Int32Array(s).fill(-1),
    threshold: new Float32Array(s),
    left: new Int32Array(s),
    right: new Int32Array(s),
    value: new Float32Array(s),
  }));
  for (let k = 0; k < treeIds.length; k++) {
    const t = trees[treeIds[k]!]!;
    const n = nodeIds[k]!;
    if (modes[k] === 'LEAF') continue;
    t.feature[n] = feats[k]!;
    t.threshold[n] = values[k]!;
    t.left[n] = trueIds[k]!;
    t.right[n] = falseIds[k]!;
  }
  const tTree = num('target_treeids');
  const tNode = num('target_nodeids');
  const tWeight = num('target_weights');
  const tId = num('target_ids');
  for (let k = 0; k < tTree.length; k++) {
    const t = trees[tTree[k]!]!;
    t.target = tId[k]!;
    t.value[tNode[k]!] = t.value[tNode[k]!]! + tWeight[k]!;
  }
  return { base: num('base_values'), trees };
}
