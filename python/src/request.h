#pragma once
// The Python InferRequest: NumPy arrays in and out, synchronous and asynchronous inference with
// the GIL released while the engine runs, completion callbacks.
#include <vector>

#include "binding.h"

namespace inferlab::py {

class Request {
 public:
  Request(InferRequest request, std::vector<PortInfo> inputs, std::vector<PortInfo> outputs);
  Request(Request&&) = default;
  ~Request() { drop_without_gil(request_); }

  // inputs: {name or index: array}, a list in input order, one array (one-input models) or None
  // (keep those set before). Returns {output name: array}.
  nb::dict infer(nb::handle inputs, bool share_outputs);
  void start_async(nb::handle inputs);
  void wait();
  bool wait_for(double seconds);
  bool cancel();
  bool busy() const { return request_.busy(); }
  void set_callback(nb::object callback, nb::object userdata);
  void set_tensor(const std::string& name, nb::handle array);
  nb::object get_tensor(const std::string& name, bool share) const;
  nb::dict results(bool share) const;
  std::vector<LayerProfile> profile() const { return request_.profile(); }
  const std::vector<PortInfo>& inputs() const { return inputs_; }
  const std::vector<PortInfo>& outputs() const { return outputs_; }

  // Python's cycle collector: the callback (often a closure over the request itself) and the
  // held arrays are references of this object that the collector must see and be able to drop.
  int traverse(visitproc visit, void* arg) const;
  void clear();

 private:
  void set_inputs(nb::handle inputs);
  void set_input(std::size_t index, nb::handle array);

  std::vector<PortInfo> inputs_, outputs_;
  // The arrays whose memory the request's input tensors point into (no copy was made): held
  // until replaced, so the memory outlives every inference that reads it.
  std::vector<nb::object> held_;
  std::shared_ptr<struct PyCallback> callback_;  // the one the C++ request holds too
  // Declared last, destroyed first: dropping the request waits for an inference in flight
  // before the arrays it reads are released.
  InferRequest request_;
};

}  // namespace inferlab::py
