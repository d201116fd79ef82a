// Memory for large buffers and tables that are touched at random.
#pragma once

#include <cstddef>

namespace hw {

// Returns at least `bytes` bytes, to be released with std::free. A block of
// 2 MiB and more starts on a huge page and its huge pages are advised as such
// (MADV_HUGEPAGE): touching one at random then costs no TLB miss per 4 KiB
// page. A smaller block is aligned to `min_align` (a power of two, at least
// alignof(max_align_t)).
// Throws std::bad_alloc: callers allocate when they load or grow, never per
// event.
void* AllocateHugePageAligned(size_t bytes, size_t min_align);

}  // namespace hw
