#include "impls/external/adapter_registry.h"

#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <optional>

#include "lockstress/registry.h"

namespace lockstress {
namespace {

// Thrown inside the loader only; carries the line it concerns.
struct Bad {
  std::int64_t line;
  std::string message;
};

std::int64_t LineOf(const toml::node& n) {
  return static_cast<std::int64_t>(n.source().begin.line);
}

const toml::node& Required(const toml::table& t, std::string_view key) {
  const toml::node* n = t.get(key);
  if (n == nullptr) throw Bad{1, "missing key '" + std::string(key) + "'"};
  return *n;
}

std::string String(const toml::node& n, std::string_view key) {
  std::optional<std::string> s = n.value_exact<std::string>();
  if (!s) throw Bad{LineOf(n), std::string(key) + " must be a string"};
  if (s->empty()) throw Bad{LineOf(n), std::string(key) + " is empty"};
  return *s;
}

std::vector<std::string> Strings(const toml::node& n, std::string_view key,
                                 bool may_be_empty) {
  const toml::array* a = n.as_array();
  if (a == nullptr)
    throw Bad{LineOf(n), std::string(key) + " must be an array of strings"};
  std::vector<std::string> out;
  for (const toml::node& e : *a) out.push_back(String(e, key));
  if (out.empty() && !may_be_empty)
    throw Bad{LineOf(n), std::string(key) + " is empty"};
  return out;
}

Ownership Owner(const toml::node& n) {
  std::string word = String(n, "owner");
  for (Ownership o : {Ownership::kThread, Ownership::kOpenFile,
                      Ownership::kProcess, Ownership::kHost}) {
    if (OwnershipName(o) == word) return o;
  }
  throw Bad{LineOf(n), "owner '" + word +
                           "' is not one of thread, open_file, process, host"};
}

// [A-Za-z0-9_.-]{1,64}
bool ValidName(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' ||
           c == '.' || c == '-';
  });
}

ExternalAdapter Load(const toml::table& root, const std::string& stem) {
  static constexpr std::string_view kKeys[] = {
      "name",    "library",         "command", "available",
      "missing", "outside_promise", "owner",   "notes"};
  for (auto&& [k, v] : root) {
    if (std::find(std::begin(kKeys), std::end(kKeys), k.str()) ==
        std::end(kKeys)) {
      throw Bad{static_cast<std::int64_t>(k.source().begin.line),
                "unknown key '" + std::string(k.str()) + "'"};
    }
  }
  ExternalAdapter a;
  const toml::node& name = Required(root, "name");
  a.name = String(name, "name");
  // The protocol's handle alphabet: the name is also a directory name.
  if (!ValidName(a.name)) {
    throw Bad{LineOf(name),
              "name '" + a.name + "' must match " + "[A-Za-z0-9_.-]{1,64}"};
  }
  // One label per target: histories/<name>/ must not mix two locks.
  if (FindImpl(a.name) != nullptr) {
    throw Bad{LineOf(name),
              "name '" + a.name + "' is a built-in implementation's name"};
  }
  if (a.name != stem) {
    throw Bad{LineOf(name),
              "name '" + a.name + "' is not the file's name ('" + stem + "')"};
  }
  a.library = String(Required(root, "library"), "library");
  a.command = Strings(Required(root, "command"), "command", false);
  a.available = Strings(Required(root, "available"), "available", false);
  a.missing = String(Required(root, "missing"), "missing");
  a.notes = String(Required(root, "notes"), "notes");
  if (const toml::node* op = root.get("outside_promise")) {
    for (const std::string& word : Strings(*op, "outside_promise", true)) {
      std::optional<Feature> f = ParseFeature(word);
      if (!f) {
        throw Bad{LineOf(*op), "outside_promise: unknown feature '" + word +
                                   "' (capabilities.h)"};
      }
      a.outside_promise.add(*f);
    }
  }
  if (const toml::node* owner = root.get("owner")) a.owner = Owner(*owner);
  return a;
}

}  // namespace

StatusOr<ExternalAdapter> LoadAdapterManifest(const std::string& path) {
  std::string stem = std::filesystem::path(path).stem().string();
  try {
    toml::table root = toml::parse_file(path);
    ExternalAdapter a = Load(root, stem);
    a.file = path;
    return a;
  } catch (const toml::parse_error& e) {
    return Status(ErrorKind::kError, "",
                  path + ":" + std::to_string(e.source().begin.line) + ": " +
                      std::string(e.description()));
  } catch (const Bad& e) {
    return Status(ErrorKind::kError, "",
                  path + ":" + std::to_string(e.line) + ": " + e.message);
  }
}

StatusOr<std::vector<ExternalAdapter>> LoadAdapterManifests(
    const std::string& dir) {
  std::vector<std::string> files;
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    return std::vector<ExternalAdapter>{};
  }
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".toml") {
      files.push_back(entry.path().string());
    }
  }
  if (ec) return PosixError(ErrorKind::kError, "opendir", dir, ec.value());
  std::sort(files.begin(), files.end());
  std::vector<ExternalAdapter> out;
  for (const std::string& f : files) {
    StatusOr<ExternalAdapter> a = LoadAdapterManifest(f);
    if (!a.ok()) return a.status();
    out.push_back(std::move(*a));
  }
  return out;
}

std::vector<std::string> ExpandPlaceholders(
    const std::vector<std::string>& argv, const AdapterPaths& paths) {
  std::vector<std::string> out;
  for (std::string arg : argv) {
    for (auto [from, to] :
         {std::pair<std::string_view, const std::string&>{"{src}", paths.src},
          {"{bin}", paths.bin}}) {
      for (std::size_t at = arg.find(from); at != std::string::npos;
           at = arg.find(from, at + to.size())) {
        arg.replace(at, from.size(), to);
      }
    }
    out.push_back(std::move(arg));
  }
  return out;
}

}  // namespace lockstress
