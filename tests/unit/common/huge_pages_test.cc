#include "engine/common/huge_pages.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>

namespace hw {
namespace {

uintptr_t Address(const void* p) { return reinterpret_cast<uintptr_t>(p); }

TEST(HugePages, ABlockOfTwoMebibytesAndMoreStartsOnAHugePage) {
  constexpr size_t kHuge = size_t{2} << 20;
  for (const size_t bytes : {kHuge, kHuge + 1, 3 * kHuge + 12345}) {
    void* p = AllocateHugePageAligned(bytes, 64);
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(Address(p) % kHuge, 0u) << bytes;
    std::memset(p, 0xab, bytes);  // every byte asked for is usable (ASan checks)
    std::free(p);
  }
}

TEST(HugePages, ASmallerBlockHasTheAlignmentAskedFor) {
  for (const size_t align : {size_t{16}, size_t{64}, size_t{4096}}) {
    for (const size_t bytes : {size_t{1}, size_t{100}, size_t{65536} + 3}) {
      void* p = AllocateHugePageAligned(bytes, align);
      ASSERT_NE(p, nullptr);
      EXPECT_EQ(Address(p) % align, 0u) << bytes << " " << align;
      std::memset(p, 0xcd, bytes);
      std::free(p);
    }
  }
}

}  // namespace
}  // namespace hw
