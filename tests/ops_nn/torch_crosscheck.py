#!/usr/bin/env python3
"""Cross-check cases for the reference NN operators: PyTorch modules exported to ONNX, with
PyTorch's own outputs as the expected values, written in the ONNX test-runner layout
(model.onnx + test_data_set_0/input_K.pb, output_K.pb) that `inferlab check` reads.

Not part of the unit tests (it needs Debian's python3-torch and takes a minute); run by hand:
    /usr/bin/python3 tests/ops_nn/torch_crosscheck.py /tmp/nn_cases [--models]
    build/inferlab check --engine reference /tmp/nn_cases
--models adds ResNet-50 and MobileNet-v2 (random weights, about 120 MB on disk).
The TensorProto files are encoded by hand, since the onnx Python package is not installed.
"""
import os, struct, shutil, sys
import torch
import torch.nn as nn
import torch.nn.functional as F
torch.manual_seed(0)
OUT = sys.argv[1] if len(sys.argv) > 1 else "nn_cases"
MODELS = "--models" in sys.argv[2:]

def varint(n):
    b = bytearray()
    while True:
        x = n & 0x7F; n >>= 7
        if n: b.append(x | 0x80)
        else: b.append(x); return bytes(b)

def tensor_proto(t):
    t = t.detach().contiguous()
    dt = {torch.float32: 1, torch.int64: 7, torch.uint8: 2}[t.dtype]
    b = bytearray()
    for d in t.shape: b += b"\x08" + varint(d)
    b += b"\x10" + varint(dt)
    raw = t.numpy().tobytes()
    b += b"\x4a" + varint(len(raw)) + raw
    return bytes(b)

class Fn(nn.Module):
    def __init__(self, f): super().__init__(); self.f = f
    def forward(self, *x): return self.f(*x)

def case(name, m, inputs, opset=13):
    try:
        case_(name, m, inputs, opset)
    except Exception as e:
        print("EXPORT FAILED", name, str(e).splitlines()[0][:150])
        shutil.rmtree(os.path.join(OUT, name), ignore_errors=True)

def case_(name, m, inputs, opset):
    m.eval()
    d = os.path.join(OUT, name)
    os.makedirs(os.path.join(d, "test_data_set_0"), exist_ok=True)
    with torch.no_grad():
        y = m(*inputs)
    torch.onnx.export(m, tuple(inputs), os.path.join(d, "model.onnx"), opset_version=opset,
                      do_constant_folding=True)
    for i, x in enumerate(inputs):
        open(os.path.join(d, "test_data_set_0", f"input_{i}.pb"), "wb").write(tensor_proto(x))
    ys = y if isinstance(y, tuple) else (y,)
    for i, t in enumerate(ys):
        open(os.path.join(d, "test_data_set_0", f"output_{i}.pb"), "wb").write(tensor_proto(t))

def bn(c, cls):
    m = cls(c)
    m.running_mean.uniform_(-1, 1); m.running_var.uniform_(0.5, 2)
    m.weight.data.uniform_(0.5, 1.5); m.bias.data.uniform_(-1, 1)
    return m

r = torch.randn
if os.path.exists(OUT): shutil.rmtree(OUT)
# Conv
case("conv2d_basic", nn.Conv2d(3, 5, 3), [r(2, 3, 9, 8)])
case("conv2d_stride_pad", nn.Conv2d(4, 6, (3, 5), stride=(2, 3), padding=(1, 2)), [r(1, 4, 11, 13)])
case("conv2d_dilated", nn.Conv2d(4, 4, 3, dilation=(2, 3), padding=2), [r(1, 4, 12, 12)])
case("conv2d_groups", nn.Conv2d(6, 9, 3, groups=3, bias=False), [r(2, 6, 7, 7)])
case("conv2d_depthwise", nn.Conv2d(8, 16, 3, groups=8, stride=2, padding=1), [r(1, 8, 10, 9)])
case("conv2d_1x1_stride2", nn.Conv2d(16, 8, 1, stride=2), [r(1, 16, 9, 9)])
case("conv1d", nn.Conv1d(4, 6, 3, stride=2, padding=1, dilation=2, groups=2), [r(2, 4, 17)])
case("conv3d", nn.Conv3d(4, 6, (2, 3, 3), stride=(1, 2, 1), padding=(1, 0, 1), groups=2), [r(1, 4, 5, 6, 7)])
case("conv3d_dilated", nn.Conv3d(2, 3, 3, dilation=2, bias=False), [r(1, 2, 7, 7, 7)])
case("conv2d_opset7", nn.Conv2d(3, 5, 3, stride=2, padding=1), [r(1, 3, 8, 8)], opset=7)
# ConvTranspose
case("convT2d", nn.ConvTranspose2d(3, 4, 3), [r(1, 3, 5, 5)])
case("convT2d_stride_pad_outpad", nn.ConvTranspose2d(4, 6, (3, 4), stride=(2, 3), padding=(1, 1), output_padding=(1, 2)), [r(2, 4, 5, 4)])
case("convT2d_groups_dil", nn.ConvTranspose2d(4, 6, 3, stride=2, groups=2, dilation=2, padding=2), [r(1, 4, 6, 5)])
case("convT2d_depthwise", nn.ConvTranspose2d(8, 8, 4, stride=2, padding=1, groups=8, bias=False), [r(1, 8, 5, 5)])
case("convT1d", nn.ConvTranspose1d(3, 2, 5, stride=3, padding=2, output_padding=1), [r(2, 3, 7)])
case("convT3d", nn.ConvTranspose3d(2, 4, (2, 3, 3), stride=(2, 1, 2), padding=(0, 1, 1)), [r(1, 2, 3, 4, 5)])
# Pooling
case("maxpool2d", nn.MaxPool2d(3, 2, 1), [r(1, 4, 11, 10)])
case("maxpool2d_ceil", nn.MaxPool2d((3, 2), (2, 2), ceil_mode=True), [r(1, 2, 10, 9)])
case("maxpool2d_ceil_pad", nn.MaxPool2d(3, 2, 1, ceil_mode=True), [r(1, 2, 10, 10)])
case("maxpool2d_dilated", nn.MaxPool2d(3, 1, 1, dilation=2), [r(1, 2, 9, 9)])
case("maxpool1d", nn.MaxPool1d(4, 3, 2, ceil_mode=True), [r(2, 3, 20)])
case("maxpool3d", nn.MaxPool3d(2, 2, 1), [r(1, 2, 5, 6, 7)])
case("maxpool2d_opset8", nn.MaxPool2d(3, 2, 1), [r(1, 2, 9, 9)], opset=8)
case("avgpool2d", nn.AvgPool2d(3, 2, 1), [r(1, 3, 11, 10)])
case("avgpool2d_exclude_pad", nn.AvgPool2d(3, 2, 1, count_include_pad=False), [r(1, 3, 11, 10)])
case("avgpool2d_ceil", nn.AvgPool2d(3, 2, 0, ceil_mode=True), [r(1, 3, 10, 10)])
case("avgpool2d_ceil_pad_incl", nn.AvgPool2d(3, 2, 1, ceil_mode=True), [r(1, 3, 10, 10)])
case("avgpool2d_ceil_pad_excl", nn.AvgPool2d(3, 2, 1, ceil_mode=True, count_include_pad=False), [r(1, 3, 10, 10)])
case("avgpool1d", nn.AvgPool1d(3, 2, 1), [r(2, 3, 15)])
case("avgpool3d", nn.AvgPool3d(2, 2, 1, count_include_pad=False), [r(1, 2, 5, 6, 7)])
case("gap", nn.AdaptiveAvgPool2d(1), [r(2, 5, 7, 6)])
case("gmp", nn.AdaptiveMaxPool2d(1), [r(2, 5, 7, 6)])
# BatchNorm
case("bn2d", bn(5, nn.BatchNorm2d), [r(2, 5, 4, 3)])
case("bn1d", bn(4, nn.BatchNorm1d), [r(3, 4, 6)])
case("bn1d_2d_input", bn(4, nn.BatchNorm1d), [r(3, 4)])
case("bn3d", bn(3, nn.BatchNorm3d), [r(1, 3, 2, 3, 4)])
case("bn2d_opset7", bn(5, nn.BatchNorm2d), [r(2, 5, 4, 3)], opset=7)
case("bn2d_opset9", bn(5, nn.BatchNorm2d), [r(2, 5, 4, 3)], opset=9)
case("bn2d_opset15", bn(5, nn.BatchNorm2d), [r(2, 5, 4, 3)], opset=15)
# Gemm / MatMul
case("linear", nn.Linear(7, 5), [r(3, 7)])
case("linear_nobias", nn.Linear(7, 5, bias=False), [r(3, 7)])
case("linear_opset7", nn.Linear(7, 5), [r(3, 7)], opset=7)
case("addmm", Fn(lambda c, a, b: torch.addmm(c, a, b, beta=0.5, alpha=2.0)), [r(1, 4), r(3, 5), r(5, 4)])
case("matmul_batched_bcast", Fn(lambda a, b: a @ b), [r(2, 1, 3, 4), r(5, 4, 6)])
case("matmul_1d_2d", Fn(lambda a, b: a @ b), [r(4), r(2, 4, 3)])
case("matmul_2d_1d", Fn(lambda a, b: a @ b), [r(3, 5, 4), r(4)])
case("matmul_1d_1d", Fn(lambda a, b: (a @ b).reshape(1)), [r(6), r(6)])
case("linear_3d", nn.Linear(4, 3), [r(2, 5, 4)])
# Softmax
for opset in (11, 13):
    for dim in (0, 1, 2, -1):
        case(f"softmax_dim{dim}_op{opset}", Fn(lambda x, d=dim: F.softmax(x, d)), [r(3, 4, 5)], opset)
        case(f"logsoftmax_dim{dim}_op{opset}", Fn(lambda x, d=dim: F.log_softmax(x, d)), [r(3, 4, 5) * 10], opset)
# Reductions
case("reduce_mean", Fn(lambda x: x.mean(dim=(1, 3), keepdim=True)), [r(2, 3, 4, 5)])
case("reduce_mean_nokeep", Fn(lambda x: x.mean(dim=-2)), [r(2, 3, 4, 5)])
case("reduce_mean_all", Fn(lambda x: x.mean().reshape(1)), [r(2, 3, 4)])
case("reduce_l2", Fn(lambda x: torch.norm(x, p=2, dim=1, keepdim=True)), [r(2, 3, 4, 5)])
case("reduce_l2_nokeep", Fn(lambda x: torch.norm(x, p=2, dim=(0, 2))), [r(2, 3, 4, 5)])
case("reduce_mean_op11", Fn(lambda x: x.mean(dim=(1,), keepdim=True)), [r(2, 3, 4)], 11)
# Resize / Upsample
for opset in (11, 13):
    case(f"nearest_scale2_op{opset}", Fn(lambda x: F.interpolate(x, scale_factor=2, mode="nearest")), [r(1, 2, 3, 4)], opset)
    case(f"nearest_size_op{opset}", Fn(lambda x: F.interpolate(x, size=(7, 5), mode="nearest")), [r(1, 2, 3, 4)], opset)
    case(f"nearest_down_op{opset}", Fn(lambda x: F.interpolate(x, size=(3, 2), mode="nearest")), [r(1, 2, 7, 5)], opset)
    case(f"bilinear_ac_op{opset}", Fn(lambda x: F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=True)), [r(1, 2, 3, 4)], opset)
    case(f"bilinear_op{opset}", Fn(lambda x: F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False)), [r(1, 2, 3, 4)], opset)
    case(f"bilinear_size_op{opset}", Fn(lambda x: F.interpolate(x, size=(5, 9), mode="bilinear", align_corners=False)), [r(1, 2, 3, 4)], opset)
    case(f"bilinear_down_op{opset}", Fn(lambda x: F.interpolate(x, size=(3, 2), mode="bilinear", align_corners=False)), [r(1, 2, 7, 5)], opset)
    case(f"linear1d_op{opset}", Fn(lambda x: F.interpolate(x, scale_factor=3, mode="linear", align_corners=False)), [r(1, 2, 5)], opset)
    case(f"trilinear_op{opset}", Fn(lambda x: F.interpolate(x, size=(3, 4, 5), mode="trilinear", align_corners=True)), [r(1, 1, 2, 3, 3)], opset)
case("nearest_op10", Fn(lambda x: F.interpolate(x, scale_factor=2, mode="nearest")), [r(1, 2, 3, 4)], 10)
case("nearest_op9_upsample", Fn(lambda x: F.interpolate(x, scale_factor=3, mode="nearest")), [r(1, 2, 3, 4)], 9)
# Pad
for opset in (9, 11, 13):
    case(f"pad_constant_op{opset}", Fn(lambda x: F.pad(x, (1, 2, 0, 3), value=1.5)), [r(1, 2, 3, 4)], opset)
    case(f"pad_reflect_op{opset}", Fn(lambda x: F.pad(x, (2, 1, 1, 2), mode="reflect")), [r(1, 2, 3, 4)], opset)
    case(f"pad_edge_op{opset}", Fn(lambda x: F.pad(x, (3, 1, 2, 0), mode="replicate")), [r(1, 2, 3, 4)], opset)
case("pad_crop_op11", Fn(lambda x: F.pad(x, (-1, 2, 1, -1))), [r(1, 2, 3, 4)], 11)
# LpNormalization is not emitted by PyTorch; hand-computed tests cover it.
if MODELS:
    import torchvision
    net = torchvision.models.resnet50().eval()
    # Non-trivial BatchNorm statistics so that every layer matters.
    for mod in net.modules():
        if isinstance(mod, nn.BatchNorm2d):
            mod.running_mean.uniform_(-0.1, 0.1); mod.running_var.uniform_(0.5, 1.5)
            mod.weight.data.uniform_(0.5, 1.0); mod.bias.data.uniform_(-0.1, 0.1)
    case("resnet50", net, [r(1, 3, 224, 224)])
    case("mobilenet_v2", torchvision.models.mobilenet_v2().eval(), [r(1, 3, 224, 224)])
print("generated", len(os.listdir(OUT)), "cases in", OUT)
