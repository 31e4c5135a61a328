#include <gtest/gtest.h>
TEST(Browser, Placeholder) {}
