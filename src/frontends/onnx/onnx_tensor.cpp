#include "frontends/onnx/onnx_tensor.h"

#include <cstring>
#include <filesystem>
#include <fstream>

namespace inferlab {

namespace fs = std::filesystem;
using TP = onnx::TensorProto;

DType dtype_from_onnx(int t, const std::string& what) {
  switch (t) {
    case TP::FLOAT:
      return DType::f32;
    case TP::DOUBLE:
      return DType::f32;
    case TP::FLOAT16:
      return DType::f16;
    case TP::BFLOAT16:
      return DType::bf16;
    case TP::INT8:
      return DType::i8;
    case TP::UINT8:
      return DType::u8;
    case TP::INT32:
      return DType::i32;
    case TP::INT64:
      return DType::i64;
    case TP::BOOL:
      return DType::boolean;
    case TP::UNDEFINED:
      fail("{}: data_type is not set", what);
    default:
      break;
  }
  if (!TP::DataType_IsValid(t)) fail("{}: data_type {} is not an ONNX element type", what, t);
  const std::string name =
      TP::DataType_IsValid(t) ? TP::DataType_Name(static_cast<TP::DataType>(t)) : std::to_string(t);
  unsupported("{}: element type {} is not supported", what, name);
}

int dtype_to_onnx(DType t) {
  switch (t) {
    case DType::f32:
      return TP::FLOAT;
    case DType::f16:
      return TP::FLOAT16;
    case DType::bf16:
      return TP::BFLOAT16;
    case DType::i8:
      return TP::INT8;
    case DType::u8:
      return TP::UINT8;
    case DType::i32:
      return TP::INT32;
    case DType::i64:
      return TP::INT64;
    case DType::boolean:
      return TP::BOOL;
    case DType::undefined:
      break;
  }
  fail("cannot write a tensor of undefined element type");
}

namespace {

std::string read_external(const TP& p, const std::string& base_dir, std::size_t want,
                          const std::string& what) {
  std::string location;
  std::int64_t offset = 0, length = -1;
  for (const auto& kv : p.external_data()) {
    if (kv.key() == "location") location = kv.value();
    try {
      if (kv.key() == "offset") offset = std::stoll(kv.value());
      if (kv.key() == "length") length = std::stoll(kv.value());
    } catch (const std::exception&) {
      fail("{}: external data field '{}' is not a number: '{}'", what, kv.key(), kv.value());
    }
  }
  if (location.empty()) fail("{}: external data has no location", what);
  const fs::path base = fs::weakly_canonical(base_dir.empty() ? "." : base_dir);
  const fs::path file = fs::weakly_canonical(base / location);
  const auto rel = file.lexically_relative(base);
  if (rel.empty() || *rel.begin() == "..") {
    fail("{}: external data location '{}' is outside the model's folder", what, location);
  }
  std::error_code ec;
  const auto size = fs::file_size(file, ec);
  if (ec) fail(ErrorCode::io, "{}: cannot open external data file '{}'", what, file.string());
  if (offset < 0) fail("{}: external data offset {} is negative", what, offset);
  if (length >= 0 && static_cast<std::size_t>(length) != want) {
    fail("{}: external data length {} does not match the {} bytes its shape needs", what, length,
         want);
  }
  if (static_cast<std::uintmax_t>(offset) + want > size) {
    fail("{}: external data file '{}' holds {} bytes, offset {} + {} bytes needed", what,
         file.string(), size, offset, want);
  }
  std::ifstream in(file, std::ios::binary);
  in.seekg(offset);
  std::string buf(want, '\0');
  in.read(buf.data(), static_cast<std::streamsize>(want));
  if (!in) fail(ErrorCode::io, "{}: failed reading external data file '{}'", what, file.string());
  return buf;
}

// Number of values a TensorProto holds in the typed field its data_type uses.
std::int64_t typed_count(const TP& p) {
  switch (p.data_type()) {
    case TP::FLOAT:
      return p.float_data_size();
    case TP::DOUBLE:
      return p.double_data_size();
    case TP::INT64:
      return p.int64_data_size();
    default:  // INT32, INT8, UINT8, BOOL, FLOAT16, BFLOAT16: one value per int32
      return p.int32_data_size();
  }
}

const char* typed_field(const TP& p) {
  switch (p.data_type()) {
    case TP::FLOAT:
      return "float_data";
    case TP::DOUBLE:
      return "double_data";
    case TP::INT64:
      return "int64_data";
    default:
      return "int32_data";
  }
}

}  // namespace

Tensor tensor_from_onnx(const TP& p, const std::string& base_dir, const std::string& what) {
  if (p.has_segment()) unsupported("{}: segmented tensors are not supported", what);
  const DType dt = dtype_from_onnx(p.data_type(), what);
  Shape shape(p.dims().begin(), p.dims().end());
  for (auto d : shape)
    if (d < 0) fail("{}: negative dimension in shape {}", what, shape_str(shape));
  const std::int64_t n = shape_numel(shape, what);
  const bool is_double = p.data_type() == TP::DOUBLE;
  const std::size_t src_elem = is_double ? 8 : dtype_size(dt);
  const std::size_t want = static_cast<std::size_t>(n) * src_elem;

  std::string external;
  const std::string* raw = nullptr;
  if (p.data_location() == TP::EXTERNAL) {
    external = read_external(p, base_dir, want, what);
    raw = &external;
  } else if (p.has_raw_data()) {
    if (p.raw_data().size() != want) {
      fail("{}: raw_data has {} bytes, its shape {} of {} needs {}", what, p.raw_data().size(),
           shape_str(shape), dtype_name(dt), want);
    }
    raw = &p.raw_data();
  } else if (typed_count(p) != n) {
    fail("{}: {} holds {} values, its shape {} needs {}", what, typed_field(p), typed_count(p),
         shape_str(shape), n);
  }

  // Every size is validated above: only now is the tensor allocated.
  Tensor t(dt, shape);
  if (raw) {
    if (is_double) {
      for (std::int64_t i = 0; i < n; ++i) {
        double v;
        std::memcpy(&v, raw->data() + i * 8, 8);
        t.data<float>()[i] = static_cast<float>(v);
      }
    } else if (n > 0) {
      std::memcpy(t.raw(), raw->data(), want);
    }
    return t;
  }
  switch (p.data_type()) {
    case TP::FLOAT:
      std::copy(p.float_data().begin(), p.float_data().end(), t.data<float>());
      break;
    case TP::DOUBLE:
      for (std::int64_t i = 0; i < n; ++i)
        t.data<float>()[i] = static_cast<float>(p.double_data(i));
      break;
    case TP::INT64:
      std::copy(p.int64_data().begin(), p.int64_data().end(), t.data<std::int64_t>());
      break;
    case TP::INT32:
      std::copy(p.int32_data().begin(), p.int32_data().end(), t.data<std::int32_t>());
      break;
    case TP::INT8:
    case TP::UINT8:
    case TP::BOOL: {  // stored one value per int32
      auto* d = static_cast<std::uint8_t*>(t.raw());
      for (std::int64_t i = 0; i < n; ++i) d[i] = static_cast<std::uint8_t>(p.int32_data(i));
      break;
    }
    case TP::FLOAT16:
    case TP::BFLOAT16: {  // stored as uint16 bit patterns in int32_data
      auto* d = static_cast<std::uint16_t*>(t.raw());
      for (std::int64_t i = 0; i < n; ++i) d[i] = static_cast<std::uint16_t>(p.int32_data(i));
      break;
    }
    default:
      unsupported("{}: element type not supported", what);
  }
  return t;
}

TP tensor_to_onnx(const Tensor& t, const std::string& name) {
  TP p;
  p.set_name(name);
  p.set_data_type(dtype_to_onnx(t.dtype()));
  for (auto d : t.shape()) p.add_dims(d);
  p.set_raw_data(std::string(static_cast<const char*>(t.raw()), t.nbytes()));
  return p;
}

}  // namespace inferlab
