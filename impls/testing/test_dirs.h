// TempDir: a fresh directory for one test, removed with everything in it.
// Thread safety: none; one owner.
#ifndef LOCKSTRESS_IMPLS_TESTING_TEST_DIRS_H_
#define LOCKSTRESS_IMPLS_TESTING_TEST_DIRS_H_

#include <string>
#include <vector>

namespace lockstress::testing {

class TempDir {
 public:
  // Under $LOCKSTRESS_TEST_DIR, else $TMPDIR, else /tmp.
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // path() + "/" + name
  std::string File(const std::string& name) const;

 private:
  std::string path_;
};

// The names in a directory, sorted, without "." and "..".
std::vector<std::string> ListDir(const std::string& dir);

}  // namespace lockstress::testing

#endif  // LOCKSTRESS_IMPLS_TESTING_TEST_DIRS_H_
