// Binary form of an AccountState for the embedded state store (serve's
// crash-safe state). The state is fixed-size and pointer-free, so the form
// is its bytes, as runs of zeros and literals (about half of a state's bytes
// are zeros, in long runs), behind a header naming the layout; records of
// its bytes as they are (written before zero runs) are read too. A record
// written by a build with another layout is refused with a clear error
// instead of being misread (restore such state by replaying events,
// docs/SERVE.md). Equal states encode to equal bytes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "engine/common/result.h"
#include "engine/fingerprint/account_state.h"

namespace hw::fingerprint {

// Bumped whenever AccountState's layout changes (a static_assert on its size
// in account_codec.cc is the reminder).
inline constexpr uint32_t kAccountStateLayout = 1;

void EncodeAccountState(const AccountState& s, std::string* out);
// kParseError when `bytes` is not a whole record of this layout; `*s` is
// then left as it was.
Status DecodeAccountState(std::string_view bytes, AccountState* s);

}  // namespace hw::fingerprint
