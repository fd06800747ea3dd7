// NumPy arrays in and out of the engine's tensors. Inputs are used in place when their layout
// allows (C-contiguous, the port's dtype); outputs are copied unless the caller asks to share the
// request's memory (OpenVINO's share_outputs), since a request reuses its output tensors.
#include <nanobind/ndarray.h>

#include "binding.h"

namespace inferlab::py {
namespace {

nb::object numpy() {
  return nb::module_::import_("numpy");
}

const char* numpy_name(DType t) {
  switch (t) {
    case DType::f32:
      return "float32";
    case DType::f16:
      return "float16";
    case DType::i8:
      return "int8";
    case DType::u8:
      return "uint8";
    case DType::i32:
      return "int32";
    case DType::i64:
      return "int64";
    case DType::boolean:
      return "bool";
    default:
      return nullptr;  // bf16 (NumPy has none), undefined
  }
}

nb::dlpack::dtype dlpack_dtype(DType t) {
  using nb::dlpack::dtype_code;
  const auto bits = static_cast<std::uint8_t>(dtype_size(t) * 8);
  switch (t) {
    case DType::f32:
    case DType::f16:
      return {static_cast<std::uint8_t>(dtype_code::Float), bits, 1};
    case DType::i8:
    case DType::i32:
    case DType::i64:
      return {static_cast<std::uint8_t>(dtype_code::Int), bits, 1};
    case DType::u8:
      return {static_cast<std::uint8_t>(dtype_code::UInt), bits, 1};
    case DType::boolean:
      return {static_cast<std::uint8_t>(dtype_code::Bool), bits, 1};
    default:
      break;
  }
  invalid_argument(std::string("a ") + std::string(dtype_name(t)) + " tensor has no NumPy dtype");
}

}  // namespace

nb::object numpy_dtype(DType t) {
  const char* name = numpy_name(t);
  if (!name) {
    invalid_argument(std::string("a ") + std::string(dtype_name(t)) + " tensor has no NumPy dtype");
  }
  return numpy().attr("dtype")(name);
}

Tensor tensor_from_array(nb::handle array, DType expected, const std::string& what,
                         nb::object& keep) {
  nb::object np = numpy();
  nb::object arr = np.attr("asarray")(array);  // an ndarray as it is; lists become arrays
  nb::object want = numpy_dtype(expected);
  if (!arr.attr("dtype").equal(want)) {
    invalid_argument(what + ": got a " + nb::cast<std::string>(arr.attr("dtype").attr("name")) +
                     " array, the compiled model expects " + numpy_name(expected) +
                     " (convert with .astype(numpy." + numpy_name(expected) + "))");
  }
  // The one copy on the way in: a strided view (a slice, a transpose) becomes contiguous.
  if (!nb::cast<bool>(arr.attr("flags").attr("c_contiguous")))
    arr = np.attr("ascontiguousarray")(arr);
  auto nd = nb::cast<nb::ndarray<nb::ro, nb::c_contig, nb::device::cpu>>(arr, false);
  Shape shape(nd.ndim());
  for (std::size_t i = 0; i < nd.ndim(); ++i) shape[i] = static_cast<std::int64_t>(nd.shape(i));
  keep = arr;
  // The engine reads inputs and never writes them, so a read-only array is fine.
  return Tensor::view(expected, shape, const_cast<void*>(nd.data()));
}

Tensor tensor_copy_from_array(nb::handle array, const std::string& what) {
  const std::string name =
      nb::cast<std::string>(numpy().attr("asarray")(array).attr("dtype").attr("name"));
  for (DType t :
       {DType::f32, DType::f16, DType::i8, DType::u8, DType::i32, DType::i64, DType::boolean}) {
    if (name != numpy_name(t)) continue;
    nb::object keep;
    return tensor_from_array(array, t, what, keep).clone();  // the array may go; the copy stays
  }
  invalid_argument(what + ": NumPy dtype " + name + " has no engine element type");
}

nb::object array_from_tensor(const Tensor& t, bool share) {
  const nb::dlpack::dtype dt = dlpack_dtype(t.dtype());
  // The capsule owns a Tensor handle, so the array keeps the storage alive on its own.
  auto* owner = new Tensor(share ? t : t.clone());
  nb::capsule cap(owner, [](void* p) noexcept { delete static_cast<Tensor*>(p); });
  std::vector<std::size_t> shape(t.shape().begin(), t.shape().end());
  nb::ndarray<nb::numpy> nd(owner->raw(), shape.size(), shape.data(), cap, nullptr, dt);
  return nd.cast();
}

}  // namespace inferlab::py
