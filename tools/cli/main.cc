// lockstress: the command-line tool.
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <stdlib.h>

#include <filesystem>
#include <iostream>
#include <string>

#include "tools/cli/list_command.h"
#include "tools/cli/self_check.h"

int main(int argc, char** argv) {
  CLI::App app{"lockstress: stress and conformance tests for file locks"};
  app.require_subcommand(1);

  std::string list_what = "impls";
  CLI::App* list = app.add_subcommand("list", "List implementations");
  list->add_option("what", list_what, "impls");

  std::string dir;
  CLI::App* run = app.add_subcommand(
      "run", "Run the implementations' self-check (the harness grows here)");
  run->add_option("--dir", dir, "Directory to lock in (default: a fresh one)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }

  if (*list) return lockstress::cli::RunList(list_what, std::cout, std::cerr);
  if (*run) {
    // Always a fresh directory (under --dir when given), removed afterwards:
    // nothing is left behind in the user's directory.
    std::filesystem::path base =
        dir.empty() ? std::filesystem::temp_directory_path()
                    : std::filesystem::path(dir);
    if (!std::filesystem::is_directory(base)) {
      std::cerr << fmt::format("lockstress run: --dir '{}' is not a directory\n",
                               dir);
      return 2;
    }
    std::string tmpl = (base / "lockstress-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) {
      std::cerr << fmt::format("lockstress run: cannot create a directory in '{}'\n",
                               base.string());
      return 2;
    }
    dir = tmpl;
    int code = lockstress::cli::RunSelfCheck(dir, std::cout);
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
    return code;
  }
  return 2;
}
