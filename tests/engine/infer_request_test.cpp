// InferRequest's asynchronous contract: callbacks that receive the error, wait_for, cancel, and
// empty handles that throw a clear Error. Run under the TSan stage (scripts/test.sh).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

#include "engine_test_util.h"

namespace inferlab::test {
namespace {
using namespace std::chrono_literals;

// y = Gather(data[4], idx[1]): an index out of range fails inside the stream, at run time.
CompiledModel gather_model() {
  GraphBuilder b;
  Tensor data(DType::f32, {4});
  for (int i = 0; i < 4; ++i) data.data<float>()[i] = static_cast<float>(10 * i);
  const auto d = b.constant("data", data);
  const auto idx = b.input("idx", {1});
  b.graph()->value(idx).dtype = DType::i64;
  Attributes a;
  a.set("axis", std::int64_t{0});
  b.output(b.node("Gather", "gather", {d, idx}, a));
  CompileOptions o;
  o.streams = 1;  // one stream: a request started behind a busy one stays queued
  o.threads_per_stream = 1;
  o.pin = false;
  return Core().compile_model(wrap_graph(b.graph()), o);
}

InferRequest request_with_index(const CompiledModel& cm, std::int64_t index) {
  InferRequest r = cm.create_infer_request();
  Tensor idx(DType::i64, {1});
  idx.data<std::int64_t>()[0] = index;
  r.set_tensor("idx", idx);
  return r;
}

std::string what_of(const std::exception_ptr& e) {
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& x) {
    return x.what();
  }
}

ErrorCode code_of(const std::exception_ptr& e) {
  try {
    std::rethrow_exception(e);
  } catch (const Error& x) {
    return x.code();
  }
}

// Holds the model's only stream busy (inside a callback) until released.
struct StreamBlocker {
  explicit StreamBlocker(const CompiledModel& cm) : req(request_with_index(cm, 0)) {
    std::shared_future<void> gate = release.get_future().share();
    req.set_callback([this, gate] {
      entered.set_value();
      gate.wait();
    });
    req.start();
    entered.get_future().wait();
  }
  ~StreamBlocker() {
    release.set_value();
    req.wait();
  }
  InferRequest req;
  std::promise<void> entered, release;
};

TEST(InferRequestApi, CallbackReceivesNullOnSuccess) {
  const CompiledModel cm = gather_model();
  InferRequest r = request_with_index(cm, 2);
  std::promise<std::exception_ptr> got;
  r.set_callback([&](std::exception_ptr e) { got.set_value(e); });
  r.start();
  auto f = got.get_future();
  ASSERT_EQ(f.wait_for(30s), std::future_status::ready);
  EXPECT_EQ(f.get(), nullptr);
  r.wait();
  EXPECT_EQ(r.get_tensor("gather_out").data<float>()[0], 20.f);
}

TEST(InferRequestApi, CallbackReceivesTheInferenceError) {
  const CompiledModel cm = gather_model();
  InferRequest r = request_with_index(cm, 7);
  std::promise<std::exception_ptr> got;
  r.set_callback([&](std::exception_ptr e) { got.set_value(e); });
  r.start();
  auto f = got.get_future();
  ASSERT_EQ(f.wait_for(30s), std::future_status::ready);
  const std::exception_ptr e = f.get();
  ASSERT_NE(e, nullptr);
  EXPECT_NE(what_of(e).find("out of range"), std::string::npos) << what_of(e);
  EXPECT_THROW(r.wait(), Error);  // wait() sees the same error
}

TEST(InferRequestApi, OldStyleCallbackStillCalled) {
  const CompiledModel cm = gather_model();
  InferRequest r = request_with_index(cm, 1);
  std::promise<void> called;
  r.set_callback([&] { called.set_value(); });
  r.start();
  EXPECT_EQ(called.get_future().wait_for(30s), std::future_status::ready);
  r.wait();
  r.set_callback({});  // removes it
  r.infer();
}

TEST(InferRequestApi, WaitForTimesOutWhileQueuedThenCompletes) {
  const CompiledModel cm = gather_model();
  InferRequest r = request_with_index(cm, 3);
  {
    StreamBlocker blocker(cm);
    r.start();
    EXPECT_FALSE(r.wait_for(50ms));
    EXPECT_TRUE(r.busy());
  }
  EXPECT_TRUE(r.wait_for(30s));
  EXPECT_FALSE(r.busy());
  EXPECT_EQ(r.get_tensor("gather_out").data<float>()[0], 30.f);
  InferRequest bad = request_with_index(cm, 9);
  bad.start();
  EXPECT_THROW(bad.wait_for(30s), Error);  // a completed inference's error is rethrown
}

TEST(InferRequestApi, CancelQueuedRequest) {
  std::atomic<int> completions{0};
  const CompiledModel cm = gather_model();
  InferRequest r = request_with_index(cm, 1);
  std::promise<std::exception_ptr> got;
  r.set_callback([&](std::exception_ptr e) { got.set_value(e); });
  {
    StreamBlocker blocker(cm);
    r.start();
    EXPECT_TRUE(r.cancel());
    EXPECT_FALSE(r.busy());
    EXPECT_FALSE(r.cancel());  // nothing left to cancel
    auto f = got.get_future();
    ASSERT_EQ(f.wait_for(0s), std::future_status::ready);  // called by cancel() itself
    EXPECT_EQ(code_of(f.get()), ErrorCode::cancelled);
    try {
      r.wait();
      ADD_FAILURE() << "wait() after cancel() did not throw";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::cancelled) << e.what();
    }
    r.set_callback([&] { ++completions; });
    // Started again while the cancelled task is still queued: only the new one runs.
    r.start();
  }
  r.wait();
  EXPECT_EQ(r.get_tensor("gather_out").data<float>()[0], 10.f);
  for (int i = 0; i < 1000 && completions.load() == 0; ++i) std::this_thread::sleep_for(1ms);
  std::this_thread::sleep_for(20ms);  // a second (stale) run would have completed by now
  EXPECT_EQ(completions.load(), 1);
}

TEST(InferRequestApi, CancelBeforeStartOrAfterCompletionDoesNothing) {
  const CompiledModel cm = gather_model();
  InferRequest r = request_with_index(cm, 0);
  EXPECT_FALSE(r.cancel());
  r.infer();
  EXPECT_FALSE(r.cancel());
  r.wait();  // no cancellation error was left behind
}

TEST(InferRequestApi, DestroyingACancelledRequestWaitsForItsQueuedTask) {
  const CompiledModel cm = gather_model();
  auto blocker = std::make_unique<StreamBlocker>(cm);
  {
    InferRequest r = request_with_index(cm, 1);
    r.start();
    ASSERT_TRUE(r.cancel());
    // Release the stream from another thread while `r` is being destroyed: the destructor must
    // wait for the stale task to leave the queue (TSan/ASan would see the use after free).
    std::thread t([&] {
      std::this_thread::sleep_for(20ms);
      blocker.reset();
    });
    r = InferRequest();
    t.join();
  }
}

TEST(InferRequestApi, EmptyHandlesThrowClearErrors) {
  InferRequest r;
  try {
    r.infer();
    FAIL() << "an empty InferRequest ran";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("empty"), std::string::npos) << e.what();
  }
  EXPECT_THROW(r.set_tensor("x", Tensor(DType::f32, {1})), Error);
  EXPECT_THROW(r.wait_for(1ms), Error);
  EXPECT_THROW(r.cancel(), Error);
  const CompiledModel cm;
  EXPECT_THROW(cm.create_infer_request(), Error);
  EXPECT_THROW(cm.inputs(), Error);
  EXPECT_THROW(cm.dump_graph(), Error);
}

}  // namespace
}  // namespace inferlab::test
