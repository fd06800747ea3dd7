#include "frontends/caffe/caffe_v1.h"

#include <map>
#include <set>

#include "ir/error.h"

namespace inferlab::caffe_import {

namespace {

using V1 = caffe::V1LayerParameter;

std::string v1_type_name(V1::LayerType t) {
  static const std::map<V1::LayerType, std::string> kNames = {{V1::CONVOLUTION, "Convolution"},
                                                              {V1::DECONVOLUTION, "Deconvolution"},
                                                              {V1::POOLING, "Pooling"},
                                                              {V1::INNER_PRODUCT, "InnerProduct"},
                                                              {V1::RELU, "ReLU"},
                                                              {V1::SIGMOID, "Sigmoid"},
                                                              {V1::TANH, "TanH"},
                                                              {V1::SOFTMAX, "Softmax"},
                                                              {V1::CONCAT, "Concat"},
                                                              {V1::ELTWISE, "Eltwise"},
                                                              {V1::FLATTEN, "Flatten"},
                                                              {V1::DROPOUT, "Dropout"},
                                                              {V1::SPLIT, "Split"},
                                                              {V1::SLICE, "Slice"},
                                                              {V1::LRN, "LRN"},
                                                              {V1::POWER, "Power"},
                                                              {V1::SOFTMAX_LOSS, "SoftmaxWithLoss"},
                                                              {V1::ACCURACY, "Accuracy"},
                                                              {V1::DATA, "Data"},
                                                              {V1::ABSVAL, "AbsVal"},
                                                              {V1::BNLL, "BNLL"},
                                                              {V1::EXP, "Exp"},
                                                              {V1::MVN, "MVN"},
                                                              {V1::SILENCE, "Silence"},
                                                              {V1::THRESHOLD, "Threshold"},
                                                              {V1::ARGMAX, "ArgMax"}};
  auto it = kNames.find(t);
  return it != kNames.end() ? it->second : V1::LayerType_Name(t);
}

caffe::LayerParameter upgrade(const V1& v) {
  caffe::LayerParameter l;
  l.set_name(v.name());
  l.set_type(v1_type_name(v.type()));
  l.mutable_bottom()->CopyFrom(v.bottom());
  l.mutable_top()->CopyFrom(v.top());
  l.mutable_blobs()->CopyFrom(v.blobs());
  l.mutable_include()->CopyFrom(v.include());
  l.mutable_exclude()->CopyFrom(v.exclude());
  if (v.has_concat_param()) *l.mutable_concat_param() = v.concat_param();
  if (v.has_convolution_param()) *l.mutable_convolution_param() = v.convolution_param();
  if (v.has_dropout_param()) *l.mutable_dropout_param() = v.dropout_param();
  if (v.has_eltwise_param()) *l.mutable_eltwise_param() = v.eltwise_param();
  if (v.has_inner_product_param()) *l.mutable_inner_product_param() = v.inner_product_param();
  if (v.has_lrn_param()) *l.mutable_lrn_param() = v.lrn_param();
  if (v.has_pooling_param()) *l.mutable_pooling_param() = v.pooling_param();
  if (v.has_power_param()) *l.mutable_power_param() = v.power_param();
  if (v.has_relu_param()) *l.mutable_relu_param() = v.relu_param();
  if (v.has_softmax_param()) *l.mutable_softmax_param() = v.softmax_param();
  if (v.has_slice_param()) *l.mutable_slice_param() = v.slice_param();
  return l;
}

bool in_test_phase(const caffe::LayerParameter& l) {
  for (const auto& r : l.exclude())
    if (r.has_phase() && r.phase() == caffe::TEST) return false;
  if (l.include_size() == 0) return true;
  for (const auto& r : l.include())
    if (!r.has_phase() || r.phase() == caffe::TEST) return true;
  return false;
}

}  // namespace

std::vector<caffe::LayerParameter> net_layers(const caffe::NetParameter& net,
                                              const std::string& file) {
  if (net.layer_size() > 0 && net.layers_size() > 0)
    fail("{}: the net mixes 'layer' and the old 'layers' format", file);
  std::vector<caffe::LayerParameter> out;
  std::set<std::string> names;
  auto keep = [&](caffe::LayerParameter l) {
    if (!in_test_phase(l)) return;
    if (!l.name().empty() && !names.insert(l.name()).second)
      fail("{}: two layers are named '{}'", file, l.name());
    out.push_back(std::move(l));
  };
  for (const auto& l : net.layer()) keep(l);
  for (const auto& v : net.layers()) keep(upgrade(v));
  return out;
}

bool needs_weights(const std::vector<caffe::LayerParameter>& layers) {
  static const std::set<std::string> kTrained = {
      "Convolution", "Deconvolution", "InnerProduct", "BatchNorm", "Scale", "PReLU", "Normalize"};
  for (const auto& l : layers)
    if (kTrained.count(l.type()) && l.blobs_size() == 0) return true;
  return false;
}

}  // namespace inferlab::caffe_import
