// DriverServer: the driver side of protocol v1 (docs/driver-protocol.md)
// over any Lock factory. It greets, then answers requests until `quit` or
// end of input.
//
// Without `threads` requests run one at a time on the calling thread. With
// `threads` every handle gets its own OS thread (HandleThread): the handle's
// Lock is made, used and destroyed on that thread, so thread-owned locks
// see one owner per handle, and a blocking acquire on one handle does not
// hold up the others. Replies are written whole, one line each, under the
// LineWriter's mutex.
//
// Thread safety: Serve() is called once, from one thread.
#ifndef LOCKSTRESS_HARNESS_DRIVER_DRIVER_SERVER_H_
#define LOCKSTRESS_HARNESS_DRIVER_DRIVER_SERVER_H_

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "harness/protocol/line_io.h"
#include "harness/protocol/protocol.h"
#include "lockstress/lock.h"

namespace lockstress {

using LockFactory =
    std::function<StatusOr<std::unique_ptr<Lock>>(const LockOptions&)>;

// Exit codes of a driver.
inline constexpr int kDriverOk = 0;
inline constexpr int kDriverProtocolError = 2;

class DriverServer {
 public:
  DriverServer(ImplInfo info, LockFactory factory, int in_fd, int out_fd);
  ~DriverServer();
  DriverServer(const DriverServer&) = delete;
  DriverServer& operator=(const DriverServer&) = delete;

  // Greets and serves; returns kDriverOk after quit or end of input,
  // kDriverProtocolError after a line it cannot answer (logged on stderr).
  int Serve();

  class HandleState;  // one handle's Lock; see driver_server.cc
  class HandleThread;

 private:
  // Answers `request` for the handle; runs on the handle's thread.
  protocol::Reply Execute(HandleState& handle,
                          const protocol::Request& request);
  void Dispatch(const protocol::Request& request);
  void StopAll();

  ImplInfo info_;
  LockFactory factory_;
  protocol::LineReader reader_;
  protocol::LineWriter writer_;
  bool threaded_;
  // Open handles by name; only the Serve() thread touches the map.
  std::map<std::string, std::unique_ptr<HandleThread>> handles_;
};

}  // namespace lockstress

#endif  // LOCKSTRESS_HARNESS_DRIVER_DRIVER_SERVER_H_
