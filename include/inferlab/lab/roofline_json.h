#pragma once
// JSON forms of the roofline results (stored in results.db, drawn by `inferlab report`).
#include <nlohmann/json.hpp>

#include "inferlab/lab/roofline.h"

namespace inferlab {

nlohmann::json to_json(const Ceilings& c);
nlohmann::json to_json(const RooflineLayer& l);

}  // namespace inferlab
