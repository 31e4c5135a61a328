// The registry of outside adapters: one manifest per adapter,
// impls/external/<name>.toml (docs/external-adapters.md):
//
//   name = "py-lockfile-link"        # = the file's stem; --impl external:NAME
//   library = "lockfile LinkLockFile (python3-lockfile 0.12.2)"
//   command = ["/usr/bin/python3", "{src}/impls/external/python/driver.py",
//              "lockfile.link"]      # {src} source tree, {bin} build/bin
//   available = ["/usr/bin/python3", "-c", "import lockfile"]  # exit 0
//   missing = "python3-lockfile is not installed (tools/bootstrap --libs)"
//   outside_promise = ["threads"]    # features the library does not promise
//   owner = "thread"                 # optional: thread, open_file, process
//                                    # (default), host
//   notes = "what the library documents"
//
// The adapter itself is a driver (docs/driver-protocol.md) whose greeting
// names it `name` and declares its features. Every key but `owner` and
// `outside_promise` is required; an unknown key, a wrong type, an unknown
// feature word or a name that is not the file's stem is an error
// `file:line: message`.
//
// Thread safety: values and stateless functions.
#ifndef LOCKSTRESS_IMPLS_EXTERNAL_ADAPTER_REGISTRY_H_
#define LOCKSTRESS_IMPLS_EXTERNAL_ADAPTER_REGISTRY_H_

#include <chrono>
#include <string>
#include <vector>

#include "lockstress/capabilities.h"
#include "lockstress/status.h"

namespace lockstress {

struct ExternalAdapter {
  std::string file;  // the manifest
  std::string name;
  std::string library;
  std::vector<std::string> command;  // as written, {src}/{bin} unexpanded
  std::vector<std::string> available;
  std::string missing;
  FeatureSet outside_promise;
  Ownership owner = Ownership::kProcess;
  std::string notes;
};

// Where the adapters are found and their placeholders expand to.
struct AdapterPaths {
  std::string manifests;  // directory of *.toml (usually {src}/impls/external)
  std::string src;        // {src}
  std::string bin;        // {bin}
};

// The prefix that names an adapter on the command line: external:NAME.
inline constexpr std::string_view kExternalPrefix = "external:";

// One manifest; errors are "file:line: message".
StatusOr<ExternalAdapter> LoadAdapterManifest(const std::string& path);
// Every *.toml in the directory, sorted by name; the first bad manifest is
// the error. A directory that does not exist holds no adapters.
StatusOr<std::vector<ExternalAdapter>> LoadAdapterManifests(
    const std::string& dir);

// `command` or `available` with {src} and {bin} replaced.
std::vector<std::string> ExpandPlaceholders(
    const std::vector<std::string>& argv, const AdapterPaths& paths);

// Runs `available` (stdin, stdout, stderr on /dev/null) and waits at most
// `bound` (then kills it): true when it exited 0.
bool AdapterInstalled(
    const ExternalAdapter& adapter, const AdapterPaths& paths,
    std::chrono::milliseconds bound = std::chrono::seconds(10));

}  // namespace lockstress

#endif  // LOCKSTRESS_IMPLS_EXTERNAL_ADAPTER_REGISTRY_H_
