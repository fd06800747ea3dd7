#pragma once
// Internal pieces shared by the backend implementations (with the internal headers they use).
#include "data/calibration.h"
#include "inferlab/lab/backend.h"
#include "ir/error.h"
#include "ir/graph.h"

namespace inferlab::backends {

// Mirrors project(VERSION) in the top-level CMakeLists.txt.
inline constexpr const char* INFERLAB_VERSION_STRING = "0.1.0";

std::unique_ptr<Backend> open_native_backend(const BackendOptions& o);
std::unique_ptr<Backend> open_peer_backend(const std::string& name, const BackendOptions& o);

// Samples as tensors in `ports` order; throws Error naming a missing input or a wrong shape.
std::vector<std::vector<Tensor>> ordered_samples(const std::vector<TensorMap>& samples,
                                                 const std::vector<PortInfo>& ports);

}  // namespace inferlab::backends
