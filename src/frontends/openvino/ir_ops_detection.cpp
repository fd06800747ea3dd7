// DetectionOutput (opset 1 and 8) -> the DetectionOutput op (src/ops/detection_output.cpp).
// Open Model Zoo SSD IRs fold their PriorBox layers into a Const, so this covers them; the
// options our op does not implement (pixel priors, clipping, objectness input) are refused.
#include "frontends/openvino/ir_builder.h"

namespace inferlab::ir_import {

namespace {

std::vector<std::int64_t> port_dims(const IrLayer& l, std::size_t port) {
  std::vector<std::int64_t> dims;
  std::size_t i = 0;
  for (auto p : l.node.child("input").children("port")) {
    if (i++ != port) continue;
    for (auto d : p.children("dim")) dims.push_back(d.text().as_llong(-1));
  }
  return dims;
}

void convert_detection_output(IrBuilder& b, const IrLayer& l) {
  b.require_inputs(l, 3);
  if (l.inputs.size() > 3) unsupported("{}: the objectness inputs are not supported", b.where(l));
  for (const char* flag : {"clip_before_nms", "clip_after_nms", "decrease_label_id"})
    if (b.attr(l, flag, "false") == "true")
      unsupported("{}: {} is not supported", b.where(l), flag);
  if (b.attr(l, "normalized", "true") != "true")
    unsupported("{}: priors in pixels (normalized false) are not supported", b.where(l));
  std::int64_t classes = b.int_attr(l, "num_classes", -1);
  if (classes < 0) {  // opset 8: from the shapes, conf [N, P*C] and loc [N, P*4]
    const auto loc = port_dims(l, 0), conf = port_dims(l, 1);
    if (loc.size() != 2 || conf.size() != 2 || loc[1] <= 0 || conf[1] <= 0)
      fail("{}: needs num_classes or static loc/conf port shapes", b.where(l));
    classes = conf[1] / (loc[1] / 4);
  }
  std::string code = b.attr(l, "code_type", "caffe.PriorBoxParameter.CORNER");
  code = code.substr(code.rfind('.') + 1);
  const auto keep = b.ints(l, "keep_top_k", {-1});
  Attributes a;
  a.set("num_classes", classes);
  a.set("share_location", std::int64_t{b.attr(l, "share_location", "true") == "true" ? 1 : 0});
  a.set("background_label_id", b.int_attr(l, "background_label_id", 0));
  a.set("nms_threshold", b.float_attr(l, "nms_threshold"));
  a.set("top_k", b.int_attr(l, "top_k", -1));
  a.set("keep_top_k", keep.empty() ? std::int64_t{-1} : keep[0]);
  a.set("confidence_threshold",
        l.data.attribute("confidence_threshold") ? b.float_attr(l, "confidence_threshold") : 0.0f);
  a.set("code_type", code);
  a.set("variance_encoded_in_target",
        std::int64_t{b.attr(l, "variance_encoded_in_target", "false") == "true" ? 1 : 0});
  b.add(l, "DetectionOutput", {l.inputs[0], l.inputs[1], l.inputs[2]}, {l.outputs[0]}, a);
}

}  // namespace

INFERLAB_IR_OP("DetectionOutput", convert_detection_output);

}  // namespace inferlab::ir_import
