#include "engine/common/huge_pages.h"

#include <sys/mman.h>

#include <cstdlib>
#include <new>

namespace hw {

void* AllocateHugePageAligned(size_t bytes, size_t min_align) {
  constexpr size_t kHugePage = size_t{2} << 20;
  const bool huge = bytes >= kHugePage;
  const size_t align = huge ? kHugePage : min_align;
  // aligned_alloc wants a size that is a multiple of the alignment.
  const size_t total = (bytes + align - 1) / align * align;
  void* p = std::aligned_alloc(align, total);
  if (p == nullptr) throw std::bad_alloc();
#ifdef MADV_HUGEPAGE
  if (huge) (void)::madvise(p, total, MADV_HUGEPAGE);
#endif
  return p;
}

}  // namespace hw
