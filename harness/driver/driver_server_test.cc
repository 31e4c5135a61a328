#include "harness/driver/driver_server.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <condition_variable>
#include <set>
#include <thread>

#include "impls/testing/test_dirs.h"

namespace lockstress {
namespace {

using protocol::LineReader;
using std::chrono::steady_clock;

constexpr auto kStep = std::chrono::seconds(20);

// The worker binary under a pipe pair; killed and reaped on destruction.
class Worker {
 public:
  explicit Worker(std::vector<std::string> args) {
    int in[2], out[2], err[2];
    EXPECT_EQ(pipe2(in, O_CLOEXEC), 0);
    EXPECT_EQ(pipe2(out, O_CLOEXEC), 0);
    EXPECT_EQ(pipe2(err, O_CLOEXEC), 0);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in[0], 0);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_adddup2(&fa, err[1], 2);
    std::string exe = std::string(LOCKSTRESS_BIN_DIR) + "/lockstress-worker";
    args.insert(args.begin(), exe);
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    EXPECT_EQ(
        posix_spawn(&pid_, exe.c_str(), &fa, nullptr, argv.data(), environ), 0);
    posix_spawn_file_actions_destroy(&fa);
    close(in[0]);
    close(out[1]);
    close(err[1]);
    to_ = in[1];
    from_ = out[0];
    err_ = err[0];
    reader_ = std::make_unique<LineReader>(from_);
  }
  ~Worker() {
    close(to_);
    if (pid_ > 0 && !reaped_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    close(from_);
    close(err_);
  }
  std::string Read() {
    std::string line;
    EXPECT_EQ(reader_->ReadLine(&line, steady_clock::now() + kStep),
              LineReader::Result::kLine);
    return line;
  }
  void Send(const std::string& line) {
    std::string l = line + "\n";
    ASSERT_EQ(write(to_, l.data(), l.size()), static_cast<ssize_t>(l.size()));
  }
  protocol::Reply Ask(const std::string& line) {
    Send(line);
    StatusOr<protocol::Reply> r = protocol::ParseReply(Read());
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : protocol::Reply{};
  }
  int Wait() {
    int status = 0;
    waitpid(pid_, &status, 0);
    reaped_ = true;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  std::string Stderr() {
    std::string all;
    char buf[512];
    ssize_t n;
    while ((n = read(err_, buf, sizeof buf)) > 0) all.append(buf, n);
    return all;
  }

 private:
  pid_t pid_ = -1;
  bool reaped_ = false;
  int to_ = -1, from_ = -1, err_ = -1;
  std::unique_ptr<LineReader> reader_;
};

TEST(Worker, NullSpeaksTheProtocol) {
  testing::TempDir dir;
  Worker w({"--impl", "null"});
  StatusOr<protocol::Greeting> g = protocol::ParseGreeting(w.Read());
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  EXPECT_EQ(g->name, "null");
  EXPECT_TRUE(g->features.has(Feature::kThreads));

  EXPECT_TRUE(w.Ask("1 open h0 " + dir.File("lock")).ok());
  protocol::Reply acquired = w.Ask("2 acquire h0 0");
  EXPECT_TRUE(acquired.ok());
  EXPECT_EQ(acquired.seq, 2u);
  EXPECT_LE(acquired.t0, acquired.t1);
  EXPECT_GT(acquired.t0, 0);
  protocol::Reply locked = w.Ask("3 i_am_locking h0");
  ASSERT_TRUE(locked.value.has_value());
  EXPECT_TRUE(*locked.value);
  EXPECT_TRUE(w.Ask("4 release h0").ok());
  EXPECT_EQ(w.Ask("5 release h0").kind, ErrorKind::kNotLocked);
  EXPECT_EQ(w.Ask("6 acquire_shared h0 0").kind, ErrorKind::kUnsupported);
  EXPECT_EQ(w.Ask("7 release nothere").kind, ErrorKind::kError);
  EXPECT_EQ(w.Ask("8 open h0 /x").kind, ErrorKind::kError);
  protocol::Reply bad = w.Ask("9 fly h0");
  EXPECT_EQ(bad.kind, ErrorKind::kError);
  EXPECT_NE(bad.message.find("'9 fly h0'"), std::string::npos);
  EXPECT_TRUE(w.Ask("10 close h0").ok());
  EXPECT_EQ(w.Ask("11 release h0").kind, ErrorKind::kError);
  EXPECT_TRUE(w.Ask("12 quit").ok());
  EXPECT_EQ(w.Wait(), 0);
}

TEST(Worker, UnreadableSeqEndsWithExit2) {
  Worker w({"--impl", "null"});
  w.Read();
  w.Send("hello there");
  EXPECT_EQ(w.Wait(), 2);
  EXPECT_NE(w.Stderr().find("'hello there'"), std::string::npos);
}

TEST(Worker, UnknownImplExits2WithAMessage) {
  Worker w({"--impl", "no-such-lock"});
  EXPECT_EQ(w.Wait(), 2);
  EXPECT_NE(w.Stderr().find("no-such-lock"), std::string::npos);
}

TEST(Worker, EndOfInputExits0) {
  Worker w({"--impl", "null"});
  w.Read();
  w.Send("1 open h /tmp/never-touched");
  w.Read();
  // Closing our end of stdin happens in the destructor; here: quit-less EOF.
}

// A real in-process lock (one mutex-like state shared by its objects), so
// that a blocking acquire really blocks inside the server.
struct Shared {
  std::mutex mu;
  std::condition_variable cv;
  bool held = false;
};

class InProcessLock final : public Lock {
 public:
  InProcessLock(Shared* s, const ImplInfo* info, std::string path)
      : s_(s), info_(info), path_(std::move(path)) {}
  Status Acquire(Timeout t) override {
    std::unique_lock<std::mutex> lock(s_->mu);
    if (s_->held && t.is_nonblocking()) {
      return Status(ErrorKind::kAlreadyLocked, path_, "held");
    }
    s_->cv.wait(lock, [&] { return !s_->held; });
    s_->held = mine_ = true;
    return Status::Ok();
  }
  Status AcquireShared(Timeout) override {
    return Status(ErrorKind::kUnsupported, path_, "no");
  }
  Status Release() override {
    std::lock_guard<std::mutex> lock(s_->mu);
    if (!mine_) return Status(ErrorKind::kNotLocked, path_, "not mine");
    s_->held = mine_ = false;
    s_->cv.notify_all();
    return Status::Ok();
  }
  StatusOr<bool> IsLocked() override {
    std::lock_guard<std::mutex> lock(s_->mu);
    return s_->held;
  }
  StatusOr<bool> IAmLocking() override { return mine_; }
  Status BreakLock() override { return Status::Ok(); }
  const std::string& path() const override { return path_; }
  const std::string& lock_path() const override { return path_; }
  const ImplInfo& info() const override { return *info_; }

 private:
  Shared* s_;
  const ImplInfo* info_;
  std::string path_;
  bool mine_ = false;
};

struct InProcessServer {
  explicit InProcessServer(FeatureSet features) {
    info.name = "inproc";
    info.features = features;
    EXPECT_EQ(pipe2(to, O_CLOEXEC), 0);
    EXPECT_EQ(pipe2(from, O_CLOEXEC), 0);
    reader = std::make_unique<LineReader>(from[0]);
    thread = std::thread([this] {
      DriverServer server(
          info,
          [this](const LockOptions& o) -> StatusOr<std::unique_ptr<Lock>> {
            return std::unique_ptr<Lock>(
                new InProcessLock(&shared, &info, o.path));
          },
          to[0], from[1]);
      code = server.Serve();
    });
  }
  ~InProcessServer() {
    close(to[1]);
    thread.join();
    close(to[0]);
    close(from[0]);
    close(from[1]);
  }
  void Send(const std::string& line) {
    std::string l = line + "\n";
    ASSERT_EQ(write(to[1], l.data(), l.size()), static_cast<ssize_t>(l.size()));
  }
  protocol::Reply Read() {
    std::string line;
    EXPECT_EQ(reader->ReadLine(&line, steady_clock::now() + kStep),
              LineReader::Result::kLine);
    StatusOr<protocol::Reply> r = protocol::ParseReply(line);
    EXPECT_TRUE(r.ok()) << line;
    return r.ok() ? *r : protocol::Reply{};
  }
  ImplInfo info;
  Shared shared;
  int to[2], from[2];
  std::unique_ptr<LineReader> reader;
  std::thread thread;
  int code = -1;
};

TEST(DriverServer, ThreadsLetOtherHandlesAnswerWhileOneBlocks) {
  InProcessServer s({Feature::kBlocking, Feature::kNonblocking,
                     Feature::kIsLocked, Feature::kThreads});
  std::string greeting;
  s.reader->ReadLine(&greeting, steady_clock::now() + kStep);
  s.Send("1 open a /p");
  s.Send("2 open b /p");
  s.Read();
  s.Read();
  s.Send("3 acquire a 0");
  EXPECT_TRUE(s.Read().ok());
  s.Send("4 acquire b inf");  // blocks on b's thread
  s.Send("5 is_locked a");    // answered meanwhile
  protocol::Reply r = s.Read();
  EXPECT_EQ(r.seq, 5u);
  EXPECT_EQ(r.value, std::optional<bool>(true));
  s.Send("6 release a");
  protocol::Reply x = s.Read();
  protocol::Reply y = s.Read();
  std::set<std::uint64_t> seqs{x.seq, y.seq};
  EXPECT_EQ(seqs, (std::set<std::uint64_t>{4, 6}));
  EXPECT_TRUE(x.ok() && y.ok());
  s.Send("7 release b");
  EXPECT_TRUE(s.Read().ok());
}

TEST(DriverServer, UndeclaredFeatureIsUnsupportedWithoutACall) {
  InProcessServer s({Feature::kNonblocking});
  std::string greeting;
  s.reader->ReadLine(&greeting, steady_clock::now() + kStep);
  EXPECT_EQ(greeting, "lockstress-driver 1 inproc nonblocking");
  s.Send("1 open a /p");
  s.Read();
  for (std::string req :
       {"2 acquire a inf", "3 acquire a 1.5", "4 is_locked a",
        "5 i_am_locking a", "6 break a", "7 acquire_shared a 0"}) {
    s.Send(req);
    protocol::Reply r = s.Read();
    EXPECT_EQ(r.kind, ErrorKind::kUnsupported) << req;
    EXPECT_EQ(r.t0, r.t1);
  }
  EXPECT_FALSE(s.shared.held);
  s.Send("8 acquire a 0");
  EXPECT_TRUE(s.Read().ok());
  EXPECT_TRUE(s.shared.held);
}

}  // namespace
}  // namespace lockstress
