// OpenVINO IR import: small hand-written IRs (conversion, bad input) and, where the project's
// .venv has OpenVINO's converter (ovc), the zoo models converted by ovc against their ONNX runs.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>

#include "formats_util.h"
#include "frontends/model_file.h"
#include "frontends/openvino/ir_importer.h"
#include "support/onnx_builder.h"
#include "zoo/zoo.h"

namespace inferlab::test {
namespace {

// Parameter [1,2] -> Multiply by Const [2] -> ReLU -> Result.
std::string tiny_ir(const std::string& extra_layer = "", const std::string& const_offset = "0") {
  return R"(<?xml version="1.0"?>
<net name="tiny" version="11">
 <layers>
  <layer id="0" name="x" type="Parameter" version="opset1">
   <data shape="1,2" element_type="f32"/>
   <output><port id="0" precision="FP32" names="x"><dim>1</dim><dim>2</dim></port></output>
  </layer>
  <layer id="1" name="w" type="Const" version="opset1">
   <data element_type="f32" shape="2" offset=")" +
         const_offset + R"(" size="8"/>
   <output><port id="0" precision="FP32"><dim>2</dim></port></output>
  </layer>
  <layer id="2" name="mul" type="Multiply" version="opset1">
   <data auto_broadcast="numpy"/>
   <input><port id="0"/><port id="1"/></input>
   <output><port id="2" precision="FP32" names="y"/></output>
  </layer>
  <layer id="3" name="relu" type="ReLU" version="opset1">
   <input><port id="0"/></input>
   <output><port id="1" precision="FP32" names="out"/></output>
  </layer>)" +
         extra_layer +
         R"(
  <layer id="4" name="out/sink" type="Result" version="opset1"><input><port id="0"/></input></layer>
 </layers>
 <edges>
  <edge from-layer="0" from-port="0" to-layer="2" to-port="0"/>
  <edge from-layer="1" from-port="0" to-layer="2" to-port="1"/>
  <edge from-layer="2" from-port="2" to-layer="3" to-port="0"/>
  <edge from-layer="3" from-port="1" to-layer="4" to-port="0"/>
 </edges>
</net>)";
}

std::string weights_bin() {
  const float w[2] = {2.0f, -3.0f};
  return std::string(reinterpret_cast<const char*>(w), sizeof w);
}

TEST(OpenVinoImport, TinyNetRuns) {
  ModelDir d;
  const std::string xml = d.write("tiny.xml", tiny_ir());
  d.write("tiny.bin", weights_bin());
  auto g = read_model_file(xml);
  ASSERT_EQ(g->outputs.size(), 1u);
  EXPECT_EQ(g->outputs[0], "out");
  const Tensor y = run_once(g, filled({1, 2}, {1.5f, 1.0f}));
  EXPECT_FLOAT_EQ(y.data<float>()[0], 3.0f);
  EXPECT_FLOAT_EQ(y.data<float>()[1], 0.0f);
}

// "?" marks a dynamic dimension, fixed by the batch at compile time.
TEST(OpenVinoImport, DynamicBatchIsFixedAtCompileTime) {
  ModelDir d;
  std::string ir = tiny_ir();
  ir.replace(ir.find("shape=\"1,2\""), 11, "shape=\"?,2\"");
  const std::string xml = d.write("dyn.xml", ir);
  d.write("dyn.bin", weights_bin());
  auto g = read_model_file(xml);
  EXPECT_EQ(g->value("x").shape, (Shape{kDynamic, 2}));
  CompileOptions o;
  o.batch = 3;
  o.engine = Engine::reference;
  EXPECT_EQ(Core().compile_model(wrap_graph(g), o).outputs().at(0).shape, (Shape{3, 2}));
}

// ovc's default output: f16 weights decompressed by Convert (folded into an f32 constant).
TEST(OpenVinoImport, CompressedWeightsAreDecompressed) {
  std::string ir = tiny_ir();
  ir.replace(ir.find(R"(<data element_type="f32" shape="2" offset="0" size="8"/>)"), 55,
             R"(<data element_type="f16" shape="2" offset="0" size="4"/>)");
  ir.replace(ir.find("<layer id=\"2\""), 0,
             R"(<layer id="9" name="w/f32" type="Convert" version="opset1">
   <data destination_type="f32"/><input><port id="0"/></input><output><port id="1"/></output>
  </layer>
  )");
  ir.replace(ir.find(R"(<edge from-layer="1" from-port="0" to-layer="2" to-port="1"/>)"), 63,
             R"(<edge from-layer="1" from-port="0" to-layer="9" to-port="0"/>
  <edge from-layer="9" from-port="1" to-layer="2" to-port="1"/>)");
  ModelDir d;
  const std::uint16_t w[2] = {0x4000, 0xC200};  // 2.0 and -3.0 as IEEE half
  d.write("f16.bin", std::string(reinterpret_cast<const char*>(w), sizeof w));
  auto g = read_model_file(d.write("f16.xml", ir));
  for (const auto& n : g->nodes) EXPECT_NE(n.op_type, "Cast") << "decompressed at import";
  const Tensor y = run_once(g, filled({1, 2}, {1.5f, -1.0f}));
  EXPECT_FLOAT_EQ(y.data<float>()[0], 3.0f);
  EXPECT_FLOAT_EQ(y.data<float>()[1], 3.0f);
}

TEST(OpenVinoImport, BadInputGivesOneClearError) {
  ModelDir d;
  const std::string xml = d.write("nobin.xml", tiny_ir());
  try {
    import_openvino(xml);
    FAIL() << "missing .bin accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("nobin.bin"), std::string::npos) << e.what();
  }
  const std::string past = d.write("past.xml", tiny_ir("", "4"));
  d.write("past.bin", weights_bin());
  try {
    import_openvino(past);
    FAIL() << "offset past the end accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("runs past the end"), std::string::npos) << e.what();
  }
  const std::string unknown = d.write("unknown.xml", tiny_ir(R"(
  <layer id="7" name="f1" type="Frobnicate" version="opset1"><output><port id="0"/></output></layer>
  <layer id="8" name="g1" type="Gizmo" version="opset1"><output><port id="0"/></output></layer>)"));
  d.write("unknown.bin", weights_bin());
  try {
    import_openvino(unknown);
    FAIL() << "unknown operations accepted";
  } catch (const Unsupported& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("Frobnicate (first layer 'f1')"), std::string::npos) << m;
    EXPECT_NE(m.find("Gizmo (first layer 'g1')"), std::string::npos) << m;
  }
}

// FakeQuantize with 3 levels over [0, 1]: values snap to 0, 0.5, 1 (half rounds up), and
// values outside the range go to its ends.
TEST(OpenVinoImport, FakeQuantizeSnapsToLevels) {
  std::string layers = R"(<?xml version="1.0"?>
<net name="fq" version="11">
 <layers>
  <layer id="0" name="x" type="Parameter" version="opset1">
   <data shape="1,5" element_type="f32"/>
   <output><port id="0" precision="FP32" names="x"/></output>
  </layer>)";
  for (int i = 0; i < 4; ++i) {
    layers += fmt::format(R"(
  <layer id="{}" name="r{}" type="Const" version="opset1">
   <data element_type="f32" shape="" offset="{}" size="4"/>
   <output><port id="0" precision="FP32"/></output>
  </layer>)",
                          i + 1, i, 4 * i);
  }
  layers += R"(
  <layer id="5" name="fq" type="FakeQuantize" version="opset1">
   <data levels="3" auto_broadcast="numpy"/>
   <input><port id="0"/><port id="1"/><port id="2"/><port id="3"/><port id="4"/></input>
   <output><port id="5" precision="FP32" names="y"/></output>
  </layer>
  <layer id="6" name="y/sink" type="Result" version="opset1"><input><port id="0"/></input></layer>
 </layers>
 <edges>
  <edge from-layer="0" from-port="0" to-layer="5" to-port="0"/>
  <edge from-layer="1" from-port="0" to-layer="5" to-port="1"/>
  <edge from-layer="2" from-port="0" to-layer="5" to-port="2"/>
  <edge from-layer="3" from-port="0" to-layer="5" to-port="3"/>
  <edge from-layer="4" from-port="0" to-layer="5" to-port="4"/>
  <edge from-layer="5" from-port="5" to-layer="6" to-port="0"/>
 </edges>
</net>)";
  ModelDir d;
  const float ranges[4] = {0, 1, 0, 1};
  d.write("fq.bin", std::string(reinterpret_cast<const char*>(ranges), sizeof ranges));
  auto g = read_model_file(d.write("fq.xml", layers));
  const Tensor y = run_once(g, filled({1, 5}, {-1, 0.2f, 0.25f, 0.3f, 2}));
  const float want[5] = {0, 0, 0.5f, 0.5f, 1};
  for (int i = 0; i < 5; ++i) EXPECT_FLOAT_EQ(y.data<float>()[i], want[i]) << "element " << i;
}

// DetectionOutput-8 (num_classes from the port shapes) over constant priors, as in Open Model Zoo
// SSD IRs: the two-prior case of the Caffe SSD test gives the same rows.
TEST(OpenVinoImport, DetectionOutputOverConstantPriors) {
  const std::string xml = R"(<?xml version="1.0"?>
<net name="det" version="11">
 <layers>
  <layer id="0" name="loc" type="Parameter" version="opset1">
   <data shape="1,8" element_type="f32"/><output><port id="0" names="loc"/></output></layer>
  <layer id="1" name="conf" type="Parameter" version="opset1">
   <data shape="1,4" element_type="f32"/><output><port id="0" names="conf"/></output></layer>
  <layer id="2" name="priors" type="Const" version="opset1">
   <data element_type="f32" shape="1,2,8" offset="0" size="64"/><output><port id="0"/></output>
  </layer>
  <layer id="3" name="det" type="DetectionOutput" version="opset8">
   <data background_label_id="0" top_k="10" keep_top_k="3" code_type="caffe.PriorBoxParameter.CENTER_SIZE"
         share_location="true" nms_threshold="0.45" confidence_threshold="0.01"
         variance_encoded_in_target="false" normalized="true"/>
   <input><port id="0"><dim>1</dim><dim>8</dim></port><port id="1"><dim>1</dim><dim>4</dim></port>
    <port id="2"><dim>1</dim><dim>2</dim><dim>8</dim></port></input>
   <output><port id="3" names="det"/></output>
  </layer>
  <layer id="4" name="det/sink" type="Result" version="opset1"><input><port id="0"/></input></layer>
 </layers>
 <edges>
  <edge from-layer="0" from-port="0" to-layer="3" to-port="0"/>
  <edge from-layer="1" from-port="0" to-layer="3" to-port="1"/>
  <edge from-layer="2" from-port="0" to-layer="3" to-port="2"/>
  <edge from-layer="3" from-port="3" to-layer="4" to-port="0"/>
 </edges>
</net>)";
  ModelDir d;
  const float priors[16] = {0.15f, 0.3f, 0.35f, 0.7f, 0.65f, 0.3f, 0.85f, 0.7f,
                            0.1f,  0.1f, 0.2f,  0.2f, 0.1f,  0.1f, 0.2f,  0.2f};
  d.write("det.bin", std::string(reinterpret_cast<const char*>(priors), sizeof priors));
  auto g = read_model_file(d.write("det.xml", xml));
  CompileOptions o;
  o.engine = Engine::reference;
  CompiledModel cm = Core().compile_model(wrap_graph(g), o);
  InferRequest r = cm.create_infer_request();
  r.set_tensor("loc", Tensor(DType::f32, {1, 8}));
  r.set_tensor("conf", filled({1, 4}, {0.1f, 0.9f, 0.2f, 0.8f}));
  r.infer();
  const Tensor y = r.get_tensor("det");
  ASSERT_EQ(y.shape(), (Shape{1, 1, 3, 7}));
  const float want[2][7] = {{0, 1, 0.9f, 0.15f, 0.3f, 0.35f, 0.7f},
                            {0, 1, 0.8f, 0.65f, 0.3f, 0.85f, 0.7f}};
  for (int row = 0; row < 2; ++row)
    for (int k = 0; k < 7; ++k)
      EXPECT_NEAR(y.data<float>()[row * 7 + k], want[row][k], 1e-5) << row << "," << k;
  EXPECT_EQ(y.data<float>()[14], -1);
}

// The project's converter: .venv/bin/ovc (scripts/setup.sh installs OpenVINO there).
std::string ovc() {
  const std::string p = std::string(INFERLAB_SOURCE_DIR) + "/.venv/bin/ovc";
  return fs::exists(p) ? p : "";
}

Tensor random_input(const Shape& s) {
  Tensor t(DType::f32, s);
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> u(-1, 1);
  for (std::int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = u(rng);
  return t;
}

// ovc's IR of an ONNX file runs with outputs matching inferlab's run of the ONNX file: max abs
// difference at most 1e-4 of the output's range, for every output.
void check_ir_matches_onnx(const ModelDir& d, const std::string& name, std::string onnx_path = "") {
  if (onnx_path.empty()) onnx_path = d.file(name + ".onnx");
  const std::string xml = d.file(name + ".xml");
  const std::string cmd = ovc() + " " + onnx_path + " --output_model " + xml +
                          " --compress_to_fp16=False > " + d.file("ovc.log") + " 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << "ovc failed: see " << cmd;
  auto onnx_model = read_model_file(onnx_path);
  auto ir_model = read_model_file(xml);
  ASSERT_EQ(ir_model->outputs.size(), onnx_model->outputs.size());
  Shape shape = onnx_model->value(onnx_model->inputs[0]).shape;
  for (auto& dim : shape) dim = dim < 0 ? 1 : dim;  // a dynamic batch runs at 1
  const Tensor x = random_input(shape);
  const auto ref = run_all(onnx_model, x);
  const auto got = run_all(ir_model, x);
  for (const auto& [i, a] : ref) {  // outputs matched by name: ovc keeps the tensor names
    ASSERT_TRUE(got.count(i)) << name << ": the IR has no output '" << i << "'";
    const Tensor& b = got.at(i);
    ASSERT_EQ(a.shape(), b.shape()) << "output " << i;
    float lo = a.data<float>()[0], hi = lo, diff = 0;
    for (std::int64_t k = 0; k < a.numel(); ++k) {
      lo = std::min(lo, a.data<float>()[k]);
      hi = std::max(hi, a.data<float>()[k]);
      diff = std::max(diff, std::abs(a.data<float>()[k] - b.data<float>()[k]));
    }
    std::printf("%s output %s: max abs diff %g, output range %g\n", name.c_str(), i.c_str(), diff,
                hi - lo);
    EXPECT_LE(diff, 1e-4f * std::max(hi - lo, 1e-6f))
        << name << " output " << i << ": max abs diff " << diff << ", range " << hi - lo;
  }
}

void check_zoo_ir(const std::string& name) {
  if (ovc().empty()) GTEST_SKIP() << "OpenVINO's ovc is not in .venv (run scripts/setup.sh)";
  ModelDir d;
  zoo::save_model(zoo::build_model(name, {.batch = 1, .seed = 1}), d.file(name + ".onnx"));
  check_ir_matches_onnx(d, name);
}

void string_attr(onnx::NodeProto& n, const std::string& name, const std::string& value) {
  auto* a = n.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::STRING);
  a->set_s(value);
}

// ONNX Resize (linear by scales, nearest by sizes) -> ovc's Interpolate-11 -> Resize again.
TEST(OpenVinoOvc, InterpolateMatchesOnnxResize) {
  if (ovc().empty()) GTEST_SKIP() << "OpenVINO's ovc is not in .venv (run scripts/setup.sh)";
  ModelDir d;
  ModelBuilder m;
  m.input("x", {1, 2, 3, 4}).output("up", {1, 2, 6, 8}).output("near", {1, 2, 5, 7});
  m.initializer("roi", {0}, {});
  m.initializer("scales", {4}, {1, 1, 2, 2});
  auto& up = m.node("Resize", {"x", "roi", "scales"}, {"up"}, "up");
  string_attr(up, "mode", "linear");
  auto& t = m.initializer("sizes", {4}, {});
  t.set_data_type(onnx::TensorProto::INT64);
  for (std::int64_t v : {1, 2, 5, 7}) t.add_int64_data(v);
  auto& near = m.node("Resize", {"x", "roi", "", "sizes"}, {"near"}, "near");
  string_attr(near, "mode", "nearest");
  string_attr(near, "coordinate_transformation_mode", "asymmetric");
  string_attr(near, "nearest_mode", "floor");
  m.save(d.file("resize.onnx"));
  check_ir_matches_onnx(d, "resize");
}

// Real models of ../shared/data through ovc: ResNet-20 (Pad and strided Slice shortcuts) and
// ultraface with its in-graph box decoding (ShapeOf/StridedSlice/ReduceProd shape arithmetic,
// computed Reshape targets, SoftMax-1).
void check_shared_ir(const std::string& rel, const std::string& name) {
  if (ovc().empty()) GTEST_SKIP() << "OpenVINO's ovc is not in .venv (run scripts/setup.sh)";
  const std::string path = std::string(INFERLAB_SHARED_DATA) + "/" + rel;
  if (!fs::exists(path)) GTEST_SKIP() << "shared test data absent: " << path;
  ModelDir d;
  check_ir_matches_onnx(d, name, path);
}

TEST(OpenVinoSharedSlow, Resnet20CifarMatchesOnnx) {
  check_shared_ir("cifar10/resnet20_cifar10.onnx", "resnet20");
}
TEST(OpenVinoSharedSlow, UltrafaceMatchesOnnx) {
  check_shared_ir("ultraface/version-RFB-320.onnx", "ultraface");
}

TEST(OpenVinoZooSlow, Resnet50MatchesOnnx) {
  check_zoo_ir("resnet50");
}
TEST(OpenVinoZooSlow, MobilenetV2MatchesOnnx) {
  check_zoo_ir("mobilenet_v2");
}
TEST(OpenVinoZooSlow, Ssd300MatchesOnnx) {
  check_zoo_ir("ssd300");
}

}  // namespace
}  // namespace inferlab::test
