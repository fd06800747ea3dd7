#pragma once
// Shared by the fuzz targets: a per-process scratch folder for the file-based entry points, and
// the sanitizer defaults every target runs with.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

namespace inferlab::fuzz {

// Tensors above this many elements are not run: a valid but huge model is not a bug, and
// running it would only make the fuzzer slow.
inline constexpr std::int64_t kMaxRunElements = std::int64_t{1} << 18;

inline const std::filesystem::path& scratch_dir() {
  static const std::filesystem::path dir = [] {
    auto d =
        std::filesystem::temp_directory_path() / ("inferlab-fuzz-" + std::to_string(::getpid()));
    std::filesystem::create_directories(d);
    return d;
  }();
  return dir;
}

// Writes the input to scratch_dir()/name (the entry points under test read files).
inline std::string scratch_file(const std::string& name, const std::uint8_t* data,
                                std::size_t size) {
  const std::string path = (scratch_dir() / name).string();
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  return path;
}

// Formats with a separate weights file (Caffe, OpenVINO IR) take one input: the model text, then
// optionally this line and the binary weights after it (scripts/fuzz.sh builds its seeds so).
inline constexpr char kWeightsMarker[] = "\n--inferlab-fuzz-weights--\n";

struct ModelAndWeights {
  std::string model, weights;
  bool has_weights = false;
};

inline ModelAndWeights split_model_and_weights(const std::uint8_t* data, std::size_t size) {
  const std::string all(reinterpret_cast<const char*>(data), size);
  const std::string marker = kWeightsMarker;
  const auto at = all.find(marker);
  if (at == std::string::npos) return {all, "", false};
  return {all.substr(0, at), all.substr(at + marker.size()), true};
}

// Writes the model as scratch_dir()/model_name and, when the input has weights, those as
// scratch_dir()/weights_name (named unlike the model, so that no importer picks up a previous
// input's weights "beside" the model); returns the weights path or "".
inline std::string write_model_and_weights(const ModelAndWeights& m, const std::string& model_name,
                                           const std::string& weights_name) {
  auto put = [](const std::string& name, const std::string& bytes) {
    const std::string path = (scratch_dir() / name).string();
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
    return path;
  };
  put(model_name, m.model);
  return m.has_weights ? put(weights_name, m.weights) : std::string();
}

}  // namespace inferlab::fuzz
