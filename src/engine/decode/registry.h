// The accounts registry (docs/FORMAT.md, "Accounts registry"): what the
// provider knows about each account at sign-up. Read once, at load time.
#pragma once

#include <absl/container/flat_hash_map.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/common/result.h"
#include "engine/common/time.h"

namespace hw::decode {

enum class Verification : uint8_t { kUnknown, kNone, kEmail, kPhone, kCard, kId, kEnterprise };
enum class Tier : uint8_t {
  kUnknown,
  kFree,
  kBuild,
  kScale,
  kEnterprise,
  kEducation,
  kResearch,
  kStartup
};

const char* VerificationName(Verification v) noexcept;
const char* TierName(Tier t) noexcept;

struct AccountInfo {
  TimeUs created = INT64_MIN;  // INT64_MIN: unknown
  std::string organization;    // empty: none
  std::string payment;         // payment.fingerprint; empty: none
  std::string email_domain;    // lower-cased
  Verification verification = Verification::kUnknown;
  Tier tier = Tier::kUnknown;
  std::string country;
};

struct RegistryError {
  int64_t line;
  std::string message;
};

class Registry {
 public:
  // Reads a JSON Lines registry (plain, .gz or .zst). Lines with errors are
  // skipped and listed in errors(); an unreadable file is an error.
  static Result<Registry> Load(const std::string& path);
  // From text, for tests; `name` is used in messages.
  static Registry Parse(std::string_view text, const std::string& name);

  const AccountInfo* Find(std::string_view user_id) const;
  size_t size() const { return infos_.size(); }
  const std::vector<RegistryError>& errors() const { return errors_; }

 private:
  absl::flat_hash_map<std::string, AccountInfo> infos_;
  std::vector<RegistryError> errors_;
};

}  // namespace hw::decode
