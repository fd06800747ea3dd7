// The Caffe layers against an independent implementation: a net using most converters
// (grouped convolution, deconvolution, PReLU, ceil-rounded average pooling, Power, ELU,
// Normalize, Slice, Eltwise MAX, InnerProduct) runs on inferlab and on OpenCV DNN's own Caffe
// reader (`inferlab compare --backends native,opencv`), and their outputs must agree.
#include <google/protobuf/text_format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "formats_util.h"
#include "frontends/caffe/caffe.pb.h"
#include "support/cli.h"

namespace inferlab::test {
namespace {

const char* kNet = R"(
name: "layers"
input: "data" input_shape { dim: 1 dim: 4 dim: 6 dim: 6 }
layer { name: "conv" type: "Convolution" bottom: "data" top: "conv"
  convolution_param { num_output: 4 kernel_size: 3 pad: 1 group: 2 } }
layer { name: "deconv" type: "Deconvolution" bottom: "conv" top: "deconv"
  convolution_param { num_output: 2 kernel_size: 2 stride: 2 } }
layer { name: "prelu" type: "PReLU" bottom: "deconv" top: "deconv" }
layer { name: "pool" type: "Pooling" bottom: "deconv" top: "pool"
  pooling_param { pool: AVE kernel_size: 3 stride: 2 pad: 1 } }
layer { name: "power" type: "Power" bottom: "pool" top: "power"
  power_param { power: 2 scale: 0.5 shift: 1 } }
layer { name: "elu" type: "ELU" bottom: "power" top: "elu" elu_param { alpha: 0.5 } }
layer { name: "norm" type: "Normalize" bottom: "elu" top: "norm"
  norm_param { across_spatial: false channel_shared: false } }
layer { name: "slice" type: "Slice" bottom: "norm" top: "a" top: "b" slice_param { axis: 1 } }
layer { name: "max" type: "Eltwise" bottom: "a" bottom: "b" top: "max"
  eltwise_param { operation: MAX } }
layer { name: "ip" type: "InnerProduct" bottom: "max" top: "ip"
  inner_product_param { num_output: 5 } }
)";

// Blob shapes per layer of kNet; values are a deterministic pseudo-random sequence.
void fill_blobs(caffe::NetParameter& net) {
  const std::map<std::string, std::vector<Shape>> shapes = {{"conv", {{4, 2, 3, 3}, {4}}},
                                                            {"deconv", {{4, 2, 2, 2}, {2}}},
                                                            {"prelu", {{2}}},
                                                            {"norm", {{2}}},
                                                            {"ip", {{5, 49}, {5}}}};
  std::uint32_t state = 12345;
  for (auto& l : *net.mutable_layer()) {
    auto it = shapes.find(l.name());
    if (it == shapes.end()) continue;
    for (const Shape& s : it->second) {
      auto* blob = l.add_blobs();
      for (auto d : s) blob->mutable_shape()->add_dim(d);
      for (std::int64_t i = 0; i < shape_numel(s); ++i) {
        state = state * 1664525u + 1013904223u;
        blob->add_data(static_cast<float>(state >> 8) / static_cast<float>(1 << 24) - 0.5f);
      }
    }
  }
}

TEST(CaffeOpenCv, LayersAgreeWithOpenCvDnn) {
  caffe::NetParameter net;
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(kNet, &net));
  fill_blobs(net);
  ModelDir d;
  std::string bytes;
  ASSERT_TRUE(net.SerializeToString(&bytes));
  d.write("layers.caffemodel", bytes);
  const std::string proto = d.write("layers.prototxt", kNet);
  const CliResult r = run_cli("compare " + proto + " --backends native,opencv --niter 2 " +
                              "--repetitions 1 --no-db --json " + d.file("c.json"));
  if (contains(r.out, "opencv backend unavailable")) GTEST_SKIP() << r.out;
  ASSERT_EQ(r.status, 0) << r.out;
  const auto j = nlohmann::json::parse(std::ifstream(d.file("c.json")));
  bool checked = false;
  for (const auto& b : j.at("backends")) {
    if (b.value("backend", "") != "opencv") continue;
    ASSERT_EQ(b.value("status", ""), "ok") << r.out;
    ASSERT_TRUE(b.contains("agreement")) << r.out;
    EXPECT_TRUE(b["agreement"].value("comparable", false)) << r.out;
    EXPECT_LT(b["agreement"].value("max_abs_diff", 1.0), 1e-4) << r.out;
    checked = true;
  }
  EXPECT_TRUE(checked) << r.out;
}

}  // namespace
}  // namespace inferlab::test
