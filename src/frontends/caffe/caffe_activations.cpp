// Element-wise layers: ReLU (leaky with negative_slope), PReLU, ELU, Sigmoid, TanH, Power,
// and Dropout (the identity at inference).
#include "frontends/caffe/caffe_builder.h"

namespace inferlab::caffe_import {

namespace {

void unary(Builder& b, const Layer& l, const std::string& op, Attributes a = {}) {
  b.require_bottoms(l, 1);
  const std::string x = b.bottom(l);
  b.add(l, op, {x}, {b.top(l)}, std::move(a));
}

void convert_relu(Builder& b, const Layer& l) {
  const float slope = l.relu_param().negative_slope();
  if (slope == 0.0f) return unary(b, l, "Relu");
  Attributes a;
  a.set("alpha", slope);
  unary(b, l, "LeakyRelu", a);
}

void convert_prelu(Builder& b, const Layer& l) {
  b.require_bottoms(l, 1);
  const std::string x = b.bottom(l);
  const Shape& in = b.shape(x);
  if (in.size() < 2) fail("{}: input '{}' needs a channel axis", b.where(l), x);
  // Slopes per channel broadcast over the trailing spatial axes: shape [C, 1, ...].
  Shape s(in.size() - 1, 1);
  s[0] = l.prelu_param().channel_shared() ? 1 : in[1];
  const std::string slope = b.constant(l.name() + "/slope", b.blob(l, 0, s, "slope"));
  b.add(l, "PRelu", {x, slope}, {b.top(l)});
}

void convert_elu(Builder& b, const Layer& l) {
  Attributes a;
  a.set("alpha", l.elu_param().alpha());
  unary(b, l, "Elu", a);
}

// y = (shift + scale * x) ^ power, with the trivial steps left out.
void convert_power(Builder& b, const Layer& l) {
  b.require_bottoms(l, 1);
  const auto& p = l.power_param();
  std::string v = b.bottom(l);
  struct Step {
    const char* op;
    float value;
    bool needed;
  };
  const Step steps[] = {{"Mul", p.scale(), p.scale() != 1.0f},
                        {"Add", p.shift(), p.shift() != 0.0f},
                        {"Pow", p.power(), p.power() != 1.0f}};
  int last = -1;
  for (int i = 0; i < 3; ++i)
    if (steps[i].needed) last = i;
  if (last < 0) return unary(b, l, "Identity");
  for (int i = 0; i <= last; ++i) {
    if (!steps[i].needed) continue;
    const std::string c =
        b.constant(l.name() + "/" + steps[i].op, f32_tensor({}, {steps[i].value}));
    std::string out;
    if (i == last) {
      out = b.top(l);
    } else {
      out = b.temp(l.name() + "/" + steps[i].op);
    }
    b.add(l, steps[i].op, {v, c}, {out});
    v = out;
  }
}

}  // namespace

INFERLAB_CAFFE_LAYER("ReLU", convert_relu);
INFERLAB_CAFFE_LAYER("PReLU", convert_prelu);
INFERLAB_CAFFE_LAYER("ELU", convert_elu);
INFERLAB_CAFFE_LAYER("Sigmoid", [](Builder& b, const Layer& l) { unary(b, l, "Sigmoid"); });
INFERLAB_CAFFE_LAYER("TanH", [](Builder& b, const Layer& l) { unary(b, l, "Tanh"); });
INFERLAB_CAFFE_LAYER("Dropout", [](Builder& b, const Layer& l) { unary(b, l, "Identity"); });
INFERLAB_CAFFE_LAYER("Power", convert_power);

}  // namespace inferlab::caffe_import
