#pragma once
// The tensor is part of the public API (include/inferlab/tensor.h); this header keeps the
// internal include path working and brings the internal error helpers most users of it need.
#include "inferlab/tensor.h"
#include "ir/error.h"
#include "ir/shape.h"
