#pragma once
// The sample library filled from a dataset folder through the data pipeline (decode, resize,
// normalise per a preprocessing preset). All preprocessing happens here, before measurement,
// so none of it is inside the timed region.
#include <string>
#include <vector>

#include "inferlab/lab/backend.h"

namespace inferlab::bench {

// `count` samples for a model with one image input (`ports`, compiled shapes: N x C x H x W or
// N x H x W x C per the preset's layout); sample s holds images s*N .. s*N+N-1 of the dataset
// (wrapping around). Throws Error naming the dataset, the preset or the port on a mismatch.
std::vector<backends::TensorMap> dataset_samples(const std::vector<PortInfo>& ports,
                                                 const std::string& dir,
                                                 const std::string& preset_name,
                                                 std::int64_t count);

}  // namespace inferlab::bench
