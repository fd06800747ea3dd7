// The optimized engine's pass pipeline. Constant folding and dead-node elimination of the
// imported graph already ran in infer_shapes_and_fold (compiled_model.cpp); dead-node
// elimination runs again here for values the fusions made unused.
#include "passes/passes.h"
#include "passes/shape_inference.h"

namespace inferlab {

void optimize_graph(Graph& g) {
  remove_identity(g);
  fold_batchnorm(g);
  fuse_activation(g);
  fuse_residual_add(g);
  fuse_activation(g);
  eliminate_dead_nodes(g);
  g.topo_sort();
}

}  // namespace inferlab
