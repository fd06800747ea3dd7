// The native module inferlab._inferlab; python/inferlab/__init__.py re-exports it.
#include "binding.h"

NB_MODULE(_inferlab, m) {
  m.doc() = "inferlab: CNN inference on CPUs (Core -> CompiledModel -> InferRequest)";
  inferlab::py::bind_errors(m);
  inferlab::py::bind_options(m);
  inferlab::py::bind_request(m);
  inferlab::py::bind_model(m);
  inferlab::py::bind_lab(m);
}
