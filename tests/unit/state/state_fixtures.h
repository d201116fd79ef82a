// Helpers shared by the state tests: scratch folders, online engines
// persisting through a StateStore, and what two engines or decision stores
// are compared by (account states byte for byte, decisions in force).
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <tuple>

#include "../engine_fixtures.h"
#include "engine/common/time.h"
#include "engine/decide/decision_store.h"
#include "engine/fingerprint/account_codec.h"
#include "engine/pipeline/online.h"
#include "engine/state/state_store.h"

namespace hw::state {

// TMP/hw_state_NAME, removed if it was there.
inline std::string TempDir(const char* name) {
  const std::string d = ::testing::TempDir() + "/hw_state_" + name;
  std::filesystem::remove_all(d);
  return d;
}

// An engine with the built-in spec and enforcement deciding into `store`
// and, when given, persisting through `st` (its changes tracked, as serve's).
inline std::unique_ptr<pipeline::OnlineEngine> MakeEngine(decide::DecisionStore* store,
                                                          StateStore* st) {
  pipeline::OnlineOptions o;
  o.track_changes = st != nullptr;
  return std::make_unique<pipeline::OnlineEngine>(
      hw::testing::Spec(), hw::testing::Enforcement(), nullptr, o,
      [store, st](const std::function<void(decide::DecisionStore&)>& fn) {
        fn(*store);
        if (st != nullptr) {
          ASSERT_TRUE(st->PersistDecisions(*store).ok());
        }
      });
}

// user.id -> the account's state as persisted (fingerprint/account_codec).
inline std::map<std::string, std::string> EncodedStates(const pipeline::OnlineEngine& e) {
  std::map<std::string, std::string> out;
  for (size_t i = 0; i < e.table().size(); ++i) {
    fingerprint::EncodeAccountState(e.table().state(i), &out[e.table().id(i)]);
  }
  return out;
}

// The decisions in force, with what escalation counts. (Ended decisions are
// persisted for escalation but not listed again after a restart.)
using DecisionKey = std::tuple<std::string, int, std::string, TimeUs, TimeUs, uint32_t, uint32_t>;
inline std::multiset<DecisionKey> ActiveDecisions(const decide::DecisionStore& s) {
  std::multiset<DecisionKey> out;
  for (const decide::Decision* d : s.All()) {
    if (!d->active) continue;
    out.emplace(d->account, static_cast<int>(d->action), d->profile, d->start, d->until, d->repeat,
                s.Offences(d->account, d->profile));
  }
  return out;
}

}  // namespace hw::state
