#include "engine/fingerprint/account_codec.h"

#include <cstring>
#include <type_traits>

#include "engine/common/bytes.h"

namespace hw::fingerprint {

static_assert(std::is_trivially_copyable_v<AccountState>,
              "AccountState is persisted by its bytes: keep it pointer-free");
// No padding (explicit reserved fields instead): equal states encode to equal
// bytes, whatever the compiler left in padding.
static_assert(std::has_unique_object_representations_v<AccountState>,
              "AccountState has implicit padding: add explicit reserved fields");
// Changing AccountState changes what is persisted: bump kAccountStateLayout
// and then this size.
static_assert(sizeof(AccountState) == 2760, "AccountState changed: bump kAccountStateLayout");

namespace {
constexpr uint32_t kMagic = 0x31534148;  // "HAS1"
}  // namespace

void EncodeAccountState(const AccountState& s, std::string* out) {
  out->clear();
  out->reserve(12 + sizeof(AccountState));
  ByteWriter w(out);
  w.Put(kMagic);
  w.Put(kAccountStateLayout);
  w.Put(static_cast<uint32_t>(sizeof(AccountState)));
  w.PutRaw(&s, sizeof(AccountState));
}

Status DecodeAccountState(std::string_view bytes, AccountState* s) {
  ByteReader r(bytes);
  uint32_t magic = 0, layout = 0, size = 0;
  if (!r.Get(&magic) || !r.Get(&layout) || !r.Get(&size) || magic != kMagic) {
    return {ErrorCode::kParseError, "not an account state record"};
  }
  if (layout != kAccountStateLayout || size != sizeof(AccountState)) {
    return {ErrorCode::kParseError, "account state written by a build with another layout (" +
                                        std::to_string(layout) + "/" + std::to_string(size) +
                                        ", this build " + std::to_string(kAccountStateLayout) +
                                        "/" + std::to_string(sizeof(AccountState)) + ")"};
  }
  if (bytes.size() != 3 * sizeof(uint32_t) + sizeof(AccountState)) {
    return {ErrorCode::kParseError, "account state record of the wrong size"};
  }
  // Bytes, not assignment: padding is carried too, so that a restored state
  // encodes exactly as the one persisted.
  r.GetRaw(s, sizeof(AccountState));
  return Status::Ok();
}

}  // namespace hw::fingerprint
