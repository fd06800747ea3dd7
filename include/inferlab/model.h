#pragma once
// A read-only view of a model as read from its file: its inputs and outputs, and a reshape that
// fixes input shapes before compiling (like OpenVINO's ov::Model::reshape). The engine's graph
// stays private; copies of a Model share it, and reshape gives this copy its own.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "inferlab/dtype.h"
#include "inferlab/shape.h"

namespace inferlab {

struct PortInfo {
  std::string name;
  DType dtype = DType::undefined;
  Shape shape;  // as declared (empty where undeclared); kDynamic marks a symbolic dimension
};

struct ModelImpl;

class Model {
 public:
  Model() = default;  // empty: using it throws Error
  const std::vector<PortInfo>& inputs() const;
  const std::vector<PortInfo>& outputs() const;
  // Sets whole input shapes by name. Throws Error on an unknown input, a different rank, or a
  // dimension the model fixes to another value. Output shapes are not re-inferred here: the
  // compiled model's outputs() give them.
  void reshape(const std::map<std::string, Shape>& shapes);
  explicit operator bool() const { return impl_ != nullptr; }

 private:
  friend struct ModelImpl;
  std::shared_ptr<const ModelImpl> impl_;
};

}  // namespace inferlab
