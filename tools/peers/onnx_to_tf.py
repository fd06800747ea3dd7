"""inferlab's ONNX -> TensorFlow 2 translation, for the operators of the zoo models and of CIFAR
ResNet-20 (no maintained converter works with TF 2.21 and plain ONNX here: onnx-tf stopped at
TF 2.10, onnx2tf rewrites graphs heuristically and pulls TFLite tooling).

Every ONNX value becomes either a numpy array (constants, folded here: shape arithmetic,
ConstantOfShape, Cast of constants ...) or a TF tensor. Rank-4 activations are kept in NHWC,
the layout TF's CPU kernels (oneDNN) run convolutions and pooling in; each such tensor is tagged
and converted back to the logical NCHW only where an operator needs it (Flatten of a spatial
map, Reshape, general Transpose). BatchNormalization that follows a Conv alone is folded into
its weights, as TF's own inference graph transforms do. An operator outside the supported set is
an error naming the node.
"""
import numpy as np
import onnx
import tensorflow as tf
from onnx import numpy_helper

TO_NHWC, TO_NCHW = (0, 2, 3, 1), (0, 3, 1, 2)
ONNX_TO_TF_DTYPE = {1: tf.float32, 6: tf.int32, 7: tf.int64, 9: tf.bool, 10: tf.float16, 11: tf.float64}


class Unsupported(RuntimeError):
    pass


class V:
    """A TF tensor; nhwc=True: a logical NCHW rank-4 tensor stored as NHWC."""

    def __init__(self, t, nhwc=False):
        self.t, self.nhwc = t, nhwc


def attrs_of(node):
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def plain(v):
    """A value in its logical (ONNX) layout: numpy array or TF tensor."""
    if isinstance(v, np.ndarray):
        return v
    return tf.transpose(v.t, TO_NCHW) if v.nhwc else v.t


def nhwc(v):
    if isinstance(v, np.ndarray):
        return v.transpose(TO_NHWC) if v.ndim == 4 else v
    return v.t if v.nhwc else tf.transpose(v.t, TO_NHWC)


def phys_axis(v, axis, rank=4):
    axis = axis % rank
    return (0, 3, 1, 2)[axis] if isinstance(v, V) and v.nhwc else axis


def to_nhwc_operand(c, rank):
    """A broadcast constant for an NHWC tensor: padded to rank 4 and permuted."""
    c = np.asarray(c)
    if c.ndim == 0:
        return c
    c = c.reshape((1,) * (rank - c.ndim) + c.shape)
    return c.transpose(TO_NHWC)


def explicit_pads(a, spatial):
    pads = a.get("pads", [0] * (2 * spatial))
    if a.get("auto_pad", b"NOTSET") not in (b"NOTSET", "NOTSET"):
        raise Unsupported(f"auto_pad {a['auto_pad']} is not supported")
    return [(pads[i], pads[i + spatial]) for i in range(spatial)]


def conv(x, w, b, a, name):
    """ONNX Conv (2-D, NCHW weights [O, I/g, kh, kw]) on an NHWC tensor."""
    if w.ndim != 4:
        raise Unsupported(f"node {name}: only 2-D Conv is supported")
    group = a.get("group", 1)
    strides = list(a.get("strides", [1, 1]))
    dil = list(a.get("dilations", [1, 1]))
    pads = explicit_pads(a, 2)
    t = nhwc(x)
    cin = int(t.shape[-1])
    if group == 1:
        k = tf.constant(w.transpose(2, 3, 1, 0))  # HWIO
        y = tf.nn.conv2d(t, k, [1] + strides + [1], [[0, 0], *pads, [0, 0]], "NHWC", [1] + dil + [1])
    elif group == cin and w.shape[1] == 1:
        k = tf.constant(w.reshape(cin, w.shape[0] // cin, *w.shape[2:]).transpose(2, 3, 0, 1))
        if any(p != (0, 0) for p in pads):
            t = tf.pad(t, [[0, 0], *pads, [0, 0]])
        y = tf.nn.depthwise_conv2d(t, k, [1] + strides + [1], "VALID", "NHWC", dil)
    else:
        raise Unsupported(f"node {name}: grouped Conv (group {group}) other than depthwise")
    if b is not None:
        y = tf.nn.bias_add(y, tf.constant(b), "NHWC")
    return V(y, True)


def pool(x, a, kind, name):
    k = list(a["kernel_shape"])
    if len(k) != 2:
        raise Unsupported(f"node {name}: only 2-D pooling is supported")
    s = list(a.get("strides", [1, 1]))
    pads = explicit_pads(a, 2)
    t = nhwc(x)
    if a.get("ceil_mode", 0):  # extra padding at the end so that the last window is kept
        pads = list(pads)
        for i in range(2):
            n = int(t.shape[1 + i]) + sum(pads[i])
            out = -(-(n - k[i]) // s[i]) + 1
            if (out - 1) * s[i] >= int(t.shape[1 + i]) + pads[i][0]:
                out -= 1
            extra = max(0, (out - 1) * s[i] + k[i] - n)
            pads[i] = (pads[i][0], pads[i][1] + extra)
    if kind == "max":
        if any(p != (0, 0) for p in pads):
            t = tf.pad(t, [[0, 0], *pads, [0, 0]], constant_values=-np.inf)
        return V(tf.nn.max_pool2d(t, k, s, "VALID"), True)
    if any(p != (0, 0) for p in pads) and not a.get("count_include_pad", 0):
        raise Unsupported(f"node {name}: padded AveragePool without count_include_pad")
    if any(p != (0, 0) for p in pads):
        t = tf.pad(t, [[0, 0], *pads, [0, 0]])
    return V(tf.nn.avg_pool2d(t, k, s, "VALID"), True)


def binary(op, x, y):
    fn = {"Add": tf.add, "Sub": tf.subtract, "Mul": tf.multiply, "Div": tf.divide, "Pow": tf.pow,
          "Max": tf.maximum, "Min": tf.minimum}[op]
    if isinstance(x, np.ndarray) and isinstance(y, np.ndarray):
        npfn = {"Add": np.add, "Sub": np.subtract, "Mul": np.multiply, "Pow": np.power,
                "Max": np.maximum, "Min": np.minimum}
        if op == "Div":
            return x // y if np.issubdtype(x.dtype, np.integer) else x / y
        return npfn[op](x, y)
    vals = [x, y]
    spatial = [v for v in vals if isinstance(v, V) and v.nhwc]
    # NHWC only when every operand can follow: constants of rank <= 4 and rank-4 tensors.
    keep = bool(spatial) and all(
        (isinstance(v, np.ndarray) and v.ndim <= 4) or (isinstance(v, V) and (v.nhwc or v.t.shape.rank == 4))
        for v in vals)
    if keep:
        ops = [to_nhwc_operand(v, 4) if isinstance(v, np.ndarray) else nhwc(v) for v in vals]
        dtype = next(v.t.dtype for v in vals if isinstance(v, V))
        ops = [tf.constant(o, dtype) if isinstance(o, np.ndarray) else o for o in ops]
        return V(fn(*ops), True)
    ops = [plain(v) for v in vals]
    dtype = next(v.t.dtype for v in vals if isinstance(v, V))
    ops = [tf.constant(o, dtype) if isinstance(o, np.ndarray) else o for o in ops]
    return V(fn(*ops))


def unary(op, x, a):
    fns = {"Relu": tf.nn.relu, "Sigmoid": tf.sigmoid, "Tanh": tf.tanh, "Exp": tf.exp, "Sqrt": tf.sqrt,
           "Neg": tf.negative, "Abs": tf.abs, "Identity": tf.identity, "Dropout": tf.identity,
           "LeakyRelu": lambda t: tf.nn.leaky_relu(t, a.get("alpha", 0.01))}
    if isinstance(x, np.ndarray):
        raise Unsupported(f"{op} on a constant")
    return V(fns[op](x.t), x.nhwc)


def clip(x, lo, hi):
    lo = None if lo is None else float(lo)
    hi = None if hi is None else float(hi)
    if lo == 0.0 and hi == 6.0:
        return V(tf.nn.relu6(x.t), x.nhwc)  # the form oneDNN fuses into the convolution
    t = x.t
    if lo is not None:
        t = tf.maximum(t, lo)
    if hi is not None:
        t = tf.minimum(t, hi)
    return V(t, x.nhwc)


def reshape(x, shape, allowzero=0):
    shape = [int(s) for s in shape]
    if isinstance(x, np.ndarray):
        if not allowzero:
            shape = [x.shape[i] if s == 0 else s for i, s in enumerate(shape)]
        return x.reshape(shape)
    t = plain(x)
    if not allowzero and 0 in shape:
        dyn = tf.shape(t)
        shape = [dyn[i] if s == 0 else s for i, s in enumerate(shape)]
    return V(tf.reshape(t, shape))


def flatten(x, axis):
    if isinstance(x, np.ndarray):
        return x.reshape(int(np.prod(x.shape[:axis])), -1)
    if x.nhwc and axis == 1 and x.t.shape[1] == 1 and x.t.shape[2] == 1:
        return V(tf.reshape(x.t, [-1, int(x.t.shape[3])]))  # 1x1 spatial: same order either way
    t = plain(x)
    lead = tf.reduce_prod(tf.shape(t)[:axis]) if axis > 0 else 1
    return V(tf.reshape(t, tf.stack([lead, -1])))


def transpose(x, perm):
    if isinstance(x, np.ndarray):
        return x.transpose(perm)
    if x.nhwc and len(perm) == 4:
        p = [TO_NCHW[i] for i in perm]  # logical = physical.transpose(TO_NCHW)
        return V(x.t if p == [0, 1, 2, 3] else tf.transpose(x.t, p))
    return V(tf.transpose(x.t, perm))


def concat(vals, axis):
    if all(isinstance(v, np.ndarray) for v in vals):
        return np.concatenate(vals, axis)
    rank = next(v.t.shape.rank for v in vals if isinstance(v, V))
    if rank == 4 and any(isinstance(v, V) and v.nhwc for v in vals):
        ts = [tf.constant(nhwc(v)) if isinstance(v, np.ndarray) else nhwc(v) for v in vals]
        return V(tf.concat(ts, (0, 3, 1, 2)[axis % 4]), True)
    return V(tf.concat([tf.constant(v) if isinstance(v, np.ndarray) else plain(v) for v in vals], axis))


def reduce(op, x, axes, keep):
    fn = {"ReduceMean": tf.reduce_mean, "ReduceSum": tf.reduce_sum, "ReduceMax": tf.reduce_max,
          "ReduceL2": tf.norm}[op]
    rank = x.t.shape.rank
    axes = list(range(rank)) if axes is None else [int(a) % rank for a in axes]
    if x.nhwc and keep:
        axes, t, out_nhwc = [phys_axis(x, a) for a in axes], x.t, True
    else:
        t, out_nhwc = plain(x), False
    if op == "ReduceL2":
        return V(tf.sqrt(tf.reduce_sum(tf.square(t), axis=axes, keepdims=bool(keep))), out_nhwc)
    return V(fn(t, axis=axes, keepdims=bool(keep)), out_nhwc)


def slice_(x, starts, ends, axes, steps):
    rank = x.ndim if isinstance(x, np.ndarray) else x.t.shape.rank
    axes = list(range(len(starts))) if axes is None else [int(a) % rank for a in axes]
    steps = [1] * len(starts) if steps is None else steps
    big = 2 ** 62
    idx = [slice(None)] * rank
    for s, e, a, st in zip(starts, ends, axes, steps):
        s, e = int(s), int(e)
        s = None if abs(s) >= big else s
        e = None if abs(e) >= big else e
        idx[phys_axis(x, a, rank)] = slice(s, e, int(st))
    if isinstance(x, np.ndarray):
        return x[tuple(idx)]
    return V(x.t[tuple(idx)], x.nhwc)


def pad(x, pads, value, mode):
    if mode not in (b"constant", "constant"):
        raise Unsupported(f"Pad mode {mode}")
    rank = len(pads) // 2
    pairs = [[int(pads[i]), int(pads[i + rank])] for i in range(rank)]
    if isinstance(x, V) and x.nhwc:
        pairs = [pairs[i] for i in TO_NHWC]
    v = 0 if value is None else np.asarray(value).item()
    return V(tf.pad(x.t, pairs, constant_values=v), x.nhwc)


def fold_batchnorms(graph, consts):
    """Conv -> BatchNormalization pairs where the Conv output feeds the BN alone: the BN's output
    name -> folded (weights, bias) for the Conv, and the BN nodes to skip."""
    uses = {}
    for n in graph.node:
        for i in n.input:
            uses[i] = uses.get(i, 0) + 1
    outputs = {o.name for o in graph.output}
    producer = {n.output[0]: n for n in graph.node if n.output}
    folded, skip = {}, set()
    for bn in graph.node:
        if bn.op_type != "BatchNormalization" or len(bn.output) != 1:
            continue
        c = producer.get(bn.input[0])
        if c is None or c.op_type != "Conv" or uses.get(c.output[0]) != 1 or c.output[0] in outputs:
            continue
        if not all(i in consts for i in list(c.input[1:]) + list(bn.input[1:])):
            continue
        scale, beta, mean, var = (consts[i].astype(np.float64) for i in bn.input[1:5])
        s = scale / np.sqrt(var + attrs_of(bn).get("epsilon", 1e-5))
        w = consts[c.input[1]].astype(np.float64)
        b = consts[c.input[2]].astype(np.float64) if len(c.input) > 2 and c.input[2] else 0.0
        folded[c.name or c.output[0]] = ((w * s[:, None, None, None]).astype(np.float32),
                                         ((b - mean) * s + beta).astype(np.float32), bn.output[0])
        skip.add(bn.output[0])
    return folded, skip


class Translator:
    """Callable on TF input tensors (NCHW as in the ONNX file); returns the graph's outputs."""

    def __init__(self, model):
        self.graph = model.graph
        self.consts = {i.name: numpy_helper.to_array(i) for i in self.graph.initializer}
        self.folded, self.skip = fold_batchnorms(self.graph, self.consts)
        self.input_names = [i.name for i in self.graph.input if i.name not in self.consts]
        self.output_names = [o.name for o in self.graph.output]

    def __call__(self, *inputs):
        env = dict(self.consts)
        for name, t in zip(self.input_names, inputs):
            env[name] = V(tf.transpose(t, TO_NHWC), True) if t.shape.rank == 4 else V(t)
        for node in self.graph.node:
            if node.op_type == "BatchNormalization" and node.output[0] in self.skip:
                continue
            try:
                outs = self.node(node, env)
            except Unsupported as e:
                raise Unsupported(f"tensorflow: cannot convert node '{node.name}' ({node.op_type}): {e}") from None
            for name, v in zip(node.output, outs if isinstance(outs, list) else [outs]):
                env[name] = v
        res = []
        for o in self.output_names:
            v = plain(env[o])
            res.append(tf.constant(v) if isinstance(v, np.ndarray) else v)
        return res

    def node(self, n, env):
        op, a = n.op_type, attrs_of(n)
        ins = [env[i] if i else None for i in n.input]
        x = ins[0] if ins else None
        if op == "Conv":
            key = n.name or n.output[0]
            if key in self.folded:
                w, b, bn_out = self.folded[key]
                env[bn_out] = conv(x, w, b, a, n.name)
                return []
            return conv(x, ins[1], ins[2] if len(ins) > 2 else None, a, n.name)
        if op == "BatchNormalization":
            scale, beta, mean, var = ins[1:5]
            s = scale / np.sqrt(var + a.get("epsilon", 1e-5))
            return binary("Add", binary("Mul", x, s.reshape(1, -1, 1, 1)), (beta - mean * s).reshape(1, -1, 1, 1))
        if op in ("MaxPool", "AveragePool"):
            return pool(x, a, "max" if op == "MaxPool" else "avg", n.name)
        if op == "GlobalAveragePool":
            return V(tf.reduce_mean(nhwc(x), axis=[1, 2], keepdims=True), True)
        if op in ("Add", "Sub", "Mul", "Div", "Pow", "Max", "Min") and len(ins) == 2:
            return binary(op, ins[0], ins[1])
        if op in ("Relu", "Sigmoid", "Tanh", "Exp", "Sqrt", "Neg", "Abs", "Identity", "Dropout", "LeakyRelu"):
            return x if isinstance(x, np.ndarray) and op in ("Identity", "Dropout") else unary(op, x, a)
        if op == "Clip":
            lo = ins[1] if len(ins) > 1 and ins[1] is not None else a.get("min")
            hi = ins[2] if len(ins) > 2 and ins[2] is not None else a.get("max")
            return clip(x, lo, hi)
        if op == "Constant":
            if "value" not in a:
                raise Unsupported("Constant without a tensor 'value'")
            return numpy_helper.to_array(a["value"])
        if op == "ConstantOfShape":
            v = numpy_helper.to_array(a["value"]) if "value" in a else np.zeros(1, np.float32)
            return np.full([int(d) for d in ins[0]], v.item(), v.dtype)
        if op == "Cast":
            if isinstance(x, np.ndarray):
                return x.astype(onnx.helper.tensor_dtype_to_np_dtype(a["to"]))
            return V(tf.cast(x.t, ONNX_TO_TF_DTYPE[a["to"]]), x.nhwc)
        if op == "Shape":
            shape = x.shape if isinstance(x, np.ndarray) else plain_shape(x)
            return np.array(shape, np.int64)
        if op == "Flatten":
            return flatten(x, a.get("axis", 1))
        if op == "Reshape":
            return reshape(x, ins[1], a.get("allowzero", 0))
        if op == "Transpose":
            rank = x.ndim if isinstance(x, np.ndarray) else x.t.shape.rank
            return transpose(x, list(a.get("perm", range(rank - 1, -1, -1))))
        if op == "Concat":
            return concat(ins, a["axis"])
        if op in ("ReduceMean", "ReduceSum", "ReduceMax", "ReduceL2"):
            axes = a.get("axes") if len(ins) < 2 or ins[1] is None else list(ins[1])
            return reduce(op, x, axes, a.get("keepdims", 1))
        if op == "Slice":
            opt = lambda k: ins[k] if len(ins) > k and ins[k] is not None else None  # noqa: E731
            return slice_(x, ins[1], ins[2], opt(3), opt(4))
        if op == "Pad":
            return pad(x, ins[1], ins[2] if len(ins) > 2 else None, a.get("mode", b"constant"))
        if op in ("Gemm", "MatMul"):
            return gemm(op, ins, a)
        if op == "Softmax":
            axis = a.get("axis", -1)
            if isinstance(x, V) and x.nhwc:
                return V(tf.nn.softmax(x.t, axis=phys_axis(x, axis)), True)
            return V(tf.nn.softmax(x.t, axis=axis))
        if op in ("Unsqueeze", "Squeeze"):
            return squeeze(op, x, ins[1] if len(ins) > 1 else a.get("axes"))
        if op == "Gather" and isinstance(x, np.ndarray) and isinstance(ins[1], np.ndarray):
            return np.take(x, ins[1], axis=a.get("axis", 0))
        raise Unsupported("operator not supported by inferlab's ONNX->TF translation")


def plain_shape(v):
    s = v.t.shape.as_list()
    if None in s:
        raise Unsupported("Shape of a tensor whose shape is not static")
    return [s[i] for i in TO_NCHW] if v.nhwc else s


def gemm(op, ins, a):
    x, w = ins[0], ins[1]
    if isinstance(x, np.ndarray):
        raise Unsupported(f"{op} of constants")
    t = plain(x)
    if op == "MatMul":
        return V(tf.matmul(t, tf.constant(w) if isinstance(w, np.ndarray) else plain(w)))
    if a.get("transA", 0):
        t = tf.transpose(t)
    if isinstance(w, np.ndarray):
        w = w.T if a.get("transB", 0) else w
        y = tf.matmul(t, tf.constant(w * a.get("alpha", 1.0) if a.get("alpha", 1.0) != 1.0 else w))
    else:
        y = tf.matmul(t, plain(w), transpose_b=bool(a.get("transB", 0))) * a.get("alpha", 1.0)
    if len(ins) > 2 and ins[2] is not None:
        c = ins[2] * a.get("beta", 1.0) if isinstance(ins[2], np.ndarray) else plain(ins[2]) * a.get("beta", 1.0)
        y = tf.nn.bias_add(y, tf.constant(c)) if isinstance(c, np.ndarray) and c.ndim == 1 else y + c
    return V(y)


def squeeze(op, x, axes):
    if isinstance(x, np.ndarray):
        return np.expand_dims(x, tuple(int(i) for i in axes)) if op == "Unsqueeze" else \
            np.squeeze(x, None if axes is None else tuple(int(i) for i in axes))
    t = plain(x)
    if op == "Unsqueeze":
        for ax in sorted(int(i) for i in axes):
            t = tf.expand_dims(t, ax)
        return V(t)
    return V(tf.squeeze(t, None if axes is None else [int(i) for i in axes]))
