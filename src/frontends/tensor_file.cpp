#include "inferlab/lab/tensor_file.h"

#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "frontends/onnx/onnx_tensor.h"
#include "inferlab/lab/output_file.h"

namespace inferlab {

namespace {

std::string read_all(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    fail(ErrorCode::io, "{}: no such tensor file", path);
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(ErrorCode::io, "{}: cannot open tensor file", path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// .npy: magic, version, header length, a Python dict literal with descr/fortran_order/shape.
Tensor read_npy(const std::string& path, const std::string& bytes) {
  if (bytes.size() < 10 || bytes.compare(0, 6, "\x93NUMPY") != 0) fail("{}: not a .npy file", path);
  const int major = static_cast<unsigned char>(bytes[6]);
  std::size_t header_len, start;
  if (major == 1) {
    header_len = static_cast<unsigned char>(bytes[8]) | (static_cast<unsigned char>(bytes[9]) << 8);
    start = 10;
  } else {
    if (bytes.size() < 12) fail("{}: truncated .npy header", path);
    header_len = 0;
    for (int i = 0; i < 4; ++i)
      header_len |= static_cast<std::size_t>(static_cast<unsigned char>(bytes[8 + i])) << (8 * i);
    start = 12;
  }
  if (start + header_len > bytes.size()) fail("{}: truncated .npy header", path);
  const std::string h = bytes.substr(start, header_len);
  auto field = [&](const std::string& key) {
    const auto p = h.find("'" + key + "'");
    if (p == std::string::npos) fail("{}: .npy header has no '{}'", path, key);
    return h.substr(h.find(':', p) + 1);
  };
  std::string descr = field("descr");
  descr = descr.substr(descr.find('\'') + 1);
  descr = descr.substr(0, descr.find('\''));
  if (field("fortran_order").find("True") < field("fortran_order").find(',')) {
    unsupported("{}: Fortran-ordered .npy arrays are not supported", path);
  }
  static const std::map<std::string, DType> kTypes = {
      {"<f4", DType::f32}, {"<f2", DType::f16}, {"|i1", DType::i8},     {"|u1", DType::u8},
      {"<i4", DType::i32}, {"<i8", DType::i64}, {"|b1", DType::boolean}};
  // float64 arrays (numpy's default) are read as f32, as ONNX DOUBLE tensors are.
  const bool is_double = descr == "<f8";
  auto it = kTypes.find(is_double ? "<f4" : descr);
  if (it == kTypes.end()) unsupported("{}: .npy element type '{}' is not supported", path, descr);
  std::string sh = field("shape");
  sh = sh.substr(sh.find('(') + 1);
  sh = sh.substr(0, sh.find(')'));
  Shape shape;
  std::stringstream ss(sh);
  std::string tok;
  while (std::getline(ss, tok, ',')) {
    if (tok.find_first_not_of(" ") == std::string::npos) continue;
    try {
      shape.push_back(std::stoll(tok));
    } catch (const std::exception&) {
      fail("{}: malformed .npy shape '({})'", path, sh);
    }
  }
  const std::int64_t n = shape_numel(shape, path);
  const std::size_t want = static_cast<std::size_t>(n) * (is_double ? 8 : dtype_size(it->second));
  const std::size_t data_start = start + header_len;
  if (bytes.size() - data_start != want) {
    fail("{}: .npy data has {} bytes, shape {} needs {}", path, bytes.size() - data_start,
         shape_str(shape), want);
  }
  Tensor t(it->second, shape);
  if (is_double) {
    for (std::int64_t i = 0; i < n; ++i) {
      double v;
      std::memcpy(&v, bytes.data() + data_start + i * 8, 8);
      t.data<float>()[i] = static_cast<float>(v);
    }
  } else if (want) {
    std::memcpy(t.raw(), bytes.data() + data_start, want);
  }
  return t;
}

}  // namespace

Tensor read_tensor_file(const std::string& path, std::string* name) {
  const std::string bytes = read_all(path);
  if (ends_with(path, ".npy")) return read_npy(path, bytes);
  onnx::TensorProto p;
  if (!p.ParseFromString(bytes))
    fail("{}: not an ONNX TensorProto (protobuf does not parse)", path);
  if (p.data_type() == onnx::TensorProto::UNDEFINED) {
    fail("{}: not an ONNX TensorProto (no data_type)", path);
  }
  if (name) *name = p.name();
  return tensor_from_onnx(p, std::filesystem::path(path).parent_path().string(), path);
}

void write_tensor_pb(const std::string& path, const Tensor& t, const std::string& name) {
  std::string bytes;
  if (!tensor_to_onnx(t, name).SerializeToString(&bytes)) fail("{}: cannot serialise", path);
  write_file_atomically(path, bytes, "tensor file");
}

void write_tensor_npy(const std::string& path, const Tensor& t) {
  static const std::map<DType, std::string> kDescr = {
      {DType::f32, "<f4"}, {DType::f16, "<f2"}, {DType::i8, "|i1"},     {DType::u8, "|u1"},
      {DType::i32, "<i4"}, {DType::i64, "<i8"}, {DType::boolean, "|b1"}};
  auto it = kDescr.find(t.dtype());
  if (it == kDescr.end()) unsupported("cannot write {} tensors as .npy", dtype_name(t.dtype()));
  std::string shape;  // a Python tuple: "()", "(3,)", "(1, 3, 224, 224)"
  for (std::size_t i = 0; i < t.rank(); ++i)
    shape += (i ? ", " : "") + std::to_string(t.shape()[i]);
  if (t.rank() == 1) shape += ",";
  std::string header =
      fmt::format("{{'descr': '{}', 'fortran_order': False, 'shape': ({}), }}", it->second, shape);
  while ((10 + header.size() + 1) % 64) header += ' ';
  header += '\n';
  std::string bytes("\x93NUMPY\x01\x00", 8);
  bytes += static_cast<char>(header.size() & 0xff);
  bytes += static_cast<char>(header.size() >> 8);
  bytes += header;
  bytes.append(static_cast<const char*>(t.raw()), t.nbytes());
  write_file_atomically(path, bytes, "tensor file");
}

}  // namespace inferlab
