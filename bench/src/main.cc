// lockstress-bench: the benchmark program (Google Benchmark), one
// filesystem per run.
//
//   lockstress-bench --dir DIR [--impl NAME,...] [--driver 'CMD']...
//                    [--quick] [--worker PATH] [--benchmark_* ...]
//
// Rows and counters: register.h. Every row gets its ratio to its raw row
// from the RatioReporter, on the console and in --benchmark_out (JSON).
// `lockstress bench` runs this once per filesystem and writes the report
// section; run it by hand for a filter or repetitions.
// Exit codes: 0 ran, 2 usage or set-up error.
#include <benchmark/benchmark.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "lockstress/bench/ratio_reporter.h"
#include "lockstress/bench/register.h"

namespace {

// linux/magic.h values for the filesystems this machine has.
std::string FsType(const std::string& dir) {
  struct statfs st {};
  if (statfs(dir.c_str(), &st) != 0) return "unknown";
  switch (static_cast<unsigned long>(st.f_type)) {
    case 0x01021994:
      return "tmpfs";
    case 0xEF53:
      return "ext4";
    case 0x9123683E:
      return "btrfs";
    case 0x58465342:
      return "xfs";
    case 0x6969:
      return "nfs";
    case 0xFF534D42:
      return "cifs";
    case 0x794c7630:
      return "overlayfs";
    case 0x65735546:
      return "fuse";
    default: {
      std::ostringstream s;
      s << "0x" << std::hex << st.f_type;
      return s.str();
    }
  }
}

std::string SiblingWorker() {
  std::error_code ec;
  auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  return (self.parent_path() / "lockstress-worker").string();
}

int Usage(const std::string& why) {
  std::cerr << "lockstress-bench: " << why
            << "\nusage: lockstress-bench --dir DIR [--impl NAME,...] "
               "[--driver 'CMD']... [--quick] [--worker PATH] "
               "[--benchmark_* ...]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  lockstress::bench::BenchConfig config;
  config.worker = SiblingWorker();
  std::vector<char*> rest = {argv[0]};
  bool file_out = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](const char* flag) -> const char* {
      if (i + 1 >= argc) return nullptr;
      (void)flag;
      return argv[++i];
    };
    if (a == "--dir" || a == "--impl" || a == "--driver" || a == "--worker") {
      const char* v = value(a.c_str());
      if (v == nullptr) return Usage(a + " needs a value");
      if (a == "--dir") config.dir = v;
      if (a == "--worker") config.worker = v;
      if (a == "--driver") config.drivers.push_back(v);
      if (a == "--impl") {
        std::stringstream names(v);
        for (std::string n; std::getline(names, n, ',');) {
          if (!n.empty() && n != "all") config.impls.push_back(n);
        }
      }
    } else if (a == "--quick") {
      config.quick = true;
    } else if (a.rfind("--benchmark_", 0) == 0) {
      if (a.rfind("--benchmark_out=", 0) == 0) file_out = true;
      rest.push_back(argv[i]);
    } else {
      return Usage("unknown argument '" + a + "'");
    }
  }
  if (config.dir.empty()) return Usage("--dir is required");
  std::error_code ec;
  if (!std::filesystem::is_directory(config.dir, ec) ||
      access(config.dir.c_str(), W_OK | X_OK) != 0) {
    return Usage("--dir '" + config.dir + "' is not a writable directory");
  }

  lockstress::bench::RatioPlan plan;
  lockstress::Status s = lockstress::bench::RegisterAll(config, &plan);
  if (!s.ok()) {
    std::cerr << "lockstress-bench: " << s.ToString() << "\n";
    return 2;
  }
  int bench_argc = static_cast<int>(rest.size());
  benchmark::Initialize(&bench_argc, rest.data());
  if (benchmark::ReportUnrecognizedArguments(bench_argc, rest.data())) return 2;
  benchmark::AddCustomContext("lockstress_dir", config.dir);
  benchmark::AddCustomContext("lockstress_fs_type", FsType(config.dir));
  benchmark::AddCustomContext("lockstress_quick", config.quick ? "1" : "0");

  lockstress::bench::RatioTable table;
  lockstress::bench::RatioReporter display(
      &plan, &table, std::make_unique<benchmark::ConsoleReporter>());
  std::unique_ptr<lockstress::bench::RatioReporter> file;
  if (file_out) {
    file = std::make_unique<lockstress::bench::RatioReporter>(
        &plan, &table, std::make_unique<benchmark::JSONReporter>());
  }
  benchmark::RunSpecifiedBenchmarks(&display, file.get());
  benchmark::Shutdown();
  return 0;
}
