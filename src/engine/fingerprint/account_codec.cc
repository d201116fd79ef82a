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

constexpr uint32_t kMagicRaw = 0x31534148;       // "HAS1": the bytes as they are
constexpr uint32_t kMagicZeroRuns = 0x32534148;  // "HAS2": the words as zero runs and literals
constexpr size_t kHeaderBytes = 3 * sizeof(uint32_t);
constexpr size_t kWords = sizeof(AccountState) / sizeof(uint64_t);
static_assert(sizeof(AccountState) % sizeof(uint64_t) == 0);

}  // namespace

void EncodeAccountState(const AccountState& s, std::string* out) {
  uint64_t words[kWords];
  std::memcpy(words, &s, sizeof words);
  out->clear();
  ByteWriter w(out);
  w.Put(kMagicZeroRuns);
  w.Put(kAccountStateLayout);
  w.Put(static_cast<uint32_t>(sizeof(AccountState)));
  // (zero words u16, literal words u16, the literal) until the state is
  // covered: about half the bytes of a state are zeros (counters of unused
  // categories, days and models), mostly whole words in long runs, and every
  // account a checkpoint writes goes through RocksDB's log, memtable and
  // compactions. Words, not bytes: the scan is a few hundred compares.
  size_t i = 0;
  while (i < kWords) {
    size_t z = i;
    while (z < kWords && words[z] == 0) ++z;
    size_t l = z;
    while (l < kWords && words[l] != 0) ++l;
    w.Put(static_cast<uint16_t>(z - i));
    w.Put(static_cast<uint16_t>(l - z));
    w.PutRaw(words + z, (l - z) * sizeof(uint64_t));
    i = l;
  }
}

Status DecodeAccountState(std::string_view bytes, AccountState* s) {
  ByteReader r(bytes);
  uint32_t magic = 0, layout = 0, size = 0;
  if (!r.Get(&magic) || !r.Get(&layout) || !r.Get(&size) ||
      (magic != kMagicRaw && magic != kMagicZeroRuns)) {
    return {ErrorCode::kParseError, "not an account state record"};
  }
  if (layout != kAccountStateLayout || size != sizeof(AccountState)) {
    return {ErrorCode::kParseError, "account state written by a build with another layout (" +
                                        std::to_string(layout) + "/" + std::to_string(size) +
                                        ", this build " + std::to_string(kAccountStateLayout) +
                                        "/" + std::to_string(sizeof(AccountState)) + ")"};
  }
  if (magic == kMagicRaw) {
    // Written by builds before zero runs: still read.
    if (bytes.size() != kHeaderBytes + sizeof(AccountState)) {
      return {ErrorCode::kParseError, "account state record of the wrong size"};
    }
    // Bytes, not assignment: padding is carried too, so that a restored state
    // encodes exactly as the one persisted.
    r.GetRaw(s, sizeof(AccountState));
    return Status::Ok();
  }
  // Into a copy: a damaged record leaves *s as it was.
  uint64_t words[kWords];
  size_t i = 0;
  while (i < kWords) {
    uint16_t zeros = 0, literal = 0;
    if (!r.Get(&zeros) || !r.Get(&literal)) {
      return {ErrorCode::kParseError, "account state record cut short at word " +
                                          std::to_string(i) + " of " + std::to_string(kWords)};
    }
    if (zeros + literal == 0 || zeros + literal > kWords - i) {
      return {ErrorCode::kParseError, "account state record: a run of " +
                                          std::to_string(zeros + literal) + " words at word " +
                                          std::to_string(i) + " of " + std::to_string(kWords)};
    }
    std::memset(words + i, 0, zeros * sizeof(uint64_t));
    i += zeros;
    if (!r.GetRaw(words + i, literal * sizeof(uint64_t))) {
      return {ErrorCode::kParseError, "account state record cut short at word " +
                                          std::to_string(i) + " of " + std::to_string(kWords)};
    }
    i += literal;
  }
  if (!r.done()) return {ErrorCode::kParseError, "account state record: bytes after the state"};
  std::memcpy(static_cast<void*>(s), words, sizeof words);
  return Status::Ok();
}

}  // namespace hw::fingerprint
