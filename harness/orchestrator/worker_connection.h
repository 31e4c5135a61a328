// WorkerConnection: the harness's end of the driver protocol with one
// worker process, with a deadline on everything.
//
//   Start()  starts the process and waits (bounded) for its greeting, which
//            must parse (protocol.h) — otherwise an error quoting the line.
//   Call()   sends one request and waits for the reply with that seq until a
//            deadline; if none comes, the watchdog kills the worker's process
//            group and the call is `lost`. A reader thread owns stdout and
//            hands replies to callers by seq, so calls on different handles
//            may be in flight together (drivers with `threads`).
//
// A malformed reply is a protocol error: the worker is killed, every call
// in flight becomes lost, and protocol_error() quotes the line.
//
// Thread safety: thread-safe (state guarded by mu_); Start from the thread
// that will outlive the worker (see worker_process.h).
#ifndef LOCKSTRESS_HARNESS_ORCHESTRATOR_WORKER_CONNECTION_H_
#define LOCKSTRESS_HARNESS_ORCHESTRATOR_WORKER_CONNECTION_H_

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "harness/orchestrator/worker_process.h"
#include "harness/protocol/line_io.h"
#include "harness/protocol/protocol.h"

namespace lockstress {

struct CallResult {
  bool lost = false;         // no reply: see why
  protocol::Reply reply;     // when !lost
  std::string why;           // when lost
  std::int64_t noticed = 0;  // CLOCK_MONOTONIC ns when the loss was noticed
};

class WorkerConnection {
 public:
  using Clock = std::chrono::steady_clock;
  // `label` names the worker in messages ("worker 2 (link)").
  static StatusOr<std::unique_ptr<WorkerConnection>> Start(
      const std::vector<std::string>& argv, const std::string& stderr_log,
      const std::string& label, std::chrono::milliseconds greeting_timeout);
  ~WorkerConnection();
  WorkerConnection(const WorkerConnection&) = delete;
  WorkerConnection& operator=(const WorkerConnection&) = delete;

  const protocol::Greeting& greeting() const { return greeting_; }
  pid_t pid() const { return process_->pid(); }

  // `request.seq` is assigned here.
  CallResult Call(protocol::Request request, Clock::time_point deadline);

  void Kill(const std::string& why);  // SIGKILL to the group
  void Signal(int signal_number) { process_->Signal(signal_number); }
  bool dead() const;
  std::optional<std::string> protocol_error() const;
  // Sends quit and waits for the exit until the deadline; kills otherwise.
  // Returns the exit code (128+signal when killed).
  std::optional<int> Quit(Clock::time_point deadline);

 private:
  WorkerConnection(std::unique_ptr<WorkerProcess> process, std::string label);
  void ReadReplies();

  std::unique_ptr<WorkerProcess> process_;
  std::string label_;
  protocol::Greeting greeting_;
  protocol::LineReader reader_;
  protocol::LineWriter writer_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::uint64_t next_seq_ = 1;  // guarded by mu_
  std::map<std::uint64_t, std::optional<protocol::Reply>> pending_;  // mu_
  bool dead_ = false;                          // guarded by mu_
  std::string death_;                          // guarded by mu_
  std::optional<std::string> protocol_error_;  // guarded by mu_
  std::thread reader_thread_;
};

}  // namespace lockstress

#endif  // LOCKSTRESS_HARNESS_ORCHESTRATOR_WORKER_CONNECTION_H_
