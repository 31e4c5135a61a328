#include "harness/orchestrator/worker_connection.h"

#include <fmt/format.h>

namespace lockstress {

using protocol::LineReader;

WorkerConnection::WorkerConnection(std::unique_ptr<WorkerProcess> process,
                                   std::string label)
    : process_(std::move(process)),
      label_(std::move(label)),
      reader_(process_->stdout_fd()),
      writer_(process_->stdin_fd()) {}

StatusOr<std::unique_ptr<WorkerConnection>> WorkerConnection::Start(
    const std::vector<std::string>& argv, const std::string& stderr_log,
    const std::string& label, std::chrono::milliseconds greeting_timeout) {
  StatusOr<std::unique_ptr<WorkerProcess>> process =
      WorkerProcess::Start(argv, stderr_log);
  if (!process.ok()) return process.status();
  auto conn = std::unique_ptr<WorkerConnection>(
      new WorkerConnection(std::move(*process), label));
  std::string line;
  LineReader::Result got =
      conn->reader_.ReadLine(&line, Clock::now() + greeting_timeout);
  switch (got) {
    case LineReader::Result::kLine:
      break;
    case LineReader::Result::kTimeout:
      return Status(ErrorKind::kError, "",
                    fmt::format("{}: the driver did not greet within {} ms "
                                "(its log: {})",
                                label, greeting_timeout.count(), stderr_log));
    default: {
      std::optional<int> code =
          conn->process_->WaitExit(Clock::now() + std::chrono::seconds(2));
      return Status(ErrorKind::kError, "",
                    fmt::format("{}: the driver exited{} without greeting "
                                "(its log: {})",
                                label,
                                code ? fmt::format(" with status {}", *code)
                                     : std::string(),
                                stderr_log));
    }
  }
  StatusOr<protocol::Greeting> greeting = protocol::ParseGreeting(line);
  if (!greeting.ok()) {
    return Status(ErrorKind::kError, "",
                  label + ": bad greeting: " + greeting.status().message());
  }
  conn->greeting_ = *greeting;
  WorkerConnection* self = conn.get();
  conn->reader_thread_ = std::thread([self] { self->ReadReplies(); });
  return conn;
}

WorkerConnection::~WorkerConnection() {
  process_->Kill();  // the reader thread then sees end of file
  if (reader_thread_.joinable()) reader_thread_.join();
}

void WorkerConnection::ReadReplies() {
  std::string line;
  while (true) {
    LineReader::Result got = reader_.ReadLine(&line);
    if (got != LineReader::Result::kLine) break;
    StatusOr<protocol::Reply> reply = protocol::ParseReply(line);
    std::lock_guard<std::mutex> lock(mu_);
    auto it = reply.ok() ? pending_.find(reply->seq) : pending_.end();
    if (!reply.ok() || it == pending_.end() || it->second.has_value()) {
      protocol_error_ =
          label_ + ": " +
          (reply.ok() ? "reply to no request in flight: '" + line + "'"
                      : reply.status().message());
      death_ = *protocol_error_;
      process_->Kill();
      break;
    }
    it->second = *reply;
    cv_.notify_all();
  }
  std::lock_guard<std::mutex> lock(mu_);
  dead_ = true;
  if (death_.empty()) death_ = label_ + ": the worker exited";
  cv_.notify_all();
}

CallResult WorkerConnection::Call(protocol::Request request,
                                  Clock::time_point deadline) {
  std::unique_lock<std::mutex> lock(mu_);
  if (dead_) {
    return {.lost = true, .why = death_, .noticed = protocol::MonotonicNanos()};
  }
  request.seq = next_seq_++;
  pending_[request.seq] = std::nullopt;
  lock.unlock();
  bool written = writer_.WriteLine(protocol::FormatRequest(request));
  lock.lock();
  bool answered = written && cv_.wait_until(lock, deadline, [&] {
    return dead_ || pending_[request.seq].has_value();
  });
  std::optional<protocol::Reply> reply = pending_[request.seq];
  pending_.erase(request.seq);
  if (reply) return {.reply = *reply};
  CallResult lost{.lost = true, .noticed = protocol::MonotonicNanos()};
  if (!answered && !dead_) {
    // The watchdog: a hung worker is killed, so the harness never hangs.
    death_ = fmt::format("{}: no reply to '{}' in time; killed (SIGKILL)",
                         label_, protocol::FormatRequest(request));
    lock.unlock();
    process_->Kill();
    lock.lock();
  }
  lost.why = death_.empty() ? label_ + ": cannot write to the worker" : death_;
  return lost;
}

void WorkerConnection::Kill(const std::string& why) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (death_.empty()) death_ = label_ + ": " + why;
  }
  process_->Kill();
}

bool WorkerConnection::dead() const {
  std::lock_guard<std::mutex> lock(mu_);
  return dead_;
}

std::optional<std::string> WorkerConnection::protocol_error() const {
  std::lock_guard<std::mutex> lock(mu_);
  return protocol_error_;
}

std::optional<int> WorkerConnection::Quit(Clock::time_point deadline) {
  if (!dead()) {
    Call(protocol::Request{.verb = protocol::Verb::kQuit}, deadline);
  }
  process_->CloseStdin();
  std::optional<int> code = process_->WaitExit(deadline);
  if (!code) {
    Kill("did not exit after quit");
    code = process_->WaitExit(Clock::now() + std::chrono::seconds(5));
  }
  return code;
}

}  // namespace lockstress
