"""Load a TF.js graph model (``model.json`` + weight shards) into a TensorFlow concrete function.

Why our own loader: ``tensorflowjs_converter`` cannot read graph models, and the one third-party
reader is unmaintained. The steps (ARCHITECTURE.md, "Model weights"):

1. parse ``modelTopology`` into a ``GraphDef``;
2. fill each ``Const`` from the weight shards in manifest order, dequantising float16 to float32;
3. rewrite TF.js-only fused ops (``_FusedConv2D`` without the attributes TF's importer needs,
   ``FusedDepthwiseConv2dNative``) into the plain op + ``BiasAdd`` + the named activation;
4. import it in a wrapped function and prune to the signature's input and output (or to the
   part of the graph asked for).

TensorFlow is imported lazily: only conversion (once per model, cached) needs it.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import numpy as np

_ACTIVATIONS = {"Relu", "Relu6", "Elu", "Selu", "Sigmoid", "Tanh", "LeakyRelu"}
_PLAIN_OP = {"_FusedConv2D": "Conv2D", "FusedDepthwiseConv2dNative": "DepthwiseConv2dNative"}
# Attributes the plain ops accept; the fused ones carry extra bookkeeping we drop.
_KEEP_ATTRS = {
    "T",
    "strides",
    "padding",
    "data_format",
    "dilations",
    "explicit_paddings",
    "use_cudnn_on_gpu",
}


def read_weights(model_json: dict[str, Any], folder: Path) -> dict[str, np.ndarray]:
    """All weights of the manifest as numpy arrays (float16-quantised ones as float32)."""
    weights: dict[str, np.ndarray] = {}
    for group in model_json["weightsManifest"]:
        blob = b"".join((folder / p).read_bytes() for p in group["paths"])
        offset = 0
        for spec in group["weights"]:
            shape = [int(d) for d in spec["shape"]]
            count = int(np.prod(shape)) if shape else 1
            stored = spec.get("quantization", {}).get("dtype", spec["dtype"])
            dtype = np.dtype({"float32": "<f4", "int32": "<i4", "float16": "<f2"}[stored])
            nbytes = count * dtype.itemsize
            array = np.frombuffer(blob, dtype=dtype, count=count, offset=offset).reshape(shape)
            offset += nbytes
            weights[spec["name"]] = array.astype(np.dtype(spec["dtype"]))
        if offset != len(blob):
            raise ValueError(f"weight shards hold {len(blob)} bytes, manifest uses {offset}")
    return weights


def const_values(
    model_json: dict[str, Any], folder: Path, names: list[str]
) -> dict[str, np.ndarray]:
    """The values of some ``Const`` nodes: from the weight shards, or written in the graph."""
    weights = read_weights(model_json, folder)
    nodes = {n["name"]: n for n in model_json["modelTopology"]["node"] if n["op"] == "Const"}
    values = {}
    for name in names:
        if name in weights:
            values[name] = weights[name]
            continue
        tensor = nodes[name]["attr"]["value"]["tensor"]
        values[name] = np.asarray(tensor.get("floatVal") or tensor.get("intVal"))
    return values


def _decode(attr_s: str) -> str:
    return base64.b64decode(attr_s).decode()


def _unfuse(nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Replace each fused conv node by conv → BiasAdd → activation, keeping its output name."""
    out: list[dict[str, Any]] = []
    for node in nodes:
        if node["op"] not in _PLAIN_OP:
            out.append(node)
            continue
        attrs = node.get("attr", {})
        fused = [_decode(s) for s in attrs.get("fused_ops", {}).get("list", {}).get("s", [])]
        if not fused or fused[0] != "BiasAdd" or any(f not in _ACTIVATIONS for f in fused[1:]):
            raise ValueError(f"unsupported fused ops {fused} in {node['name']}")
        name, (x, w, bias) = node["name"], node["input"][:3]
        conv_attrs = {k: v for k, v in attrs.items() if k in _KEEP_ATTRS}
        if node["op"] == "FusedDepthwiseConv2dNative":
            conv_attrs.pop("use_cudnn_on_gpu", None)
        chain = [
            {
                "name": f"{name}/conv",
                "op": _PLAIN_OP[node["op"]],
                "input": [x, w],
                "attr": conv_attrs,
            }
        ]
        chain.append(
            {
                "name": f"{name}/bias" if fused[1:] else name,
                "op": "BiasAdd",
                "input": [chain[-1]["name"], bias],
                "attr": {
                    "T": attrs["T"],
                    "data_format": attrs.get("data_format", {"s": "TkhXQw=="}),
                },
            }
        )
        for i, activation in enumerate(fused[1:]):
            last = i == len(fused) - 2
            chain.append(
                {
                    "name": name if last else f"{name}/{activation}",
                    "op": activation,
                    "input": [chain[-1]["name"]],
                    "attr": {"T": attrs["T"]},
                }
            )
        out.extend(chain)
    return out


def _tensor_name(name: str) -> str:
    return name if ":" in name else f"{name}:0"


def load_concrete_function(
    model_json_path: Path, feed: str | None = None, fetches: list[str] | None = None
):
    """A TF concrete function for a graph model: by default ``f(int32 [1, H, W, 3]) -> float32
    output`` from the signature's input to its output; ``feed`` and ``fetches`` (node names)
    cut out a part of the graph instead, as :mod:`pose.model.convert` does to keep the network alone.
    """
    import tensorflow as tf
    from google.protobuf import json_format

    model_json = json.loads(model_json_path.read_text())
    weights = read_weights(model_json, model_json_path.parent)
    topology = dict(model_json["modelTopology"])
    topology["node"] = _unfuse(topology["node"])
    topology.pop("library", None)
    topology.pop("versions", None)
    graph_def = json_format.ParseDict(topology, tf.compat.v1.GraphDef())
    for node in graph_def.node:
        if node.op == "Const" and node.name in weights:
            node.attr["value"].tensor.CopyFrom(tf.make_tensor_proto(weights[node.name]))
        node.ClearField("device")
    signature = model_json["signature"]
    if feed is None:
        (feed,) = (v.get("name", k) for k, v in signature["inputs"].items())
    if fetches is None:
        fetches = [v.get("name", k) for k, v in signature["outputs"].items()]

    def _import() -> None:
        tf.graph_util.import_graph_def(graph_def, name="")

    wrapped = tf.compat.v1.wrap_function(_import, [])
    graph = wrapped.graph
    outputs = [graph.get_tensor_by_name(_tensor_name(n)) for n in fetches]
    return wrapped.prune(
        graph.get_tensor_by_name(_tensor_name(feed)),
        outputs[0] if len(outputs) == 1 else outputs,
    )
