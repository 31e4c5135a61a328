// Private to the conformance checks: early-return helpers for functions
// that return ::testing::AssertionResult. Each failure names the file, the
// line and the expression.
#ifndef LOCKSTRESS_IMPLS_TESTING_CONFORMANCE_MACROS_H_
#define LOCKSTRESS_IMPLS_TESTING_CONFORMANCE_MACROS_H_

#include <gtest/gtest.h>

#include "impls/testing/conformance_util.h"

// Fails (returns) unless cond; more context may be streamed after it.
#define CONF_EXPECT(cond)              \
  if (!(cond))                         \
  return ::testing::AssertionFailure() \
         << __FILE__ << ":" << __LINE__ << ": expected " #cond ": "

// Fails unless the Status expression has the given ErrorKind.
#define CONF_EXPECT_KIND(expr, want)                               \
  do {                                                             \
    ::lockstress::Status conf_s_ = (expr);                         \
    if (conf_s_.kind() != (want)) {                                \
      return ::testing::AssertionFailure()                         \
             << __FILE__ << ":" << __LINE__ << ": " #expr " gave " \
             << conf_s_.ToString() << ", expected "                \
             << ::lockstress::KindName(want);                      \
    }                                                              \
  } while (0)

#define CONF_EXPECT_OK(expr) \
  CONF_EXPECT_KIND(expr, ::lockstress::ErrorKind::kOk)

// Declares std::unique_ptr<Lock> var for (impl, path), or fails.
#define CONF_NEW_LOCK(var, impl, path)                                  \
  std::unique_ptr<::lockstress::Lock> var;                              \
  {                                                                     \
    auto conf_or_ = ::lockstress::testing::NewLock(impl, path);         \
    if (!conf_or_.ok()) {                                               \
      return ::testing::AssertionFailure()                              \
             << "cannot make a lock: " << conf_or_.status().ToString(); \
    }                                                                   \
    var = std::move(conf_or_).value();                                  \
  }

// Declares ChildHolder var holding (impl, path, mode) in a child, or fails.
#define CONF_CHILD_HOLDER(var, impl, path, mode)                  \
  std::string var##_error;                                        \
  std::optional<::lockstress::testing::ChildHolder> var =         \
      ::lockstress::testing::ChildHolder::Start(impl, path, mode, \
                                                &var##_error);    \
  if (!var) return ::testing::AssertionFailure() << var##_error

// Fails unless a probe from another process answers `want` (a kind name).
#define CONF_EXPECT_PROBE(impl, path, mode, want)                          \
  do {                                                                     \
    std::string conf_p_ =                                                  \
        ::lockstress::testing::ProbeFromChild(impl, path, mode);           \
    if (conf_p_ != (want)) {                                               \
      return ::testing::AssertionFailure()                                 \
             << __FILE__ << ":" << __LINE__ << ": another process trying " \
             << mode << " got " << conf_p_ << ", expected " << (want);     \
    }                                                                      \
  } while (0)

#endif  // LOCKSTRESS_IMPLS_TESTING_CONFORMANCE_MACROS_H_
