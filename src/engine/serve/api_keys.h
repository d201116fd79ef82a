// API keys to accounts, for gateways whose requests carry the customer's API
// key rather than an account id. Keys are stored only as SHA-256: the file
// is JSON Lines {"key.sha256": "<64 hex>", "user.id": "<account>"}, and a
// check hashes the presented key and looks the digest up.
#pragma once

#include <absl/container/flat_hash_map.h>

#include <string>
#include <string_view>

#include "engine/common/result.h"
#include "engine/common/sha256.h"

namespace hw::serve {

class ApiKeyTable {
 public:
  // Errors name `source_name`:line and why; blank lines are skipped.
  static Result<ApiKeyTable> Parse(std::string_view text, const std::string& source_name);
  static Result<ApiKeyTable> Load(const std::string& path);

  // The account of `key` (a raw key as presented), or "" when unknown.
  // The view lives as long as the table.
  std::string_view Find(std::string_view key) const noexcept;
  size_t size() const noexcept { return by_hash_.size(); }

 private:
  absl::flat_hash_map<Sha256, std::string, Sha256Hash> by_hash_;
};

}  // namespace hw::serve
