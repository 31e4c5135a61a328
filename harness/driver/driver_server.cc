#include "harness/driver/driver_server.h"

#include <condition_variable>
#include <deque>
#include <iostream>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace lockstress {

using protocol::Reply;
using protocol::Request;
using protocol::Verb;

// The Lock behind one handle; null after a failed open.
class DriverServer::HandleState {
 public:
  std::unique_ptr<Lock> lock;
};

// Runs one handle's requests in order, on its own thread when threaded
// (else inline). The queue is guarded by mu_.
class DriverServer::HandleThread {
 public:
  HandleThread(DriverServer* server, bool threaded) : server_(server) {
    if (threaded) thread_ = std::thread([this] { Loop(); });
  }
  ~HandleThread() {
    if (thread_.joinable()) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        stop_ = true;
      }
      cv_.notify_one();
      thread_.join();
    } else {
      state_.lock.reset();
    }
  }
  void Submit(const Request& request) {
    if (!thread_.joinable()) {
      Answer(request);
      return;
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      queue_.push_back(request);
    }
    cv_.notify_one();
  }

 private:
  void Answer(const Request& request) {
    Reply reply = server_->Execute(state_, request);
    server_->writer_.WriteLine(protocol::FormatReply(reply));
  }
  void Loop() {
    while (true) {
      Request next;
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [this] { return stop_ || !queue_.empty(); });
        if (queue_.empty()) break;  // stop_ and nothing left
        next = queue_.front();
        queue_.pop_front();
      }
      Answer(next);
    }
    state_.lock.reset();  // destroyed on the thread that used it
  }

  DriverServer* server_;
  HandleState state_;  // touched only by the handle's thread
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Request> queue_;  // guarded by mu_
  bool stop_ = false;          // guarded by mu_
  std::thread thread_;
};

namespace {

std::optional<Feature> FeatureForTimeout(const Timeout& t) {
  if (t.is_forever()) return Feature::kBlocking;
  if (t.is_nonblocking()) return Feature::kNonblocking;
  return Feature::kTimeout;
}

// The features a request needs beyond the basics.
std::vector<Feature> NeededFeatures(const Request& r) {
  switch (r.verb) {
    case Verb::kAcquire:
      return {*FeatureForTimeout(r.timeout)};
    case Verb::kAcquireShared:
      return {Feature::kShared, *FeatureForTimeout(r.timeout)};
    case Verb::kIsLocked:
      return {Feature::kIsLocked};
    case Verb::kIAmLocking:
      return {Feature::kIAmLocking};
    case Verb::kBreak:
      return {Feature::kBreak};
    default:
      return {};
  }
}

}  // namespace

DriverServer::DriverServer(ImplInfo info, LockFactory factory, int in_fd,
                           int out_fd)
    : info_(std::move(info)),
      factory_(std::move(factory)),
      reader_(in_fd),
      writer_(out_fd),
      threaded_(info_.features.has(Feature::kThreads)) {}

DriverServer::~DriverServer() { StopAll(); }

void DriverServer::StopAll() { handles_.clear(); }

Reply DriverServer::Execute(HandleState& handle, const Request& r) {
  using protocol::MonotonicNanos;
  std::int64_t now = MonotonicNanos();
  auto refuse = [&](ErrorKind kind, const std::string& message) {
    return Reply{
        .seq = r.seq, .t0 = now, .t1 = now, .kind = kind, .message = message};
  };
  for (Feature f : NeededFeatures(r)) {
    if (!info_.features.has(f)) {
      return refuse(
          ErrorKind::kUnsupported,
          std::string(FeatureName(f)) + " is not declared by " + info_.name);
    }
  }
  if (r.verb == Verb::kOpen) {
    StatusOr<std::unique_ptr<Lock>> made = factory_({.path = r.path});
    if (!made.ok()) {
      return protocol::ReplyFromStatus(r.seq, now, MonotonicNanos(),
                                       made.status());
    }
    handle.lock = std::move(*made);
    return Reply{.seq = r.seq, .t0 = now, .t1 = MonotonicNanos()};
  }
  if (r.verb == Verb::kClose) {
    handle.lock.reset();  // releases a held lock, best effort
    return Reply{.seq = r.seq, .t0 = now, .t1 = MonotonicNanos()};
  }
  if (handle.lock == nullptr) {
    return refuse(ErrorKind::kError, "handle " + r.handle + " is not open");
  }
  Lock& lock = *handle.lock;
  std::int64_t t0 = 0;
  std::int64_t t1 = 0;
  Status status;
  std::optional<bool> value;
  switch (r.verb) {
    case Verb::kAcquire:
      t0 = MonotonicNanos();
      status = lock.Acquire(r.timeout);
      t1 = MonotonicNanos();
      break;
    case Verb::kAcquireShared:
      t0 = MonotonicNanos();
      status = lock.AcquireShared(r.timeout);
      t1 = MonotonicNanos();
      break;
    case Verb::kRelease:
      t0 = MonotonicNanos();
      status = lock.Release();
      t1 = MonotonicNanos();
      break;
    case Verb::kIsLocked:
    case Verb::kIAmLocking: {
      t0 = MonotonicNanos();
      StatusOr<bool> answer =
          r.verb == Verb::kIsLocked ? lock.IsLocked() : lock.IAmLocking();
      t1 = MonotonicNanos();
      if (answer.ok()) {
        value = *answer;
      } else {
        status = answer.status();
      }
      break;
    }
    case Verb::kBreak:
      t0 = MonotonicNanos();
      status = lock.BreakLock();
      t1 = MonotonicNanos();
      break;
    default:
      return refuse(ErrorKind::kError, "unexpected verb");
  }
  Reply reply = protocol::ReplyFromStatus(r.seq, t0, t1, status);
  reply.value = value;
  return reply;
}

void DriverServer::Dispatch(const Request& r) {
  auto it = handles_.find(r.handle);
  if (r.verb == Verb::kOpen) {
    if (it != handles_.end()) {
      std::int64_t now = protocol::MonotonicNanos();
      writer_.WriteLine(protocol::FormatReply(
          {.seq = r.seq,
           .t0 = now,
           .t1 = now,
           .kind = ErrorKind::kError,
           .message = "handle " + r.handle + " is already open"}));
      return;
    }
    it = handles_
             .emplace(r.handle, std::make_unique<HandleThread>(this, threaded_))
             .first;
  } else if (it == handles_.end()) {
    std::int64_t now = protocol::MonotonicNanos();
    writer_.WriteLine(protocol::FormatReply(
        {.seq = r.seq,
         .t0 = now,
         .t1 = now,
         .kind = ErrorKind::kError,
         .message = "handle " + r.handle + " is not open"}));
    return;
  }
  it->second->Submit(r);
  // The handle's thread finishes its queue (the close included) and ends.
  if (r.verb == Verb::kClose) handles_.erase(it);
}

int DriverServer::Serve() {
  if (!writer_.WriteLine(
          protocol::FormatGreeting({info_.name, info_.features}))) {
    return kDriverProtocolError;
  }
  std::string line;
  while (true) {
    protocol::LineReader::Result got = reader_.ReadLine(&line);
    if (got == protocol::LineReader::Result::kEof) break;
    if (got != protocol::LineReader::Result::kLine) {
      std::cerr << info_.name << " driver: cannot read a request\n";
      StopAll();
      return kDriverProtocolError;
    }
    StatusOr<Request> request = protocol::ParseRequest(line);
    if (!request.ok()) {
      // Answer it when the seq is readable; otherwise nobody can be told.
      std::size_t sp = line.find(' ');
      std::string seq_text = line.substr(0, sp);
      StatusOr<Request> seq_only = protocol::ParseRequest(seq_text + " quit");
      if (!seq_only.ok()) {
        std::cerr << info_.name << " driver: " << request.status().message()
                  << "\n";
        StopAll();
        return kDriverProtocolError;
      }
      std::int64_t now = protocol::MonotonicNanos();
      writer_.WriteLine(
          protocol::FormatReply({.seq = seq_only->seq,
                                 .t0 = now,
                                 .t1 = now,
                                 .kind = ErrorKind::kError,
                                 .message = request.status().message()}));
      continue;
    }
    if (request->verb == Verb::kQuit) {
      StopAll();
      std::int64_t now = protocol::MonotonicNanos();
      writer_.WriteLine(
          protocol::FormatReply({.seq = request->seq, .t0 = now, .t1 = now}));
      return kDriverOk;
    }
    Dispatch(*request);
  }
  StopAll();
  return kDriverOk;
}

}  // namespace lockstress
