// The main of every test binary: runs a child role when asked to
// (child_process.h), the tests otherwise.
#include <gtest/gtest.h>

#include "impls/testing/child_process.h"

int main(int argc, char** argv) {
  if (auto code = lockstress::testing::MaybeRunChildRole(argc, argv)) {
    return *code;
  }
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
