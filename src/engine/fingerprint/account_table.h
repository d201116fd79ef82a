// All account states of one shard, keyed by `user.id`.
#pragma once

#include <absl/container/flat_hash_map.h>

#include <deque>
#include <string>
#include <string_view>

#include "engine/fingerprint/account_state.h"

namespace hw::fingerprint {

class AccountTable {
 public:
  // The state of `user_id`, created empty on first sight. Allocates only then.
  AccountState& Get(std::string_view user_id);
  // Starts loading the memory that Get(user_id) reads first (the index
  // entry), so that a caller may overlap the cache miss with other work.
  void Prefetch(std::string_view user_id) const {
    index_.prefetch(absl::string_view(user_id.data(), user_id.size()));
  }
  // The index of `user_id`, created empty on first sight.
  uint32_t Intern(std::string_view user_id);
  // Folds another shard's states into this one (AccountState::Merge per id).
  void Merge(const AccountTable& other);
  // Reorders accounts by user.id, so that account indices (which the linker
  // and the writers order by) do not depend on how input was sharded.
  // Invalidates references returned by Get.
  void SortById();

  size_t size() const noexcept { return ids_.size(); }
  const std::string& id(size_t i) const { return ids_[i]; }
  const AccountState& state(size_t i) const { return states_[i]; }
  AccountState& state(size_t i) { return states_[i]; }
  // Index of `user_id`, or -1.
  int64_t Find(std::string_view user_id) const;

 private:
  absl::flat_hash_map<std::string, uint32_t> index_;
  // deque: states never move once created, so references stay valid.
  std::deque<std::string> ids_;
  std::deque<AccountState> states_;
};

}  // namespace hw::fingerprint
