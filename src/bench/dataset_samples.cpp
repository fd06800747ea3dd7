#include "inferlab/lab/dataset_samples.h"

#include <fmt/format.h>

#include "data/dataset.h"
#include "data/preprocess.h"
#include "ir/error.h"

namespace inferlab::bench {

std::vector<backends::TensorMap> dataset_samples(const std::vector<PortInfo>& ports,
                                                 const std::string& dir,
                                                 const std::string& preset_name,
                                                 std::int64_t count) {
  if (ports.size() != 1)
    fail("--dataset needs a model with one image input ({} has {} inputs)", dir, ports.size());
  const PortInfo& port = ports[0];
  const data::PreprocessConfig cfg = data::preset(preset_name);
  if (port.shape.empty() || port.shape[0] <= 0)
    fail("--dataset: input '{}' has no fixed batch dimension", port.name);
  const std::int64_t n = port.shape[0];
  const Shape want = data::input_shape(cfg, n);
  if (want != port.shape)
    fail("--dataset: preset '{}' makes {} tensors but input '{}' is {}", preset_name,
         shape_str(want), port.name, shape_str(port.shape));
  auto ds = data::open_dataset(dir);
  if (ds->size() == 0) fail("--dataset {}: no images found", dir);
  std::vector<backends::TensorMap> samples(static_cast<std::size_t>(count));
  std::size_t next = 0;
  for (auto& s : samples) {
    Tensor t(cfg.dtype, want);
    for (std::int64_t slot = 0; slot < n; ++slot) {
      // A bad image is an error here: a benchmark input must not be silently replaced.
      const data::Sample smp = ds->load(next++ % ds->size());
      data::fill_tensor(data::prepare_image(smp.image, cfg), cfg, t, static_cast<int>(slot));
    }
    s[port.name] = std::move(t);
  }
  return samples;
}

}  // namespace inferlab::bench
