#include "engine/fingerprint/account_table.h"

#include <algorithm>
#include <vector>

namespace hw::fingerprint {

AccountState& AccountTable::Get(std::string_view user_id) { return states_[Intern(user_id)]; }

uint32_t AccountTable::Intern(std::string_view user_id) {
  auto it = index_.find(absl::string_view(user_id.data(), user_id.size()));
  if (it != index_.end()) return it->second;
  const auto idx = static_cast<uint32_t>(ids_.size());
  index_.emplace(std::string(user_id), idx);
  ids_.emplace_back(user_id);
  states_.emplace_back();
  return idx;
}

void AccountTable::Merge(const AccountTable& other) {
  for (size_t i = 0; i < other.size(); ++i) Get(other.id(i)).Merge(other.state(i));
}

void AccountTable::SortById() {
  std::vector<uint32_t> order(ids_.size());
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return ids_[a] < ids_[b]; });
  std::deque<std::string> ids;
  std::deque<AccountState> states;
  for (uint32_t i : order) {
    ids.push_back(std::move(ids_[i]));
    states.push_back(std::move(states_[i]));
  }
  ids_ = std::move(ids);
  states_ = std::move(states);
  index_.clear();
  for (uint32_t i = 0; i < ids_.size(); ++i) index_.emplace(ids_[i], i);
}

int64_t AccountTable::Find(std::string_view user_id) const {
  auto it = index_.find(absl::string_view(user_id.data(), user_id.size()));
  return it == index_.end() ? -1 : static_cast<int64_t>(it->second);
}

}  // namespace hw::fingerprint
