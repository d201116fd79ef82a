#include "engine/decide/decision_store.h"

#include <xxhash.h>

#include <algorithm>

namespace hw::decide {

namespace {

// Enforcement strength: what a gateway applies when several hold.
int Strength(Action a) noexcept {
  switch (a) {
    case Action::kSuspend:
      return 3;
    case Action::kVerify:
      return 2;
    case Action::kThrottle:
      return 1;
    case Action::kMonitor:
      return 0;
  }
  return 0;
}

}  // namespace

DecisionStore::AccountKey DecisionStore::KeyOf(std::string_view account) noexcept {
  const XXH128_hash_t h = XXH3_128bits(account.data(), account.size());
  return AccountKey{h.low64, h.high64};
}

const char* OriginName(Origin o) noexcept { return o == Origin::kManual ? "manual" : "engine"; }

void DecisionStore::Log(uint64_t id, bool added) {
  log_.push_back(Change{++seq_, id, added});
  while (log_.size() > kLogLimit) {
    const Change old = log_.front();
    log_.pop_front();
    // A decision's last log entry is its end: once that is gone, nothing
    // can ask for it any more.
    if (!old.added) {
      auto it = by_id_.find(old.id);
      if (it != by_id_.end() && !it->second.active) by_id_.erase(it);
    }
  }
}

uint64_t DecisionStore::Add(Decision d) {
  d.id = next_id_++;
  d.active = true;
  if (d.origin == Origin::kEngine) offences_[d.account + '\0' + d.profile]++;
  by_account_[KeyOf(d.account)].push_back(Enforced{next_id_ - 1, d.action,
                                                   d.origin == Origin::kManual, d.simulated,
                                                   d.throttle, d.start, d.until});
  const uint64_t id = d.id;
  by_id_.emplace(id, std::move(d));
  ++active_;
  Log(id, true);
  return id;
}

// NOLINTNEXTLINE(performance-unnecessary-value-param): moved into by_id_ below
void DecisionStore::Restore(Decision d) {
  next_id_ = std::max(next_id_, d.id + 1);
  if (d.origin == Origin::kEngine) offences_[d.account + '\0' + d.profile]++;
  if (!d.active) return;
  by_account_[KeyOf(d.account)].push_back(Enforced{d.id, d.action, d.origin == Origin::kManual,
                                                   d.simulated, d.throttle, d.start, d.until});
  const uint64_t id = d.id;
  by_id_.emplace(id, std::move(d));
  ++active_;
  Log(id, true);
}

bool DecisionStore::End(uint64_t id, TimeUs now) {
  auto it = by_id_.find(id);
  if (it == by_id_.end() || !it->second.active) return false;
  Decision& d = it->second;
  d.active = false;
  d.ended = now;
  --active_;
  auto acc = by_account_.find(KeyOf(d.account));
  if (acc != by_account_.end()) {
    auto& list = acc->second;
    list.erase(
        std::remove_if(list.begin(), list.end(), [id](const Enforced& e) { return e.id == id; }),
        list.end());
    if (list.empty()) by_account_.erase(acc);
  }
  Log(id, false);
  return true;
}

void DecisionStore::Expire(TimeUs now) {
  std::vector<uint64_t> over;
  for (const auto& [key, list] : by_account_) {
    for (const Enforced& e : list) {
      if (e.until <= now) over.push_back(e.id);
    }
  }
  // Ids ascend with creation: the log order does not depend on hash order.
  std::sort(over.begin(), over.end());
  for (uint64_t id : over) End(id, by_id_.at(id).until);
}

const Enforced* DecisionStore::Find(std::string_view account, TimeUs now) const noexcept {
  auto it = by_account_.find(KeyOf(account));
  if (it == by_account_.end()) return nullptr;
  const Enforced* best = nullptr;
  for (const Enforced& x : it->second) {
    if (x.simulated || now < x.start || now >= x.until) continue;
    if (!best || Strength(x.action) > Strength(best->action) ||
        (Strength(x.action) == Strength(best->action) && x.manual && !best->manual)) {
      best = &x;
    }
  }
  return best;
}

std::vector<const Decision*> DecisionStore::Active(std::string_view account) const {
  std::vector<const Decision*> out;
  auto it = by_account_.find(KeyOf(account));
  if (it == by_account_.end()) return out;
  for (const Enforced& e : it->second) out.push_back(&by_id_.at(e.id));
  return out;
}

std::vector<const Decision*> DecisionStore::All() const {
  std::vector<const Decision*> out;
  out.reserve(by_id_.size());
  for (const auto& [id, d] : by_id_) out.push_back(&d);
  std::sort(out.begin(), out.end(),
            [](const Decision* a, const Decision* b) { return a->id < b->id; });
  return out;
}

const Decision* DecisionStore::Get(uint64_t id) const noexcept {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : &it->second;
}

uint32_t DecisionStore::Offences(std::string_view account, std::string_view profile) const {
  std::string key(account);
  key += '\0';
  key += profile;
  auto it = offences_.find(key);
  return it == offences_.end() ? 0 : it->second;
}

DecisionStore::Changes DecisionStore::Since(uint64_t cursor, bool startup) const {
  Changes c;
  c.cursor = seq_;
  // A cursor this store never gave (a restart, another server) or one whose
  // changes are no longer all in the log: the caller's cache cannot be
  // patched, so it gets a snapshot.
  const bool unknown = cursor > seq_;
  const bool too_old = !log_.empty() && cursor + 1 < log_.front().seq && cursor != seq_;
  if (startup || unknown || too_old) {
    c.snapshot = true;
    std::vector<uint64_t> ids;
    for (const auto& [key, list] : by_account_) {
      for (const Enforced& e : list) ids.push_back(e.id);
    }
    std::sort(ids.begin(), ids.end());
    for (uint64_t id : ids) c.added.push_back(&by_id_.at(id));
    return c;
  }
  // Entries after `cursor`. A decision both added and ended in that span was
  // never seen by the caller: it is reported neither way.
  auto first = std::lower_bound(log_.begin(), log_.end(), cursor + 1,
                                [](const Change& ch, uint64_t s) { return ch.seq < s; });
  absl::flat_hash_map<uint64_t, bool> seen_added;
  for (auto it = first; it != log_.end(); ++it) {
    if (it->added) seen_added[it->id] = true;
  }
  for (auto it = first; it != log_.end(); ++it) {
    const Decision* d = Get(it->id);
    if (it->added) {
      if (d && d->active) c.added.push_back(d);
    } else if (!seen_added.contains(it->id)) {
      c.deleted.push_back(it->id);
    }
  }
  return c;
}

}  // namespace hw::decide
