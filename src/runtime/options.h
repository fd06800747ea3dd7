#pragma once
#include "inferlab/inferlab.h"

namespace inferlab {

// Checks every field of `o` (ranges, enum values, combinations) before any compile work; throws
// Error naming the field.
void validate_options(const CompileOptions& o);

}  // namespace inferlab
