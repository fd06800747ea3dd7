#pragma once
// The element types are part of the public API (include/inferlab/dtype.h); this header keeps the
// internal include path working.
#include "inferlab/dtype.h"
